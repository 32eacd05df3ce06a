//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// The CA keys that may anchor card data: by default the built-in table (``CardCAKeys/builtIn``), plus keys the caller
/// trusts (the simulator's `card-ca.json`, newer J-LIS keys), each marked with its hierarchy.
///
/// Two rules keep the table honest: a key ID appears once (a caller key with a built-in ID but another modulus is
/// refused, never a replacement), and a key that calls itself ``CardCAHierarchy/production`` must carry a production
/// key ID (`5…`), so test-hierarchy data can never be reported as production.
public struct CardCAKeyTable: Sendable {
    /// The keys, in the order they were added.
    public private(set) var keys: [CardCAKey] = []

    /// A table of `keys`; by default the built-in ones.
    ///
    /// - Throws: ``MynaVerifyError`` as ``adding(_:)``.
    public init(keys: [CardCAKey] = CardCAKeys.builtIn) throws {
        try add(keys)
    }

    /// This table with `more` keys.
    ///
    /// - Throws: ``MynaVerifyError`` `.unsupportedKey` for a key that is not RSA of at least 2048 bits, claims the
    ///   production hierarchy without a production ID, or repeats an ID with another key.
    public func adding(_ more: [CardCAKey]) throws -> CardCAKeyTable {
        var table = self
        try table.add(more)
        return table
    }

    /// The key with this ID, if any.
    public func key(for id: CardKeyID) -> CardCAKey? {
        keys.first { $0.keyID == id }
    }

    /// Parses a `--card-ca` file: a JSON array of `{"keyId", "modulus", "exponent", "hierarchy"}` objects (the form
    /// the simulator writes as `card-ca.json`).
    ///
    /// - Throws: ``MynaVerifyError`` `.unsupportedKey` naming what is wrong.
    public static func parseJSON(_ bytes: [UInt8]) throws -> [CardCAKey] {
        do {
            return try JSONDecoder().decode([CardCAKey].self, from: Data(bytes))
        } catch let error as DecodingError {
            throw MynaVerifyError(code: .unsupportedKey, reason: "not a card CA key list: \(describe(error))")
        } catch {
            throw MynaVerifyError(code: .unsupportedKey, reason: "not a card CA key list: \(error)")
        }
    }

    private mutating func add(_ more: [CardCAKey]) throws {
        for key in more {
            if key.hierarchy == .production, key.keyID.impliedHierarchy != .production {
                throw MynaVerifyError(
                    code: .unsupportedKey,
                    reason: "CA key \(key.keyID) claims the production hierarchy, but production key IDs start with 5")
            }
            let publicKey = try PublicKey(rsaModulus: key.modulus, exponent: key.exponent)
            guard publicKey.isRSA, publicKey.bits >= 2048 else {
                throw MynaVerifyError(
                    code: .unsupportedKey, reason: "CA key \(key.keyID) is \(publicKey.bits) bits; at least 2048 needed")
            }
            if let existing = self.key(for: key.keyID) {
                guard existing.modulus == key.modulus, existing.exponent == key.exponent else {
                    throw MynaVerifyError(
                        code: .unsupportedKey,
                        reason: "CA key \(key.keyID) is already in the table with another modulus; refusing to replace it")
                }
                continue
            }
            keys.append(key)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
