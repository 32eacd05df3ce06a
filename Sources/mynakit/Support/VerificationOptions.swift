//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaVerify
import SmartCard

#if canImport(Glibc)
import Glibc
#endif

/// `--roots FILE…`: the trust anchors a certificate must chain to (`auth`, `cert verify`, `bench verify`).
struct TrustAnchorOptions: ParsableArguments {
    @Option(
        parsing: .upToNextOption, help: "Trust anchors: PEM/DER files, bundles or directories ('-': stdin).",
        completion: .file())
    var roots: [String]

    func validate() throws {
        if roots.isEmpty { throw ValidationError("give at least one --roots file") }
    }

    /// The anchors, loaded from every file and directory given. Files are read like every input (``readFile``), so
    /// `-`, `/dev/stdin` and process substitution work; directories are scanned by the library.
    func trustStore() throws -> TrustStore {
        var anchors: [Certificate] = []
        var directories: [String] = []
        for path in roots {
            if isDirectory(path) {
                directories.append(path)
            } else {
                anchors += try Certificate.parseMany(bytes: readFile(path))
            }
        }
        if !directories.isEmpty { anchors += try TrustStore(contentsOf: directories).anchors }
        return try TrustStore(anchors: anchors)
    }
}

/// `--crl FILE…`: certificate revocation lists (`auth`, `cert verify`).
struct RevocationOptions: ParsableArguments {
    @Option(
        name: .customLong("crl"), parsing: .upToNextOption, help: "CRLs (PEM or DER) to check revocation with.",
        completion: .file())
    var crls: [String] = []

    func revocationLists() throws -> [RevocationList] {
        try crls.map { try RevocationList(bytes: readFile($0)) }
    }
}

/// `--cert`, `--in`, `--signature` and `--hash`: a signature to check and what it was made over
/// (`verify-signature`, `bench verify`).
struct SignatureOptions: ParsableArguments {
    @Option(help: "The signer's certificate (PEM or DER).", completion: .file())
    var cert: String

    @Option(name: .customLong("in"), help: "The signed data.", completion: .file())
    var input: String

    @Option(help: "The signature: raw bytes, or hex text as `mynakit sign` prints it.", completion: .file())
    var signature: String

    @Option(help: "The hash the signer used: sha1, sha256, sha384 or sha512.")
    var hash: HashAlgorithm = .sha256

    /// The three files, read and parsed. A signature file that is hex text (what `mynakit sign` prints, with or
    /// without spaces and a final newline) is decoded; anything else is taken as the raw signature.
    func load() throws -> (certificate: Certificate, data: [UInt8], signature: [UInt8]) {
        let certificate = try Certificate(bytes: readFile(cert))
        let data = try readFile(input)
        let raw = try readFile(signature)
        return (certificate, data, Self.signatureBytes(raw))
    }

    /// `raw` decoded as hex when it is hex text with an even number of digits, otherwise `raw` itself. A raw RSA
    /// signature that happens to consist of hex digits only is 256 bytes of them; as text it would be 128 bytes, the
    /// wrong length for the key, so the two readings cannot both pass.
    static func signatureBytes(_ raw: [UInt8]) -> [UInt8] {
        let text = raw.filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0x3A) }
        let isHex = !text.isEmpty && text.count % 2 == 0
            && text.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        guard isHex, let decoded = try? Hex.decode(String(decoding: text, as: UTF8.self)) else { return raw }
        return decoded
    }

    /// Whether `signature` is a valid signature over `data` by the certificate's key, with ``hash``.
    func isValid(_ loaded: (certificate: Certificate, data: [UInt8], signature: [UInt8])) throws -> Bool {
        try SignatureVerifier.isValidSignature(
            loaded.signature, for: loaded.data, hash: hash, publicKeyOf: loaded.certificate)
    }
}

/// Whether `path` names a directory (following links).
func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
}
