//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify

/// The terminals' API keys: `mk_` and 43 base64url characters (32 bytes from OpenSSL's CSPRNG), sent as
/// `Authorization: Bearer KEY`.
///
/// The store keeps only each key's SHA-256. A key has 256 bits of entropy, so an unsalted hash cannot be reversed by
/// guessing, and looking a key up by its hash compares no secret byte by byte in the service's code.
public enum APIKey {
    /// The prefix of every key, so a leaked key is recognisable in logs and secret scanners.
    public static let prefix = "mk_"

    /// A new random key.
    ///
    /// - Throws: ``MynaVerifyError`` when OpenSSL's generator fails; never returns a predictable key.
    public static func generate() throws -> String {
        let bytes = try ChallengeResponse.makeChallenge(byteCount: 32)
        let base64url = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64url
    }

    /// The hash the store keeps for `key`: SHA-256 of its UTF-8 bytes, lower-case hex.
    public static func hash(_ key: String) throws -> String {
        let digest = try HashAlgorithm.sha256.digest(Array(key.utf8))
        return hexText(digest, uppercase: false)
    }

    /// The key in an `Authorization` header value (`Bearer KEY`, the scheme case-insensitive), or `nil`.
    public static func bearerToken(in header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        // A key is short and printable; anything else is not a key and is not even hashed.
        guard token.hasPrefix(prefix), token.utf8.count <= 128,
            token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return token
    }
}

/// `bytes` as hexadecimal text (String(format:) per byte costs more than the verification it would label).
func hexText(_ bytes: [UInt8], uppercase: Bool) -> String {
    let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
