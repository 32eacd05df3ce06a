//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import MynaServiceClient
import MynaVerify

/// `auth --server URL --api-key-env VAR`: the flow against a verification service (`mynakit-server`).
struct ServerAuthOptions: ParsableArguments {
    @Option(
        name: .customLong("server"),
        help: ArgumentHelp(
            "Run the flow against a verification service (mynakit-server): it issues the challenge and decides.",
            valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("The environment variable holding the service's API key.", valueName: "var"))
    var apiKeyEnv: String?

    @Option(help: "Seconds to wait for the service at each step.")
    var serverTimeout: Double = 10

    @Option(
        help: ArgumentHelp(
            "For https://: the CA certificates (PEM) that may issue the service's certificate (default: the system's).",
            valueName: "file"),
        completion: .file())
    var serverCA: String?

    func validate() throws {
        if url != nil, apiKeyEnv == nil { throw ValidationError("--server needs --api-key-env VAR") }
        if url == nil, apiKeyEnv != nil { throw ValidationError("--api-key-env goes with --server URL") }
        if !(serverTimeout > 0) { throw ValidationError("--server-timeout must be positive") }
        if url == nil, serverCA != nil { throw ValidationError("--server-ca goes with --server URL") }
    }
}

/// The terminal side of server verification: the terminal relays, the service decides.
///
/// Two transactions, never one held while a person types, as in the local flow: the first reads the authentication
/// certificate (and, with `--roots`, checks it locally so that no PIN is asked for a card the service would reject:
/// a convenience, never the decision), the PIN is read with no transaction open, the challenge is fetched from the
/// service just before the second transaction has the card sign it, and the service's verdict is printed.
enum AuthServer {
    struct Report: Encodable {
        var verdict: String
        var valid: Bool
        var serialNumber: String?
        var subject: String?
        var failures: [String]
        var failureCodes: [String]
        /// Where the service's revocation status came from (`crl`, `not-checked`), and its sentence.
        var revocation: Revocation?
        /// The anchor the service's chain ended at, as `mynakit auth` reports its own.
        var trustAnchor: TrustAnchorReport?
        /// Whether the chain ends at a JPKI test root: a test card, never a production one.
        var testHierarchy = false
        var challengeId: String?
        var server: String
        var apduCount: Int
        var seconds: Double
        var reader: String
    }

    struct Revocation: Encodable {
        var source: String
        var description: String
    }

