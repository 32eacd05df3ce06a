//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser

/// `mynakit cert …`: certificate commands.
struct Cert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Read and verify My Number card certificates.",
        subcommands: [CertRead.self, CertVerify.self, CertStatus.self]
    )
}
