//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// The card-info input support applet (券面事項入力補助AP): the My Number and the four basic attributes.
public struct CardInfoApplication {
    /// The applet's AID, ``CardInfoApplet/aid``.
    public static var aid: [UInt8] { CardInfoApplet.aid }

    let card: MyNumberCard

    /// The tries left on the card-info PIN; spends nothing.
    public func pinStatus() throws -> PINStatus {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        return try card.pinStatus(pinEF: CardInfoApplet.EF.pin, kind: .cardInfo)
    }

    /// Verifies the card-info PIN (guarding the last try), then reads the My Number and the basic attributes.
    public func read(pin: PIN, allowLastTry: Bool = false) throws -> (MyNumber, BasicAttributes) {
        try verify(pin, allowLastTry: allowLastTry)
        return (try readMyNumber(), try readAttributes())
    }

    /// Verifies the card-info PIN.
    public func verify(_ pin: PIN, allowLastTry: Bool = false) throws {
        guard pin.kind == .cardInfo else {
            pin.wipe()
            throw MynaCardError(.invalidArgument, "the card-info applet needs the card-info PIN")
        }
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        try card.verify(pin, pinEF: CardInfoApplet.EF.pin, allowLastTry: allowLastTry)
    }

    /// Reads the My Number (after ``verify(_:allowLastTry:)``); the check digit is validated.
    public func readMyNumber() throws -> MyNumber {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        let bytes = try card.readTLVFile(
            CardInfoApplet.EF.myNumber, name: "the My Number EF", expectedTags: [BERTLV.Tag(CardInfoApplet.Tag.myNumber)], sensitive: true)
        return try Self.decodeMyNumber(bytes)
    }

    /// Reads the name, address, birth date and sex (after ``verify(_:allowLastTry:)``).
    public func readAttributes() throws -> BasicAttributes {
        try Self.decodeAttributes(readAttributesFile())
    }

    /// The attributes EF's `FF 20` object as stored (after the PIN or 照合番号B).
    public func readAttributesFile() throws -> [UInt8] {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        return try card.readTLVFile(
            CardInfoApplet.EF.attributes, name: "the basic attributes EF", expectedTags: [BERTLV.Tag(CardInfoApplet.Tag.attributes)],
            sensitive: true)
    }

    // MARK: - 照合番号A and B

    /// The counter of the 照合番号 key of `kind` in this applet; spends nothing.
    public func codeStatus(_ kind: VerificationCodeKind) throws -> VerificationCodeStatus {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        return try card.codeStatus(keyFileID: kind.cardInfoKeyFileID, kind: kind)
    }

    /// Opens the applet with 照合番号A (then the My Number EF can be read, not the attributes) or B (the attributes,
    /// not the My Number), guarded like a PIN. The code is wiped afterwards.
    public func unlock(_ code: VerificationCode, allowLastTry: Bool = false) throws {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        try card.verify(code, keyFileID: code.kind.cardInfoKeyFileID, allowLastTry: allowLastTry)
    }

    // MARK: - Authenticity

    /// The My Number EF exactly as stored, filler included (``CardInfoApplet/myNumberFileSize`` bytes: the digest in
    /// EF 0003 covers all of them), in one READ BINARY. Traces show only the length.
    public func readMyNumberFile() throws -> [UInt8] {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        let size = CardInfoApplet.myNumberFileSize
        let fid = CardInfoApplet.EF.myNumber
        let command: CommandAPDU
        if card.profile.usesShortEFIdentifiers {
            command = try card.command { try .readBinary(shortEFIdentifier: UInt8(fid), expectedLength: size) }
        } else {
            try card.selectEF(fid, name: "the My Number EF")
            command = try card.command { try .readBinary(offset: 0, expectedLength: size) }
        }
        let wasRedacting = card.channel.redactsResponseData
        card.channel.redactsResponseData = true
        defer { card.channel.redactsResponseData = wasRedacting }
        let response = try card.transmit(command)
        switch response.statusWord {
        case .success, .endOfFileReached:
            if command.shortEFIdentifier != nil { card.noteSelected(ef: fid) }
            guard response.data.count <= size else {
                throw MynaCardError(.malformedData, "the card sent more of the My Number EF than was asked")
            }
            // A file of another size is returned as it is: its digest will not match, and the verdict says so.
            return response.data
        case .securityStatusNotSatisfied:
            throw MynaCardError(
                .securityStatusNotSatisfied, "the My Number EF needs the card-info PIN or 照合番号A",
                statusWord: response.statusWord)
        default:
            throw card.unexpected(response.statusWord, "READ BINARY of the My Number EF")
        }
    }

    /// The digests EF (0003): `FF 30 { DF 31, DF 32, DF 33 }`, after the PIN, 照合番号A or B.
    public func readDigests() throws -> [UInt8] {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        return try card.readTLVFile(
            CardInfoApplet.EF.digests, name: "the card-info digests EF", expectedTags: [BERTLV.Tag(CardInfoApplet.Tag.digests)])
    }

    /// The applet's card-verifiable certificate (EF 0004); no key is needed.
    public func readCertificate() throws -> [UInt8] {
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        return try card.readTLVFile(
            CardInfoApplet.EF.certificate, name: "the card-info certificate", expectedTags: [BERTLV.Tag(0x7F21)])
    }

