//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A key ID of the card's data-signing hierarchy (証明者鍵ID / 被証明者鍵ID): 7 ASCII digits, `08 05`, 3 ASCII digits
/// and 4 pad bytes, shown `5000023/001`. A first digit `5` is J-LIS's production hierarchy, `6` its test hierarchy.
///
/// Two IDs are equal only when all 16 bytes are (cards pad with `00000000`, `000000A8` or ASCII `0000`).
public struct CardKeyID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The ID in `bytes`, or `nil` unless it has the layout above.
    public init?(bytes: some Collection<UInt8>) {
        let id = Array(bytes)
        guard id.count == 16, id[0..<7].allSatisfy(Self.isDigit), id[7] == 0x08, id[8] == 0x05,
            id[9..<12].allSatisfy(Self.isDigit)
        else { return nil }
        self.bytes = id
    }

    /// The 7-digit number (`5000023`).
    public var number: String { String(decoding: bytes[0..<7], as: UTF8.self) }
    /// `5000023/001`.
    public var description: String { number + "/" + String(decoding: bytes[9..<12], as: UTF8.self) }
    /// What the first digit says: `5` production, `6` test, anything else neither.
    public var impliedHierarchy: CardCAHierarchy? {
        switch bytes[0] {
        case 0x35: .production
        case 0x36: .test
        default: nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}

/// Which hierarchy a CA key belongs to: J-LIS's production or test hierarchy, or one a caller names (the simulator's
/// is `simulator`).
public struct CardCAHierarchy: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// J-LIS's production hierarchy (key IDs 5…).
    public static let production = CardCAHierarchy(rawValue: "production")
    /// J-LIS's test hierarchy (key IDs 6…), on test cards.
    public static let test = CardCAHierarchy(rawValue: "test")
}

/// A CA public key of the card's data-signing hierarchy: it signs the card-verifiable certificates in EF 0004.
public struct CardCAKey: Hashable, Sendable {
    public var keyID: CardKeyID
    /// Big-endian, no leading zero byte.
    public var modulus: [UInt8]
    /// Big-endian.
    public var exponent: [UInt8]
    public var hierarchy: CardCAHierarchy

    public init(keyID: CardKeyID, modulus: [UInt8], exponent: [UInt8], hierarchy: CardCAHierarchy) {
        self.keyID = keyID
        self.modulus = modulus
        self.exponent = exponent
        self.hierarchy = hierarchy
    }
}

extension CardCAKey: Codable {
    /// The JSON form of `--card-ca` files and the simulator's `card-ca.json`: `{"keyId": <32 hex digits>, "modulus":
    /// <hex>, "exponent": <hex>, "hierarchy": <string>}`.
    private enum CodingKeys: String, CodingKey {
        case keyId, modulus, exponent, hierarchy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func hex(_ key: CodingKeys) throws -> [UInt8] {
            let text = try container.decode(String.self, forKey: key)
            guard let bytes = HexText.decode(text), !bytes.isEmpty else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\(key.rawValue) is not hex: \(text.prefix(40))")
            }
            return bytes
        }
        guard let keyID = CardKeyID(bytes: try hex(.keyId)) else {
            throw DecodingError.dataCorruptedError(
                forKey: .keyId, in: container,
                debugDescription: "keyId is not 7 digits, 08 05, 3 digits and 4 pad bytes")
        }
        var modulus = try hex(.modulus)
        while modulus.first == 0, modulus.count > 1 { modulus.removeFirst() }
        let hierarchy = try container.decode(String.self, forKey: .hierarchy)
        guard !hierarchy.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .hierarchy, in: container, debugDescription: "hierarchy is empty")
        }
        self.init(
            keyID: keyID, modulus: modulus, exponent: try hex(.exponent), hierarchy: CardCAHierarchy(rawValue: hierarchy))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(HexText.encode(keyID.bytes), forKey: .keyId)
        try container.encode(HexText.encode(modulus), forKey: .modulus)
        try container.encode(HexText.encode(exponent), forKey: .exponent)
        try container.encode(hierarchy.rawValue, forKey: .hierarchy)
    }
}

