//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
@_exported public import MynaSpec

/// The HTTP API of the verification service (`mynakit-server`): its paths, headers and JSON coding.
///
/// The documents are described once more, for other languages, in `Docs/openapi.yaml`; the service and
/// ``MynaServiceClient`` both use these types, so the two ends cannot drift apart.
public enum ServiceAPI {
    /// `POST`: issue a challenge (``ChallengeDocument``).
    public static let challengesPath = "/v1/challenges"
    /// `POST` a ``VerificationRequest``; the answer is a ``Verdict`` (200 when valid, 422 when not) or an
    /// ``ServiceErrorDocument``.
    public static let verificationsPath = "/v1/verifications"
    /// `GET`: liveness and store reachability (``HealthDocument``).
    public static let healthPath = "/healthz"
    /// `GET`: Prometheus text exposition.
    public static let metricsPath = "/metrics"

    /// The number of random bytes in a challenge.
    public static let challengeByteCount = 32

    /// The encoder of every document: ISO 8601 (RFC 3339, UTC) dates, sorted keys.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder of every document: RFC 3339 dates with or without fractional seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }

    /// `date` as RFC 3339 in UTC with milliseconds, such as `2025-01-02T03:04:05.678Z`.
    public static func formatTimestamp(_ date: Date) -> String {
        timestampStyle.format(date)
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Parses an RFC 3339 time, with or without fractional seconds.
    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}

/// The kind of card certificate a verification is about; the JSON spelling is the CLI's `--kind`.
public enum VerificationKind: String, Codable, Sendable, CaseIterable {
    /// The user-authentication certificate: the verdict names the certificate's serial number.
    case auth
    /// The signing certificate: the verdict carries the cardholder's identity (name, date of birth, sex, address).
    case sign
}

/// `POST /v1/challenges` answers with a fresh challenge the card must sign.
public struct ChallengeDocument: Codable, Sendable, Hashable {
    /// The challenge's identifier, to send back with the answer.
    public var id: String
    /// The 32 random bytes to sign, base64.
    public var challenge: String
    /// When the challenge stops being accepted.
    public var expiresAt: Date

    public init(id: String, challenge: String, expiresAt: Date) {
        self.id = id
        self.challenge = challenge
        self.expiresAt = expiresAt
    }

    /// The challenge bytes, or `nil` when ``challenge`` is not base64.
    public var challengeBytes: [UInt8]? { Data(base64Encoded: challenge).map { [UInt8]($0) } }
}

/// `POST /v1/verifications`: the card's answer to a challenge.
public struct VerificationRequest: Codable, Sendable, Hashable {
    /// The ``ChallengeDocument/id`` answered.
    public var challengeId: String
    /// The card's certificate (DER), base64.
    public var certificate: String
    /// The card's RSASSA-PKCS1-v1_5 signature over the challenge bytes, base64.
    public var signature: String
    /// The hash the challenge was signed with.
    public var hash: HashAlgorithm
    /// Which certificate: `auth` (the default) or `sign`.
    public var kind: VerificationKind?

    public init(
        challengeId: String, certificate: [UInt8], signature: [UInt8], hash: HashAlgorithm,
        kind: VerificationKind? = nil
    ) {
        self.challengeId = challengeId
        self.certificate = Data(certificate).base64EncodedString()
        self.signature = Data(signature).base64EncodedString()
        self.hash = hash
        self.kind = kind
    }
}

/// The service's answer to a ``VerificationRequest`` that reached verification: valid (HTTP 200), or every reason
/// why not (HTTP 422).
public struct Verdict: Codable, Sendable, Hashable {
    /// Whether the certificate chains to a trust anchor, matches its profile, is not revoked, and the signature over
    /// the challenge verifies with its key.
    public var valid: Bool
    /// The challenge answered (consumed whatever the verdict).
    public var challengeId: String
    /// The certificate kind checked.
    public var kind: VerificationKind
    /// The hash the signature was checked with.
    public var hash: HashAlgorithm
    /// Every failure found; empty when ``valid``.
    public var failures: [Failure]
    /// The certificate presented, when it parsed.
    public var certificate: CertificateSummary?
    /// The cardholder's identity from a valid signing certificate; `nil` for `auth` and for invalid verdicts.
    public var identity: Identity?
    /// Which revocation data the verdict rests on.
    public var revocation: Revocation
    /// The trust anchor the chain ended at, when it reached one.
    public var trustAnchor: TrustAnchor?
    /// Whether the chain ends at a root of the JPKI test hierarchy (`O=JPKI-TEST`): a test card, never a production
    /// My Number card, whatever else the verdict says (`mynakit auth` prints TEST HIERARCHY).
    public var testHierarchy: Bool
    /// When the service verified.
    public var verifiedAt: Date

    public init(
        valid: Bool, challengeId: String, kind: VerificationKind, hash: HashAlgorithm, failures: [Failure],
        certificate: CertificateSummary?, identity: Identity?, revocation: Revocation, trustAnchor: TrustAnchor?,
        testHierarchy: Bool = false, verifiedAt: Date
    ) {
        self.testHierarchy = testHierarchy
        self.valid = valid
        self.challengeId = challengeId
        self.kind = kind
        self.hash = hash
        self.failures = failures
        self.certificate = certificate
        self.identity = identity
        self.revocation = revocation
        self.trustAnchor = trustAnchor
        self.verifiedAt = verifiedAt
    }

