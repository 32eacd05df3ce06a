//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Logging

/// `-v`/`--verbose` and `-q`/`--quiet`, taken by every command.
///
/// They set the level of the diagnostics logged on stderr (swift-log): warnings by default, debug with `-v`, trace
/// with `-vv`, errors only with `-q`. A command's own output and its error message do not depend on them.
struct GlobalOptions: ParsableArguments {
    @Flag(
        name: .shortAndLong,
        help: "Log diagnostics on stderr: -v for debug, -vv for trace (every APDU, redacted as with --trace).")
    var verbose: Int

    @Flag(name: .shortAndLong, help: "Log errors only.")
    var quiet = false

    func validate() throws {
        if quiet && verbose > 0 { throw ValidationError("give either --verbose or --quiet, not both") }
    }

    /// The level without `-v` or `-q`: warnings and errors only.
    static let defaultLogLevel = Logger.Level.warning

    /// The level the options ask for.
    var logLevel: Logger.Level {
        if quiet { return .error }
        switch verbose {
        case 0: return Self.defaultLogLevel
        case 1: return .debug
        default: return .trace
        }
    }
}

/// A command that takes ``GlobalOptions``. Every command that runs conforms (CommandTreeTests checks it), which is
/// how ``MynaKitCommand/main()`` finds the log level before the command starts.
protocol GlobalOptionsCommand: ParsableCommand {
    var global: GlobalOptions { get }
}

/// The CLI's logging: swift-log with one handler writing to stderr, so stdout keeps only a command's result.
///
/// What is logged never holds a PIN or a My Number: PINs never reach a log call, and the APDU lines logged at trace
/// level are the channel's trace events, which carry VERIFY data as `**` and only the length of card-info responses,
/// the same as `--trace`.
enum CommandLog {
    static let label = "mynakit"

    /// Installs the stderr handler at `level`; called once, by ``MynaKitCommand/main()``, before the command runs.
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// The logger commands log with. It is also the one to hand to the libraries once they take a `Logger`:
    /// ``CardSession`` creates every PC/SC object the CLI uses, so that is where it is passed.
    static var logger: Logger { Logger(label: label) }
}
