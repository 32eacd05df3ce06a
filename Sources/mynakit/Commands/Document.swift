//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser

/// `mynakit document …`: CMS and PDF signatures with the card's signing key, and their verification.
struct Document: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "document",
        abstract: "Sign documents with the signing certificate (CMS .p7s, PDF) and verify such signatures.",
        subcommands: [DocumentSign.self, DocumentVerify.self]
    )
}
