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
        try card.selectApplet(CardInfoApplet.aid, name: "card-info input support")
        let bytes = try card.readTLVFile(
            CardInfoApplet.EF.attributes, name: "the basic attributes EF", expectedTags: [BERTLV.Tag(CardInfoApplet.Tag.attributes)],
            sensitive: true)
        return try Self.decodeAttributes(bytes)
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