    /// Verifies the card-info PIN, then reads the My Number (as stored), the attributes, the digests and the
    /// certificate: the data and the evidence that it is genuine, in one flow.
    public func readWithEvidence(pin: PIN, allowLastTry: Bool = false) throws
        -> (myNumber: MyNumber, attributes: BasicAttributes, evidence: CardDataEvidence)
    {
        try verify(pin, allowLastTry: allowLastTry)
        let myNumberFile = try readMyNumberFile()
        let number = try Self.decodeMyNumber(Self.myNumberObject(in: myNumberFile))
        let attributesFile = try readAttributesFile()
        let attributes = try Self.decodeAttributes(attributesFile)
        let evidence = try Self.authenticityEvidence(
            myNumberFile: myNumberFile, attributesFile: attributesFile, digests: readDigests(),
            certificate: readCertificate())
        return (number, attributes, evidence)
    }

    /// What `MynaVerify`'s `CardDataAuthenticity` needs: the signature over the two digests, and the digests with the
    /// data each covers (`nil` for an EF the key used did not open: 照合番号A opens no attributes, B no My Number).
    public static func authenticityEvidence(
        myNumberFile: [UInt8]?, attributesFile: [UInt8]?, digests: [UInt8], certificate: [UInt8]
    ) throws -> CardDataEvidence {
        let name = "the card-info digests EF"
        typealias Tag = CardInfoApplet.Tag
        let (_, children) = try RawTLV.parse(digests, tag: Tag.digests, name: name)
        let signed = try children.bytes(of: [Tag.myNumberDigest, Tag.attributesDigest], in: name)
        return CardDataEvidence(
            application: "card-info", certificate: certificate,
            signatures: [
                SignedCardData(
                    name: "card-info digests (EF 0003)", digest: .sha256(of: signed),
                    signature: try children.value(Tag.digestsSignature, "signature", in: name))
            ],
            digestClaims: [
                DigestClaim(
                    name: "My Number (EF 0001)", claimed: try children.value(Tag.myNumberDigest, "digest", in: name),
                    data: myNumberFile),
                DigestClaim(
                    name: "basic attributes (EF 0002)",
                    claimed: try children.value(Tag.attributesDigest, "digest", in: name),
                    data: try attributesFile.map(signedAttributes)),
            ],
            unsignedParts: ["offset table of the attributes EF (DF 21)"])
    }

    /// The attributes EF from the first byte of DF 22 to the end of the FF 20 value: what DF 32 is the digest of.
    static func signedAttributes(_ file: [UInt8]) throws -> [UInt8] {
        let name = "the basic attributes EF"
        let (object, children) = try RawTLV.parse(file, tag: CardInfoApplet.Tag.attributes, name: name)
        let name22 = try children.object(CardInfoApplet.Tag.name, "name", in: name)
        return Array(file[name22.bytes.startIndex..<object.bytes.endIndex])
    }

    /// The `FF 10` object at the start of the My Number EF as stored.
    static func myNumberObject(in file: [UInt8]) throws -> [UInt8] {
        Array(try RawTLV.single(file, tag: CardInfoApplet.Tag.myNumber, name: "the My Number EF").bytes)
    }

    /// `FF 10 0C` + 12 ASCII digits.
    static func decodeMyNumber(_ bytes: [UInt8]) throws -> MyNumber {
        let object: BERTLV
        do {
            object = try BERTLV(decoding: bytes)
        } catch let error as CardError {
            throw MynaCardError(.malformedData, "the My Number EF is not valid TLV: \(error.reason)")
        }
        guard object.value.count == 12, object.value.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw MynaCardError(.malformedData, "the My Number EF does not hold 12 digits")
        }
        return try MyNumber(String(decoding: object.value, as: UTF8.self))
    }

    /// `FF 20 { DF 21 header, DF 22 name, DF 23 address, DF 24 birth date, DF 25 sex }`.
    static func decodeAttributes(_ bytes: [UInt8]) throws -> BasicAttributes {
        let children: [BERTLV]
        do {
            children = try BERTLV(decoding: bytes).children()
        } catch let error as CardError {
            throw MynaCardError(.malformedData, "the basic attributes EF is not valid TLV: \(error.reason)")
        }
        func text(_ tag: UInt32, _ name: String) throws -> String {
            guard let value = children.first(where: { $0.tag == BERTLV.Tag(tag) })?.value else {
                throw MynaCardError(.malformedData, "the basic attributes EF has no \(name)")
            }
            guard let string = String(validating: value, as: UTF8.self) else {
                throw MynaCardError(.malformedData, "the \(name) is not valid UTF-8")
            }
            return string
        }
        let birth = try text(CardInfoApplet.Tag.birthDate, "birth date")
        guard birth.utf8.count == 8, birth.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw MynaCardError(.malformedData, "the birth date is not YYYYMMDD")
        }
        let sexCode = try text(CardInfoApplet.Tag.sex, "sex")
        return BasicAttributes(
            name: try text(CardInfoApplet.Tag.name, "name"), address: try text(CardInfoApplet.Tag.address, "address"), birthDate: birth,
            sex: Sex(code: sexCode))
    }
}

/// The four basic attributes (基本4情報) as the card-info applet holds them.
public struct BasicAttributes: Hashable, Sendable, Codable {
    public var name: String
    public var address: String
    /// `YYYYMMDD`.
    public var birthDate: String
    public var sex: Sex
}
