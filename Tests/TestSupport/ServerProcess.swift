//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A running `mynakit-server` process (the executable built next to the test bundle), started by a test; ``stop()``
/// ends it with SIGTERM.
public final class ServerProcess: Sendable {
    public let process: Process
    /// `http://127.0.0.1:PORT`.
    public let url: String
    /// The port on 127.0.0.1.
    public let port: Int
    /// The server's standard error (its log).
    public let log: URL

    public static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("mynakit-server")
    }

    /// Starts `mynakit-server --listen 127.0.0.1:0 arguments…` and waits for its "listening on" line.
    public init(_ arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = directory.appendingPathComponent("server-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        self.log = log
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process

        // The first line on stdout names the port; read it with a deadline.
        let line = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let reader = pipe.fileHandleForReading
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while let chunk = try? reader.read(upToCount: 1), let byte = chunk.first, byte != 0x0A { bytes.append(byte) }
            line.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 60)
        guard let text = line.withLock({ $0 }), text.hasPrefix("listening on "),
            let port = text.split(separator: ":").last.flatMap({ Int($0) })
        else {
            process.terminate()
            let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw TestSupportError("mynakit-server did not start: \(line.withLock { $0 } ?? "timeout") \(logged)")
        }
        self.port = port
        url = "http://127.0.0.1:\(port)"
    }

    /// SIGTERM, then waits for the graceful shutdown.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    public var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs `mynakit-server arguments…` to completion (`key add`, …).
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws
        -> ProcessOutput
    {
        try TestProcess.run(executable, arguments, in: directory, environment: environment, timeout: 60)
    }

    /// A new API key in `store`.
    public static func addKey(_ name: String, store: String, in directory: URL) throws -> String {
        let output = try run(["key", "add", name, "--store", store], in: directory)
        guard output.status == 0 else { throw TestSupportError("key add failed: \(output.combinedOutput)") }
        return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
