//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// The JPKI applet (公的個人認証AP): certificates, PINs and signatures.
public struct JPKIApplication {
    /// The applet's AID, ``JPKIApplet/aid``.
    public static var aid: [UInt8] { JPKIApplet.aid }

    /// The certificates on the card.
    public enum CertificateKind: String, Hashable, Sendable, CaseIterable {
        /// 利用者証明用電子証明書 (EF 000A): readable without a PIN.
        case authentication = "auth"
        /// The authentication CA certificate (EF 000B).
        case authenticationCA = "auth-ca"
        /// 署名用電子証明書 (EF 0001): readable only after the signing password was verified.
        case signing = "sign"
        /// The signing CA certificate (EF 0002).
        case signingCA = "sign-ca"

        /// The certificate's EF in the JPKI applet (``JPKIApplet/EF``).
        public var fileID: UInt16 {
            switch self {
            case .authentication: JPKIApplet.EF.authenticationCertificate
            case .authenticationCA: JPKIApplet.EF.authenticationCACertificate
            case .signing: JPKIApplet.EF.signingCertificate
            case .signingCA: JPKIApplet.EF.signingCACertificate
            }
        }

        public var displayName: String {
            switch self {
            case .authentication: "authentication certificate"
            case .authenticationCA: "authentication CA certificate"
            case .signing: "signing certificate"
            case .signingCA: "signing CA certificate"
            }
        }
    }

    /// The card's two private keys.
    public enum Key: String, Hashable, Sendable, CaseIterable {
        case authentication = "auth"
        case signing = "sign"

        /// The private key's EF, the target of COMPUTE DIGITAL SIGNATURE.
        public var keyFileID: UInt16 {
            self == .authentication ? JPKIApplet.EF.authenticationKey : JPKIApplet.EF.signingKey
        }
        /// The EF of the PIN that guards the key.
        public var pinFileID: UInt16 { pinKind.pinFileID }
        /// The PIN that guards the key.
        public var pinKind: PINKind { self == .authentication ? .authentication : .signing }
    }

    /// The token EF (0006) that tells the kind of JPKI token (``JPKIApplet/EF/token``).
    public static var tokenFileID: UInt16 { JPKIApplet.EF.token }

    let card: MyNumberCard

    /// Reads a certificate, DER, exactly as long as its header says.
    ///
    /// The signing certificate needs the signing password verified first in this session (``verify(_:allowLastTry:)``
    /// or ``readSigningCertificate(password:allowLastTry:)``); otherwise the card answers `69 82` and this throws
    /// ``MynaCardError/Code/securityStatusNotSatisfied``.
    ///
    /// The bytes come from the card: they are not trusted until `MynaVerify` has verified them against trust anchors.
    public func readCertificate(_ kind: CertificateKind) throws -> [UInt8] {
        try card.selectApplet(JPKIApplet.aid, name: "JPKI")
        return try card.readTLVFile(kind.fileID, name: "the \(kind.displayName)", expectedTags: [BERTLV.Tag(0x30)])
    }

    /// Verifies the signing password, then reads the signing certificate.
    public func readSigningCertificate(password: PIN, allowLastTry: Bool = false) throws -> [UInt8] {
        try verify(password, allowLastTry: allowLastTry)
        return try readCertificate(.signing)
    }

    /// The tries left on a PIN; spends nothing.
    public func pinStatus(_ key: Key) throws -> PINStatus {
        try card.selectApplet(JPKIApplet.aid, name: "JPKI")
        return try card.pinStatus(pinEF: key.pinFileID, kind: key.pinKind)
    }

    /// Verifies the authentication PIN or the signing password (by the PIN's kind), guarding the last try.
    ///
    /// - Throws: ``MynaCardError``: `.pinBlocked` (nothing sent), `.lastTryRefused` (nothing sent), `.wrongPIN`
    ///   with the tries left.
    public func verify(_ pin: PIN, allowLastTry: Bool = false) throws {
        let key: Key
        switch pin.kind {
        case .authentication: key = .authentication
        case .signing: key = .signing
        case .cardInfo:
            pin.wipe()
            throw MynaCardError(.invalidArgument, "the card-info PIN belongs to the card-info applet, not JPKI")
        }
        try card.selectApplet(JPKIApplet.aid, name: "JPKI")
        try card.verify(pin, pinEF: key.pinFileID, allowLastTry: allowLastTry)
    }

