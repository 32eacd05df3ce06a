//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// The CLI under ordinary shell habits, through real pcscd + vpcd and the virtual card: output paths, lost output,
/// times, `watch` endings, PIN entry and the JSON contract.
final class UnixCLITests: VirtualCardCLITestCase {
    override class var directoryPrefix: String { "mynakit-unix" }

    /// Runs a shell line with `$M` set to the mynakit executable (for redirections such as `>&-` and `>/dev/full`).
    func shell(_ script: String, stdin: String? = nil) throws -> CLI.Result {
        try CLI.runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", script], stdin: stdin, environment: ["M": CLI.executable.path])
    }

    private func errorCode(_ result: CLI.Result) throws -> String? {
        (try result.json()["error"] as? [String: Any])?["code"] as? String
    }

    // MARK: Output paths

    func testDirectoriesAreRefusedBeforeTheCardAndLeftUntouched() async throws {
        try await insert()
        let keep = path("sub/keep.txt")
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: keep))
        for out in [path("sub"), path("sub") + "/", directory.path, ""] {
            let result = try CLI.run(["cert", "read", "--kind", "auth", "--out", out, "--json"] + reader)
            XCTAssertEqual(result.status, 64, "\(out): \(result.stderr)")
            XCTAssertNotNil(try errorCode(result), out)
        }
        XCTAssertEqual(try String(contentsOfFile: keep, encoding: .utf8), "precious")
        // sign --out DIR fails before the PIN is spent: the card never saw a VERIFY.
        let sign = try CLI.run(
            ["sign", "--key", "auth", "--challenge", "00", "--out", path("sub"), "--pin-stdin"] + reader, stdin: "9999\n")
        XCTAssertEqual(sign.status, 64, sign.stderr)
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }

    func testExistingFilesSymlinksAndDevices() async throws {
        try await insert()
        let out = path("auth.pem")
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        XCTAssertEqual(try CLI.run(["cert", "read", "--kind", "auth", "--out", out] + reader).status, 0)
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))

        let link = path("link.der")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.der")
        let viaLink = try CLI.run(["cert", "read", "--kind", "auth", "--format", "der", "--out", link] + reader)
        XCTAssertEqual(viaLink.status, 0, viaLink.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "target.der")
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path("target.der")))), Self.pki.authCertificate)

        let null = try CLI.run(["cert", "read", "--kind", "auth", "--out", "/dev/null"] + reader)
        XCTAssertEqual(null.status, 0, null.stderr)
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")

        // DER goes to a pipe with `-` (refused only on a terminal).
        let piped = try shell("\"$M\" cert read --kind auth --format der --out - --reader '\(VPCDRig.reader0)' | wc -c")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(Int(piped.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), Self.pki.authCertificate.count)
    }

    func testConcurrentWritersLeaveOneWholeFile() async throws {
        try await insert()
        let out = path("same.pem")
        let script = (0..<4).map { _ in
            "\"$M\" cert read --kind auth --out '\(out)' --reader '\(VPCDRig.reader0)' & "
        }.joined() + "fail=0; for job in 1 2 3 4; do wait -n || fail=$((fail + 1)); done; echo $fail"
        let result = try CLI.runProcess(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script], environment: ["M": CLI.executable.path])
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0", result.stderr)
        let pem = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(pem, try String(contentsOfFile: path("auth.pem"), encoding: .utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }, [])
    }

    // MARK: Lost output

    func testLostOutputIsExit74NeverACrashOrSuccess() async throws {
        try await insert()
        let r = "--reader '\(VPCDRig.reader0)'"
        for script in [
            "\"$M\" readers >/dev/full", "\"$M\" readers >&-", "\"$M\" info \(r) --json >/dev/full",
            "\"$M\" cert read --kind auth \(r) >/dev/full", "\"$M\" doctor >/dev/full",
            "\"$M\" cert read --kind auth --out /dev/full \(r)",
        ] {
            let result = try shell(script + "; echo \"exit=$?\"")
            XCTAssertTrue(result.stdout.hasSuffix("exit=74\n"), "\(script): \(result.stdout) \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error"), script)
        }
        // A reader that went away, with SIGPIPE ignored as under systemd: `true` has long exited when the card flow
        // is done and the certificate is written. The writer's own status counts, not the pipeline's.
        let pipe = try CLI.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            ["-c", "trap '' PIPE; \"$M\" cert read --kind auth --format text --reader '\(VPCDRig.reader0)' | true; "
                + "echo \"exit=${PIPESTATUS[0]}\""], environment: ["M": CLI.executable.path])
        XCTAssertEqual(pipe.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "exit=74", pipe.stderr)
        XCTAssertFalse(pipe.stderr.contains("Fatal error"))
    }

    // MARK: Times

    func testTimesNeedAZoneAndOutOfRangeTimesAreVerdicts() throws {
        let base = ["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("auth-root.pem"), "--json"]
        for bad in ["2031-11-27T23:59:00", "2031-11-27garbage", "2031-11-27", "bogus"] {
            let result = try CLI.run(base + ["--at", bad])
            XCTAssertEqual(result.status, 64, bad)
            XCTAssertEqual(try errorCode(result), "usage", bad)
        }
        let early = try CLI.run(base + ["--at", "0000-01-01T00:00:00Z"])
        XCTAssertEqual(early.status, 5, early.stderr)
        let failures = try XCTUnwrap(try early.json()["failures"] as? [[String: Any]])
        XCTAssertTrue(failures.contains { $0["code"] as? String == "not-yet-valid" }, "\(failures)")
        let zoned = try CLI.run(base + ["--at", "2030-06-01T09:00:00+09:00"])
        XCTAssertEqual(zoned.status, 0, zoned.stdout)
        XCTAssertEqual(try zoned.json()["time"] as? String, "2030-06-01T00:00:00Z")
    }

    // MARK: watch

    func testWatchTimesOutWithItsOwnCodeAndStreamsNDJSON() async throws {
        try await insert()
        let result = try CLI.run(["watch", "--events", "1", "--timeout", "1.5", "--json"])
        XCTAssertEqual(result.status, 75, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2)
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertTrue(objects.contains { $0["reader"] as? String == VPCDRig.reader0 })
        XCTAssertEqual((objects.last?["error"] as? [String: Any])?["code"] as? String, "too-few-events")
        // Without --events a timeout is the asked-for end.
        XCTAssertEqual(try CLI.run(["watch", "--timeout", "1"]).status, 0)
    }

    // MARK: PIN entry and the reader

    func testTraceHidesThePINLength() async throws {
        try await insert()
        let result = try CLI.run(["pin", "verify", "--kind", "auth", "--pin-stdin", "--trace"] + reader, stdin: "1234\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("00 20 00 80 ** ->"), result.stderr)
        XCTAssertFalse(result.stderr.contains("00 20 00 80 04"), "the Lc tells the PIN's length")
    }

    func testAuthHoldsNoTransactionWhileThePINIsTyped() async throws {
        try await insert()
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["auth", "--roots", path("auth-root.pem"), "--pin-stdin", "--json"] + reader
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The certificate is read and verified; auth now waits for its PIN. Another process gets the card at once.
        try await Task.sleep(for: .seconds(2))
        let other = try CLI.run(["pin", "status", "--json", "--timeout", "5"] + reader, timeout: 10)
        XCTAssertEqual(other.status, 0, other.stderr)
        try input.fileHandleForWriting.write(contentsOf: Data("1234\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let json = try JSONSerialization.jsonObject(with: output.fileHandleForReading.readDataToEndOfFile())
        XCTAssertEqual((json as? [String: Any])?["verdict"] as? String, "authenticated")
    }

    func testEmptyChallengeIsRefusedBeforeTheCard() async throws {
        try await insert()
        let result = try CLI.run(["sign", "--key", "auth", "--challenge", "", "--pin-stdin", "--json"] + reader, stdin: "1234\n")
        XCTAssertEqual(result.status, 64, result.stdout)
        XCTAssertEqual(try errorCode(result), "usage")
        XCTAssertEqual(card.triesLeft(.authentication), 3)
        let empty = path("empty")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertEqual(try CLI.run(["sign", "--key", "auth", "--in", empty, "--pin-stdin"] + reader, stdin: "1234\n").status, 64)
    }

    func testSignHexVerifiesAndInvalidSignaturesSayWhy() async throws {
        try await insert()
        let message = path("message.bin")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: message))
        let signed = try CLI.run(["sign", "--key", "auth", "--in", message, "--pin-stdin"] + reader, stdin: "1234\n")
        XCTAssertEqual(signed.status, 0, signed.stderr)
        let hexFile = path("signature.hex")
        try Data(signed.stdout.utf8).write(to: URL(fileURLWithPath: hexFile))
        let check = ["verify-signature", "--cert", path("auth.pem"), "--in", message, "--json", "--signature"]
        let valid = try CLI.run(check + [hexFile])
        XCTAssertEqual(valid.status, 0, valid.stdout)
        XCTAssertEqual(try valid.json()["valid"] as? Bool, true)

        let short = path("short.hex")
        try Data(signed.stdout.prefix(100).utf8).write(to: URL(fileURLWithPath: short))
        let truncated = try CLI.run(check + [short])
        XCTAssertEqual(truncated.status, 5)
        XCTAssertTrue((try truncated.json()["reason"] as? String)?.contains("256-byte") == true, truncated.stdout)

        let other = path("other.bin")
        try Data("hellO".utf8).write(to: URL(fileURLWithPath: other))
        let mismatch = try CLI.run(["verify-signature", "--cert", path("auth.pem"), "--in", other, "--signature", hexFile, "--json"])
        XCTAssertEqual(mismatch.status, 5)
        XCTAssertTrue((try mismatch.json()["reason"] as? String)?.contains("does not match") == true, mismatch.stdout)

        // Inputs from stdin and process substitution.
        let substituted = try CLI.runProcess(
            URL(fileURLWithPath: "/bin/bash"),
            ["-c", "\"$M\" verify-signature --cert - --in <(printf hello) --signature '\(hexFile)' < '\(path("auth.pem"))'"],
            environment: ["M": CLI.executable.path])
        XCTAssertEqual(substituted.status, 0, substituted.stderr)
    }

    // MARK: JSON contract and version

    func testUsageErrorsAreJSONWithJSON() throws {
        let conflict = try CLI.run(["cert", "read", "--kind", "auth", "--format", "der", "--json"])
        XCTAssertEqual(conflict.status, 64)
        XCTAssertEqual(try errorCode(conflict), "usage")
        XCTAssertEqual(try (conflict.json()["error"] as? [String: Any])?["exitStatus"] as? Int, 64)
        let unknown = try CLI.run(["pin", "status", "--no-such-option", "--json"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(try errorCode(unknown), "usage")
    }

    func testWrongPINCarriesTriesLeftAsAField() async throws {
        try await insert()
        let result = try CLI.run(["pin", "verify", "--kind", "auth", "--pin-stdin", "--json"] + reader, stdin: "9999\n")
        XCTAssertEqual(result.status, 4)
        let error = try XCTUnwrap(try result.json()["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "wrong-pin")
        XCTAssertEqual(error["triesLeft"] as? Int, 2)
    }

    func testVersionNamesTheLibraries() throws {
        let result = try CLI.run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("mynakit "), result.stdout)
        XCTAssertTrue(result.stdout.contains("pcsc-lite: headers "), result.stdout)
        XCTAssertTrue(result.stdout.contains("OpenSSL: OpenSSL 3"), result.stdout)
    }
}
