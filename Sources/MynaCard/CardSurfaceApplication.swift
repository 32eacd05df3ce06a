//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// The card-surface confirmation applet (券面事項確認AP): what is printed on the card, with the face photo.
///
/// Open it with 照合番号A (the My Number) or B (birth date, expiry year, security code) through ``unlock(_:allowLastTry:)``,
/// or with the card-info PIN alone through ``unlock(cardInfoPIN:allowLastTry:)``; then ``readSurface()``. Nothing read
/// here is trusted because it came from the card: ``authenticityEvidence(surface:myNumberImage:certificate:)`` hands its
/// signatures to `MynaVerify`'s `CardDataAuthenticity`.
///
/// APDUs on the short profile: SELECT applet, empty VERIFY and VERIFY (the key named in P2), SELECT EF, then
/// ceil(N/256) READ BINARY for an EF of N bytes; on the extended profile the EF comes in one READ BINARY by short EF
/// identifier.
public struct CardSurfaceApplication {
    /// The applet's AID, ``CardSurfaceApplet/aid``.
    public static var aid: [UInt8] { CardSurfaceApplet.aid }

    let card: MyNumberCard

    private func select() throws {
        try card.selectApplet(CardSurfaceApplet.aid, name: "card-surface")
    }

    /// The counter of the 照合番号 key of `kind`; spends nothing.
    public func codeStatus(_ kind: VerificationCodeKind) throws -> VerificationCodeStatus {
        try select()
        return try card.codeStatus(keyFileID: kind.surfaceKeyFileID, kind: kind)
    }

    /// Presents 照合番号A or B, guarded: the counter is read first, a blocked key is never sent, the last try (or a
    /// counter the card does not report) is refused unless `allowLastTry`. The code is wiped afterwards.
    ///
    /// - Throws: ``MynaCardError`` `.pinBlocked`, `.lastTryRefused` (nothing sent), `.wrongPIN` with the tries left.
    public func unlock(_ code: VerificationCode, allowLastTry: Bool = false) throws {
        try select()
        try card.verify(code, keyFileID: code.kind.surfaceKeyFileID, allowLastTry: allowLastTry)
    }

    /// Opens the applet with the 4-digit card-info PIN only: the PIN opens the card-info applet, whose My Number is
    /// then presented here as 照合番号A. The PIN and the code are wiped; the My Number is returned for display (mask
    /// it, ``MyNumber/masked``).
    ///
    /// Costs SELECT, SELECT PIN EF, empty VERIFY, VERIFY and SELECT EF + READ BINARY in the card-info applet, then
    /// SELECT, empty VERIFY and VERIFY here.
    public func unlock(cardInfoPIN pin: PIN, allowLastTry: Bool = false) throws -> MyNumber {
        let cardInfo = CardInfoApplication(card: card)
        try cardInfo.verify(pin, allowLastTry: allowLastTry)
        let number = try cardInfo.readMyNumber()
        try unlock(VerificationCode(myNumber: number), allowLastTry: allowLastTry)
        return number
    }

    /// Reads and parses the card-surface EF (0002), after ``unlock(_:allowLastTry:)``. Traces show only lengths.
    public func readSurface() throws -> CardSurface {
        try select()
        let file = try card.readTLVFile(
            CardSurfaceApplet.EF.surface, name: "the card-surface EF", expectedTags: [BERTLV.Tag(CardSurfaceApplet.Tag.surface)],
            sensitive: true)
        return try CardSurface(file: file)
    }

    /// Reads the My Number image EF (0005), which only 照合番号A opens. Traces show only lengths.
    public func readMyNumberImage() throws -> MyNumberImage {
        try select()
        let file = try card.readTLVFile(
            CardSurfaceApplet.EF.myNumberImage, name: "the My Number image EF",
            expectedTags: [BERTLV.Tag(CardSurfaceApplet.Tag.myNumberImage)], sensitive: true)
        return try MyNumberImage(file: file)
    }

    /// Reads the applet's card-verifiable certificate (EF 0004); no key is needed.
    public func readCertificate() throws -> [UInt8] {
        try select()
        return try card.readTLVFile(
            CardSurfaceApplet.EF.certificate, name: "the card-surface certificate",
            expectedTags: [BERTLV.Tag(0x7F21)])
    }

