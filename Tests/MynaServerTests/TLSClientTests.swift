//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaServiceClient
import Synchronization
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The client's https:// against `openssl s_server -WWW` (an independent TLS peer): the handshake succeeds only when
/// the server's certificate chains to the trusted CA and names the host; otherwise nothing is sent.
final class TLSClientTests: XCTestCase {
    /// A CA, a server certificate for localhost and 127.0.0.1 under it, and an unrelated CA.
    struct Certificates {
        var directory: URL
        var ca: URL
        var otherCA: URL
        var serverCertificate: URL
        var serverKey: URL
    }

    func makeCertificates() throws -> Certificates {
        let directory = try makeTemporaryDirectory("mynaserver-tls")
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        for name in ["ca", "other-ca"] {
            try OpenSSLTool.run([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key").path, "-out",
                path("\(name).pem").path, "-subj", "/CN=\(name)", "-days", "2",
            ])
        }
        try OpenSSLTool.run([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key").path, "-out", path("server.csr").path,
            "-subj", "/CN=localhost",
        ])
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(to: path("ext"), atomically: true, encoding: .utf8)
        try OpenSSLTool.run([
            "x509", "-req", "-in", path("server.csr").path, "-CA", path("ca.pem").path, "-CAkey", path("ca.key").path,
            "-CAcreateserial", "-out", path("server.pem").path, "-days", "2", "-extfile", path("ext").path,
        ])
        try Data(#"{"status":"ok","store":"sqlite"}"#.utf8).write(to: path("healthz"))
        return Certificates(
            directory: directory, ca: path("ca.pem"), otherCA: path("other-ca.pem"),
            serverCertificate: path("server.pem"), serverKey: path("server.key"))
    }

    /// `openssl s_server -WWW` serving the directory on 127.0.0.1; returns its port. Stopped when the test ends.
    func startTLSServer(_ certificates: Certificates) throws -> Int {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificates.serverCertificate.path,
                "-key", certificates.serverKey.path, "-WWW",
            ]
            process.currentDirectoryURL = certificates.directory
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            addTeardownBlock {
                // s_server does not end on SIGTERM while it waits for a client.
                kill(process.processIdentifier, SIGKILL)
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            }
            // "ACCEPT" once it listens; an exit means the port was taken.
            let ready = Mutex(false)
            let done = DispatchSemaphore(value: 0)
            let handle = output.fileHandleForReading
            DispatchQueue.global().async {
                var seen: [UInt8] = []
                while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first {
                    seen.append(byte)
                    if String(decoding: seen, as: UTF8.self).contains("ACCEPT") {
                        ready.withLock { $0 = true }
                        break
                    }
                }
                done.signal()
            }
            _ = done.wait(timeout: .now() + 10)
            if ready.withLock({ $0 }) { return port }
        }
        throw TestSupportError("openssl s_server did not start")
    }

    func testHTTPSToAServerWhoseCertificateChainsToTheTrustedCA() async throws {
        let certificates = try makeCertificates()
        let port = try startTLSServer(certificates)
        for host in ["localhost", "127.0.0.1"] {
            let client = try VerificationServiceClient(
                url: "https://\(host):\(port)", apiKey: "mk_k", trustedCAFile: certificates.ca.path)
            XCTAssertTrue(client.usesTLS)
            let health = try await client.health()
            XCTAssertEqual(health, HealthDocument(status: "ok", store: "sqlite"), host)
        }
    }

    func testAnUntrustedCertificateOrAnotherNameFailsTheHandshake() async throws {
        let certificates = try makeCertificates()
        let port = try startTLSServer(certificates)
        let cases: [(String, String?)] = [
            ("https://localhost:\(port)", certificates.otherCA.path),  // another CA
            ("https://localhost:\(port)", nil),  // the system's CAs do not know the test CA
        ]
        for (url, ca) in cases {
            let client = try VerificationServiceClient(url: url, apiKey: "mk_k", trustedCAFile: ca)
            do {
                _ = try await client.health()
                XCTFail("\(url) with \(ca ?? "system CAs"): the handshake succeeded")
            } catch ServiceClientError.tls(let reason) {
                XCTAssertTrue(reason.contains("not trusted"), reason)
            }
        }
        // The certificate names localhost and 127.0.0.1, not ::1 or another name.
        let mismatch = try VerificationServiceClient(
            url: "https://127.0.0.2:\(port)", apiKey: "mk_k", timeout: .seconds(2), trustedCAFile: certificates.ca.path)
        do {
            _ = try await mismatch.health()
            XCTFail("a certificate for 127.0.0.1 was accepted for 127.0.0.2")
        } catch ServiceClientError.tls(let reason) {
            XCTAssertTrue(reason.contains("mismatch") || reason.contains("not trusted"), reason)
        } catch ServiceClientError.unreachable {
            // s_server listens on 127.0.0.1 only: nothing to shake hands with is also a refusal.
        }
        XCTAssertThrowsError(
            try VerificationServiceClient(url: "https://localhost", apiKey: "k", trustedCAFile: "/nonexistent.pem"))
    }
}
