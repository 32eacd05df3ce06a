//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation

/// What a finished process left behind.
public struct ProcessOutput: Sendable {
    /// The exit status (or the signal number, when the process was killed).
    public var status: Int32
    /// Everything written to standard output, decoded as UTF-8.
    public var standardOutput: String
    /// Everything written to standard error, decoded as UTF-8.
    public var standardError: String
    /// Whether the process was stopped because it ran past its time limit.
    public var timedOut: Bool

    /// Standard output followed by standard error, for failure messages.
    public var combinedOutput: String { standardOutput + standardError }
}

/// Runs external tools (`openssl`, `valgrind`, the `mynakit` executable) from tests.
public enum TestProcess {
    /// Runs `executable` with `arguments` to completion.
    ///
    /// Standard output and standard error are read at the same time, on their own threads, so a tool that writes a
    /// lot to one of them while the other is being read cannot block on a full pipe.
    ///
    /// - Parameters:
    ///   - executable: the program.
    ///   - arguments: its arguments.
    ///   - directory: the working directory; the test's own when `nil`.
    ///   - environment: variables added to (or replacing those of) this process's environment.
    ///   - standardInput: text written to the program's standard input, which is then closed; with `nil` the
    ///     program reads end-of-file at once.
    ///   - timeout: when given, the program is terminated after this many seconds and ``ProcessOutput/timedOut`` is
    ///     set.
    /// - Returns: the exit status and both outputs.
    /// - Throws: when the program cannot be started.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        in directory: URL? = nil,
        environment: [String: String] = [:],
        standardInput: String? = nil,
        timeout: TimeInterval? = nil
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let error = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        try process.run()
        if let standardInput { input.fileHandleForWriting.write(Data(standardInput.utf8)) }
        try input.fileHandleForWriting.close()

        let outputData = DataBox()
        let errorData = DataBox()
        let readers = DispatchGroup()
        for (pipe, box) in [(output, outputData), (error, errorData)] {
            readers.enter()
            DispatchQueue.global().async {
                box.set(pipe.fileHandleForReading.readDataToEndOfFile())
                readers.leave()
            }
        }
        var timedOut = false
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                timedOut = true
                process.terminate()
            }
        }
        process.waitUntilExit()
        readers.wait()
        return ProcessOutput(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData.get(), as: UTF8.self),
            standardError: String(decoding: errorData.get(), as: UTF8.self),
            timedOut: timedOut
        )
    }

    /// The first executable file named `name` in the directories of `PATH`, or `nil`.
    public static func locate(_ name: String) -> URL? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

/// Data handed from a reader thread to the waiting test.
private final class DataBox: @unchecked Sendable {
    // `@unchecked Sendable`: the lock guards `data`.
    private let lock = NSLock()
    private var data = Data()

    func set(_ value: Data) {
        lock.lock()
        defer { lock.unlock() }
        data = value
    }

    func get() -> Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}

/// An error of a test helper, with a sentence that says what failed.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

