//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaVerify

/// `--roots FILE…`: the trust anchors a certificate must chain to (`auth`, `cert verify`, `bench verify`).
struct TrustAnchorOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: "Trust anchors: PEM/DER files, bundles or directories.")
    var roots: [String]

    func validate() throws {
        if roots.isEmpty { throw ValidationError("give at least one --roots file") }
    }

    /// The anchors, loaded from every file and directory given.
    func trustStore() throws -> TrustStore {
        try TrustStore(contentsOf: roots)
    }
}

/// `--crl FILE…`: certificate revocation lists (`auth`, `cert verify`).
struct RevocationOptions: ParsableArguments {
    @Option(name: .customLong("crl"), parsing: .upToNextOption, help: "CRLs (PEM or DER) to check revocation with.")
    var crls: [String] = []

    func revocationLists() throws -> [RevocationList] {
        try crls.map { try RevocationList(contentsOfFile: $0) }
    }
}

/// `--cert`, `--in`, `--signature` and `--hash`: a signature to check and what it was made over
/// (`verify-signature`, `bench verify`).
struct SignatureOptions: ParsableArguments {
    @Option(help: "The signer's certificate (PEM or DER).")
    var cert: String

    @Option(name: .customLong("in"), help: "The signed data.")
    var input: String

    @Option(help: "The signature (raw bytes).")
    var signature: String

    @Option(help: "The hash the signer used: sha1, sha256, sha384 or sha512.")
    var hash: HashAlgorithm = .sha256

    /// The three files, read and parsed.
    func load() throws -> (certificate: Certificate, data: [UInt8], signature: [UInt8]) {
        (try Certificate(bytes: readFile(cert)), try readFile(input), try readFile(signature))
    }

    /// Whether `signature` is a valid signature over `data` by the certificate's key, with ``hash``.
    func isValid(_ loaded: (certificate: Certificate, data: [UInt8], signature: [UInt8])) throws -> Bool {
        try SignatureVerifier.isValidSignature(
            loaded.signature, for: loaded.data, hash: hash, publicKeyOf: loaded.certificate)
    }
}
