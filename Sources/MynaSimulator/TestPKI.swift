//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import MynaSpec
import OpenSSLSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A test PKI shaped like J-LIS's: an authentication root and a signing root, and one leaf under each, all RSA-2048
/// with sha256WithRSAEncryption, made with OpenSSL.
///
/// - Authentication root: `C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority
///   Information Systems`, self-signed, CA:TRUE, critical keyUsage keyCertSign + cRLSign, valid 10 years.
/// - Signing root: the same with `OU=JPKI for digital signature`.
/// - Authentication leaf: subject `C=JP, CN=<20-character serial>` (printed `CN=…, C=JP` in RFC 4514 order),
///   policy 1.2.392.200149.8.5.1.3.30, critical keyUsage digitalSignature.
/// - Signing leaf: the same subject form, policy 1.2.392.200149.8.5.1.1.20, critical keyUsage digitalSignature +
///   nonRepudiation, and a subjectAltName made of the otherNames 1.2.392.200149.8.5.5.1-6 (name, name substitute,
///   sex code, birth date `YYYYMMDD`, address, address substitute), each `[0] EXPLICIT UTF8String`.
///
/// Every certificate also has subjectKeyIdentifier and authorityKeyIdentifier. Leaves are valid from one day ago for
/// five years. The private keys stay inside the value; ``write(to:)`` stores them with mode 0600.
///
/// Next to the X.509 PKI, ``cardData`` is the hierarchy that signs the card-surface and card-info data (CV
/// certificates under CA keys of the simulator's own hierarchy); ``write(to:)`` writes its CA public keys as
/// `card-ca.json`, the file `mynakit --card-ca` takes.
public struct TestPKI: Sendable {
    /// The authentication root certificate (DER): the card's EF 000B.
    public let authRootCertificate: [UInt8]
    /// The signing root certificate (DER): the card's EF 0002.
    public let signRootCertificate: [UInt8]
    /// The authentication certificate (DER): the card's EF 000A.
    public let authCertificate: [UInt8]
    /// The signing certificate (DER): the card's EF 0001.
    public let signCertificate: [UInt8]

    /// The card-data hierarchy: CA keys, the applets' CV certificates, the card's own key.
    public let cardData: CardDataPKI

    let authRootKey: EVPKeyHandle
    let signRootKey: EVPKeyHandle
    let authKey: EVPKeyHandle
    let signKey: EVPKeyHandle

    /// The DN of the authentication root, in encoding order.
    static let authRootSubject: [(field: String, value: String)] = [
        ("C", "JP"), ("O", "JPKI"), ("OU", "JPKI for user authentication"),
        ("OU", "Japan Agency for Local Authority Information Systems"),
    ]
    /// The DN of the signing root, in encoding order.
    static let signRootSubject: [(field: String, value: String)] = [
        ("C", "JP"), ("O", "JPKI"), ("OU", "JPKI for digital signature"),
        ("OU", "Japan Agency for Local Authority Information Systems"),
    ]

    /// The file names ``write(to:)`` uses and ``load(from:)`` expects.
    public enum FileName {
        /// Authentication root certificate (PEM).
        public static let authRoot = "auth-root.pem"
        /// Signing root certificate (PEM).
        public static let signRoot = "sign-root.pem"
        /// Authentication certificate (PEM).
        public static let auth = "auth.pem"
        /// Signing certificate (PEM).
        public static let sign = "sign.pem"
        /// Authentication root private key (PKCS#8 PEM, mode 0600).
        public static let authRootKey = "auth-root.key.pem"
        /// Signing root private key (PKCS#8 PEM, mode 0600).
        public static let signRootKey = "sign-root.key.pem"
        /// Authentication private key (PKCS#8 PEM, mode 0600).
        public static let authKey = "auth.key.pem"
        /// Signing private key (PKCS#8 PEM, mode 0600).
        public static let signKey = "sign.key.pem"
    }

