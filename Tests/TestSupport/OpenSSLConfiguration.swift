//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The parts of the `openssl req` / `openssl ca` configuration files the tests' PKIs are made with, written once:
/// each PKI (TestPKI, GenerationPKI, TrustTestCA, the OCSP and CRL-scope fixtures) puts its file together from them
/// and adds only the sections that are its own.
///
/// ```swift
/// let text = OpenSSLConfiguration.file(
///     cas: [.init(name: "ca_auth", directory: "auth-ca")],
///     extensions: [OpenSSLConfiguration.root, OpenSSLConfiguration.authenticationLeaf()])
/// ```
public enum OpenSSLConfiguration {
    /// One CA database for `openssl ca -name NAME` (or the default CA, for `openssl ca` and `openssl ocsp` without
    /// `-name`).
    public struct CA: Sendable {
        public var name: String
        /// The folder holding `index.txt`, `serial`, `crlnumber` and `newcerts/`, relative to the working folder.
        public var directory: String
        /// `certificate = ` and `private_key = ` (relative to the working folder), for commands that take neither
        /// `-cert` nor `-keyfile`.
        public var certificate: String?
        public var privateKey: String?
        /// `rand_serial = yes`: `openssl ca` picks random serial numbers instead of counting from `serial`.
        public var randomSerial: Bool
        /// `[ ca ] default_ca = NAME`.
        public var isDefault: Bool
        /// The name policy, which also orders the subject of the certificates it issues.
        public var policy: Policy

        /// Every name attribute optional; `openssl ca` writes the subject in the policy's order.
        public enum Policy: String, Sendable {
            /// C, O, OU, CN (`policy_any`), as the J-LIS certificates order them.
            case countryFirst = "policy_any"
            /// CN, C, O, OU (`policy_cn_first`).
            case commonNameFirst = "policy_cn_first"
        }

        public init(
            name: String, directory: String, certificate: String? = nil, privateKey: String? = nil,
            randomSerial: Bool = false, isDefault: Bool = false, policy: Policy = .countryFirst
        ) {
            self.name = name
            self.directory = directory
            self.certificate = certificate
            self.privateKey = privateKey
            self.randomSerial = randomSerial
            self.isDefault = isDefault
            self.policy = policy
        }

        var section: String {
            var lines = [
                "[ \(name) ]", "dir = \(directory)", "database = $dir/index.txt", "new_certs_dir = $dir/newcerts",
                "serial = $dir/serial", "crlnumber = $dir/crlnumber", "default_md = sha256", "policy = \(policy.rawValue)",
                "unique_subject = no",
            ]
            if let certificate { lines.append("certificate = \(certificate)") }
            if let privateKey { lines.append("private_key = \(privateKey)") }
            if randomSerial { lines.append("rand_serial = yes") }
            return lines.joined(separator: "\n")
        }
    }

    /// A whole configuration file: `[ req ]` (prompt-free, UTF-8 names), the CAs, the two policies of
    /// ``CA/Policy``, then `extensions` (sections as ``section(_:_:)`` writes them).
    public static func file(cas: [CA], extensions: [String]) -> String {
        var parts = [
            """
            [ req ]
            distinguished_name = req_dn
            prompt = no
            string_mask = utf8only
            utf8 = yes
            [ req_dn ]
            CN = unused
            """
        ]
        if let defaultCA = cas.first(where: \.isDefault) { parts.append("[ ca ]\ndefault_ca = \(defaultCA.name)") }
        parts += cas.map(\.section)
        parts.append(
            """
            [ policy_any ]
            countryName = optional
            organizationName = optional
            organizationalUnitName = optional
            commonName = optional
            [ policy_cn_first ]
            commonName = optional
            countryName = optional
            organizationName = optional
            organizationalUnitName = optional
            """)
        parts += extensions
        return parts.joined(separator: "\n") + "\n"
    }

    /// A section: `[ name ]` and its lines.
    public static func section(_ name: String, _ lines: [String]) -> String {
        (["[ \(name) ]"] + lines).joined(separator: "\n")
    }

    /// `[ name ]` for a J-LIS-shaped root: a critical CA:TRUE, keyCertSign and cRLSign, a subject key identifier, and
    /// with `noAuthorityKeyIdentifier`, an explicit `authorityKeyIdentifier = none`.
    public static func root(_ name: String = "v3_root", noAuthorityKeyIdentifier: Bool = false) -> String {
        section(
            name,
            [
                "basicConstraints = critical, CA:TRUE", "keyUsage = critical, keyCertSign, cRLSign",
                "subjectKeyIdentifier = hash",
            ] + (noAuthorityKeyIdentifier ? ["authorityKeyIdentifier = none"] : []))
    }

    /// `[ name ]` for a JPKI-shaped authentication leaf: CA:FALSE, a critical digitalSignature, the authentication
    /// policy; key identifiers as asked (`nil` leaves the line out), then `extra` lines.
    public static func authenticationLeaf(
        _ name: String = "auth_leaf", subjectKeyIdentifier: String? = "hash", authorityKeyIdentifier: String? = "keyid",
        extra: [String] = []
    ) -> String {
        var lines = [
            "basicConstraints = CA:FALSE", "keyUsage = critical, digitalSignature",
            "certificatePolicies = \(authenticationPolicy)",
        ]
        if let subjectKeyIdentifier { lines.append("subjectKeyIdentifier = \(subjectKeyIdentifier)") }
        if let authorityKeyIdentifier { lines.append("authorityKeyIdentifier = \(authorityKeyIdentifier)") }
        return section(name, lines + extra)
    }

    /// A policy OID under JPKI's authentication arc (1.2.392.200149.8.5.1.3), as the real certificates carry.
    public static let authenticationPolicy = "1.2.392.200149.8.5.1.3.30"
}
