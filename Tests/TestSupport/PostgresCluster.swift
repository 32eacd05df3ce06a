//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
import XCTest

/// A throw-away PostgreSQL server for tests: Debian's `postgresql` binaries, a cluster made with `initdb` in a
/// temporary directory, listening on 127.0.0.1 on a free port, trust authentication for the user `mynakit`.
///
/// One cluster serves the whole test process (it starts on first use and stops when the process exits); each test
/// takes a database of its own from ``makeDatabase()``. PostgreSQL refuses to run as root, so as root (CI) the cluster
/// belongs to the `postgres` system user and its commands run through `runuser`.
public final class PostgresCluster: Sendable {
    /// The server's port on 127.0.0.1.
    public let port: Int
    let binaries: URL
    let directory: URL
    let runAsPostgres: Bool

    /// The shared cluster; started on first use.
    public static let shared: Result<PostgresCluster, any Error> = Result {
        let cluster = try PostgresCluster()
        atexit { if case .success(let cluster) = PostgresCluster.shared { cluster.stop() } }
        return cluster
    }

    /// The shared cluster; when PostgreSQL is not installed the test fails under `CI=true` and is skipped elsewhere.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> PostgresCluster {
        do {
            return try shared.get()
        } catch {
            let problem = "PostgreSQL is not usable (\(error)); install Debian's postgresql package"
            // Under CI a missing PostgreSQL is a failure, never a skip.
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSupportError(problem) }
            throw XCTSkip(problem)
        }
    }

    /// The directory of `initdb`, `pg_ctl` and `psql`: `MYNAKIT_PG_BIN`, else the newest `/usr/lib/postgresql/N/bin`,
    /// else the directory of `initdb` on `PATH`.
    public static func binaryDirectory() -> URL? {
        if let explicit = ProcessInfo.processInfo.environment["MYNAKIT_PG_BIN"] { return URL(fileURLWithPath: explicit) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return TestProcess.locate("initdb")?.deletingLastPathComponent()
    }

    private init() throws {
        guard let binaries = Self.binaryDirectory() else { throw TestSupportError("no initdb (postgresql package)") }
        self.binaries = binaries
        runAsPostgres = getuid() == 0
        let directory = URL(fileURLWithPath: "/tmp/mynakit-pg-\(UUID().uuidString.prefix(8))")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if runAsPostgres {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory.path)
        }
        try Self.run(binaries, "initdb", asPostgres: runAsPostgres, [
            "-D", directory.appendingPathComponent("data").path, "-U", "mynakit", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--no-instructions",
        ])
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            do {
                try Self.run(binaries, "pg_ctl", asPostgres: runAsPostgres, [
                    "-D", directory.appendingPathComponent("data").path, "-l",
                    directory.appendingPathComponent("server.log").path, "-w", "-t", "30", "-o",
                    "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off "
                        + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    "start",
                ])
                self.port = port
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? TestSupportError("pg_ctl start failed")
    }

    /// A new, empty database; its `postgres://` URL.
    public func makeDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try Self.run(binaries, "psql", asPostgres: false, [
            "-h", "127.0.0.1", "-p", String(port), "-U", "mynakit", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
            "-q", "-c", "CREATE DATABASE \(name)",
        ])
        return "postgres://mynakit@127.0.0.1:\(port)/\(name)"
    }

    /// Stops the server at once and deletes the cluster.
    public func stop() {
        _ = try? Self.run(binaries, "pg_ctl", asPostgres: runAsPostgres, [
            "-D", directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop",
        ])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a PostgreSQL tool. Its output goes to a file, and every descriptor above 2 is closed before the tool
    /// starts: `pg_ctl start` leaves the server running with the descriptors it inherited, and one held open by the
    /// server (a pipe, or the socket Foundation's `Process` watches for the child's exit) would never close.
    private static func run(_ binaries: URL, _ tool: String, asPostgres: Bool, _ arguments: [String]) throws {
        let program = binaries.appendingPathComponent(tool)
        let log = URL(fileURLWithPath: "/tmp/mynakit-pg-\(tool)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let closeAndRun = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done "#
            + #"2>/dev/null; exec "$@""#
        let command = ["/bin/bash", "-c", closeAndRun, "bash", program.path] + arguments
        let process = Process()
        if asPostgres {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--"] + command
        } else {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        }
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw TestSupportError("\(tool) failed (\(process.terminationStatus)): \(text.suffix(2000))")
        }
    }
}
