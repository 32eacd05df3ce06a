//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser

/// `mynakit bench …`: benchmarks (Docs/Benchmarks.md).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the library: APDU round trips, verification throughput.",
        subcommands: [BenchAPDU.self, BenchVerify.self, BenchCRL.self]
    )
}
