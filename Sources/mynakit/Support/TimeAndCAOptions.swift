//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify

/// `--at TIME`: judge at this time instead of now (`cert verify`, `cert status`, `document verify`). RFC 3339 with a
/// zone only (``RFC3339``): a time without one is a usage error, never a guess.
struct VerificationTimeOptions: ParsableArguments {
    @Option(
        name: .customLong("at"),
        help: "Judge at this time instead of now: RFC 3339 with a zone, e.g. 2026-01-31T12:00:00Z or 2026-01-31T21:00:00+09:00.")
    var text: String?

    func validate() throws {
        if let text, RFC3339.parse(text) == nil {
            throw ValidationError("--at \(text) is not a time in \(RFC3339.accepted)")
        }
    }

    /// The time given, or now.
    var time: Date { text.flatMap(RFC3339.parse) ?? Date() }
}

/// `--card-ca FILE…`: CA keys for card-data authenticity beyond the built-in table (`mynumber`, `surface`).
struct CardCAOptions: ParsableArguments {
    @Option(
        name: .customLong("card-ca"),
        help: ArgumentHelp(
            "More CA keys: a JSON array of {keyId, modulus, exponent, hierarchy} (repeatable).", valueName: "file"),
        completion: .file())
    var files: [String] = []

    /// The built-in CA keys and those of the files. A file that cannot be used is a usage error (exit 64), not a
    /// verdict about a card.
    func table() throws -> CardCAKeyTable {
        var table = try CardCAKeyTable()
        for path in files {
            let bytes = try readFile(path)
            do {
                table = try table.adding(CardCAKeyTable.parseJSON(bytes))
            } catch let error as MynaVerifyError {
                throw CommandFailure(status: .usage, code: "invalid-card-ca", message: "\(path): \(error.reason)")
            }
        }
        return table
    }
}
