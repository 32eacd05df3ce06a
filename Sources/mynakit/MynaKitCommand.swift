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
            // The card
            Info.self,
            Cert.self,
            Sign.self,
            Pin.self,
            MyNumberCommand.self,
            APDUCommand.self,
            // Verification and the terminal flow
            VerifySignature.self,
            Auth.self,
            // Benchmarks
            Bench.self,
            // Development
            Sim.self,
        ]
    )
}
