//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import Dispatch
@_exported public import MynaServiceAPI
import Synchronization

/// What went wrong talking to the verification service.
public enum ServiceClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL is not `http[s]://HOST[:PORT][/PREFIX]`.
    case invalidURL(String)
    /// The TLS handshake failed (the service's certificate is not trusted or does not name the host) or TLS could not
    /// be set up.
    case tls(String)
    /// The service's address cannot be resolved or connected to.
    case unreachable(String)
    /// The connection broke during an exchange.
    case connectionLost(String)
    /// No answer within the timeout.
    case timedOut(String)
    /// The answer is not HTTP, or not the JSON document expected.
    case malformedResponse(String)
    /// The service refused the request: HTTP status, the error document's code and message (`unauthorized`,
    /// `challenge-used`, `challenge-expired`, …).
    case refused(status: Int, code: String, message: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): return "invalid service URL: \(reason)"
        case .tls(let reason): return "no secure connection to the verification service: \(reason)"
        case .unreachable(let reason): return "the verification service is unreachable: \(reason)"
        case .connectionLost(let reason): return "the connection to the verification service broke: \(reason)"
        case .timedOut(let reason): return "the verification service did not answer in time: \(reason)"
        case .malformedResponse(let reason): return "the verification service answered unexpectedly: \(reason)"
        case .refused(let status, let code, let message):
            return "the verification service refused the request (HTTP \(status), \(code)): \(message)"
        }
    }
}

/// A challenge issued by the service, with its bytes decoded.
public struct IssuedChallenge: Sendable, Hashable {
    /// The identifier to answer with.
    public var id: String
    /// The bytes the card signs (through their hash).
    public var bytes: [UInt8]
    /// When the service stops accepting an answer.
    public var expiresAt: Date

    public init(id: String, bytes: [UInt8], expiresAt: Date) {
        self.id = id
        self.bytes = bytes
        self.expiresAt = expiresAt
    }
}

/// The terminal side of the verification service: ask for a challenge, send the card's answer, get the verdict.
///
/// The client keeps one HTTP/1.1 connection open and reuses it; calls are serialised on the client's own queue, so
/// one client can be shared, and each blocking socket call runs there, never on Swift's cooperative pool. With an
/// `https://` URL it speaks TLS 1.2 or newer through the system's OpenSSL and checks that the service's certificate
/// chains to the system's CA certificates (or `trustedCAFile`) and names the host.
///
/// ```swift
/// let client = try VerificationServiceClient(url: "https://verifier.example.jp", apiKey: key)
/// let verdict = try await client.authenticate { challenge in
///     try await connection.withTransaction { channel in
///         try CardAnswer(challenge: challenge, card: MyNumberCard(channel: channel), pin: pin)
///     }
/// }
/// ```
public final class VerificationServiceClient: Sendable {
    /// The service's host and port, and the path prefix its API is under.
    public let host: String
    public let port: Int
    public let pathPrefix: String
    /// Whether the connection is TLS (`https://`).
    public let usesTLS: Bool
    private let tlsContext: TLSContext?
    private let apiKey: String
    private let timeout: Duration
    private let queue = DispatchQueue(label: "mynakit.service-client")
    private let connection = Mutex<(any ByteStream)?>(nil)

