//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser

@main
struct MynaKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mynakit",
        abstract: "Diagnose smart-card readers and use Japan's My Number card through PC/SC.",
        version: "0.1.0",
        subcommands: [
            // Readers and diagnostics
            Readers.self,
            Watch.self,
            ATRCommand.self,
            DoctorCommand.self,
            UdevRulesCommand.self,
            // Certificates and signatures (MynaVerify)
            Cert.self,
            VerifySignature.self,
            // Benchmarks
            Bench.self,
            // Development
            Sim.self,
        ]
    )
}
