//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import MynaServiceAPI
import MynaVerify
import Synchronization

/// The relying party's logic, without HTTP: issue challenges, consume them once, and verify a card's answer with
/// MynaVerify.
///
/// The service trusts its own trust anchors and CRLs and its store, nothing else: the certificate, the signature and
/// the hash come from a terminal and are checked, never believed; the challenge bytes come from the store, never
/// from the request.
public final class VerificationService: Sendable {
    /// Tunables.
    public struct Configuration: Sendable {
        /// How long a challenge stays open; 120 s by default.
        public var challengeLifetime: TimeInterval = 120
        /// How long a valid API key is remembered without asking the store again; 10 s by default, 0 to ask every
        /// time. A removed key stops working on every instance within this time.
        public var keyCacheLifetime: TimeInterval = 10

        public init(challengeLifetime: TimeInterval = 120, keyCacheLifetime: TimeInterval = 10) {
            self.challengeLifetime = challengeLifetime
            self.keyCacheLifetime = keyCacheLifetime
        }
    }

    /// The shared state.
    public let store: any ServiceStore
    /// The counters behind `/metrics`.
    public let metrics: ServiceMetrics
    public let configuration: Configuration
    private let trustBox: Mutex<ServiceTrust>
    /// Valid keys seen recently: hash -> (name, until). Only keys the store confirmed; an unknown key always asks.
    private let keyCache = Mutex<[String: (name: String, until: ContinuousClock.Instant)]>([:])
    private let now: @Sendable () -> Date

    /// Creates a service.
    ///
    /// - Parameter now: the clock challenges expire by; the system clock by default (tests move it).
    public init(
        store: any ServiceStore,
        trust: ServiceTrust,
        configuration: Configuration = Configuration(),
        metrics: ServiceMetrics = ServiceMetrics(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.trustBox = Mutex(trust)
        self.configuration = configuration
        self.metrics = metrics
        self.now = now
    }

    /// The trust in force.
    public var trust: ServiceTrust { trustBox.withLock { $0 } }

    /// Replaces the anchors and CRLs (`SIGHUP` after new CRL files were installed); verifications already running
    /// finish with the old ones.
    public func replaceTrust(_ trust: ServiceTrust) {
        trustBox.withLock { $0 = trust }
    }

    /// The name of the API key in an `Authorization` header, or `nil` when there is no valid key.
    public func authenticate(authorization: String?) async throws -> String? {
        guard let key = APIKey.bearerToken(in: authorization) else {
            metrics.unauthorized.increment()
            return nil
        }
        let hash = try APIKey.hash(key)
        let instant = ContinuousClock.now
        if let cached = keyCache.withLock({ $0[hash] }), cached.until > instant { return cached.name }
        let name = try await metrics.timingStore { try await store.keyName(forHash: hash) }
        guard let name else {
            metrics.unauthorized.increment()
            return nil
        }
        if configuration.keyCacheLifetime > 0 {
            let until = instant + .milliseconds(Int64(configuration.keyCacheLifetime * 1000))
            keyCache.withLock { cache in
                // Bounded: a service has a handful of keys; a flood of distinct valid keys cannot exist.
                if cache.count > 10_000 { cache.removeAll() }
                cache[hash] = (name, until)
            }
        }
        return name
    }

    /// Issues a fresh challenge to the API key `client`.
    public func issueChallenge(for client: String) async throws -> ChallengeDocument {
        let bytes = try ChallengeResponse.makeChallenge(byteCount: ServiceAPI.challengeByteCount)
        let id = hexText(try ChallengeResponse.makeChallenge(byteCount: 16), uppercase: false)
        // Stored to the millisecond, so the expiry the terminal is told is exactly the one the store enforces.
        let expiresAt = StoreCoding.date(
            milliseconds: StoreCoding.milliseconds(now().addingTimeInterval(configuration.challengeLifetime)))
        try await metrics.timingStore {
            try await store.insert(StoredChallenge(id: id, bytes: bytes, client: client, expiresAt: expiresAt))
        }
        metrics.challengesIssued.increment()
        return ChallengeDocument(id: id, challenge: Data(bytes).base64EncodedString(), expiresAt: expiresAt)
    }

    /// What became of a verification request.
    public enum Outcome: Sendable {
        /// The challenge was consumed and the answer verified: valid or not, with every reason.
        case verdict(Verdict)
        /// The challenge was not open: nothing was verified.
        case refused(ConsumeOutcome)
        /// A CRL file cannot be read or parsed any more: nothing was consumed or verified (HTTP 503).
        case trustUnavailable(String)
    }

    /// Consumes the request's challenge and, if it was open, verifies the answer.
    ///
    /// The request is decoded completely before the store is touched: a malformed request consumes nothing. A
    /// well-formed one consumes its challenge whatever the verdict, so no answer is ever checked twice.
    ///
    /// - Throws: ``RequestError`` for malformed fields; store errors.
    public func verify(_ request: VerificationRequest, client: String) async throws -> Outcome {
        let answer = try DecodedAnswer(request)
        // The CRLs first: a service that cannot see its current CRL must not consume the challenge and then pretend
        // it checked revocation.
        let trust = trust
        let crls: [RevocationList]
        do {
            crls = try trust.revocationLists()
        } catch {
            return .trustUnavailable(String(describing: error))
        }
        let outcome = try await metrics.timingStore {
            try await store.consume(id: answer.challengeId, client: client, at: now())
        }
        guard case .consumed(let challenge) = outcome else {
            switch outcome {
            case .alreadyUsed: metrics.refusedUsed.increment()
            case .expired: metrics.refusedExpired.increment()
            default: metrics.refusedUnknown.increment()
            }
            return .refused(outcome)
        }
        let start = ContinuousClock.now
        let verdict = judge(answer, challenge: challenge, trust: trust, crls: crls, at: now())
        metrics.verificationSeconds.record(ContinuousClock.now - start)
        (verdict.valid ? metrics.verificationsValid : metrics.verificationsInvalid).increment()
        return .verdict(verdict)
    }

    /// Deletes the expired challenges; returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let count = try await store.purgeExpired(before: now())
        metrics.purged.increment(by: Int64(count))
        return count
    }