    /// Creates a client; nothing connects until the first call.
    ///
    /// - Parameters:
    ///   - url: `http://HOST[:PORT][/PREFIX]` or `https://…`.
    ///   - apiKey: the terminal's key, sent as `Authorization: Bearer KEY`.
    ///   - timeout: the bound on connecting and on each wait for bytes.
    ///   - trustedCAFile: for `https://`, a PEM file of the CA certificates that may issue the service's
    ///     certificate; the system's CA certificates when `nil`.
    public init(url: String, apiKey: String, timeout: Duration = .seconds(10), trustedCAFile: String? = nil) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw ServiceClientError.invalidURL(url)
        }
        guard scheme == "http" || scheme == "https" else {
            throw ServiceClientError.invalidURL("\(url): the scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else { throw ServiceClientError.invalidURL(url) }
        guard !apiKey.isEmpty, apiKey.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ServiceClientError.invalidURL("the API key is empty or has spaces or control characters")
        }
        self.host = host
        self.usesTLS = scheme == "https"
        self.port = components.port ?? (usesTLS ? 443 : 80)
        self.tlsContext = usesTLS ? try TLSContext(caFile: trustedCAFile) : nil
        var prefix = components.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix
        self.apiKey = apiKey
        self.timeout = timeout
    }

    /// `POST /v1/challenges`.
    public func requestChallenge() async throws -> IssuedChallenge {
        let response = try await exchange(method: "POST", path: ServiceAPI.challengesPath, body: nil)
        guard response.status == 201 || response.status == 200 else { throw Self.refusal(response) }
        let document = try Self.decode(ChallengeDocument.self, response)
        guard let bytes = document.challengeBytes, !bytes.isEmpty else {
            throw ServiceClientError.malformedResponse("the challenge is not base64")
        }
        return IssuedChallenge(id: document.id, bytes: bytes, expiresAt: document.expiresAt)
    }

    /// `POST /v1/verifications`: the verdict, valid (HTTP 200) or not (HTTP 422).
    ///
    /// - Throws: ``ServiceClientError/refused(status:code:message:)`` when nothing was verified: the challenge was
    ///   used, expired or unknown (409, 410), the key is not valid (401), the request malformed (400).
    public func submit(_ request: VerificationRequest) async throws -> Verdict {
        let body = try ServiceAPI.makeEncoder().encode(request)
        let response = try await exchange(method: "POST", path: ServiceAPI.verificationsPath, body: [UInt8](body))
        guard response.status == 200 || response.status == 422 else { throw Self.refusal(response) }
        return try Self.decode(Verdict.self, response)
    }

    /// The whole flow: a challenge, the card's answer from `answer`, the verdict.
    ///
    /// - Parameter answer: has the card sign the challenge (see ``CardAnswer``); it runs between the two requests.
    public func authenticate(_ answer: (IssuedChallenge) async throws -> CardAnswer) async throws -> Verdict {
        let challenge = try await requestChallenge()
        let card = try await answer(challenge)
        return try await submit(card.request)
    }

    /// `GET /healthz`.
    public func health() async throws -> HealthDocument {
        let response = try await exchange(method: "GET", path: ServiceAPI.healthPath, body: nil)
        guard response.status == 200 || response.status == 503 else { throw Self.refusal(response) }
        return try Self.decode(HealthDocument.self, response)
    }

    /// Closes the kept connection (the next call opens a new one).
    public func close() {
        connection.withLock { $0?.close(); $0 = nil }
    }

    // MARK: - Exchanges

    private func exchange(method: String, path: String, body: [UInt8]?) async throws -> HTTPResponse {
        var headers = [("Authorization", "Bearer \(apiKey)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let hostHeader = port == (usesTLS ? 443 : 80) ? host : "\(host):\(port)"
        let bytes = HTTPExchange.request(
            method: method, path: pathPrefix + path, host: hostHeader, headers: headers, body: body)
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.exchangeNow(bytes) })
            }
        }
    }

    /// On the client's queue: send on the kept connection (or a new one) and read the answer. A kept connection
    /// that the service closed while idle fails before any byte of an answer arrives; the request is then sent once
    /// more on a new connection (the service never saw it).
    private func exchangeNow(_ request: [UInt8]) throws -> HTTPResponse {
        let kept = connection.withLock { socket -> (any ByteStream)? in
            let kept = socket
            socket = nil
            return kept
        }
        if let kept {
            var reader = HTTPExchange.Reader(stream: kept)
            do {
                try kept.send(request)
                return try finish(&reader, on: kept)
            } catch ServiceClientError.connectionLost(_) where !reader.receivedAny {
                kept.close()
            }
        }
        let socket = try TCPSocket(host: host, port: port, timeout: timeout)
        var stream: any ByteStream = socket
        if let tlsContext { stream = try TLSStream(socket: socket, context: tlsContext, host: host) }
        var reader = HTTPExchange.Reader(stream: stream)
        try stream.send(request)
        return try finish(&reader, on: stream)
    }

    private func finish(_ reader: inout HTTPExchange.Reader, on socket: any ByteStream) throws -> HTTPResponse {
        let (response, keepAlive) = try HTTPExchange.readResponse(&reader)
        if keepAlive {
            connection.withLock { $0 = socket }
        } else {
            socket.close()
        }
        return response
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse) throws -> T {
        do {
            return try ServiceAPI.makeDecoder().decode(type, from: Data(response.body))
        } catch {
            throw ServiceClientError.malformedResponse("HTTP \(response.status) without a \(type) document")
        }
    }

    private static func refusal(_ response: HTTPResponse) -> ServiceClientError {
        if let document = try? ServiceAPI.makeDecoder().decode(ServiceErrorDocument.self, from: Data(response.body)) {
            return .refused(status: response.status, code: document.error.code, message: document.error.message)
        }
        return .refused(status: response.status, code: "http-\(response.status)", message: "HTTP \(response.status)")
    }
}