    private init(
        authRootCertificate: [UInt8], signRootCertificate: [UInt8], authCertificate: [UInt8],
        signCertificate: [UInt8], authRootKey: EVPKeyHandle, signRootKey: EVPKeyHandle, authKey: EVPKeyHandle,
        signKey: EVPKeyHandle, cardData: CardDataPKI
    ) {
        self.cardData = cardData
        self.authRootCertificate = authRootCertificate
        self.signRootCertificate = signRootCertificate
        self.authCertificate = authCertificate
        self.signCertificate = signCertificate
        self.authRootKey = authRootKey
        self.signRootKey = signRootKey
        self.authKey = authKey
        self.signKey = signKey
    }

    /// Generates a fresh PKI (four RSA-2048 keys; takes a moment).
    ///
    /// - Parameters:
    ///   - identity: the cardholder written into the signing certificate.
    ///   - authSerial: the 20-character subject CN of the authentication certificate; random when `nil`.
    ///   - signSerial: the 20-character subject CN of the signing certificate; random when `nil`.
    public static func generate(
        identity: Identity = .sample,
        authSerial: String? = nil,
        signSerial: String? = nil
    ) throws(SimulatorError) -> TestPKI {
        try identity.validate()
        let day = 86_400
        let rootLifetime = 10 * 365 * day
        let leafLifetime = 5 * 365 * day

        func root(_ subject: [(field: String, value: String)], key: EVPKeyHandle) throws(SimulatorError) -> [UInt8] {
            let template = CertificateTemplate(
                subject: subject,
                notBeforeOffset: -day,
                notAfterOffset: rootLifetime,
                extensions: [
                    (NID.basicConstraints, "critical,CA:TRUE"),
                    (NID.keyUsage, "critical,keyCertSign,cRLSign"),
                    (NID.subjectKeyIdentifier, "hash"),
                    (NID.authorityKeyIdentifier, "keyid:always"),
                ]
            )
            return try OpenSSLIssuer.issue(template, subjectKey: key, issuer: nil)
        }

        let authRootKey = try EVPKeyHandle.generateRSA()
        let signRootKey = try EVPKeyHandle.generateRSA()
        let authKey = try EVPKeyHandle.generateRSA()
        let signKey = try EVPKeyHandle.generateRSA()
        let authRoot = try root(authRootSubject, key: authRootKey)
        let signRoot = try root(signRootSubject, key: signRootKey)

        let authLeaf = CertificateTemplate(
            subject: [("C", "JP"), ("CN", authSerial ?? randomSerial())],
            notBeforeOffset: -day,
            notAfterOffset: leafLifetime,
            extensions: [
                (NID.keyUsage, "critical,digitalSignature"),
                (NID.certificatePolicies, JPKICertificateOID.authenticationPolicy),
                (NID.subjectKeyIdentifier, "hash"),
                (NID.authorityKeyIdentifier, "keyid:always"),
            ]
        )
        let signLeaf = CertificateTemplate(
            subject: [("C", "JP"), ("CN", signSerial ?? randomSerial())],
            notBeforeOffset: -day,
            notAfterOffset: leafLifetime,
            extensions: [
                (NID.keyUsage, "critical,digitalSignature,nonRepudiation"),
                (NID.certificatePolicies, JPKICertificateOID.signingPolicy),
                (NID.subjectKeyIdentifier, "hash"),
                (NID.authorityKeyIdentifier, "keyid:always"),
            ],
            otherNames: [
                (JPKICertificateOID.Attribute.name, identity.name),
                (JPKICertificateOID.Attribute.nameSubstituteCharacters, identity.nameSubstitute),
                (JPKICertificateOID.Attribute.sex, identity.sex.code),
                (JPKICertificateOID.Attribute.dateOfBirth, identity.birthDate),
                (JPKICertificateOID.Attribute.address, identity.address),
                (JPKICertificateOID.Attribute.addressSubstituteCharacters, identity.addressSubstitute),
            ]
        )
        let auth = try OpenSSLIssuer.issue(authLeaf, subjectKey: authKey, issuer: (authRoot, authRootKey))
        let sign = try OpenSSLIssuer.issue(signLeaf, subjectKey: signKey, issuer: (signRoot, signRootKey))
        return TestPKI(
            authRootCertificate: authRoot, signRootCertificate: signRoot, authCertificate: auth,
            signCertificate: sign, authRootKey: authRootKey, signRootKey: signRootKey, authKey: authKey,
            signKey: signKey, cardData: try CardDataPKI.generate()
        )
    }