    static func run(_ options: ServerAuthOptions, roots: TrustAnchorOptions, card: CardOptions, pin: PINOptions,
        output: OutputOptions) async throws
    {
        try await Reporter.run(json: output.json) {
            guard let url = options.url, let variable = options.apiKeyEnv else { return }
            guard let key = ProcessInfo.processInfo.environment[variable], !key.isEmpty else {
                throw CommandFailure(
                    status: .usage, code: "api-key-missing",
                    message: "the environment variable \(variable) holds no API key")
            }
            let client = try serviceCall {
                try VerificationServiceClient(
                    url: url, apiKey: key, timeout: .milliseconds(Int64(options.serverTimeout * 1000)),
                    trustedCAFile: options.serverCA)
            }
            _ = try OutputTarget.prepare("-")  // the verdict goes to stdout: it must be open before a PIN is spent
            let read = try await CardSession.run(card) { card in try card.jpki.readCertificate(.authentication) }
            var apduCount = read.apduCount
            var seconds = read.seconds

            if !roots.roots.isEmpty {
                let local = CertificateVerifier(trustStore: try roots.trustStore(), profile: .authentication)
                    .verify(leafBytes: read.value)
                if !local.isValid {
                    let report = Report(
                        verdict: "certificate rejected", valid: false, serialNumber: local.leaf?.serialNumber,
                        subject: local.leaf?.subject.description, failures: local.failures.map(\.description),
                        failureCodes: local.failures.map(\.code), revocation: nil, trustAnchor: nil,
                        challengeId: nil, server: url, apduCount: apduCount, seconds: seconds, reader: read.reader)
                    emit(report, output)
                    throw ExitCode(ExitStatus.verificationFailed.rawValue)
                }
            }

            let secret = try pin.readPIN(.authentication)
            let allowLastTry = pin.allowLastTry
            let challenge = try await serviceCall { try await client.requestChallenge() }
            let hash = HashAlgorithm.sha256
            let digest = try hash.digest(challenge.bytes)
            var sameReader = card
            sameReader.reader = read.reader
            let signed = try await CardSession.run(sameReader) { card in
                try card.jpki.sign(
                    digest: digest, algorithm: hash, key: .authentication, pin: secret, allowLastTry: allowLastTry)
            }
            apduCount += signed.apduCount
            seconds += signed.seconds
            let answer = CardAnswer(
                challengeId: challenge.id, certificate: read.value, signature: signed.value, hash: hash)
            let verdict = try await serviceCall { try await client.submit(answer.request) }
            client.close()

            let report = Report(
                verdict: verdict.valid ? "authenticated" : "rejected", valid: verdict.valid,
                serialNumber: verdict.certificate?.serialNumber, subject: verdict.certificate?.subject,
                failures: verdict.failures.map(\.message), failureCodes: verdict.failures.map(\.code),
                revocation: Revocation(
                    source: verdict.revocation.source, description: verdict.revocation.description),
                trustAnchor: verdict.trustAnchor.map(TrustAnchorReport.init), testHierarchy: verdict.testHierarchy,
                challengeId: verdict.challengeId, server: url, apduCount: apduCount, seconds: seconds,
                reader: read.reader)
            emit(report, output)
            if !verdict.valid { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }

    static func emit(_ report: Report, _ output: OutputOptions) {
        output.emit(report) { report in
            var lines = ["verdict: \(report.verdict.uppercased()) (decided by \(report.server))"]
            if let serial = report.serialNumber { lines.append("certificate serial: \(serial)") }
            if let subject = report.subject { lines.append("subject: \(subject)") }
            if report.testHierarchy { lines.append(testHierarchyNotice) }
            if report.revocation != nil || report.trustAnchor != nil {
                lines.append("anchor: " + (report.trustAnchor?.text ?? "none reached"))
            }
            if let revocation = report.revocation { lines.append("revocation: \(revocation.description)") }
            lines += report.failures.map { "FAIL: \($0)" }
            let seconds = TextFormat.printf("%.3f", report.seconds)
            lines.append("APDUs: \(report.apduCount), card time: \(seconds) s, reader: \(report.reader)")
            return lines.joined(separator: "\n")
        }
    }

    /// Runs a call to the service, turning its errors into the CLI's failures.
    static func serviceCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ServiceClientError {
            throw failure(error)
        }
    }

    static func serviceCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ServiceClientError {
            throw failure(error)
        }
    }

    /// The exit status of a service error: 64 for a bad URL, 5 when the service refused the answer's challenge or
    /// request (nothing was authenticated), 69 when the service cannot be reached (TLS included), denies the key, or
    /// misbehaves.
    /// (Belongs in Support/ErrorMapping.swift's table.)
    static func failure(_ error: ServiceClientError) -> CommandFailure {
        switch error {
        case .invalidURL:
            return CommandFailure(status: .usage, code: "invalid-server-url", message: error.description)
        case .refused(let status, let code, _) where (400..<500).contains(status) && status != 401 && status != 403:
            return CommandFailure(status: .verificationFailed, code: code, message: error.description)
        case .refused(_, let code, _):
            return CommandFailure(status: .serviceUnavailable, code: code, message: error.description)
        case .tls:
            return CommandFailure(status: .serviceUnavailable, code: "server-tls", message: error.description)
        case .unreachable, .connectionLost, .timedOut:
            return CommandFailure(status: .serviceUnavailable, code: "server-unreachable", message: error.description)
        case .malformedResponse:
            return CommandFailure(
                status: .serviceUnavailable, code: "server-malformed-response", message: error.description)
        }
    }
}

extension TrustAnchorReport {
    /// The same fields, from the service's verdict: `auth --server` reports the anchor as `auth` does.
    init(_ anchor: Verdict.TrustAnchor) {
        classification = anchor.classification
        description = anchor.description
        subject = anchor.subject
        sha256Fingerprint = anchor.sha256Fingerprint
        notAfter = RFC3339.format(anchor.notAfter)
        expired = anchor.expired
    }
}
