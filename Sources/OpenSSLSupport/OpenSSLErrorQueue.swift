//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// The calling thread's OpenSSL error queue (`ERR_get_error(3)`).
///
/// OpenSSL reports a failure by pushing entries on a per-thread queue, and one failed call can push several (the
/// ASN.1 decoder's reason, then the caller's). Every module reads the queue through ``drain()``, so an OpenSSL failure
/// reads the same wherever it surfaces, and the queue is empty again afterwards: a stale entry left behind by one call
/// must not be blamed on the next.
package enum OpenSSLErrorQueue {
    /// Empties the queue and returns its entries, oldest first.
    ///
    /// Each entry is formatted by `ERR_error_string_n` (`error:0680007B:asn1 encoding routines::header too long`),
    /// followed by the additional text OpenSSL attached to it, if any, in parentheses.
    package static func drain() -> [String] {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            var file: UnsafePointer<CChar>?
            var line: Int32 = 0
            var function: UnsafePointer<CChar>?
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(&file, &line, &function, &data, &flags)
            if code == 0 { break }
            var text = buffer.withUnsafeMutableBufferPointer { raw -> String in
                ERR_error_string_n(code, raw.baseAddress, raw.count)
                return String(cString: raw.baseAddress!)
            }
            if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            messages.append(text)
        }
        return messages
    }
}
