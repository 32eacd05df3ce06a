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
/// carry the same distinguished name as an anchor is not trusted.
public struct TrustStore: Sendable {
    /// The trust anchors, in the order given, without duplicates.
    public let anchors: [Certificate]
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
        self.handle = try X509StoreHandle(anchors: unique.map(\.handle))
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

    private static func certificates(inFile path: String) throws -> [Certificate] {
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
}
