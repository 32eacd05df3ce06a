//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation

/// The `openssl` command-line tool: an implementation independent of MynaKit's Swift code, so the tests check
/// certificates, chains and signatures against it rather than against themselves.
public enum OpenSSLTool {
    /// Runs `openssl arguments…` (found through `PATH`).
    ///
    /// - Parameters:
    ///   - arguments: the subcommand and its options, such as `["x509", "-in", path, "-noout", "-text"]`.
    ///   - directory: the working directory, for relative paths and `openssl ca`'s database.
    ///   - allowFailure: whether a non-zero exit status is an answer (`openssl verify` rejecting a chain) rather than
    ///     an error.
    /// - Returns: the exit status and outputs.
    /// - Throws: ``TestSupportError`` with openssl's output when it exits with a non-zero status and `allowFailure`
    ///   is `false`, or an error when it cannot be started.
    @discardableResult
    public static func run(
        _ arguments: [String],
        in directory: URL? = nil,
        allowFailure: Bool = false
    ) throws -> ProcessOutput {
        let output = try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments, in: directory
        )
        if output.status != 0, !allowFailure {
            throw TestSupportError(
                "openssl \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.combinedOutput)"
            )
        }
        return output
    }

    /// Writes the public key of a certificate file (PEM, or DER with `der: true`) to `publicKey` as a PEM
    /// SubjectPublicKeyInfo (`openssl x509 -pubkey -noout`).
    public static func extractPublicKey(fromCertificate certificate: URL, der: Bool = false, to publicKey: URL) throws {
        let format = der ? ["-inform", "DER"] : []
        try run(["x509"] + format + ["-in", certificate.path, "-pubkey", "-noout", "-out", publicKey.path])
    }

    /// Whether `openssl dgst -verify` accepts `signature` (RSASSA-PKCS1-v1_5 by default for RSA keys) over the file
    /// `data` with the PEM public key in `publicKey`.
    ///
    /// - Parameter hash: the digest name as openssl spells it: `sha1`, `sha256`, `sha384`, `sha512`.
    /// - Returns: `true` when openssl exits with status 0 and says `Verified OK`.
    public static func verifiesSignature(
        _ signature: URL,
        over data: URL,
        publicKey: URL,
        hash: String = "sha256"
    ) throws -> Bool {
        let output = try run(
            ["dgst", "-\(hash)", "-verify", publicKey.path, "-signature", signature.path, data.path],
            allowFailure: true
        )
        return output.status == 0 && output.standardOutput.contains("Verified OK")
    }

    /// An RSA-2048 private key (PEM) named `name`, made by `openssl genpkey` once and kept in the folder `cache` under
    /// the temporary directory across test runs, because generating keys is the slow part of building a test PKI.
    /// A new key is written under a scratch name and renamed into place, so concurrent test processes never read a
    /// half-written key (the first rename wins; the others' keys are dropped).
    public static func cachedRSAKey(_ name: String, cache: String) throws -> URL {
        let files = FileManager.default
        let folder = files.temporaryDirectory.appendingPathComponent(cache)
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
        let cached = folder.appendingPathComponent("\(name).key")
        if !files.fileExists(atPath: cached.path) {
            let scratch = folder.appendingPathComponent("\(name).\(UUID().uuidString).tmp")
            try run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", scratch.path])
            _ = try? files.moveItem(at: scratch, to: cached)
            try? files.removeItem(at: scratch)
        }
        return cached
    }
}
