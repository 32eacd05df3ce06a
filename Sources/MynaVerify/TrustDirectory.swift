//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// The trust store on disk: a directory of root certificates, one PEM file per root named by its SHA-256
/// fingerprint (`<fingerprint>.pem`, lower-case hexadecimal).
///
/// `/etc/mynakit/trust` by default; the environment variable `MYNAKIT_TRUST_DIR` names another (``default``). The
/// library's default ``TrustStore`` (``TrustStore/init(directory:)``) and `mynakit auth` and `cert verify` without
/// `--roots` trust what it holds; `mynakit trust add|list|remove|show` manage it.
///
/// Roots are added only through ``admission(of:)``: a pinned J-LIS production root at once; a root that carries
/// J-LIS's name with a fingerprint that is not pinned only when the operator accepts it
/// (``Acceptance/acceptUnpinned``) after seeing its subject, serial number, validity and fingerprint; a JPKI test
/// root only with ``Acceptance/testHierarchy``; anything else only with ``Acceptance/force``. Files an administrator
/// copies in by hand (`.pem`, `.crt`, `.cer`, `.der`, bundles too) are trusted as they are and classified like any
/// anchor. A directory or file that every user may write is refused: anyone could add a root.
public struct TrustDirectory: Sendable, Hashable, CustomStringConvertible {
    /// `/etc/mynakit/trust`.
    public static let defaultPath = "/etc/mynakit/trust"
    /// `MYNAKIT_TRUST_DIR`: when set and not empty, the directory to use instead of ``defaultPath``.
    public static let environmentVariable = "MYNAKIT_TRUST_DIR"

    /// The directory.
    public let path: String

    /// The trust directory at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The directory `MYNAKIT_TRUST_DIR` names, or `/etc/mynakit/trust`; read from the environment at each call.
    public static var `default`: TrustDirectory {
        if let value = getenv(environmentVariable).map({ String(cString: $0) }), !value.isEmpty {
            return TrustDirectory(path: value)
        }
        return TrustDirectory(path: defaultPath)
    }

    public var description: String { path }

    /// One root in the directory and the file that holds it.
    public struct Entry: Sendable, Hashable {
        /// The root and what it is.
        public let anchor: TrustAnchor
        /// The path of the file that holds it.
        public let file: String
    }

    /// Every root in the directory, in file-name order; none when the directory does not exist.
    ///
    /// - Throws: ``MynaVerifyError`` with ``MynaVerifyError/Code/insecureTrustDirectory`` when the directory or a
    ///   file in it is writable by every user, ``MynaVerifyError/Code/unreadableFile`` or a parse error naming the
    ///   file.
    public func entries() throws -> [Entry] {
        guard let status = TrustFiles.status(path) else { return [] }
        guard status.isDirectory else {
            throw MynaVerifyError(code: .unreadableFile, reason: "trust directory \(path): not a directory")
        }
        if status.isWorldWritable {
            throw MynaVerifyError(
                code: .insecureTrustDirectory, reason: "trust directory \(path) is writable by every user: chmod o-w")
        }
        var entries: [Entry] = []
        for name in try TrustFiles.names(in: path) where Self.isCertificateFile(name) {
            let file = TrustFiles.join(path, name)
            if TrustFiles.status(file)?.isWorldWritable == true {
                throw MynaVerifyError(
                    code: .insecureTrustDirectory, reason: "\(file) is writable by every user: chmod o-w")
            }
            for certificate in try TrustStore.certificates(inFile: file) {
                entries.append(Entry(anchor: TrustAnchor(certificate), file: file))
            }
        }
        return entries
    }

    /// A store trusting every root in the directory.
    ///
    /// - Throws: ``MynaVerifyError/Code/noTrustAnchors`` with a sentence saying how to add the J-LIS roots when the
    ///   directory holds none (or does not exist), or an error of ``entries()``.
    public func trustStore() throws -> TrustStore {
        let entries = try entries()
        guard !entries.isEmpty else {
            throw MynaVerifyError(
                code: .noTrustAnchors,
                reason: "the trust directory \(path) holds no root certificate. Add the J-LIS roots (published by "
                    + "\(JLISRoots.publisher)): `mynakit trust add auth_ca_2023.pem sign_ca_2023.pem`, with the "
                    + "2015 files too to check older certificates, or set \(Self.environmentVariable) to a directory "
                    + "that holds them")
        }
        return try TrustStore(anchors: entries.map(\.anchor.certificate))
    }

