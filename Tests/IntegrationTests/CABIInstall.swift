//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

/// libmynakit installed once per test run into a temporary prefix, the way a packager or `make install-lib` does it
/// (scripts/install-lib.sh), with the C programs of Tests/CABI built against the installed header and library through
/// `pkg-config --cflags --libs mynakit`.
struct CABIInstall: Sendable {
    /// The prefix: lib/libmynakit.so*, lib/pkgconfig/mynakit.pc, include/mynakit.h, and the built programs.
    var prefix: URL
    /// What a program needs to find the installed library (`LD_LIBRARY_PATH`) and pkg-config the .pc file.
    var environment: [String: String]
    /// Tests/CABI/cabi_test.c.
    var testProgram: URL
    /// The same, built with clang's AddressSanitizer; `nil` without clang.
    var sanitizedTestProgram: URL?
    /// Tests/CABI/kiosk_example.c.
    var example: URL
    /// Tests/CABI/failmalloc.c, an LD_PRELOAD shim that fails one malloc of a given size.
    var failMalloc: URL

    /// The installation, made on first use.
    static func shared() throws -> CABIInstall {
        try made.get()
    }

    private static let made = Result { try make() }

    /// Removes the prefix (the test class's tearDown).
    static func remove() {
        if case .success(let install) = made { try? FileManager.default.removeItem(at: install.prefix) }
    }

    private static func make() throws -> CABIInstall {
        // The debug build of the MynaKitC product, next to the test bundle (`swift build --build-tests` links it), or
        // the library MYNAKIT_CABI_LIBRARY names (`scripts/test-cabi.sh --release`: the one `make lib` builds).
        let library = ProcessInfo.processInfo.environment["MYNAKIT_CABI_LIBRARY"].map(URL.init(fileURLWithPath:))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("libMynaKitC.so")
        guard FileManager.default.fileExists(atPath: library.path) else {
            let problem = "\(library.path) is missing: build it with 'swift build --build-tests'"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(problem) }
            throw XCTSkip(problem)
        }
        let root = CLI.repositoryRoot
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("mynakit-cabi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        let script = root.appendingPathComponent("scripts/install-lib.sh").path
        _ = try tool("bash", [script, library.path, "--prefix", prefix.path])
        let environment = [
            "LD_LIBRARY_PATH": prefix.appendingPathComponent("lib").path,
            "PKG_CONFIG_PATH": prefix.appendingPathComponent("lib/pkgconfig").path,
        ]

        /// Builds a C file of Tests/CABI the way the guide tells applications to.
        func build(_ source: String, _ output: String, compiler: String, flags: String) throws -> URL {
            let program = prefix.appendingPathComponent(output)
            let source = root.appendingPathComponent("Tests/CABI/\(source)").path
            _ = try tool(
                "sh", ["-c", "\(compiler) \(flags) -Wall -Wextra -Werror -o '\(program.path)' '\(source)' "
                    + "$(pkg-config --cflags --libs mynakit) -lpthread"],
                environment: environment)
            return program
        }
        let cc = TestProcess.locate("cc") != nil ? "cc" : "clang"
        let testProgram = try build("cabi_test.c", "cabi_test", compiler: cc, flags: "-O1")
        let example = try build("kiosk_example.c", "kiosk_example", compiler: cc, flags: "-O1")
        let failMalloc = prefix.appendingPathComponent("failmalloc.so")
        _ = try tool(
            cc, ["-shared", "-fPIC", "-O1", "-Wall", "-Wextra", "-Werror", "-o", failMalloc.path,
                 root.appendingPathComponent("Tests/CABI/failmalloc.c").path])
        // clang ships with the Swift toolchain; its AddressSanitizer runtime instruments the C side and intercepts
        // every malloc and free, the Swift library's included.
        let sanitized = try TestProcess.locate("clang").map { _ in
            try build(
                "cabi_test.c", "cabi_test_asan", compiler: "clang",
                flags: "-fsanitize=address -fno-omit-frame-pointer -g -fuse-ld=lld")
        }
        return CABIInstall(
            prefix: prefix, environment: environment, testProgram: testProgram, sanitizedTestProgram: sanitized,
            example: example, failMalloc: failMalloc)
    }

    /// Runs a tool found through `PATH` and returns its standard output.
    ///
    /// - Throws: when it exits with a non-zero status, with its output.
    static func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        guard let executable = TestProcess.locate(name) else { throw TestSupportError("\(name) is not installed") }
        let output = try TestProcess.run(executable, arguments, environment: environment)
        guard output.status == 0 else {
            throw TestSupportError("\(name) \(arguments.joined(separator: " ")) failed: \(output.combinedOutput)")
        }
        return output.standardOutput
    }

    /// The version mynakit.pc says was installed (`pkg-config --modversion mynakit`).
    static func installedVersion() throws -> String {
        try tool("pkg-config", ["--modversion", "mynakit"], environment: shared().environment)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The version node of each symbol a linker version script exports (`MYNAKIT_1.0 { global: name; … };`).
    static func versionNodes(inVersionScript script: String) -> [String: String] {
        let code = script.replacing(/\/\*[\s\S]*?\*\//, with: "")
        var nodes: [String: String] = [:]
        for match in code.matches(of: /(MYNAKIT_[0-9.]+)\s*\{\s*global:([^}]*?)(local:[^}]*)?\}/) {
            for name in match.output.2.split(separator: ";") {
                let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
                if !name.isEmpty { nodes[name] = String(match.output.1) }
            }
        }
        return nodes
    }

    /// The functions a C header declares (`mynakit_…(` outside comments).
    static func declaredFunctions(inHeader header: String) -> Set<String> {
        let code = header.replacing(/\/\*[\s\S]*?\*\//, with: "")
        return Set(code.matches(of: /(mynakit_[a-z_]+)\s*\(/).map { String($0.output.1) })
    }
}
