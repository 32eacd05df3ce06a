//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import OpenSSLSupport

/// The trust anchors that certificate chains must end in, such as the J-LIS authentication and signing roots.
///
/// A trust store is built once and never changes. It is `Sendable`: one store can serve any number of
/// ``CertificateVerifier``s on any number of threads at the same time (OpenSSL's `X509_STORE` is safe to share for
/// verification once filled).
///
/// Anchors are trusted by their certificate (key and signature), never by name: a different root that happens to
/// carry the same distinguished name as an anchor is not trusted. Several anchors may share one name, as all
/// generations of a J-LIS hierarchy do; chains are built to the one whose key issued the certificate (authority and
/// subject key identifiers, then the signature), so every generation verifies what it issued.
///
/// `TrustStore()` trusts the roots of the trust directory (``TrustDirectory/default``: `MYNAKIT_TRUST_DIR`, or
/// `/etc/mynakit/trust`).
public struct TrustStore: Sendable {
    /// The trust anchors, in the order given, without duplicates.
    public let anchors: [Certificate]
    /// The anchors with what each is (a pinned J-LIS root, a JPKI test root, …), in the order of ``anchors``.
    public let trustAnchors: [TrustAnchor]
    let handle: X509StoreHandle

    /// Creates a store trusting `anchors`.
    ///
    /// - Parameter anchors: the trust anchors; usually self-signed roots.
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/noTrustAnchors`` when `anchors` is empty.
    public init(anchors: [Certificate]) throws {
        guard !anchors.isEmpty else {
            throw MynaVerifyError(code: .noTrustAnchors, reason: "a trust store needs at least one anchor")
        }
        var unique: [Certificate] = []
        for anchor in anchors where !unique.contains(anchor) { unique.append(anchor) }
        self.anchors = unique
        self.trustAnchors = unique.map(TrustAnchor.init)
        self.handle = try X509StoreHandle(anchors: unique.map(\.handle))
    }

    /// Creates a store trusting the roots of a trust directory; by default the one `MYNAKIT_TRUST_DIR` names, or
    /// `/etc/mynakit/trust`.
    ///
    /// - Throws: ``MynaVerifyError/Code/noTrustAnchors`` (saying how to add the J-LIS roots) when the directory holds
    ///   none, or another error of ``TrustDirectory/entries()``.
    public init(directory: TrustDirectory = .default) throws {
        self = try directory.trustStore()
    }

    /// Creates a store from files and directories.
    ///
    /// Each path is a PEM file (one certificate or a bundle), a DER certificate file, or a directory whose regular
    /// files ending in `.pem`, `.crt`, `.cer` or `.der` are read (not recursively, in name order).
    ///
    /// - Parameter paths: files and directories.
    /// - Throws: ``MynaVerifyError`` naming the path (``MynaVerifyError/Code/unreadableFile``, a parse error) or
    ///   ``MynaVerifyError/Code/noTrustAnchors`` when nothing was found.
    public init(contentsOf paths: [String]) throws {
        var anchors: [Certificate] = []
        for path in paths {
            if LocalFiles.isDirectory(path) {
                let extensions: Set<String> = ["pem", "crt", "cer", "der"]
                for name in try LocalFiles.names(inDirectory: path)
                where extensions.contains(LocalFiles.pathExtension(name).lowercased()) {
                    anchors += try Self.certificates(inFile: LocalFiles.join(path, name))
                }
            } else {
                anchors += try Self.certificates(inFile: path)
            }
        }
        try self.init(anchors: anchors)
    }

    /// The certificates of a PEM (one or a bundle) or DER file; a parse error names the file.
    static func certificates(inFile path: String) throws -> [Certificate] {
        do {
            return try Certificate.parseMany(bytes: LocalFiles.read(path))
        } catch let error as MynaVerifyError where error.code != .unreadableFile {
            throw MynaVerifyError(
                code: error.code,
                reason: "\(path): \(error.reason)",
                openSSLErrors: error.openSSLErrors,
                file: error.file,
                line: error.line
            )
        }
    }

    /// The anchor certificate wrapping OpenSSL object `handle`, if it is one of ours.
    func anchor(for handle: X509Handle) -> Certificate? {
        anchors.first { $0.handle.isSameObject(as: handle) }
    }

    /// The anchor wrapping OpenSSL object `handle` with its classification, if it is one of ours.
    func trustAnchor(for handle: X509Handle) -> TrustAnchor? {
        trustAnchors.first { $0.certificate.handle.isSameObject(as: handle) }
    }
}