/// The CA keys MynaKit ships: those of the fact sheet (soltia48/myna-card's `ca.rs`, a public library; J-LIS does not
/// publish them). Only the test-hierarchy keys (6…) have been checked against real signatures (a JPKI test card); no
/// production signature has been checked with the production keys (5…). Callers add keys of their own (the
/// simulator's, or newer J-LIS keys) next to these.
public enum CardCAKeys {
    /// Every built-in key: production (5000020 MF, 5000023 card surface, 5000033 card info) and test (600…).
    public static let builtIn: [CardCAKey] = [
        key("353030303032300805303031000000A8", .production, """
            B62D081145D34ACEB022BC2F0A08D8B390E42FFEEEC93472F675EC33507BBCE982C22F33B7304CF17639CE75A1D0FD1E75FFAD86\
            B0D72CCCF0D0B05136DDB7261400C0160C713872E1E83C48A2A00818147FEFBF0B09F643EE4B328419E8763767ADBEAEBA88D49C\
            3B44A5B8F8AD794FCF64A4161A9FE8B97660FCA4694114594D4B8498FE1E52502086ABC1B0EDA004D39D95193B4031AB0C516008\
            BBAFFC49AC6A2EBE544EF49EA3B790CD13F133896DF8DA63E15CE8AC0DC276F76F080B723E6648F10A6FB7B08E5C69DCDFADD52F\
            7B5B6D1740CF8E356BC685B31D7C455680CD95D3B4B20EA8094F00660AE774EEBAB2875487A1210CA87221A0B63A3E83
            """),
        key("35303030303233080530303100000000", .production, """
            B2F740F0AD86D17CF3F537D23B4B3C65A3CB58474D857F55D0B9BC0411B1CB0849068DE332A50D63B3E6921C9CCBE6156496EFB0\
            4BE8FFCC74FDE9A228A36AD7EDCE9793204E35973DC911108365002C40169E0B60018DFB99E1E2310D9A110FF0FC269F1F220C63\
            B8A1510DE5A6898220C78908FC280D8AA95D5D113B7CF00700F3FF5AD8B3D6AD2EB53C7D563498B4A938DEFFC9BDA32BF4146C1B\
            07EF870D99EB35DE5D70AC18715874277A13151D217D04D42E97923923A40FBC7D06FAA8338CCBE876620F9B8EF4471CD4B9E29D\
            4EA621E0FB8F1DC04B487210097DBAAF3D8E0550C76A5B97CF202FA47C7A2622F1C084E65C13D13B8E7AB226F5F51F87
            """),
        key("35303030303333080530303100000000", .production, """
            D24615F63525E740C87E83ED64787E76D10A1F8652EBE1EA28934D35CE3BF07716F5B79E2BCB2AE2B91B4F4C9FFB602497F596D6\
            59AF9D0A14B45CDD738EF56249349B8CC7DB32F2D433BD39BCC44F503E881D56C149ECD5155C1CE7461FC3AC4F55D0A39CCAAADF\
            AE5B8AFA11CCF91BEDC774023D11CA6EBA99004F81C541A7D67DDED8C724D6E20B10A3DEAAE8C43C137CCD71B263740E8979752D\
            E4D5676329CABCBD7F3A77FC48A6F8E61D399B4AC66684A9FDFC99ECEF900DD6FF7F0FDD39E23D163F8A468C62DBEAE00906DFAD\
            5A89B45CA5B7353DC998A80D3803EDA794B55F99F535D1C39A243C8352AD602D926C389D2816C941349EE24E4F41597F
            """),
        key("363030303032300805303031000000A8", .test, """
            D0CB6303399EC86727E3E9E50996580956EE87839F5B674CF34048B47018029500841B5E6F6C643EAEFE042482037ACD8392E6C6\
            A386FB77DDB3F1D51BCAC76E469A09CEC823DC78C1EBDB5A7C5AA04AC7094AD74B38637601241F43D3E6C6A4850E5A4E3244A138\
            FBA5A2E22C31312EF8699B7E8DB982AB7B093C4AC13F0569BA86B6B886C1072EF174B2181181F6D16FFF904BE652F47AFC5C5973\
            66ED2FF3BE0950080855A88930D312D8BE2BB4AAE2B1C19848064BA7E92CB74E52E19C1CFAB8676B18706BEBF913B57F92AE7498\
            C08750E41657A1746B26DA2B0DEFC85D286B1B85ADC9739356403F6B6E18A1938A11E3EC043C1CDC5EF03A8D51402CC5
            """),
        key("36303030303233080530303100000000", .test, """
            E08CA1CAA0E58C5DF24BFD67E45B7CE4B50EFF828C10568055F7E012B7212E7D2879B9E0B951E7AC5A6DC0D7D3C31C223951A1E2\
            774F398CF46602A8AEC04898714981F813CB9DBD2EF9068528E9450361C00154738CA4DD79D138098B91FAE29A4FD750556367BB\
            854158953AF58C0E8BBF289C3A30E595FEF044519E967EF0686CBCF6EF6B9ED6FC2A19F800CE07E929AC11556F1073077372279B\
            A130216FC680B7C39788C8E7534F71EEB4C00C9053FBF6E92A07784F26308AF78F9C18003ECBF12965BD303045B8A76391C43178\
            7FFC745CC274206616D91E81B39BB9A2DB4B64C4AD47831AB06CC401F2162F30D9316C38557D4D96ED5E76DB49B9092D
            """),
        key("36303030303333080530303100000000", .test, """
            B1FE36BD147BF41B2011B9156867C4118B05AE47D691CDB4A4467F4949AFDD71E28E12B5C61E68F00B639A6CCBCF44798761C770\
            0A81F666C67831433B742A2C1126942601E25371B2B93631067D466F201EAF31393B1BD6A47589FB57B3189735A27A24583FDE2B\
            F26C2A34D8645FE0E6E2FE901612CEF8C740C228289AF6D457ACA3B1AA2F9EBB56DA3591C30830B8AFE2A1CA99951E670B9E9C0B\
            40EBDBEC212F9400E5AAF5C2B5107DE34AB6BC66425A86D731A392E81001DEA1CE565981BE158256AE05598A2B8BFB04C1B66EE2\
            008E019FB1B2BA3785E0CA78CA31EA5F09B4D550577DBF12A747ABD5E1C450C0750DF965F53EA08BBF12E40A4057C74D
            """),
    ]

    /// A table entry from hex text (the table above is reviewed against the fact sheet as text).
    private static func key(_ id: String, _ hierarchy: CardCAHierarchy, _ modulus: String) -> CardCAKey {
        guard let idBytes = HexText.decode(id), let keyID = CardKeyID(bytes: idBytes),
            let modulusBytes = HexText.decode(modulus), modulusBytes.count == 256
        else { preconditionFailure("the built-in CA key table is malformed at \(id)") }
        return CardCAKey(keyID: keyID, modulus: modulusBytes, exponent: [0x01, 0x00, 0x01], hierarchy: hierarchy)
    }
}

/// Hex text for the card-data key files and the table above (upper or lower case, no separators).
public enum HexText {
    /// The bytes of `text`, or `nil` when it is not an even number of hex digits.
    public static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Upper-case hex without separators.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let alphabet = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(alphabet[Int(byte >> 4)])
            out.append(alphabet[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x41...0x46: digit - 0x41 + 10
        case 0x61...0x66: digit - 0x61 + 10
        default: nil
        }
    }
}
