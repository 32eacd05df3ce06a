//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit

/// A failure as a C caller sees it: a result code from the CLI's exit-code vocabulary, a stable name, a sentence,
/// and for PIN failures the tries left.
struct ABIFailure: Error {
    var code: Int32
    var name: String
    var message: String
    var triesLeft: Int32 = -1

    /// A bad argument (`MYNAKIT_E_USAGE`), named after the function it was passed to.
    static func usage(_ function: StaticString, _ message: String) -> ABIFailure {
        ABIFailure(code: Int32(MYNAKIT_E_USAGE), name: "usage", message: "\(function): \(message)")
    }

    /// No memory for a buffer the caller was to get (`MYNAKIT_E_IO`).
    static func outOfMemory(_ what: String) -> ABIFailure {
        ABIFailure(code: Int32(MYNAKIT_E_IO), name: "out-of-memory", message: "no memory to return \(what)")
    }
}

/// An error handed to C: its strings are C strings that live until `mynakit_error_free`.
final class ErrorObject: Sendable {
    let code: Int32
    let triesLeft: Int32
    let name: OwnedCString
    let message: OwnedCString

    init(_ failure: ABIFailure) {
        code = failure.code
        triesLeft = failure.triesLeft
        name = OwnedCString(failure.name)
        message = OwnedCString(failure.message)
    }
}

/// Every `mynakit_error` not yet freed.
let errorObjects = HandleTable<ErrorObject>()

/// The string returned for a NULL or unknown error: empty, and alive as long as the process.
private let emptyCString = OwnedCString("")

/// Runs an export's body and reports its outcome the way every `int` function of the header does: 0 on success;
/// otherwise the failure's code, with `*err` set to a new error when `err` is not NULL (and to NULL on success).
func reportingErrors(_ err: UnsafeMutablePointer<OpaquePointer?>?, _ body: () throws -> Void) -> Int32 {
    err?.pointee = nil
    do {
        try body()
        return Int32(MYNAKIT_OK)
    } catch {
        let failure = ABIFailure(error)
        err?.pointee = errorObjects.insert(ErrorObject(failure))
        return failure.code
    }
}

/// `reportingErrors` for the functions that return a pointer: `nil` on failure.
func reportingErrors<T>(_ err: UnsafeMutablePointer<OpaquePointer?>?, _ body: () throws -> T) -> T? {
    var result: T?
    _ = reportingErrors(err) { result = try body() } as Int32
    return result
}

@c @implementation
public func mynakit_error_code(_ error: OpaquePointer?) -> Int32 {
    errorObjects.lookUp(error)?.code ?? Int32(MYNAKIT_OK)
}

@c @implementation
public func mynakit_error_message(_ error: OpaquePointer?) -> UnsafePointer<CChar>? {
    (errorObjects.lookUp(error)?.message ?? emptyCString).pointer
}

@c @implementation
public func mynakit_error_name(_ error: OpaquePointer?) -> UnsafePointer<CChar>? {
    (errorObjects.lookUp(error)?.name ?? emptyCString).pointer
}

@c @implementation
public func mynakit_error_tries_left(_ error: OpaquePointer?) -> Int32 {
    errorObjects.lookUp(error)?.triesLeft ?? -1
}

@c @implementation
public func mynakit_error_free(_ error: OpaquePointer?) {
    _ = errorObjects.remove(error)
}
