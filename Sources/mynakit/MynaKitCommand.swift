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

    /// Parses the command line, sets up logging from the command's ``GlobalOptions``, then runs the command.
    ///
    /// This is `AsyncParsableCommand.main()` with one step added: logging is bootstrapped once, before any command
    /// code runs, so the level given with `-v`/`-q` holds for everything the command does.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            // Help, version and completion requests are ArgumentParser's own commands, without the global options.
            let level = (command as? any GlobalOptionsCommand)?.global.logLevel ?? GlobalOptions.defaultLogLevel
            CommandLog.bootstrap(level: level)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
