//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import Synchronization

/// Shell completion for `--reader` (`-r`): the names of the readers pcscd knows.
///
/// A completion runs while someone presses TAB, so it never throws, never prints and never makes the shell wait: with
/// pcscd down, denying access or not answering within ``timeout``, there are no candidates.
enum ReaderCompletion {
    /// How long a TAB may wait for pcscd.
    static let timeout: Duration = .seconds(2)

    /// The candidates for the word being completed: every reader name (the shell filters them by what was typed, and
    /// quotes names with spaces).
    @Sendable static func candidates(_ words: [String], _ index: Int, _ prefix: String) async -> [String] {
        await readerNames(within: timeout)
    }

    /// The reader names, or none when pcscd does not answer within `limit`. The PC/SC call runs off the caller; if it
    /// hangs, the answer is given without it and the process exits after printing the candidates.
    static func readerNames(within limit: Duration) async -> [String] {
        await withCheckedContinuation { continuation in
            let reply = Reply(continuation)
            Task { reply.resume(with: (try? await PCSCContext().readers()) ?? []) }
            Task {
                try? await Task.sleep(for: limit)
                reply.resume(with: [])
            }
        }
    }

    /// A continuation resumed by whichever answer comes first; later answers are dropped.
    private final class Reply: Sendable {
        private let continuation: Mutex<CheckedContinuation<[String], Never>?>

        init(_ continuation: CheckedContinuation<[String], Never>) {
            self.continuation = Mutex(continuation)
        }

        func resume(with names: [String]) {
            continuation.withLock { $0.take() }?.resume(returning: names)
        }
    }
}
