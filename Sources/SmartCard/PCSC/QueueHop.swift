//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch

// How the PC/SC types run blocking pcsc-lite calls on their own serial queues, off Swift's cooperative thread pool,
// while their async callers suspend.

extension DispatchQueue {
    /// Runs `body` on this queue and suspends the caller, without blocking a thread, until it returns.
    func runSuspending<T>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let box: UncheckedTransfer<T> = try await withCheckedThrowingContinuation { continuation in
            self.async { continuation.resume(with: Result { UncheckedTransfer(try body()) }) }
        }
        return box.value
    }
}

/// Moves a value across a queue hop whose caller is suspended until the hop returns, so the value is never used by
/// two threads at once.
struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Holds a non-escaping closure while a queue runs it; `take()` empties the box so no reference outlives the call.
final class ClosureBox<Argument, Result>: @unchecked Sendable {
    private var closure: ((Argument) throws -> Result)?
    init(_ closure: @escaping (Argument) throws -> Result) { self.closure = closure }
    func take() -> (Argument) throws -> Result {
        defer { closure = nil }
        return closure!
    }
}
