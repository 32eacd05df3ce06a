//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Sex as the card stores it: an ISO 5218 code (`1` male, `2` female, `9` not applicable). A code outside the standard
/// is kept as it was read, never guessed.
public enum Sex: Hashable, Sendable, Codable {
    case male
    case female
    case notApplicable
    case other(String)

    /// The value for an ISO 5218 code.
    public init(code: String) {
        switch code {
        case "1": self = .male
        case "2": self = .female
        case "9": self = .notApplicable
        default: self = .other(code)
        }
    }

    /// The ISO 5218 code.
    public var code: String {
        switch self {
        case .male: "1"
        case .female: "2"
        case .notApplicable: "9"
        case .other(let code): code
        }
    }
}
