//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Logging
import MynaCard
import MynaSimulator
import MynaVerify
import XCTest

@testable import mynakit

/// The library enums taken directly as option values keep the command-line spellings of the contract, and the global
/// options reach every command.
final class ArgumentTests: XCTestCase {
    private func parse<Command: ParsableCommand>(_ arguments: [String], as _: Command.Type) throws -> Command {
        try XCTUnwrap(try MynaKitCommand.parseAsRoot(arguments) as? Command, arguments.joined(separator: " "))
    }

    func testSpellingsAreTheContract() {
        XCTAssertEqual(HashAlgorithm.allValueStrings, ["sha1", "sha256", "sha384", "sha512"])
        XCTAssertEqual(JPKIApplication.CertificateKind.allValueStrings, ["auth", "auth-ca", "sign", "sign-ca"])
        XCTAssertEqual(JPKIApplication.Key.allValueStrings, ["auth", "sign"])
        XCTAssertEqual(PINKind.allValueStrings, ["auth", "sign", "card-info"])
        XCTAssertEqual(CertificateVerifier.Profile.allValueStrings, ["auth", "sign"])
        XCTAssertEqual(
            SimulatorConfiguration.EndOfFileBehaviour.allValueStrings, ["warning", "wrong-parameters", "success"])
        XCTAssertEqual(
            SimulatorConfiguration.MalformedResponse.allValueStrings,
            ["one-byte-read-binary", "certificate-length-overstated", "endless-get-response", "short-signature"])
    }

    func testCardCommandsParseTheLibraryEnums() throws {
        let expected: [(String, JPKIApplication.CertificateKind)] = [
            ("auth", .authentication), ("auth-ca", .authenticationCA), ("sign", .signing), ("sign-ca", .signingCA),
        ]
        for (spelling, kind) in expected {
            XCTAssertEqual(try parse(["cert", "read", "--kind", spelling], as: CertRead.self).kind, kind)
        }
        XCTAssertEqual(try parse(["pin", "verify", "--kind", "card-info"], as: PinVerify.self).kind, .cardInfo)
        XCTAssertEqual(try parse(["pin", "verify", "--kind", "auth"], as: PinVerify.self).kind, .authentication)
        let sign = try parse(["sign", "--key", "sign", "--challenge", "00", "--hash", "sha384"], as: Sign.self)
        XCTAssertEqual(sign.key, .signing)
        XCTAssertEqual(sign.hash, .sha384)
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["cert", "read", "--kind", "authentication"]))
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["pin", "verify", "--kind", "cardInfo"]))
    }

    func testVerificationCommandsTakeAuthAndSignForTheProfile() throws {
        let verify = try parse(["cert", "verify", "c.pem", "--kind", "sign", "--roots", "r.pem"], as: CertVerify.self)
        XCTAssertEqual(verify.kind, .signing)
        XCTAssertEqual(verify.trust.roots, ["r.pem"])
        XCTAssertThrowsError(
            try MynaKitCommand.parseAsRoot(["cert", "verify", "c.pem", "--kind", "signing", "--roots", "r.pem"]))
        let bench = ["bench", "verify", "--cert", "c", "--roots", "r", "--in", "d", "--signature", "s"]
        XCTAssertNil(try parse(bench, as: BenchVerify.self).kind, "the default, auth, is applied when running")
        XCTAssertEqual(try parse(bench + ["--kind", "auth"], as: BenchVerify.self).kind, .authentication)
    }

    func testSimulatorFaultsAndATRs() throws {
        let sim = try parse(
            [
                "sim", "--end-of-file", "wrong-parameters", "--malformed", "one-byte-read-binary", "--malformed",
                "short-signature", "--atr", "contactless-2",
            ], as: Sim.self)
        XCTAssertEqual(sim.endOfFile, .wrongParameters)
        XCTAssertEqual(sim.malformed, [.oneByteReadBinary, .shortSignature])
        XCTAssertEqual(sim.atr, .contactless(index: 1))
        XCTAssertEqual(try parse(["sim"], as: Sim.self).endOfFile, .warning)
        XCTAssertEqual(
            try parse(["sim", "--atr", "3B:81:80:01:80:80"], as: Sim.self).atr, .custom([0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]))
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["sim", "--end-of-file", "wrongParameters"]))
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["sim", "--atr", "3B8"]))
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["sim", "--atr", ""]))
        XCTAssertEqual(CardATR.argumentNames.count, Set(CardATR.argumentNames.map(\.name)).count)
    }

    func testVerboseAndQuietSetTheLogLevel() throws {
        XCTAssertEqual(try parse(["readers"], as: Readers.self).global.logLevel, .warning)
        XCTAssertEqual(try parse(["readers", "-v"], as: Readers.self).global.logLevel, .debug)
        XCTAssertEqual(try parse(["readers", "-vv"], as: Readers.self).global.logLevel, .trace)
        XCTAssertEqual(try parse(["readers", "--verbose", "--verbose", "-v"], as: Readers.self).global.logLevel, .trace)
        XCTAssertEqual(try parse(["atr", "3B00", "--quiet"], as: ATRCommand.self).global.logLevel, .error)
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["readers", "-v", "-q"]))
        XCTAssertEqual(try parse(["info", "-vv"], as: Info.self).global.logLevel, .trace)
        XCTAssertThrowsError(try MynaKitCommand.parseAsRoot(["info", "-v", "-q"]), "validated inside CardOptions too")
    }

    /// Every command that runs takes the global options, so `main()` can set the log level before it starts.
    func testEveryCommandTakesTheGlobalOptions() throws {
        for path in CommandTreeTests.commandPaths() {
            var command: any ParsableCommand.Type = MynaKitCommand.self
            for name in path {
                command = try XCTUnwrap(command.configuration.subcommands.first { $0._commandName == name })
            }
            guard command.configuration.subcommands.isEmpty else { continue }
            XCTAssertTrue(command is any GlobalOptionsCommand.Type, "\(path) does not take the global options")
            let help = MynaKitCommand.helpMessage(for: command)
            XCTAssertTrue(help.contains("-v, --verbose") && help.contains("-q, --quiet"), help)
        }
    }

    /// The stderr tracer exists only with `--trace` (`-vv` gets the channel's own trace-level log lines instead, which
    /// the channel redacts the same way: CardChannelLoggingTests).
    func testTracerOnlyWhenAskedFor() throws {
        // From the root: CardOptions (or Info) parsed on its own would be a synchronous parse of --reader's
        // asynchronous completion, which ArgumentParser refuses.
        XCTAssertNil(try parse(["info"], as: Info.self).card.tracer())
        XCTAssertNotNil(try parse(["info", "--trace"], as: Info.self).card.tracer())
    }
}