    /// The verdict on one answer, with MynaVerify doing every check.
    func judge(
        _ answer: DecodedAnswer, challenge: [UInt8], trust: ServiceTrust, crls: [RevocationList], at time: Date
    ) -> Verdict {
        let profile: CertificateVerifier.Profile = answer.kind == .sign ? .signing : .authentication
        let verifier = CertificateVerifier(
            trustStore: trust.store, profile: profile, revocationPolicy: trust.revocationPolicy)
        let result = verifier.verify(leafBytes: answer.certificate, at: time, crls: crls)
        var failures = result.failures.map { Verdict.Failure(code: $0.code, message: $0.description) }

        var signatureValid = false
        if let leaf = result.leaf {
            do {
                if let verified = result.verifiedCertificate {
                    signatureValid = try ChallengeResponse.verify(
                        challenge: challenge, signature: answer.signature, hash: answer.hash, certificate: verified)
                } else {
                    // Checked to report every reason; a certificate that failed can never make the verdict valid.
                    signatureValid = try SignatureVerifier.isValidSignature(
                        answer.signature, for: challenge, hash: answer.hash, publicKeyOf: leaf)
                }
                if !signatureValid {
                    failures.append(Verdict.Failure(
                        code: "signature-invalid",
                        message: "the signature does not verify over this challenge with the certificate's key "
                            + "(RSASSA-PKCS1-v1_5, \(answer.hash.rawValue))"))
                }
            } catch let error as MynaVerifyError {
                failures.append(Verdict.Failure(code: "unsupported-key", message: error.reason))
            } catch {
                failures.append(Verdict.Failure(code: "internal-error", message: String(describing: error)))
            }
        }

        var identity: Verdict.Identity?
        if answer.kind == .sign, result.isValid, signatureValid, let leaf = result.leaf {
            do {
                let found = try JPKIIdentity(certificate: leaf)
                identity = Verdict.Identity(
                    name: found.name, nameSubstituteCharacters: found.nameSubstituteCharacters, sex: found.sex,
                    dateOfBirth: found.dateOfBirth, address: found.address,
                    addressSubstituteCharacters: found.addressSubstituteCharacters)
            } catch let error as MynaVerifyError {
                failures.append(Verdict.Failure(code: error.code.rawValue, message: error.reason))
            } catch {
                failures.append(Verdict.Failure(code: "internal-error", message: String(describing: error)))
            }
        }

        return Verdict(
            valid: result.isValid && signatureValid && failures.isEmpty,
            challengeId: answer.challengeId,
            kind: answer.kind,
            hash: answer.hash,
            failures: failures,
            certificate: result.leaf.map(Self.summary),
            identity: identity,
            revocation: Self.revocation(result.revocationSource, crlFiles: trust.crlFiles),
            trustAnchor: result.trustAnchor.map { Self.anchor($0, at: time) },
            testHierarchy: result.isTestHierarchy,
            verifiedAt: time
        )
    }

