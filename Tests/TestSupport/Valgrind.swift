//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
import XCTest

/// Runs one test of the current test bundle under `valgrind --leak-check=full`, for leak tests.
///
/// A leak test runs a workload twice under valgrind, once with few and once with many iterations. Memory lost on
/// every iteration makes the long run's totals exceed the short run's, while what the runtimes allocate once (Swift
/// metadata, OpenSSL's provider tables) is the same in both and cancels out.
public enum Valgrind {
    /// The leak totals of valgrind's `LEAK SUMMARY`.
    public struct LeakSummary: Equatable, Sendable {
        /// Bytes no pointer refers to any more.
        public var definitelyLost: Int
        /// Bytes reachable only from definitely lost blocks.
        public var indirectlyLost: Int

        /// Reads the summary out of valgrind's report:
        ///
        /// ```
        /// ==123== LEAK SUMMARY:
        /// ==123==    definitely lost: 1,234 bytes in 5 blocks
        /// ==123==    indirectly lost: 0 bytes in 0 blocks
        /// ```
        ///
        /// A line that is absent (valgrind prints none when nothing was allocated at all) counts as 0 bytes; a line
        /// whose number does not read as one counts as -1, so that it never matches a real total.
        public init(parsing report: String) {
            definitelyLost = Self.bytes("definitely lost", in: report)
            indirectlyLost = Self.bytes("indirectly lost", in: report)
        }

        public init(definitelyLost: Int, indirectlyLost: Int) {
            self.definitelyLost = definitelyLost
            self.indirectlyLost = indirectlyLost
        }

        private static func bytes(_ label: String, in report: String) -> Int {
            guard let line = report.split(separator: "\n").first(where: { $0.contains("\(label): ") }),
                let number = line.components(separatedBy: "\(label): ").last?.split(separator: " ").first
            else { return 0 }
            return Int(number.replacingOccurrences(of: ",", with: "")) ?? -1
        }
    }

    /// What one run under valgrind produced.
    public struct Run: Sendable {
        /// The test run's and valgrind's output together.
        public var output: ProcessOutput
        /// The leak totals.
        public var leaks: LeakSummary
    }

    /// The valgrind executable.
    ///
    /// - Throws: `XCTSkip` when valgrind is not installed; under `CI=true` the current test also fails, because the
    ///   CI image installs it and a leak test that silently skips there checks nothing.
    public static func executable() throws -> URL {
        if let valgrind = TestProcess.locate("valgrind") { return valgrind }
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("CI installs valgrind") }
        throw XCTSkip("valgrind is not installed")
    }

    /// The workload's side of a leak test: the iteration count and the directory of inputs that the valgrind test
    /// passed in its environment (see ``run(test:environment:valgrind:options:)``).
    ///
    /// - Parameters:
    ///   - iterationsVariable: the variable holding the iteration count.
    ///   - directoryVariable: the variable holding the directory (made by the parent, which can spawn tools).
    ///   - parent: the valgrind test that runs the workload, named in the skip message.
    /// - Throws: `XCTSkip` when the iteration count is absent (the workload runs only under valgrind); an
    ///   `XCTUnwrap` failure when the count is there but the directory is not.
    public static func workloadParameters(
        iterations iterationsVariable: String,
        directory directoryVariable: String,
        startedBy parent: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> (iterations: Int, directory: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let value = environment[iterationsVariable], let iterations = Int(value) else {
            throw XCTSkip("runs under valgrind from \(parent)", file: file, line: line)
        }
        let directory = try XCTUnwrap(environment[directoryVariable], file: file, line: line)
        return (iterations, directory)
    }

    /// Runs `test` (`Target.Class/testMethod`) of this test bundle under `valgrind --leak-check=full`.
    ///
    /// - Parameters:
    ///   - test: the one test to run, usually a workload that skips unless `environment` asks it to run.
    ///   - environment: variables for the workload (its iteration count, where its inputs are).
    ///   - valgrind: the executable from ``executable()``.
    ///   - options: extra valgrind options, such as `--num-callers=30` for deeper stacks in the report.
    /// - Returns: the output and the leak summary. Valgrind runs with `--error-exitcode=0`, so the exit status is
    ///   the test run's.
    public static func run(
        test: String,
        environment: [String: String],
        valgrind: URL,
        options: [String] = []
    ) throws -> Run {
        let arguments = ["--leak-check=full", "--show-leak-kinds=definite", "--error-exitcode=0"] + options
            + [CommandLine.arguments[0], test]
        let output = try TestProcess.run(valgrind, arguments, environment: environment)
        return Run(output: output, leaks: LeakSummary(parsing: output.combinedOutput))
    }
    /// The leak check every workload uses: runs `test` under valgrind with `iterations.short` and then
    /// `iterations.long` iterations (`iterationsVariable` tells the workload how many) and fails the calling test if
    /// the workload did not pass, or if the bytes definitely or indirectly lost grow with the iterations. Memory lost
    /// once by the runtimes (Swift metadata, OpenSSL's provider tables) is the same in both runs and cancels out.
    ///
    /// - Parameters:
    ///   - test: the workload, `Module.Class/testMethod`.
    ///   - iterationsVariable: the environment variable the workload reads its iteration count from.
    ///   - environment: the workload's other variables (where its inputs are).
    ///   - label: what the printed summary names.
    public static func assertLossDoesNotGrow(
        test: String, iterationsVariable: String, environment: [String: String], iterations: (short: Int, long: Int),
        label: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let valgrind = try executable()
        func leaks(_ count: Int) throws -> LeakSummary {
            var variables = environment
            variables[iterationsVariable] = String(count)
            let run = try run(test: test, environment: variables, valgrind: valgrind, options: ["--num-callers=30"])
            let output = run.output.combinedOutput
            XCTAssertEqual(run.output.status, 0, output, file: file, line: line)
            XCTAssertTrue(
                output.contains("Executed 1 test, with 0 failures"),
                "the workload did not pass: \(output.suffix(3000))", file: file, line: line)
            return run.leaks
        }
        let short = try leaks(iterations.short)
        let long = try leaks(iterations.long)
        print(
            "valgrind (\(label)): definitely lost \(short.definitelyLost) / \(long.definitelyLost) bytes, indirectly lost "
                + "\(short.indirectlyLost) / \(long.indirectlyLost) bytes after \(iterations.short) / \(iterations.long) "
                + "iterations")
        XCTAssertEqual(
            long.definitelyLost, short.definitelyLost, "definitely lost grows with iterations", file: file, line: line)
        XCTAssertEqual(
            long.indirectlyLost, short.indirectlyLost, "indirectly lost grows with iterations", file: file, line: line)
    }
}
