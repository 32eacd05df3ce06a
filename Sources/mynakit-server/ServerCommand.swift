//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import MynaServer
import MynaVerify

#if canImport(Glibc)
import Glibc
#endif

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mynakit-server",
        abstract: "The relying party's verification service for My Number card authentication.",
        discussion: """
            Terminals ask for a challenge (POST /v1/challenges), have the card sign it, and post the certificate \
            and signature (POST /v1/verifications); the service verifies them against its own trust anchors and \
            CRLs. API keys (Authorization: Bearer KEY) are made with `mynakit-server key add NAME`. See \
            Docs/VerificationService.md and Docs/openapi.yaml.
            """,
        subcommands: [Serve.self, Key.self],
        defaultSubcommand: Serve.self
    )
}

/// `--store` and logging, shared by every subcommand.
struct StoreOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "sqlite:PATH (one node; the default is sqlite:mynakit-server.sqlite) or postgres://USER@HOST:PORT/DB "
                + "(shared by several instances; the password may come from PGPASSWORD).",
            valueName: "store"))
    var store: String?

    @Option(help: "Seconds to wait for PostgreSQL to answer at start-up.")
    var storeTimeout: Double = 10

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    var timeout: Duration { .milliseconds(Int64(storeTimeout * 1000)) }

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level \(logLevel)") }
        if !(storeTimeout > 0) { throw ValidationError("--store-timeout must be positive") }
    }

    func location() throws -> StoreLocation {
        guard let store else { return .default }
        do {
            return try StoreLocation(parsing: store)
        } catch {
            throw ValidationError(String(describing: error))
        }
    }

    func makeLogger() -> Logger {
        var logger = Logger(label: "mynakit-server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}

/// Exit statuses (sysexits.h), as the CLI's: 64 usage (bad options, unreadable trust), 69 the store is unreachable.
enum ServerExit {
    static let usage = ExitCode(64)
    static let unavailable = ExitCode(69)
}

/// Runs `body`, printing an error as one line on stderr and exiting with `status`.
func failing<T>(with status: ExitCode, _ what: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch ServiceStoreError.duplicateKeyName(let name) {
        FileHandle.standardError.write(Data("mynakit-server: \(what): a key named \(name) exists already\n".utf8))
        throw ServerExit.usage
    } catch {
        var message = String(describing: error)
        if let error = error as? MynaVerifyError { message = error.reason }
        FileHandle.standardError.write(Data("mynakit-server: \(what): \(message)\n".utf8))
        throw status
    }
}