    /// One reason the verdict is not valid.
    public struct Failure: Codable, Sendable, Hashable {
        /// A stable identifier: MynaVerify's `VerificationFailure.code` values, plus `signature-invalid` and
        /// `unsupported-key` for the signature over the challenge.
        public var code: String
        /// A sentence for people.
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The presented certificate, as parsed (not a statement that it is trustworthy: see ``Verdict/valid``).
    public struct CertificateSummary: Codable, Sendable, Hashable {
        public var serialNumber: String
        public var subject: String
        public var issuer: String
        public var notBefore: Date
        public var notAfter: Date
        /// SHA-256 of the DER, upper-case hexadecimal.
        public var sha256Fingerprint: String

        public init(
            serialNumber: String, subject: String, issuer: String, notBefore: Date, notAfter: Date,
            sha256Fingerprint: String
        ) {
            self.serialNumber = serialNumber
            self.subject = subject
            self.issuer = issuer
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.sha256Fingerprint = sha256Fingerprint
        }
    }

    /// The four basic attributes of a signing certificate.
    public struct Identity: Codable, Sendable, Hashable {
        public var name: String
        public var nameSubstituteCharacters: String?
        public var sex: String
        public var dateOfBirth: String
        public var address: String
        public var addressSubstituteCharacters: String?

        public init(
            name: String, nameSubstituteCharacters: String?, sex: String, dateOfBirth: String, address: String,
            addressSubstituteCharacters: String?
        ) {
            self.name = name
            self.nameSubstituteCharacters = nameSubstituteCharacters
            self.sex = sex
            self.dateOfBirth = dateOfBirth
            self.address = address
            self.addressSubstituteCharacters = addressSubstituteCharacters
        }
    }

    /// Where the certificate's revocation status came from, as `mynakit auth` and `cert verify` report it.
    public struct Revocation: Codable, Sendable, Hashable {
        /// `crl` (the leaf was checked against its issuer's CRL) or `not-checked` (no CRL of the issuer: with CRLs
        /// configured that is also the failure `crl-missing`).
        public var source: String
        /// `crl FILE (this update …, next update …)` or `not checked`.
        public var description: String
        /// The CRL checked, when ``source`` is `crl`.
        public var crl: CRL?

        public init(source: String, description: String, crl: CRL?) {
            self.source = source
            self.description = description
            self.crl = crl
        }

        public struct CRL: Codable, Sendable, Hashable {
            /// The service's file (its `--crl` argument).
            public var file: String
            public var issuer: String
            public var thisUpdate: Date
            public var nextUpdate: Date?

            public init(file: String, issuer: String, thisUpdate: Date, nextUpdate: Date?) {
                self.file = file
                self.issuer = issuer
                self.thisUpdate = thisUpdate
                self.nextUpdate = nextUpdate
            }
        }
    }

    /// The anchor a chain ended at, and what it is (MynaVerify's classification, as `mynakit trust list` shows).
    public struct TrustAnchor: Codable, Sendable, Hashable {
        public var subject: String
        public var serialNumber: String
        /// SHA-256 of the anchor's DER, upper-case hexadecimal.
        public var sha256Fingerprint: String
        /// `jlis-production` (a pinned J-LIS root), `jlis-unpinned` (J-LIS's name, a fingerprint not pinned),
        /// `jpki-test` or `unknown`.
        public var classification: String
        /// `J-LIS production root, authentication hierarchy, generation 3`.
        public var description: String
        /// `authentication` or `signing` when the classification knows the hierarchy.
        public var hierarchy: String?
        /// The J-LIS root generation of a pinned production root; `nil` otherwise.
        public var generation: Int?
        public var notBefore: Date
        public var notAfter: Date
        /// Whether the anchor had expired at the verification time.
        public var expired: Bool

        public init(
            subject: String, serialNumber: String, sha256Fingerprint: String, classification: String,
            description: String, hierarchy: String?, generation: Int?, notBefore: Date, notAfter: Date, expired: Bool
        ) {
            self.subject = subject
            self.serialNumber = serialNumber
            self.sha256Fingerprint = sha256Fingerprint
            self.classification = classification
            self.description = description
            self.hierarchy = hierarchy
            self.generation = generation
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.expired = expired
        }
    }
}

/// Every answer other than a challenge or a verdict: `{"error": {"code": …, "message": …}}`, the shape of the CLI's
/// `--json` errors.
public struct ServiceErrorDocument: Codable, Sendable, Hashable {
    public var error: Body

    public init(code: String, message: String) {
        self.error = Body(code: code, message: message)
    }

    public struct Body: Codable, Sendable, Hashable {
        /// A stable identifier, such as `unauthorized`, `invalid-json`, `challenge-used` (Docs/openapi.yaml lists
        /// them all).
        public var code: String
        public var message: String
    }
}

/// `GET /healthz`.
public struct HealthDocument: Codable, Sendable, Hashable {
    /// `ok`, or `unavailable` when the store does not answer (HTTP 503).
    public var status: String
    /// `sqlite` or `postgres`.
    public var store: String

    public init(status: String, store: String) {
        self.status = status
        self.store = store
    }
}