    /// What `MynaVerify`'s `CardDataAuthenticity` needs to decide whether the data is genuine.
    public static func authenticityEvidence(
        surface: CardSurface, myNumberImage: MyNumberImage? = nil, certificate: [UInt8]
    ) -> CardDataEvidence
    {
        var signatures = [
            SignedCardData(
                name: "card surface (EF 0002: birth date, sex, card key, name and address images, photo)",
                digest: .sha256OfGroups(surface.signedGroups), signature: surface.signature)
        ]
        if let myNumberImage {
            signatures.append(
                SignedCardData(
                    name: "My Number image (EF 0005)", digest: .sha256(of: myNumberImage.signedObjects),
                    signature: myNumberImage.signature))
        }
        return CardDataEvidence(
            application: "card-surface", certificate: certificate, signatures: signatures,
            unsignedParts: CardSurfaceApplet.unsignedParts)
    }
}

extension MyNumberCard {
    /// The card-surface confirmation applet (photo, printed data, their signatures).
    public var surface: CardSurfaceApplication { CardSurfaceApplication(card: self) }
}

/// The card-surface EF (0002) as read: the printed data, the images as stored, and the signed bytes.
public struct CardSurface: Hashable, Sendable {
    /// `YYYYMMDD`, western calendar.
    public var birthDate: String
    public var sex: Sex
    /// `YYYYMMDD`. Not signed by the card.
    public var expiryDate: String
    /// The name as printed: PNG, as stored.
    public var nameImage: [UInt8]
    /// The address as printed: PNG, as stored.
    public var addressImage: [UInt8]
    /// The face photo: JPEG 2000 (JP2), as stored.
    public var photo: [UInt8]
    /// The security code as printed: PNG, as stored. Not signed by the card; it is part of 照合番号B, so treat it as
    /// a secret.
    public var securityCodeImage: [UInt8]
    /// The card's own public key (DF 24): not the key that signs the EF.
    public var cardPublicKey: [UInt8]
    /// DF 28.
    public var signature: [UInt8]
    /// The three groups the signature covers (``CardSurfaceApplet/surfaceSignedGroups``), as stored.
    public var signedGroups: [[UInt8]]

    /// Parses the EF (the `FF 20` object; filler after it is ignored). The objects are found by walking the TLVs;
    /// the offset table (DF 21) is not trusted for that.
    public init(file: [UInt8]) throws {
        let name = "the card-surface EF"
        let (_, children) = try RawTLV.parse(file, tag: CardSurfaceApplet.Tag.surface, name: name)
        typealias Tag = CardSurfaceApplet.Tag
        birthDate = try Self.date(children.value(Tag.birthDate, "birth date", in: name), "birth date")
        let sexCode = try children.value(Tag.sex, "sex", in: name)
        guard sexCode.count == 1, (0x30...0x39).contains(sexCode[0]) else {
            throw MynaCardError(.malformedData, "the sex on the card surface is not one digit")
        }
        sex = Sex(code: String(decoding: sexCode, as: UTF8.self))
        expiryDate = try Self.date(children.value(Tag.expiryDate, "expiry date", in: name), "expiry date")
        nameImage = try children.value(Tag.nameImage, "name image", in: name)
        addressImage = try children.value(Tag.addressImage, "address image", in: name)
        photo = try children.value(Tag.photo, "photo", in: name)
        securityCodeImage = try children.value(Tag.securityCodeImage, "security-code image", in: name)
        cardPublicKey = try children.value(Tag.cardKey, "card key", in: name)
        signature = try children.value(Tag.signature, "signature", in: name)
        signedGroups = try CardSurfaceApplet.surfaceSignedGroups.map { try children.bytes(of: $0, in: name) }
    }

    static func date(_ bytes: [UInt8], _ what: String) throws -> String {
        guard bytes.count == 8, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw MynaCardError(.malformedData, "the \(what) on the card surface is not YYYYMMDD")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The My Number image EF (0005) as read.
public struct MyNumberImage: Hashable, Sendable {
    /// The My Number as printed: PNG, as stored. Personal data: show it only where the My Number may be shown.
    public var image: [UInt8]
    /// The card's own public key (DF 42).
    public var cardPublicKey: [UInt8]
    /// DF 43.
    public var signature: [UInt8]
    /// DF 41 and DF 42 as stored: what the signature covers.
    public var signedObjects: [UInt8]

    public init(file: [UInt8]) throws {
        let name = "the My Number image EF"
        typealias Tag = CardSurfaceApplet.Tag
        let (_, children) = try RawTLV.parse(file, tag: Tag.myNumberImage, name: name)
        image = try children.value(Tag.myNumberImagePNG, "image", in: name)
        cardPublicKey = try children.value(Tag.myNumberImageKey, "card key", in: name)
        signature = try children.value(Tag.myNumberImageSignature, "signature", in: name)
        signedObjects = try children.bytes(of: [Tag.myNumberImagePNG, Tag.myNumberImageKey], in: name)
    }
}
