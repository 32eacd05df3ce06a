//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// The C interface as applications use it: libmynakit installed into a temporary prefix by scripts/install-lib.sh,
/// C programs built against the installed header and library with `pkg-config --cflags --libs mynakit`, run through
/// real pcscd + vpcd against the virtual card; also under valgrind and AddressSanitizer, and from Python's ctypes.
///
/// The C test program (Tests/CABI/cabi_test.c) checks each call itself and ends with "N passed, M failed"; these tests
/// add what only the rig knows: the APDUs the card received, its PIN counters, and openssl as the judge of the
/// signatures.
final class CABITests: XCTestCase {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    var link: VPCDLink?
    var card: VirtualMyNumberCard!
    /// The reader the card is in.
    var reader = VPCDRig.reader0
    var directory: URL!
    let apdus = APDULog()

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        directory = try makeTemporaryDirectory("mynakit-cabi")
        try Self.pki.write(to: directory)
        try writeExpectedFiles()
    }

    override func tearDown() async throws {
        if let link { try await VPCDRig.remove(link, reader: reader) }
        link = nil
    }

    override class func tearDown() {
        CABIInstall.remove()
        super.tearDown()
    }

    func insert(_ configuration: SimulatorConfiguration = SimulatorConfiguration()) async throws {
        card = try VirtualMyNumberCard(configuration: configuration, pki: Self.pki)
        try await insert(card)
    }

    /// Inserts `card`, recording the header of every APDU it answers in `apdus`.
    func insert(_ card: any VirtualCard) async throws {
        let apdus = self.apdus
        // On a developer machine other test runs share the rig's two readers: take one that is empty.
        var port = VPCDRig.port0
        if try await PCSCContext().state(of: VPCDRig.reader0).isCardPresent,
            try await !PCSCContext().state(of: VPCDRig.reader1).isCardPresent
        {
            (reader, port) = (VPCDRig.reader1, VPCDRig.port1)
        }
        link = try await VPCDRig.insert(
            card, port: port, reader: reader,
            options: .init(onAPDU: { header in apdus.append(header) }))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The virtual card's PINs, for the programs' environment (never their command line).
    var pins: [String: String] {
        let configuration = SimulatorConfiguration()
        return ["MYNAKIT_TEST_AUTH_PIN": configuration.authPIN, "MYNAKIT_TEST_SIGN_PIN": configuration.signPIN]
    }

    /// Runs a program with the installed library, under `timeout -s KILL`: a test runner's thread hands its blocked
    /// signals down to the processes it starts, so only SIGKILL reliably ends one that waits forever (a reader that
    /// never answers blocks `SCardTransmit`).
    func run(
        _ program: URL, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        timeout: Int = 120
    ) throws -> CLI.Result {
        let install = try CABIInstall.shared()
        let killer = try XCTUnwrap(TestProcess.locate("timeout"), "coreutils' timeout")
        return try CLI.runProcess(
            killer, ["-s", "KILL", "\(timeout)", program.path] + arguments, stdin: stdin,
            environment: install.environment.merging(environment) { $1 }, timeout: TimeInterval(timeout + 30))
    }

    /// Checks the test program's closing line: nothing failed and at least `minimum` checks passed.
    func assertPassed(_ result: CLI.Result, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let passed = Int(summary.split(separator: " ").first ?? "") ?? 0
        XCTAssertTrue(summary.hasSuffix(" passed, 0 failed"), "closing line: \(summary)", file: file, line: line)
        XCTAssertGreaterThanOrEqual(passed, minimum, summary, file: file, line: line)
        XCTAssertFalse(result.stdout.contains("not ok"), result.stdout, file: file, line: line)
    }

    // MARK: - Installation

    func testInstalledLayoutSonameAndExportsMatchTheHeader() throws {
        let install = try CABIInstall.shared()
        let lib = install.prefix.appendingPathComponent("lib")
        func link(_ name: String) throws -> String {
            try FileManager.default.destinationOfSymbolicLink(atPath: lib.appendingPathComponent(name).path)
        }
        XCTAssertEqual(try link("libmynakit.so"), "libmynakit.so.1")
        XCTAssertEqual(try link("libmynakit.so.1"), "libmynakit.so.1.0")
        let library = lib.appendingPathComponent("libmynakit.so.1.0").path
        let dynamic = try CABIInstall.tool("readelf", ["-d", library])
        XCTAssertTrue(dynamic.contains("Library soname: [libmynakit.so.1]"), dynamic)

        // Every exported symbol is a function of the header, in the version node the version script gives it, and
        // the other way round.
        let symbols = try CABIInstall.tool("nm", ["-D", "--defined-only", "--extern-only", library])
        let map = try String(
            contentsOf: CLI.repositoryRoot.appendingPathComponent("CModules/CMynaKit/mynakit.map"), encoding: .utf8)
        let nodes = CABIInstall.versionNodes(inVersionScript: map)
        var exported: Set<String> = []
        for line in symbols.split(separator: "\n") {
            guard let symbol = line.split(separator: " ").last, !symbol.hasPrefix("MYNAKIT_") else { continue }
            let name = String(symbol.split(separator: "@").first ?? "")
            XCTAssertEqual(symbol, "\(name)@@\(nodes[name] ?? "no node")", "\(name)'s version node")
            exported.insert(name)
        }
        let header = try String(contentsOf: install.prefix.appendingPathComponent("include/mynakit.h"), encoding: .utf8)
        XCTAssertEqual(exported, CABIInstall.declaredFunctions(inHeader: header))
        XCTAssertEqual(exported, Set(nodes.keys))
        XCTAssertEqual(nodes.filter { $0.value == "MYNAKIT_1.0" }.count, 16, "MYNAKIT_1.0 never changes")
        XCTAssertEqual(nodes["mynakit_sign_cms"], "MYNAKIT_1.1")
        // The header is C99 and C++ alike (its extern "C" block).
        let headerPath = install.prefix.appendingPathComponent("include/mynakit.h").path
        for (compiler, language) in [("clang", "c"), ("clang++", "c++")] {
            _ = try CABIInstall.tool(
                compiler, ["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic", "-x", language, headerPath])
        }

        let pkgConfig = try CABIInstall.tool(
            "pkg-config", ["--cflags", "--libs", "mynakit"], environment: install.environment)
        XCTAssertEqual(
            pkgConfig.trimmingCharacters(in: .whitespacesAndNewlines),
            "-I\(install.prefix.path)/include -L\(install.prefix.path)/lib -lmynakit")
    }

    // MARK: - The whole interface

    func testEveryFunctionAgainstTheVirtualCard() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        let result = try run(install.testProgram, ["all", reader, directory.path], environment: pins)
        assertPassed(result, atLeast: 110)
        XCTAssertEqual(card.triesLeft(.authentication), 3)
        XCTAssertEqual(card.triesLeft(.signing), 5)

        // The version the library reports is the one mynakit.pc installs.
        let version = try CABIInstall.installedVersion()
        XCTAssertTrue(result.stdout.contains("ok - mynakit_version: \(version)\n"), result.stdout)

        // openssl judges the CMS signatures made through mynakit_sign_cms, and rejects one over other content.
        for name in ["document-sha256.p7s", "document-sha512.p7s"] {
            let arguments = ["cms", "-verify", "-binary", "-inform", "DER", "-in", path(name), "-CAfile",
                             path("sign-root.pem"), "-purpose", "any", "-out", "/dev/null", "-content"]
            let verified = try OpenSSLTool.run(arguments + [path("document.txt")], allowFailure: true)
            XCTAssertEqual(verified.status, 0, "\(name): \(verified.combinedOutput)")
            let other = try OpenSSLTool.run(arguments + [path("challenge.bin")], allowFailure: true)
            XCTAssertNotEqual(other.status, 0, "\(name) verifies over other content")
        }
        let certificates = try OpenSSLTool.run(
            ["pkcs7", "-print_certs", "-inform", "DER", "-in", path("document-sha512.p7s")]).standardOutput
        XCTAssertEqual(certificates.components(separatedBy: "BEGIN CERTIFICATE").count - 1, 2, "signer and CA")

        // openssl judges the signatures the card made through the C interface.
        for (name, certificate, hash) in [
            ("challenge-auth-sha256.sig", "auth.pem", "sha256"), ("challenge-auth-sha1.sig", "auth.pem", "sha1"),
            ("challenge-auth-sha384.sig", "auth.pem", "sha384"), ("challenge-sign-sha512.sig", "sign.pem", "sha512"),
        ] {
            let key = URL(fileURLWithPath: path("\(certificate).pub"))
            try OpenSSLTool.extractPublicKey(fromCertificate: URL(fileURLWithPath: path(certificate)), to: key)
            XCTAssertTrue(
                try OpenSSLTool.verifiesSignature(
                    URL(fileURLWithPath: path(name)), over: URL(fileURLWithPath: path("challenge.bin")), publicKey: key,
                    hash: hash),
                "openssl rejects \(name)")
        }
    }

    /// Each call sends exactly the APDUs of the library's card budget: the C layer adds none.
    func testEachCallSendsTheLibrarysAPDUs() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        assertPassed(try run(install.testProgram, ["apdus", reader], environment: pins), atLeast: 4)
        let selectApplet = "00A4040C", selectEF = "00A4020C", verify = "00200080"
        let reads = (0..<(Self.pki.authCertificate.count + 255) / 256).map { String(format: "00B0%02X00", $0) }
        XCTAssertEqual(
            apdus.headers,
            [selectApplet, selectEF, "00B00000"]  // open: the JPKI applet and its token EF
                + [selectApplet, selectEF, verify]  // PIN status: an empty VERIFY, no try spent
                + [selectApplet, selectEF] + reads  // the authentication certificate
                + [selectApplet, selectEF, verify, verify, selectEF, "802A0080"])  // sign: tries, PIN, key, signature
    }

    func testABlockedPINIsNeverSent() async throws {
        try await insert(SimulatorConfiguration(authPINTries: 0))
        let install = try CABIInstall.shared()
        assertPassed(try run(install.testProgram, ["blocked", reader], environment: pins), atLeast: 4)
        // Two empty VERIFYs (PIN status, and sign reading the tries first); no VERIFY with the PIN.
        XCTAssertEqual(apdus.headers.filter { $0 == "00200080" }.count, 2, "\(apdus.headers)")
        XCTAssertFalse(apdus.headers.contains("802A0080"))
        XCTAssertEqual(card.triesLeft(.authentication), 0)
    }

    /// The card is pulled while a session is open: the next calls are errors (6, or 3 once pcscd noticed), and the
    /// emptied reader does not open.
    /// A session that sent a PIN resets the card when it closes, so that no verified PIN outlives it. Observed with
    /// raw APDUs that do not select the applet again (selecting it clears its security state anyway): SELECT EF 0001
    /// and READ BINARY of the signing certificate work only while the password is still verified.
    func testClosingAfterAPINResetsTheCard() async throws {
        try await insert()
        let signingCertificate = JPKIApplet.EF.signingCertificate
        /// In a connection of its own: optionally verifies the signing password through the Swift API, then reads the
        /// signing certificate's first bytes without selecting the applet: "read", or the status word that refused.
        func readWithoutSelecting(verifyingFirst: Bool, then disposition: CardConnection.Disposition) async throws
            -> String
        {
            let connection = try await CardConnection.connect(reader: reader)
            let outcome = try await connection.withTransaction { channel in
                if verifyingFirst {
                    let password = try PIN(kind: .signing, SimulatorConfiguration().signPIN)
                    try MyNumberCard(channel: channel).jpki.verify(password)
                }
                let select = try channel.transmit(.selectEF(signingCertificate))
                guard select.statusWord.isSuccess else { return "\(select.statusWord)" }
                let read = try channel.transmit(.readBinary(offset: 0, expectedLength: 4))
                return read.statusWord.isSuccess && read.data.first == 0x30 ? "read" : "\(read.statusWord)"
            }
            try await connection.disconnect(disposition)
            return outcome
        }
        // Control: after a connection that verified and left the card as it is, the next one reads; after a reset,
        // nobody does.
        let left = try await readWithoutSelecting(verifyingFirst: true, then: .leave)
        let kept = try await readWithoutSelecting(verifyingFirst: false, then: .reset)
        let afterReset = try await readWithoutSelecting(verifyingFirst: false, then: .leave)
        XCTAssertEqual(left, "read")
        XCTAssertEqual(kept, "read")
        XCTAssertNotEqual(afterReset, "read")

        let install = try CABIInstall.shared()
        assertPassed(try run(install.testProgram, ["verify-close", reader], environment: pins), atLeast: 1)
        let afterClose = try await readWithoutSelecting(verifyingFirst: false, then: .leave)
        XCTAssertNotEqual(afterClose, "read", "the password verified in the closed session is still verified")
    }

    func testACardWithoutTheJPKIAppletIsNotOpened() async throws {
        try await insert(MinimalISOCard())
        let install = try CABIInstall.shared()
        assertPassed(try run(install.testProgram, ["not-jpki", reader]), atLeast: 2)
        XCTAssertEqual(apdus.headers.first, "00A4040C", "the JPKI applet is selected, nothing else is tried")
    }

    func testACardPulledFromAnOpenSession() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        let process = Process()
        process.executableURL = try XCTUnwrap(TestProcess.locate("timeout"), "coreutils' timeout")
        process.arguments = ["-s", "KILL", "120", install.testProgram.path, "removed", reader]
        process.environment = ProcessInfo.processInfo.environment.merging(install.environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reading = output.fileHandleForReading
        let untilReady = await Task.detached {
            var data = Data()
            while !String(decoding: data, as: UTF8.self).contains("ready\n") {
                let chunk = reading.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            return data
        }.value
        XCTAssertTrue(String(decoding: untilReady, as: UTF8.self).hasSuffix("ready\n"))
        if let link { try await VPCDRig.remove(link, reader: reader) }
        link = nil
        let rest = reading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = CLI.Result(
            status: process.terminationStatus, stdout: String(decoding: untilReady + rest, as: UTF8.self), stderr: "")
        assertPassed(result, atLeast: 4)
    }

    func testPCSCDUnreachable() throws {
        let install = try CABIInstall.shared()
        let socket = directory.appendingPathComponent("no-pcscd/pcscd.comm").path
        assertPassed(
            try run(install.testProgram, ["no-service"], environment: ["PCSCLITE_CSOCK_NAME": socket]), atLeast: 3)
    }

    /// 74 (the CLI's "output could not be written"): no memory for the buffer a call hands back. Nothing is handed
    /// out, and the next call works.
    func testNoMemoryForAResult() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        assertPassed(
            try run(install.testProgram, ["oom", reader], environment: ["LD_PRELOAD": install.failMalloc.path]),
            atLeast: 5)
    }

    func testSessionsFromSeveralThreads() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        assertPassed(try run(install.testProgram, ["threads", "40", reader]), atLeast: 7)
    }

    /// A Swift application calling the C interface from inside tasks, four times as many at once as the cooperative
    /// pool has threads, so that every pool thread waits in a C call (Tests/CABI/TaskCaller). The library's own async
    /// work (reader lists, connect, disconnect) runs on an executor of its own, so the calls finish; a library whose
    /// waits need a pool thread hangs here until `timeout` kills the program.
    func testCallsFromSwiftTasksDoNotDeadlock() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        let caller = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("CABITaskCaller")
        let library = install.prefix.appendingPathComponent("lib/libmynakit.so.1").path
        let processors = ProcessInfo.processInfo.activeProcessorCount
        let result = try run(caller, [library, reader, "\(4 * processors)"], timeout: 60)
        XCTAssertEqual(result.status, 0, "status \(result.status) (137: killed, it hung): \(result.stdout)")
        XCTAssertEqual(
            result.stdout.split(separator: "\n").last.map(String.init), "\(4 * processors) tasks done", result.stdout)
        XCTAssertTrue(
            result.stdout.contains("mynakit_pin_tries read the tries: \(4 * processors) of \(4 * processors)\n"),
            result.stdout)
    }

    // MARK: - Memory

    func testUnderAddressSanitizer() async throws {
        let install = try CABIInstall.shared()
        guard let program = install.sanitizedTestProgram else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("clang is part of the Swift toolchain") }
            throw XCTSkip("clang with AddressSanitizer is not available")
        }
        try await insert()
        let asan = ["ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:halt_on_error=1"]
        for arguments in [["all", reader, directory.path], ["threads", "20", reader]] {
            let result = try run(program, arguments, environment: pins.merging(asan) { $1 })
            assertPassed(result, atLeast: 7)
            XCTAssertFalse(result.stderr.contains("Sanitizer"), result.stderr)
        }
    }

    /// Memory lost per round would make the long run's totals exceed the short one's (TestSupport's `Valgrind`).
    func testNoLeakGrowsWithIterationsUnderValgrind() async throws {
        let valgrind = try Valgrind.executable()
        try await insert()
        let install = try CABIInstall.shared()
        var summaries: [Valgrind.LeakSummary] = []
        for rounds in [1, 4] {
            let result = try run(
                valgrind,
                ["--leak-check=full", "--show-leak-kinds=definite", "--error-exitcode=0", install.testProgram.path,
                 "repeat", "\(rounds)", reader, directory.path],
                environment: pins, timeout: 600)
            assertPassed(result, atLeast: 100 * rounds)
            summaries.append(Valgrind.LeakSummary(parsing: result.stderr))
        }
        XCTAssertEqual(summaries[0], Valgrind.LeakSummary(definitelyLost: 0, indirectlyLost: 0), "\(summaries)")
        XCTAssertEqual(summaries[1], summaries[0], "memory lost grows with the rounds: \(summaries)")
    }

    /// Memory that a long-running kiosk would see grow: the peak resident size after 200 rounds of every call is
    /// within 1 MiB of the peak after 20 (caches fill once; per-call memory would add up).
    func testResidentMemoryStaysFlatOverManyRounds() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        var peaks: [Int] = []
        for rounds in [20, 200] {
            let result = try run(
                install.testProgram, ["repeat", "\(rounds)", reader, directory.path], environment: pins, timeout: 600)
            assertPassed(result, atLeast: 100 * rounds)
            let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("peak-rss-kb ") }
            peaks.append(try XCTUnwrap(line.flatMap { Int($0.split(separator: " ")[1]) }, result.stdout))
        }
        XCTAssertLessThan(peaks[1] - peaks[0], 1024, "peak RSS in kB after 20 and 200 rounds: \(peaks)")
    }

    // MARK: - The examples of Docs/KioskEmbedding.md

    func testTheCExample() async throws {
        try await insert()
        let install = try CABIInstall.shared()
        let good = try run(install.example, [path("auth-root.pem"), reader], stdin: "1234\n")
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(
            good.stdout, "\(reader): card verified (certificate \(Self.pki.authCertificate.count) bytes, "
                + "signature 256 bytes)\n")
        let foreignRoot = try run(install.example, [path("sign-root.pem"), reader], stdin: "1234\n")
        XCTAssertEqual(foreignRoot.status, 5, foreignRoot.stderr)
        XCTAssertTrue(foreignRoot.stderr.hasPrefix("error 5 unknown-issuer: "), foreignRoot.stderr)
        XCTAssertEqual(card.triesLeft(.authentication), 3)
        try assertDocumented("c", file: "kiosk_example.c")
    }

    func testThePythonExample() async throws {
        try await insert()
        let python = try XCTUnwrap(TestProcess.locate("python3"), "python3 is part of Debian's base system")
        let example = CLI.repositoryRoot.appendingPathComponent("Tests/CABI/kiosk_example.py").path
        let arguments = [example, "--roots", path("auth-root.pem"), "--reader", reader]
        let good = try run(python, arguments, stdin: "1234\n")
        XCTAssertEqual(good.status, 0, good.stderr)
        let version = try CABIInstall.installedVersion()
        XCTAssertEqual(
            good.stdout.split(separator: "\n").map(String.init),
            [
                "libmynakit \(version)",
                "readers: \(VPCDRig.reader0), \(VPCDRig.reader1)", "reader: \(reader)",
                "certificate: \(Self.pki.authCertificate.count) bytes, valid", "PIN tries left: 3",
                "signature: 256 bytes over a fresh 32-byte challenge, valid",
            ])
        let wrong = try run(python, arguments, stdin: "9999\n")
        XCTAssertEqual(wrong.status, 4, wrong.stderr)
        XCTAssertTrue(wrong.stderr.hasPrefix("error 4 wrong-pin: "), wrong.stderr)
        XCTAssertEqual(card.triesLeft(.authentication), 2)
        try assertDocumented("python", file: "kiosk_example.py")
    }

    /// The example in Tests/CABI/`file` is, byte for byte, the ```` ```language ```` block of Docs/KioskEmbedding.md.
    func assertDocumented(_ language: String, file: String, line: UInt = #line) throws {
        let root = CLI.repositoryRoot
        let source = try String(contentsOf: root.appendingPathComponent("Tests/CABI/\(file)"), encoding: .utf8)
        let guide = try String(contentsOf: root.appendingPathComponent("Docs/KioskEmbedding.md"), encoding: .utf8)
        let blocks = guide.components(separatedBy: "```\(language)\n").dropFirst().compactMap {
            $0.components(separatedBy: "\n```").first.map { $0 + "\n" }
        }
        XCTAssertEqual(blocks.count, 1, "Docs/KioskEmbedding.md has \(blocks.count) ```\(language) blocks", line: line)
        XCTAssertEqual(blocks.first, source, "Docs/KioskEmbedding.md shows another \(file)", line: line)
    }

    // MARK: - Expected files

    /// The DER certificates the card holds, and CRLs made by `openssl ca` (empty ones, and one revoking the
    /// authentication certificate).
    func writeExpectedFiles() throws {
        let pki = Self.pki
        for (name, der) in [
            ("auth.der", pki.authCertificate), ("auth-ca.der", pki.authRootCertificate),
            ("sign.der", pki.signCertificate), ("sign-ca.der", pki.signRootCertificate),
        ] {
            try Data(der).write(to: URL(fileURLWithPath: path(name)))
        }
        try makeCRL("auth-empty", issuer: "auth-root")
        try makeCRL("sign-empty", issuer: "sign-root")
        try makeCRL("auth-revoked", issuer: "auth-root", revoking: "auth.pem")
    }

    func makeCRL(_ name: String, issuer: String, revoking certificate: String? = nil) throws {
        let ca = directory.appendingPathComponent("ca-\(name)")
        try FileManager.default.createDirectory(at: ca, withIntermediateDirectories: true)
        try Data().write(to: ca.appendingPathComponent("index.txt"))
        try Data("01\n".utf8).write(to: ca.appendingPathComponent("crlnumber"))
        let config = ca.appendingPathComponent("ca.cnf")
        try Data(
            """
            [ ca ]
            default_ca = issuer
            [ issuer ]
            database = \(ca.path)/index.txt
            crlnumber = \(ca.path)/crlnumber
            default_md = sha256
            default_crl_days = 30

            """.utf8
        ).write(to: config)
        let keys = ["-config", config.path, "-keyfile", path("\(issuer).key.pem"), "-cert", path("\(issuer).pem")]
        if let certificate { try OpenSSLTool.run(["ca", "-revoke", path(certificate)] + keys) }
        try OpenSSLTool.run(["ca", "-gencrl", "-out", path("\(name).crl")] + keys)
    }
}

/// The APDU headers the virtual card answered, in order, as hex (`00A4040C`).
final class APDULog: @unchecked Sendable {
    // @unchecked: `entries` is guarded by `lock`.
    private let lock = NSLock()
    private var entries: [String] = []

    func append(_ header: [UInt8]) {
        lock.withLock { entries.append(header.map { String(format: "%02X", $0) }.joined()) }
    }

    var headers: [String] { lock.withLock { entries } }
}
