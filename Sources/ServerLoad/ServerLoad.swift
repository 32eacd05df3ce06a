//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaServiceClient
import MynaSimulator
import MynaVerify
import SmartCard
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `ServerLoad URL PKI-DIR COUNT CONCURRENCY`, with the API key in `MYNAKIT_API_KEY`: the benchmark's load client
/// (scripts/bench-server.sh), a second process on loopback.
///
/// 1. Issues COUNT challenges over CONCURRENCY connections (timed: challenges per second).
/// 2. Has an in-memory virtual card (the PKI in PKI-DIR, `mynakit sim --pki`) sign each one, as `mynakit sign
///    --challenge` does (not timed: the card is not what is measured).
/// 3. Posts the COUNT answers over CONCURRENCY connections (timed: verifications per second, p50 and p99 latency).
///
/// Prints one JSON line; exits 1 unless every verdict was valid.
///
/// `ServerLoad pki DIR` writes the PKI (as `mynakit sim --pki` does) and, for `mynakit bench verify` on the same
/// certificate, a 32-byte challenge (`challenge.bin`) and the card's SHA-256 signature over it (`challenge.sig`).
@main
enum ServerLoad {
    struct Phase: Encodable {
        var count: Int
        var seconds: Double
        var perSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
    }

    struct Report: Encodable {
        var concurrency: Int
        var issue: Phase
        var verify: Phase
        var valid: Int
        /// CPU time of the service process per verification during the verify phase (user + system), when
        /// `MYNAKIT_SERVER_PID` names it.
        var serverCPUMillisecondsPerVerification: Double?
        /// CPU time of this load client per verification during the verify phase.
        var clientCPUMillisecondsPerVerification: Double
    }

    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 3, arguments[1] == "pki" {
            try writePKI(to: URL(fileURLWithPath: arguments[2]))
            return
        }
        guard arguments.count == 5, let count = Int(arguments[3]), let concurrency = Int(arguments[4]), count > 0,
            concurrency > 0, let key = ProcessInfo.processInfo.environment["MYNAKIT_API_KEY"]
        else {
            let usage = "usage: MYNAKIT_API_KEY=KEY ServerLoad URL PKI-DIR COUNT CONCURRENCY\n"
            FileHandle.standardError.write(Data(usage.utf8))
            exit(64)
        }
        let url = arguments[1]
        let pki = try TestPKI.load(from: URL(fileURLWithPath: arguments[2]))
        let clients = try (0..<concurrency).map { _ in try VerificationServiceClient(url: url, apiKey: key) }

        let (challenges, issueLatencies, issueSeconds) = try await run(count: count, clients: clients) { client, _ in
            try await client.requestChallenge()
        }

        let configuration = SimulatorConfiguration()
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        let session = MyNumberCard(channel: CardChannel(transport: InMemoryTransport(card: card)))
        let answers = try challenges.map { challenge in
            try CardAnswer(challenge: challenge, card: session, pin: PIN(kind: .authentication, configuration.authPIN))
        }

        let serverPID = ProcessInfo.processInfo.environment["MYNAKIT_SERVER_PID"].flatMap(Int32.init)
        let serverBefore = serverPID.flatMap(cpuSeconds(of:))
        let clientBefore = ownCPUSeconds()
        let (verdicts, verifyLatencies, verifySeconds) = try await run(count: count, clients: clients) {
            client, index in try await client.submit(answers[index].request)
        }
        let clientCPU = ownCPUSeconds() - clientBefore
        var serverCPU: Double?
        if let serverBefore, let serverAfter = serverPID.flatMap(cpuSeconds(of:)) {
            serverCPU = serverAfter - serverBefore
        }
        let valid = verdicts.filter(\.valid).count
        let report = Report(
            concurrency: concurrency,
            issue: phase(issueLatencies, seconds: issueSeconds),
            verify: phase(verifyLatencies, seconds: verifySeconds),
            valid: valid,
            serverCPUMillisecondsPerVerification: serverCPU.map { $0 * 1000 / Double(count) },
            clientCPUMillisecondsPerVerification: clientCPU * 1000 / Double(count))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        if valid != count {
            let reasons = Set(verdicts.flatMap { $0.failures.map(\.code) })
            FileHandle.standardError.write(Data("ServerLoad: \(count - valid) invalid verdicts: \(reasons)\n".utf8))
            exit(1)
        }
    }

    static func writePKI(to directory: URL) throws {
        let pki = try TestPKI.loadOrCreate(at: directory)
        let configuration = SimulatorConfiguration()
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        let session = MyNumberCard(channel: CardChannel(transport: InMemoryTransport(card: card)))
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let challenge = IssuedChallenge(id: "bench", bytes: bytes, expiresAt: Date())
        let answer = try CardAnswer(
            challenge: challenge, card: session, pin: PIN(kind: .authentication, configuration.authPIN))
        try Data(bytes).write(to: directory.appendingPathComponent("challenge.bin"))
        try Data(answer.signature).write(to: directory.appendingPathComponent("challenge.sig"))
    }

    /// Runs `count` calls over the clients (one connection each), every client taking the next index; returns the
    /// results in index order, each call's latency, and the wall time.
    static func run<T: Sendable>(
        count: Int, clients: [VerificationServiceClient],
        _ call: @escaping @Sendable (VerificationServiceClient, Int) async throws -> T
    ) async throws -> ([T], [Double], Double) {
        let next = Counter()
        let start = ContinuousClock.now
        let parts = try await withThrowingTaskGroup(of: [(Int, T, Double)].self) { group in
            for client in clients {
                group.addTask {
                    var done: [(Int, T, Double)] = []
                    while let index = next.take(below: count) {
                        let began = ContinuousClock.now
                        let value = try await call(client, index)
                        done.append((index, value, seconds(ContinuousClock.now - began)))
                    }
                    return done
                }
            }
            var all: [(Int, T, Double)] = []
            for try await part in group { all += part }
            return all
        }
        let wall = seconds(ContinuousClock.now - start)
        let ordered = parts.sorted { $0.0 < $1.0 }
        return (ordered.map(\.1), ordered.map(\.2), wall)
    }

    static func phase(_ latencies: [Double], seconds: Double) -> Phase {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] * 1000
        }
        return Phase(
            count: sorted.count, seconds: seconds, perSecond: Double(sorted.count) / seconds,
            p50Milliseconds: percentile(0.50), p99Milliseconds: percentile(0.99))
    }

    /// User plus system CPU seconds of process `pid` (/proc/PID/stat fields 14 and 15).
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: end)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's user plus system CPU seconds.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The next index to work on, shared by the workers.
final class Counter: Sendable {
    private let value = Mutex(0)

    func take(below limit: Int) -> Int? {
        value.withLock { current in
            guard current < limit else { return nil }
            defer { current += 1 }
            return current
        }
    }
}
