//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The libraries' own enums, taken directly as option values: the CLI declares no enum of its own that mirrors one of
// theirs, so a case added to a library enum reaches the command line, its help and its completions by itself.
//
// The command-line spellings are a contract (Docs/Technician.md, scripts and tests use them). Where a raw value is
// already the spelling (`auth`, `auth-ca`, `card-info`, `sha256`), the conformance is empty; where it is not, the
// type names its spelling once, through ``ArgumentSpelling``.

public import ArgumentParser
import MynaCard
import MynaSimulator
import MynaVerify
import SmartCard

/// `--hash`: sha1, sha256, sha384, sha512.
extension HashAlgorithm: ExpressibleByArgument {}

/// `cert read --kind`: auth, auth-ca, sign, sign-ca.
extension JPKIApplication.CertificateKind: ExpressibleByArgument {}

/// `sign --key`: auth, sign.
extension JPKIApplication.Key: ExpressibleByArgument {}

/// `pin verify --kind`: auth, sign, card-info.
extension PINKind: ExpressibleByArgument {}

/// A library enum whose command-line spelling is not its raw value. Parsing, the help's value list and shell
/// completion come from ``argument``.
///
/// One thing it cannot change: ArgumentParser shows the *raw value* of a raw-valued enum as an option's default in
/// the help. An option of such a type whose default differs from its spelling is therefore declared optional, with
/// the default named in its help text (`bench verify --kind`).
protocol ArgumentSpelling: ExpressibleByArgument, CaseIterable {
    /// How the case is written on the command line.
    var argument: String { get }
}

// The same constraints as ArgumentParser's raw-value defaults, plus ArgumentSpelling: being the more specialised,
// these are the witnesses for the spelled enums.
extension ArgumentSpelling where Self: RawRepresentable, RawValue: ExpressibleByArgument {
    init?(argument: String) {
        guard let match = Self.allCases.first(where: { $0.argument == argument }) else { return nil }
        self = match
    }

    static var allValueStrings: [String] { allCases.map(\.argument) }

    /// No per-value descriptions: the help lists the spellings, as for the enums spelled by their raw values.
    static var allValueDescriptions: [String: String] { [:] }
}

extension ArgumentSpelling where Self: RawRepresentable, RawValue == String {
    /// The raw value in kebab case, the usual spelling of a multi-word value: `wrongParameters` → `wrong-parameters`.
    var kebabCasedRawValue: String {
        var spelled = ""
        for character in rawValue {
            if character.isUppercase {
                spelled += "-" + character.lowercased()
            } else {
                spelled.append(character)
            }
        }
        return spelled
    }
}

/// `cert verify --kind` and `bench verify --kind`: auth, sign (the same words as `cert read --kind`).
extension CertificateVerifier.Profile: ArgumentSpelling {
    var argument: String {
        switch self {
        case .authentication: "auth"
        case .signing: "sign"
        }
    }
}

/// `sim --end-of-file`: warning, wrong-parameters, success.
extension SimulatorConfiguration.EndOfFileBehaviour: ArgumentSpelling {
    var argument: String { kebabCasedRawValue }
}

/// `sim --malformed`: one-byte-read-binary, certificate-length-overstated, endless-get-response, short-signature.
extension SimulatorConfiguration.MalformedResponse: ArgumentSpelling {
    var argument: String { kebabCasedRawValue }
}

/// `sim --atr`: one of the registered ATRs by name, or any ATR in hex.
extension CardATR: ExpressibleByArgument {
    /// The names `--atr` accepts, in the order the help lists them.
    static let argumentNames: [(name: String, atr: CardATR)] = [
        ("no-historical", .contactNoHistoricalBytes),
        ("extended", .contactExtendedLength),
        ("short", .contactShortLength),
        ("variant-a", .contactVariantA),
        ("variant-b", .contactVariantB),
        ("contactless-1", .contactless(index: 0)),
        ("contactless-2", .contactless(index: 1)),
        ("contactless-3", .contactless(index: 2)),
        ("contactless-4", .contactless(index: 3)),
    ]

    init?(argument: String) {
        if let named = Self.argumentNames.first(where: { $0.name == argument }) {
            self = named.atr
        } else if let bytes = try? Hex.decode(argument), !bytes.isEmpty {
            self = .custom(bytes)
        } else {
            return nil
        }
    }
}
