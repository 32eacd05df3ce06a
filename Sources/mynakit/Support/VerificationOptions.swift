//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify
import SmartCard

#if canImport(Glibc)
import Glibc
#endif

/// `--roots FILE…`: the trust anchors a certificate must chain to (`auth`, `cert verify`, `bench verify`); without
/// it, the trust directory (`mynakit trust`).
struct TrustAnchorOptions: ParsableArguments {
    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Trust anchors: PEM/DER files, bundles or directories ('-': stdin). Default: the roots of the trust "
                + "directory (\(TrustDirectory.defaultPath), or $\(TrustDirectory.environmentVariable); "
                + "see 'mynakit trust')."),
        completion: .file())
    var roots: [String] = []

    /// The anchors, loaded from every file and directory given, or from the trust directory when none is. Files are
    /// read like every input (``readFile``), so `-`, `/dev/stdin` and process substitution work; directories are
    /// scanned by the library.
    ///
    /// - Throws: with neither `--roots` nor a root in the trust directory, a usage failure (exit 64) saying how to add
    ///   the J-LIS roots; commands call this before they touch a card.
    func trustStore() throws -> TrustStore {
        if roots.isEmpty {
            let directory = TrustDirectory.default
            do {
                return try TrustStore(directory: directory)
            } catch let error as MynaVerifyError where error.code == .noTrustAnchors {
                throw CommandFailure(
                    status: .usage, code: error.code.rawValue,
                    message: "no trust anchors: --roots was not given and \(error.reason); or pass --roots FILE")
            } catch {
                throw error
            }
        }
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

/// `--crl FILE…` and `--require-revocation`: certificate revocation lists and whether revocation must be checked
/// (`auth`, `cert verify`).
struct RevocationOptions: ParsableArguments {
    @Option(
        name: .customLong("crl"), parsing: .upToNextOption, help: "CRLs (PEM or DER) to check revocation with.",
        completion: .file())
    var crls: [String] = []

    @Flag(help: "Fail (exit 5) when the certificate's revocation is not checked (no CRL from its issuer).")
    var requireRevocation = false

    func revocationLists() throws -> [RevocationList] {
        try crls.map { try RevocationList(bytes: readFile($0)) }
    }

    /// The library's policy for ``requireRevocation``.
    var policy: CertificateVerifier.RevocationPolicy { requireRevocation ? .require : .checkWhenCRLsGiven }
}

/// Where a verdict's revocation status came from, in every verdict (`auth`, `cert verify`): `crl FILE (this update
/// …, next update …)`, `ocsp URL` or `not checked`.
struct RevocationReport: Encodable {
    /// `crl`, `ocsp` or `not-checked`.
    var source: String
    /// The sentence the text output prints.
    var description: String
    var file: String?
    var url: String?
    var thisUpdate: String?
    var nextUpdate: String?

    /// `source`, with each CRL named by its path in `crlFiles` (the order of `--crl`).
    init(_ source: RevocationSource, crlFiles: [String]) {
        self.source = source.code
        func name(_ index: Int) -> String { crlFiles.indices.contains(index) ? crlFiles[index] : "#\(index)" }
        switch source {
        case .crl(let index, _, let thisUpdate, let nextUpdate):
            file = name(index)
            self.thisUpdate = RFC3339.format(thisUpdate)
            self.nextUpdate = nextUpdate.map(RFC3339.format)
            description = "crl \(name(index)) (this update \(RFC3339.format(thisUpdate)), next update "
                + "\(nextUpdate.map(RFC3339.format) ?? "none"))"
        case .ocsp(let url, let thisUpdate, let nextUpdate):
            self.url = url
            self.thisUpdate = thisUpdate.map(RFC3339.format)
            self.nextUpdate = nextUpdate.map(RFC3339.format)
            description = source.description
        case .notChecked:
            description = source.description
        }
    }
}

/// The trust anchor a verdict's chain ends at, and what it is (`auth`, `cert verify`).
struct TrustAnchorReport: Encodable {
    /// `jlis-production`, `jlis-unpinned`, `jpki-test` or `unknown`.
    var classification: String
    /// `J-LIS production root, authentication hierarchy, generation 3`.
    var description: String
    var subject: String
    var sha256Fingerprint: String
    var notAfter: String
    /// Whether the anchor had expired at the verification time.
    var expired: Bool

    init(_ anchor: TrustAnchor, at time: Date) {
        classification = anchor.classification.code
        description = anchor.classification.description
        subject = anchor.certificate.subject.description
        sha256Fingerprint = anchor.fingerprint
        notAfter = RFC3339.format(anchor.certificate.notAfter)
        expired = anchor.certificate.notAfter < time
    }

    /// `J-LIS production root, … generation 1 (SHA-256 4DCF…), EXPIRED at 2025-10-19T14:59:59Z`.
    var text: String {
        "\(description) (SHA-256 \(sha256Fingerprint))" + (expired ? ", EXPIRED at \(notAfter)" : "")
    }
}

/// The line every verdict under the JPKI test hierarchy carries.
let testHierarchyNotice =
    "TEST HIERARCHY: the chain ends at a JPKI test root (O=JPKI-TEST): a test card, never a production My Number card"


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
