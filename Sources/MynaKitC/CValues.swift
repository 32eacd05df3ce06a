//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaCard

#if canImport(Glibc)
import Glibc
#endif

// The one file that reads C arguments and writes C results. Every pointer a caller passes is read here, checked for
// NULL and for a usable length first, and copied into Swift values; every buffer handed back is malloc'ed here, for
// mynakit_free, and every string the library keeps for C is an `OwnedCString`. Nothing keeps a caller's pointer
// after the call.

/// C arguments read into Swift values; a NULL pointer or an unusable length is a usage error naming the argument.
enum CInput {
    /// The largest input copied: far above any certificate, signature or message a kiosk signs, and small enough that
    /// a garbage length fails here rather than in an allocation.
    static let maximumLength = 1 << 30

    /// `count` bytes at `pointer`, copied.
    static func bytes(
        _ pointer: UnsafePointer<UInt8>?, count: Int, name: String, in function: StaticString
    ) throws -> [UInt8] {
        guard let pointer else { throw ABIFailure.usage(function, "\(name) is NULL") }
        guard count != 0 else { throw ABIFailure.usage(function, "\(name) is empty (length 0)") }
        // size_t arrives as Int: a length of 2^63 or more is negative here.
        guard count > 0, count <= maximumLength else {
            let length = UInt(bitPattern: count)
            throw ABIFailure.usage(
                function, "\(name) has length \(length), over \(maximumLength) bytes (a wrong length?)")
        }
        return [UInt8](UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The text at `pointer`, which must not be empty.
    static func string(_ pointer: UnsafePointer<CChar>?, name: String, in function: StaticString) throws -> String {
        guard let pointer else { throw ABIFailure.usage(function, "\(name) is NULL") }
        let text = String(cString: pointer)
        guard !text.isEmpty else { throw ABIFailure.usage(function, "\(name) is empty") }
        return text
    }

    /// A NULL-terminated list of paths; `nil` is an empty list when `required` is false.
    static func paths(
        _ list: UnsafePointer<UnsafePointer<CChar>?>?, name: String, required: Bool, in function: StaticString
    ) throws -> [String] {
        guard let list else {
            if required { throw ABIFailure.usage(function, "\(name) is NULL") }
            return []
        }
        var paths: [String] = []
        while let entry = list[paths.count] {
            guard paths.count < 4096 else {
                throw ABIFailure.usage(function, "\(name) has more than 4096 entries (is it NULL-terminated?)")
            }
            paths.append(try string(entry, name: "\(name)[\(paths.count)]", in: function))
        }
        if required && paths.isEmpty { throw ABIFailure.usage(function, "\(name) lists no file") }
        return paths
    }

    /// The PIN at `pointer`, copied straight into a ``PIN`` (which checks its format and wipes the copy); the
    /// caller's buffer is never turned into a Swift string, which could not be wiped.
    static func pin(_ pointer: UnsafePointer<CChar>?, kind: PINKind, name: String, in function: StaticString) throws
        -> PIN
    {
        guard let pointer else { throw ABIFailure.usage(function, "\(name) is NULL") }
        // No valid PIN is longer than 16 characters; reading at most 65 bytes bounds the copy.
        let length = strnlen(pointer, 65)
        var bytes = [UInt8](UnsafeRawBufferPointer(start: pointer, count: length))
        return try PIN(kind: kind, consuming: &bytes)
    }
}

/// A C string the library owns and hands out (error texts, reader names, the version): made by `strdup`, never
/// written, freed when its owner lets go of it.
final class OwnedCString: @unchecked Sendable {
    // @unchecked: the memory is written once, by init, and only read until deinit frees it.
    let pointer: UnsafePointer<CChar>?

    init(_ text: String) {
        pointer = UnsafePointer(strdup(text))
    }

    deinit { free(UnsafeMutablePointer(mutating: pointer)) }
}

/// Results handed to C in malloc'ed buffers.
enum COutput {
    /// Clears an output pair so that a caller who frees it after a failure frees NULL.
    static func clear(
        _ buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ length: UnsafeMutablePointer<Int>?
    ) {
        buffer?.pointee = nil
        length?.pointee = 0
    }

    /// Checks that an output pair can be written.
    static func require(
        _ buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ length: UnsafeMutablePointer<Int>?,
        names: (String, String), in function: StaticString
    ) throws {
        guard buffer != nil else { throw ABIFailure.usage(function, "\(names.0) is NULL") }
        guard length != nil else { throw ABIFailure.usage(function, "\(names.1) is NULL") }
    }

    /// Copies `bytes` into a new malloc'ed buffer and stores it and its length.
    static func give(
        _ bytes: [UInt8], to buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
        length: UnsafeMutablePointer<Int>?, what: String
    ) throws {
        guard let memory = malloc(max(bytes.count, 1))?.bindMemory(to: UInt8.self, capacity: bytes.count) else {
            throw ABIFailure.outOfMemory(what)
        }
        bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            memory.update(from: base, count: source.count)
        }
        buffer?.pointee = memory
        length?.pointee = bytes.count
    }

    /// A NULL-terminated array of malloc'ed C strings.
    static func stringArray(_ strings: [String], what: String) throws
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    {
        let slots = strings.count + 1
        guard
            let array = malloc(slots * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
                .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: slots)
        else { throw ABIFailure.outOfMemory(what) }
        array.initialize(repeating: nil, count: slots)
        for (index, string) in strings.enumerated() {
            guard let copy = strdup(string) else {
                for filled in 0..<index { free(array[filled]) }
                free(array)
                throw ABIFailure.outOfMemory(what)
            }
            array[index] = copy
        }
        return array
    }
}
