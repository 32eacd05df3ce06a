//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import OpenSSLSupport

/// An error thrown by MynaVerify when its input cannot be used at all.
///
/// Verification *verdicts* are not errors: a certificate that is expired, revoked or chains to an unknown root is
/// reported through ``VerificationResult/failures``. `MynaVerifyError` is thrown when the bytes handed in cannot be
/// parsed (truncated DER, garbage PEM, an empty file), when a key is of a kind this library does not verify with, or
/// when OpenSSL itself fails.
///
/// Two errors compare equal when their ``code`` is equal; the reason, the OpenSSL error text and the source location
/// are diagnostics only.
public struct MynaVerifyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. Stable: scripts and the CLI's JSON output use ``Code/rawValue``.
    public let code: Code
    /// A sentence saying what went wrong with which input.
    public let reason: String
    /// OpenSSL's error queue at the time of the failure, oldest first, as `ERR_error_string_n` formats each entry.
    public let openSSLErrors: [String]
    /// Where the error was thrown, for bug reports.
    public let file: String
    /// Where the error was thrown, for bug reports.
    public let line: UInt

    /// A kind of ``MynaVerifyError``; an extensible set of values rather than an enum, so new kinds can be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input was empty.
        public static let emptyInput = Code(rawValue: "empty-input")
        /// DER that does not decode: truncated, wrong lengths, trailing bytes, undecodable extensions.
        public static let malformedDER = Code(rawValue: "malformed-der")
        /// Text that is not PEM, a PEM block with invalid base64, or no block of the expected kind.
        public static let malformedPEM = Code(rawValue: "malformed-pem")
        /// A public key that is not RSA, or a key that cannot be decoded.
        public static let unsupportedKey = Code(rawValue: "unsupported-key")
        /// A digest whose length does not match its hash algorithm.
        public static let invalidDigestLength = Code(rawValue: "invalid-digest-length")
        /// The certificate carries no JPKI identity (authentication certificates never do).
        public static let identityNotPresent = Code(rawValue: "identity-not-present")
        /// A file or directory could not be read.
        public static let unreadableFile = Code(rawValue: "unreadable-file")
        /// A trust store was asked to hold no anchors.
        public static let noTrustAnchors = Code(rawValue: "no-trust-anchors")
        /// The random generator failed.
        public static let randomGeneratorFailure = Code(rawValue: "random-generator-failure")
        /// OpenSSL failed in a way that is not about the input (allocation, internal error).
        public static let openSSLFailure = Code(rawValue: "openssl-failure")
    }

    /// Creates an error; most code uses the static factories instead.
    public init(
        code: Code,
        reason: String,
        openSSLErrors: [String] = [],
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.reason = reason
        self.openSSLErrors = openSSLErrors
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "MynaVerifyError.\(code): \(reason)"
        if !openSSLErrors.isEmpty {
            text += " [OpenSSL: \(openSSLErrors.joined(separator: "; "))]"
        }
        return text
    }

    public static func == (lhs: MynaVerifyError, rhs: MynaVerifyError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension MynaVerifyError {
    /// An error of `code` carrying the drained OpenSSL error queue.
    @inline(never)
    static func openSSL(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) -> MynaVerifyError {
        MynaVerifyError(code: code, reason: reason, openSSLErrors: OpenSSLErrorQueue.drain(), file: file, line: line)
    }

    @inline(never)
    static func malformedDER(_ reason: String, file: String = #fileID, line: UInt = #line) -> MynaVerifyError {
        .openSSL(.malformedDER, reason, file: file, line: line)
    }

    @inline(never)
    static func malformedPEM(_ reason: String, file: String = #fileID, line: UInt = #line) -> MynaVerifyError {
        MynaVerifyError(code: .malformedPEM, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func emptyInput(_ what: String, file: String = #fileID, line: UInt = #line) -> MynaVerifyError {
        MynaVerifyError(code: .emptyInput, reason: "\(what): no bytes", file: file, line: line)
    }
}

extension DERDecodingError {
    /// The ``MynaVerifyError/Code/malformedDER`` error for `what` ("certificate", "CRL") that did not decode from
    /// `byteCount` bytes, carrying OpenSSL's error queue.
    @inline(never)
    func verifyError(_ what: String, byteCount: Int, file: String = #fileID, line: UInt = #line) -> MynaVerifyError {
        switch self {
        case .trailingBytes(let count):
            return .malformedDER("\(what): \(count) bytes after the DER \(what)", file: file, line: line)
        case .undecodable:
            return .malformedDER("\(what): DER does not decode (\(byteCount) bytes)", file: file, line: line)
        }
    }
}
