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
        version: VersionReport.mynaKit,
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
            Document.self,
            Pin.self,
            MyNumberCommand.self,
            SurfaceCommand.self,
            APDUCommand.self,
            // Verification and the terminal flow
            VerifySignature.self,
            Auth.self,
            Trust.self,
            // Benchmarks
            Bench.self,
            // Development
            Sim.self,
        ]
    )

    /// Parses the command line, sets up logging from the command's ``GlobalOptions``, then runs the command.
    ///
    /// This is `AsyncParsableCommand.main()` with three steps added: standard output is checked at exit (a lost write
    /// is exit 74, never success: ``StandardStreams``), logging is bootstrapped before any command code runs, and with
    /// `--json` a usage error is a JSON document on stdout like every other error.
    static func main() async {
        StandardStreams.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            print(VersionReport.current.text)
            return
        }
        do {
            var command = try await asyncParseAsRoot(arguments)
            // Help, version and completion requests are ArgumentParser's own commands, without the global options.
            let level = (command as? any GlobalOptionsCommand)?.global.logLevel ?? GlobalOptions.defaultLogLevel
            CommandLog.bootstrap(level: level)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if arguments.contains("--json"), !(error is ExitCode), code != .success {
                // A usage or validation error: the same JSON error document as every other failure.
                let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "usage error"
                let failure = CommandFailure(status: .usage, code: "usage", message: message)
                Reporter.printJSON(["error": ErrorDocument(failure)])
                exit(withError: ExitCode(ExitStatus.usage.rawValue))
            }
            exit(withError: error)
        }
    }
}
