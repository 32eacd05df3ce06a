//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaSpec

/// The cardholder of a virtual card: the four basic attributes (基本4情報).
///
/// They appear twice, as on a real card: in the card-info input support applet (EF 0002) and in the signing
/// certificate's subjectAltName otherNames.
public struct Identity: Hashable, Sendable {
    /// Full name (UTF-8), for example `山田 花子`.
    public var name: String
    /// The name in substitute characters (代替文字) for the signing certificate's otherName 1.2.392.200149.8.5.5.2.
    public var nameSubstitute: String
    /// Address (UTF-8).
    public var address: String
    /// The address in substitute characters for otherName 1.2.392.200149.8.5.5.6.
    public var addressSubstitute: String
    /// Birth date as `YYYYMMDD`.
    public var birthDate: String
    /// Sex (ISO 5218: male, female or not applicable).
    public var sex: Sex

    /// Creates an identity. The substitute forms default to the name and address themselves.
    public init(
        name: String,
        nameSubstitute: String? = nil,
        address: String,
        addressSubstitute: String? = nil,
        birthDate: String,
        sex: Sex
    ) {
        self.name = name
        self.nameSubstitute = nameSubstitute ?? name
        self.address = address
        self.addressSubstitute = addressSubstitute ?? address
        self.birthDate = birthDate
        self.sex = sex
    }

    /// A fictitious cardholder used when nothing else is configured.
    public static let sample = Identity(
        name: "試験 花子",
        address: "東京都試験区模擬町一丁目2番3号",
        birthDate: "19850412",
        sex: .female
    )

    /// Throws unless the birth date is eight ASCII digits forming a plausible `YYYYMMDD` date and the texts are
    /// non-empty.
    public func validate() throws(SimulatorError) {
        guard !name.isEmpty, !address.isEmpty else {
            throw SimulatorError(.invalidConfiguration, "the cardholder's name and address must not be empty")
        }
        let digits = Array(birthDate.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw SimulatorError(.invalidConfiguration, "the birth date must be YYYYMMDD, got \(birthDate)")
        }
        let number = digits.map { Int($0 - 0x30) }
        let month = number[4] * 10 + number[5]
        let day = number[6] * 10 + number[7]
        guard (1...12).contains(month), (1...31).contains(day) else {
            throw SimulatorError(.invalidConfiguration, "the birth date must be YYYYMMDD, got \(birthDate)")
        }
        if case .other(let code) = sex {
            throw SimulatorError(.invalidConfiguration, "the sex must be an ISO 5218 code 1, 2 or 9, got \(code)")
        }
    }
}
