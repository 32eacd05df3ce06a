//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaSpec
import OpenSSLSupport

/// The virtual card's own card-data hierarchy, shaped like J-LIS's (``CardVerifiableCertificateFormat``): one CA key
/// per applet (`9000023/001` card surface, `9000033/001` card info, hierarchy ``hierarchy``), the key each CA certifies
/// in the applet's EF 0004 (`9913221/000` and `9000034/001`), which signs the applet's data, and the card's own key
/// that the records carry. All RSA-2048, e = 65537, made with OpenSSL.
///
/// The key IDs start with 9, neither J-LIS's production (5) nor test (6) hierarchy, so that nothing the simulator signs
/// can pass for either.
public struct CardDataPKI: Sendable {
    /// The hierarchy name written into `card-ca.json`.
    public static let hierarchy = CardCAHierarchy(rawValue: "simulator")

    let surfaceCAKey: EVPKeyHandle
    let cardInfoCAKey: EVPKeyHandle
    let surfaceKey: EVPKeyHandle
    let cardInfoKey: EVPKeyHandle
    let cardKey: EVPKeyHandle

    /// The CA key IDs and the certified key IDs.
    public static let surfaceCAKeyID = keyID("9000023", "001")
    public static let cardInfoCAKeyID = keyID("9000033", "001")
    public static let surfaceKeyID = keyID("9913221", "000")
    public static let cardInfoKeyID = keyID("9000034", "001")

    /// EF 0004 of the card-surface applet: `surfaceKey` certified by the surface CA.
    public let surfaceCertificate: [UInt8]
    /// EF 0004 of the card-info applet.
    public let cardInfoCertificate: [UInt8]
    /// The card's own public key in the card's encoding (DF 12, DF 24, DF 42).
    public let cardPublicKey: [UInt8]

    /// The two CA public keys, as `--card-ca` takes them.
    public let caKeys: [CardCAKey]

    /// The file names in a PKI directory.
    public enum FileName {
        /// The CA public keys: a JSON array (``CardCAKey``'s coding), what `mynakit --card-ca` reads.
        public static let caKeys = "card-ca.json"
        static let surfaceCAKey = "card-surface-ca.key.pem"
        static let cardInfoCAKey = "card-info-ca.key.pem"
        static let surfaceKey = "card-surface.key.pem"
        static let cardInfoKey = "card-info.key.pem"
        static let cardKey = "card.key.pem"
        /// The private keys, in the order ``init(keys:)`` takes them.
        static let privateKeys = [surfaceCAKey, cardInfoCAKey, surfaceKey, cardInfoKey, cardKey]
    }

    /// Five fresh RSA-2048 keys.
    static func generate() throws(SimulatorError) -> CardDataPKI {
        var keys: [EVPKeyHandle] = []
        for _ in 0..<5 { keys.append(try EVPKeyHandle.generateRSA()) }
        return try CardDataPKI(keys: keys)
    }

    /// From the five private keys: surface CA, card-info CA, surface key, card-info key, card key.
    init(keys: [EVPKeyHandle]) throws(SimulatorError) {
        guard keys.count == 5, keys.allSatisfy({ $0.isRSA && $0.size == 256 }) else {
            throw SimulatorError(.invalidPKI, "the card-data keys must be five RSA-2048 keys")
        }
        surfaceCAKey = keys[0]
        cardInfoCAKey = keys[1]
        surfaceKey = keys[2]
        cardInfoKey = keys[3]
        cardKey = keys[4]
        surfaceCertificate = try Self.certificate(
            of: surfaceKey, id: Self.surfaceKeyID, by: surfaceCAKey, caID: Self.surfaceCAKeyID)
        cardInfoCertificate = try Self.certificate(
            of: cardInfoKey, id: Self.cardInfoKeyID, by: cardInfoCAKey, caID: Self.cardInfoCAKeyID)
        cardPublicKey = try Self.encoded(cardKey)
        caKeys = [
            CardCAKey(
                keyID: Self.surfaceCAKeyID, modulus: try surfaceCAKey.rsaModulus(),
                exponent: try surfaceCAKey.rsaExponent(), hierarchy: Self.hierarchy),
            CardCAKey(
                keyID: Self.cardInfoCAKeyID, modulus: try cardInfoCAKey.rsaModulus(),
                exponent: try cardInfoCAKey.rsaExponent(), hierarchy: Self.hierarchy),
        ]
    }

    var privateKeys: [EVPKeyHandle] { [surfaceCAKey, cardInfoCAKey, surfaceKey, cardInfoKey, cardKey] }

    /// PKCS#1 v1.5 signature over a SHA-256 DigestInfo of `bytes`, with the card-surface key.
    func signSurface(_ payload: [UInt8]) throws(SimulatorError) -> [UInt8] { try surfaceKey.sign(payload) }

    /// PKCS#1 v1.5 signature over `payload` (a DigestInfo), with the card-info key.
    func signCardInfo(_ payload: [UInt8]) throws(SimulatorError) -> [UInt8] { try cardInfoKey.sign(payload) }

    /// A SHA-256 DigestInfo of `bytes`.
    static func digestInfo(_ bytes: [UInt8]) throws(SimulatorError) -> [UInt8] {
        HashAlgorithm.sha256.digestInfoPrefix + (try CardDataDigest.sha256(bytes))
    }

    private static func certificate(of key: EVPKeyHandle, id: CardKeyID, by ca: EVPKeyHandle, caID: CardKeyID)
        throws(SimulatorError) -> [UInt8]
    {
        let body = caID.bytes + id.bytes + (try encoded(key))
        return CardVerifiableCertificateFormat.encode(body: body, signature: try ca.sign(digestInfo(body)))
    }

    private static func encoded(_ key: EVPKeyHandle) throws(SimulatorError) -> [UInt8] {
        var exponent = try key.rsaExponent()
        while exponent.count < 3 { exponent.insert(0, at: 0) }
        guard let encoded = CardVerifiableCertificateFormat.encodePublicKey(modulus: try key.rsaModulus(), exponent: exponent)
        else { throw SimulatorError(.invalidPKI, "a card-data key is not RSA-2048 with a 3-byte exponent") }
        return encoded
    }

    private static func keyID(_ number: String, _ suffix: String) -> CardKeyID {
        guard let id = CardKeyID(bytes: Array(number.utf8) + [0x08, 0x05] + Array(suffix.utf8) + [0, 0, 0, 0]) else {
            preconditionFailure("malformed simulator key ID \(number)/\(suffix)")
        }
        return id
    }
}