    static func summary(_ certificate: Certificate) -> Verdict.CertificateSummary {
        Verdict.CertificateSummary(
            serialNumber: certificate.serialNumber, subject: certificate.subject.description,
            issuer: certificate.issuer.description, notBefore: certificate.notBefore, notAfter: certificate.notAfter,
            sha256Fingerprint: hex(certificate.sha256Fingerprint))
    }

    /// MynaVerify's revocation source, with each CRL named by its file (as `mynakit auth` reports it).
    static func revocation(_ source: RevocationSource, crlFiles: [String]) -> Verdict.Revocation {
        func name(_ index: Int) -> String { crlFiles.indices.contains(index) ? crlFiles[index] : "#\(index)" }
        var crl: Verdict.Revocation.CRL?
        if case .crl(let index, let issuer, let thisUpdate, let nextUpdate) = source {
            crl = Verdict.Revocation.CRL(
                file: name(index), issuer: issuer.description, thisUpdate: thisUpdate, nextUpdate: nextUpdate)
        }
        return Verdict.Revocation(source: source.code, description: source.description(crlName: name), crl: crl)
    }

    /// MynaVerify's trust anchor and its classification (pinned J-LIS root and generation, test hierarchy, …).
    static func anchor(_ anchor: TrustAnchor, at time: Date) -> Verdict.TrustAnchor {
        var generation: Int?
        if case .jlisProduction(let root) = anchor.classification { generation = root.generation }
        let certificate = anchor.certificate
        return Verdict.TrustAnchor(
            subject: certificate.subject.description, serialNumber: certificate.serialNumber,
            sha256Fingerprint: anchor.fingerprint, classification: anchor.classification.code,
            description: anchor.classification.description, hierarchy: anchor.classification.hierarchy?.rawValue,
            generation: generation, notBefore: certificate.notBefore, notAfter: certificate.notAfter,
            expired: certificate.notAfter < time)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        hexText(bytes, uppercase: true)
    }
}

/// A request field that is missing or malformed (HTTP 400); nothing was consumed.
public struct RequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `invalid-json`, `invalid-base64`, `invalid-field`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A ``VerificationRequest`` with its base64 decoded and its limits checked.
struct DecodedAnswer: Sendable {
    var challengeId: String
    var certificate: [UInt8]
    var signature: [UInt8]
    var hash: HashAlgorithm
    var kind: VerificationKind

    init(_ request: VerificationRequest) throws {
        guard !request.challengeId.isEmpty, request.challengeId.utf8.count <= 64,
            request.challengeId.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw RequestError(code: "invalid-field", message: "challengeId must be 1 to 64 printable characters")
        }
        func base64(_ text: String, _ field: String) throws -> [UInt8] {
            guard let data = Data(base64Encoded: text), !data.isEmpty else {
                throw RequestError(code: "invalid-base64", message: "\(field) is not non-empty base64")
            }
            return [UInt8](data)
        }
        challengeId = request.challengeId
        certificate = try base64(request.certificate, "certificate")
        signature = try base64(request.signature, "signature")
        hash = request.hash
        kind = request.kind ?? .auth
    }
}