    private static let cache = Mutex<[Identity: TestPKI]>([:])

    /// A PKI for `identity` generated once per process and then reused, so that tests stay fast.
    public static func cached(identity: Identity = .sample) throws(SimulatorError) -> TestPKI {
        let result: Result<TestPKI, SimulatorError> = cache.withLock { cache in
            if let pki = cache[identity] { return .success(pki) }
            do throws(SimulatorError) {
                let pki = try generate(identity: identity)
                cache[identity] = pki
                return .success(pki)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Writes the four certificates (PEM) and the four private keys (PKCS#8 PEM, mode 0600) into `directory`,
    /// creating it (mode 0700) if needed. Existing files are replaced. The names are those of ``FileName``.
    public func write(to directory: URL) throws(SimulatorError) {
        do {
            try FileManager.default.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw SimulatorError(.fileSystem, "cannot create \(directory.path): \(error)")
        }
        let files: [(String, [UInt8], mode_t)] = [
            (FileName.authRoot, try OpenSSLIssuer.pemFromDER(authRootCertificate), 0o644),
            (FileName.signRoot, try OpenSSLIssuer.pemFromDER(signRootCertificate), 0o644),
            (FileName.auth, try OpenSSLIssuer.pemFromDER(authCertificate), 0o644),
            (FileName.sign, try OpenSSLIssuer.pemFromDER(signCertificate), 0o644),
            (FileName.authRootKey, try authRootKey.privateKeyPEM(), 0o600),
            (FileName.signRootKey, try signRootKey.privateKeyPEM(), 0o600),
            (FileName.authKey, try authKey.privateKeyPEM(), 0o600),
            (FileName.signKey, try signKey.privateKeyPEM(), 0o600),
        ]
        for (name, contents, mode) in files {
            try writeFile(directory.appendingPathComponent(name).path, contents, mode: mode)
        }
        try writeCardData(to: directory)
    }

    /// Writes the card-data hierarchy: its five private keys (mode 0600) and `card-ca.json` with the CA public keys.
    private func writeCardData(to directory: URL) throws(SimulatorError) {
        for (name, key) in zip(CardDataPKI.FileName.privateKeys, cardData.privateKeys) {
            try writeFile(directory.appendingPathComponent(name).path, try key.privateKeyPEM(), mode: 0o600)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do {
            json = try encoder.encode(cardData.caKeys)
        } catch {
            throw SimulatorError(.fileSystem, "cannot encode \(CardDataPKI.FileName.caKeys): \(error)")
        }
        try writeFile(directory.appendingPathComponent(CardDataPKI.FileName.caKeys).path, [UInt8](json) + [0x0A], mode: 0o644)
    }

    /// The card-data hierarchy stored in `directory`, or `nil` when its keys are not there (a PKI directory written
    /// before the card-surface applet existed).
    private static func loadCardData(from directory: URL) throws(SimulatorError) -> CardDataPKI? {
        var keys: [EVPKeyHandle] = []
        for name in CardDataPKI.FileName.privateKeys {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                return nil
            }
            keys.append(try EVPKeyHandle.parseRSAPrivateKey(pem: [UInt8](data)))
        }
        return try CardDataPKI(keys: keys)
    }

    /// Loads a PKI that ``write(to:)`` stored. Only the root certificates and the leaf certificates and keys are
    /// needed; the root keys are loaded when present.
    public static func load(from directory: URL) throws(SimulatorError) -> TestPKI {
        func read(_ name: String) throws(SimulatorError) -> [UInt8] {
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SimulatorError(.invalidPKI, "cannot read \(path)")
            }
            return [UInt8](data)
        }
        let authRoot = try OpenSSLIssuer.derFromPEM(read(FileName.authRoot))
        let signRoot = try OpenSSLIssuer.derFromPEM(read(FileName.signRoot))
        let auth = try OpenSSLIssuer.derFromPEM(read(FileName.auth))
        let sign = try OpenSSLIssuer.derFromPEM(read(FileName.sign))
        let authKey = try EVPKeyHandle.parseRSAPrivateKey(pem: read(FileName.authKey))
        let signKey = try EVPKeyHandle.parseRSAPrivateKey(pem: read(FileName.signKey))
        let authRootKey = try EVPKeyHandle.parseRSAPrivateKey(pem: read(FileName.authRootKey))
        let signRootKey = try EVPKeyHandle.parseRSAPrivateKey(pem: read(FileName.signRootKey))
        guard try OpenSSLIssuer.key(authKey, matches: auth), try OpenSSLIssuer.key(signKey, matches: sign),
            try OpenSSLIssuer.key(authRootKey, matches: authRoot), try OpenSSLIssuer.key(signRootKey, matches: signRoot)
        else {
            throw SimulatorError(.invalidPKI, "a private key in \(directory.path) does not match its certificate")
        }
        guard authKey.size == 256, signKey.size == 256 else {
            throw SimulatorError(.invalidPKI, "the leaf keys in \(directory.path) must be RSA-2048")
        }
        let cardData: CardDataPKI
        if let stored = try loadCardData(from: directory) {
            cardData = stored
        } else {
            cardData = try CardDataPKI.generate()
        }
        return TestPKI(
            authRootCertificate: authRoot, signRootCertificate: signRoot, authCertificate: auth,
            signCertificate: sign, authRootKey: authRootKey, signRootKey: signRootKey, authKey: authKey,
            signKey: signKey, cardData: cardData
        )
    }

    /// Loads the PKI in `directory` if it holds one, or generates a PKI for `identity` (reusing this process's cached
    /// one) and writes it there.
    public static func loadOrCreate(at directory: URL, identity: Identity = .sample) throws(SimulatorError) -> TestPKI {
        let marker = directory.appendingPathComponent(FileName.sign).path
        if FileManager.default.fileExists(atPath: marker) {
            let pki = try load(from: directory)
            // A directory from before the card-data hierarchy gets its keys and card-ca.json now.
            if try loadCardData(from: directory) == nil { try pki.writeCardData(to: directory) }
            return pki
        }
        let pki = try cached(identity: identity)
        try pki.write(to: directory)
        return pki
    }

    /// PEM encoding of a DER certificate (convenience for tests and tools).
    public static func pem(fromDER der: [UInt8]) throws(SimulatorError) -> String {
        String(decoding: try OpenSSLIssuer.pemFromDER(der), as: UTF8.self)
    }

    // MARK: - Helpers

    /// 20 characters from 0-9 and A-Z, like the opaque serials in real authentication certificates.
    private static func randomSerial() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}

/// Writes `contents` to `path` with `mode`, creating the file with that mode so that a key is never readable by
/// others, even for a moment.
private func writeFile(_ path: String, _ contents: [UInt8], mode: mode_t) throws(SimulatorError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
        throw SimulatorError(.fileSystem, "cannot create \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard fchmod(descriptor, mode) == 0 else {
        throw SimulatorError(.fileSystem, "cannot set the mode of \(path): \(String(cString: strerror(errno)))")
    }
    var written = 0
    while written < contents.count {
        let result = contents.withUnsafeBytes { buffer in
            write(descriptor, buffer.baseAddress! + written, buffer.count - written)
        }
        if result < 0 {
            if errno == EINTR { continue }
            throw SimulatorError(.fileSystem, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        written += result
    }
}