    // MARK: Admission

    /// The flags an operator gives to let a root in that is not a pinned J-LIS root.
    public struct Acceptance: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A self-signed root with a J-LIS production DN and a fingerprint that is not pinned (generation 2).
        public static let acceptUnpinned = Acceptance(rawValue: 1 << 0)
        /// A root of the JPKI test hierarchy.
        public static let testHierarchy = Acceptance(rawValue: 1 << 1)
        /// Anything else: a foreign root, a certificate that is not a CA or not a root.
        public static let force = Acceptance(rawValue: 1 << 2)
    }

    /// Whether a root may be added, and what it takes.
    public struct Admission: Sendable, Hashable {
        /// The flag a root needs; ``none`` for pinned J-LIS roots.
        public enum Requirement: String, Sendable, Hashable {
            case none
            case acceptUnpinned = "accept-unpinned"
            case testHierarchy = "test"
            case force
        }

        /// The root and what it is.
        public let anchor: TrustAnchor
        /// How it falls short of ``TrustAnchorProfile`` (empty for a good root).
        public let problems: [TrustAnchorProfile.Problem]
        /// What it takes to add it.
        public let requirement: Requirement

        /// Whether `acceptance` lets the root in. Each kind needs its own flag: ``Acceptance/force`` does not stand
        /// in for ``Acceptance/acceptUnpinned`` or ``Acceptance/testHierarchy``.
        public func isGranted(by acceptance: Acceptance) -> Bool {
            switch requirement {
            case .none: return true
            case .acceptUnpinned: return acceptance.contains(.acceptUnpinned)
            case .testHierarchy: return acceptance.contains(.testHierarchy)
            case .force: return acceptance.contains(.force)
            }
        }
    }

    /// What it takes to add `certificate`: nothing for a pinned J-LIS root; ``Admission/Requirement/acceptUnpinned``
    /// for a good root with a J-LIS DN and an unpinned fingerprint; ``Admission/Requirement/testHierarchy`` for a
    /// good JPKI test root; ``Admission/Requirement/force`` for anything else, including any root that falls short of
    /// ``TrustAnchorProfile``.
    public static func admission(of certificate: Certificate) -> Admission {
        let anchor = TrustAnchor(certificate)
        let problems = TrustAnchorProfile.problems(of: certificate)
        let requirement: Admission.Requirement
        switch anchor.classification {
        case .jlisProduction: requirement = .none
        case .jlisUnpinned: requirement = problems.isEmpty ? .acceptUnpinned : .force
        case .jpkiTest: requirement = problems.isEmpty ? .testHierarchy : .force
        case .unknown: requirement = .force
        }
        return Admission(anchor: anchor, problems: problems, requirement: requirement)
    }

    /// What ``add(_:accepting:)`` did with one certificate.
    public struct Addition: Sendable, Hashable {
        public let admission: Admission
        /// The file that holds the root now.
        public let file: String
        /// Whether the root was in the directory already (nothing was written for it).
        public let wasPresent: Bool
    }

    /// Adds roots, all or none: when one is not admitted by `acceptance`, nothing is written.
    ///
    /// Each new root is written to `<fingerprint>.pem` (mode 0644) through a temporary file and a rename, so a reader
    /// never sees half a file; the directory is created (mode 0755) when missing.
    ///
    /// - Throws: ``MynaVerifyError/Code/rootNotAdmitted`` naming each refused root and what it needs;
    ///   ``MynaVerifyError/Code/unwritableFile`` when the directory or a file cannot be written; an error of
    ///   ``entries()``.
    public func add(_ certificates: [Certificate], accepting acceptance: Acceptance) throws -> [Addition] {
        let admissions = certificates.map(Self.admission(of:))
        let refused = admissions.filter { !$0.isGranted(by: acceptance) }
        guard refused.isEmpty else {
            throw MynaVerifyError(
                code: .rootNotAdmitted,
                reason: refused.map { "\($0.anchor) needs \($0.requirement.rawValue)" }.joined(separator: "; "))
        }
        var present = Dictionary(try entries().map { ($0.anchor.fingerprint, $0.file) }) { first, _ in first }
        var additions: [Addition] = []
        for admission in admissions {
            let fingerprint = admission.anchor.fingerprint
            if let file = present[fingerprint] {
                additions.append(Addition(admission: admission, file: file, wasPresent: true))
                continue
            }
            try TrustFiles.makeDirectories(path)
            let file = TrustFiles.join(path, fingerprint.lowercased() + ".pem")
            try TrustFiles.writeAtomically(Array(admission.anchor.certificate.pem.utf8), to: file)
            present[fingerprint] = file
            additions.append(Addition(admission: admission, file: file, wasPresent: false))
        }
        return additions
    }

    // MARK: Lookup and removal

    /// The entries of the root whose fingerprint is `fingerprint` or starts with it (at least 8 hexadecimal digits;
    /// any case, `:` and spaces ignored). Several entries when several files hold the same root.
    ///
    /// - Throws: ``MynaVerifyError/Code/unknownRoot`` when no root or more than one root matches.
    public func entries(matching fingerprint: String) throws -> [Entry] {
        let wanted = String(fingerprint.filter { $0 != ":" && $0 != " " }).uppercased()
        guard wanted.count >= 8, wanted.count <= 64, wanted.allSatisfy(\.isHexDigit) else {
            throw MynaVerifyError(
                code: .unknownRoot,
                reason: "\(fingerprint) is not a SHA-256 fingerprint (64 hexadecimal digits, or the first 8 or more)")
        }
        let matches = try entries().filter { $0.anchor.fingerprint.hasPrefix(wanted) }
        let fingerprints = Set(matches.map(\.anchor.fingerprint))
        guard fingerprints.count == 1 else {
            throw MynaVerifyError(
                code: .unknownRoot,
                reason: fingerprints.isEmpty
                    ? "no root in \(path) has the fingerprint \(fingerprint)"
                    : "\(fingerprint) matches \(fingerprints.count) roots in \(path): give more digits")
        }
        return matches
    }

    /// Removes the root whose fingerprint is `fingerprint` (or starts with it, as in ``entries(matching:)``) by
    /// deleting the files that hold it.
    ///
    /// - Returns: the entries removed.
    /// - Throws: ``MynaVerifyError/Code/unknownRoot``; ``MynaVerifyError/Code/unwritableFile`` when a file cannot be
    ///   deleted or holds other certificates too (a bundle is edited by hand; nothing is deleted then).
    @discardableResult
    public func remove(fingerprint: String) throws -> [Entry] {
        let matches = try entries(matching: fingerprint)
        let all = try entries()
        for match in matches {
            let others = all.filter { $0.file == match.file && $0.anchor.fingerprint != match.anchor.fingerprint }
            if !others.isEmpty {
                throw MynaVerifyError(
                    code: .unwritableFile,
                    reason: "\(match.file) holds \(others.count) other certificate(s) too: edit the bundle by hand")
            }
        }
        for file in Set(matches.map(\.file)) { try TrustFiles.remove(file) }
        return matches
    }

    /// Whether `name` is a certificate file the directory reads: not hidden, ending in `.pem`, `.crt`, `.cer` or
    /// `.der`.
    static func isCertificateFile(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return ["pem", "crt", "cer", "der"].contains(name[name.index(after: dot)...].lowercased())
    }
}

extension MynaVerifyError.Code {
    /// A root was not added to the trust directory: it is not a pinned J-LIS root and the flag it needs was not given.
    public static let rootNotAdmitted = MynaVerifyError.Code(rawValue: "root-not-admitted")
    /// The trust directory, or a file in it, is writable by every user.
    public static let insecureTrustDirectory = MynaVerifyError.Code(rawValue: "insecure-trust-directory")
    /// A file or directory could not be written or deleted.
    public static let unwritableFile = MynaVerifyError.Code(rawValue: "unwritable-file")
    /// No root (or more than one) in the trust directory has the fingerprint given.
    public static let unknownRoot = MynaVerifyError.Code(rawValue: "unknown-root")
}