    /// Has the card sign `digest` with `key`: SELECT PIN EF, VERIFY (after reading the tries), SELECT key EF, then
    /// COMPUTE DIGITAL SIGNATURE (`80 2A 00 80`) over the DigestInfo; the card adds PKCS#1 v1.5 padding.
    ///
    /// - Returns: the 256-byte RSA-2048 signature.
    public func sign(digest: [UInt8], algorithm: HashAlgorithm, key: Key, pin: PIN, allowLastTry: Bool = false)
        throws -> [UInt8]
    {
        guard pin.kind == key.pinKind else {
            pin.wipe()
            throw MynaCardError(.invalidArgument, "the \(key.rawValue) key needs the \(key.pinKind.displayName)")
        }
        guard let digestInfo = algorithm.digestInfo(for: digest) else {
            pin.wipe()
            throw MynaCardError(
                .invalidArgument, "a \(algorithm.rawValue) digest is \(algorithm.digestLength) bytes, got \(digest.count)")
        }
        try verify(pin, allowLastTry: allowLastTry)
        return try computeSignature(digestInfo: digestInfo, key: key)
    }

    /// Has the card sign `digest` with `key` in a session where that key's PIN is already verified
    /// (``verify(_:allowLastTry:)``): for a signature whose signed data must name the certificate first, read with the
    /// same VERIFY (CAdES and PAdES signed attributes), so the password goes to the card once. SELECT key EF, then
    /// COMPUTE DIGITAL SIGNATURE; no PIN is involved here, and a card whose PIN is not verified refuses.
    ///
    /// - Throws: ``MynaCardError`` `.securityStatusNotSatisfied` when the PIN is not verified in this session,
    ///   `.invalidArgument` for a digest of the wrong length.
    public func signAfterVerification(digest: [UInt8], algorithm: HashAlgorithm, key: Key) throws -> [UInt8] {
        guard let digestInfo = algorithm.digestInfo(for: digest) else {
            throw MynaCardError(
                .invalidArgument, "a \(algorithm.rawValue) digest is \(algorithm.digestLength) bytes, got \(digest.count)")
        }
        try card.selectApplet(JPKIApplet.aid, name: "JPKI")
        return try computeSignature(digestInfo: digestInfo, key: key)
    }

    private func computeSignature(digestInfo: [UInt8], key: Key) throws -> [UInt8] {
        try card.selectEF(key.keyFileID, name: "\(key.rawValue) private key")
        let response = try card.transmit(card.command { try .jpkiComputeDigitalSignature(digestInfo: digestInfo) })
        switch response.statusWord {
        case .success:
            guard response.data.count == JPKIApplet.signatureLength else {
                throw MynaCardError(
                    .malformedData,
                    "the card returned a signature of \(response.data.count) bytes, RSA-2048 gives "
                        + "\(JPKIApplet.signatureLength)")
            }
            return response.data
        case .securityStatusNotSatisfied:
            throw MynaCardError(
                .securityStatusNotSatisfied, "the card refused to sign: the PIN is not verified",
                statusWord: response.statusWord)
        default:
            throw card.unexpected(response.statusWord, CommandAPDU.Kind.jpkiComputeDigitalSignature.name)
        }
    }

    /// Reads the token EF: which kind of JPKI token this is.
    public func token() throws -> JPKIToken {
        try card.selectApplet(JPKIApplet.aid, name: "JPKI")
        try card.selectEF(Self.tokenFileID, name: "token EF")
        let response = try card.transmit(
            card.command { try .readBinary(offset: 0, expectedLength: JPKIApplet.Token.length) })
        guard response.statusWord.isSuccess || response.statusWord == .endOfFileReached else {
            throw card.unexpected(response.statusWord, "READ BINARY of the token EF")
        }
        guard response.data.count <= JPKIApplet.Token.length else {
            throw MynaCardError(.malformedData, "the token EF answer is longer than asked")
        }
        return JPKIToken(bytes: response.data)
    }
}

/// What the JPKI token EF says the card is.
public enum JPKIToken: Hashable, Sendable, CustomStringConvertible {
    /// `JPKIAPICCTOKEN2`: a My Number card.
    case myNumberCard
    /// `JPKIAPICCTOKEN`: the older 住民基本台帳カード.
    case residentRegistryCard
    /// `JPKIAPGPSETOKEN`: JPKI on a smartphone's secure element.
    case smartphone
    case other(String)

    init(bytes: [UInt8]) {
        // Real cards pad with spaces or NULs.
        let text = String(decoding: bytes.filter { $0 > 0x20 && $0 < 0x7F }, as: UTF8.self)
        switch text {
        case JPKIApplet.Token.myNumberCard: self = .myNumberCard
        case JPKIApplet.Token.residentRegistryCard: self = .residentRegistryCard
        case JPKIApplet.Token.smartphone: self = .smartphone
        default: self = .other(text)
        }
    }

    public var description: String {
        switch self {
        case .myNumberCard: "My Number card (\(JPKIApplet.Token.myNumberCard))"
        case .residentRegistryCard: "older resident registry card, 住基カード (\(JPKIApplet.Token.residentRegistryCard))"
        case .smartphone: "smartphone JPKI (\(JPKIApplet.Token.smartphone))"
        case .other(let text): "unknown JPKI token '\(text)'"
        }
    }
}
