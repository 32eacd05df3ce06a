//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
public import Hummingbird
public import Logging
import MynaServiceAPI
import NIOCore

/// The HTTP face of a ``VerificationService`` (Docs/openapi.yaml): JSON in, JSON out, API keys checked first.
public enum ServiceRoutes {
    /// Limits of the HTTP layer.
    public struct Limits: Sendable {
        /// The largest request body read; larger ones are refused with 413 before they are parsed.
        public var maximumBodyBytes: Int

        public init(maximumBodyBytes: Int = 16 * 1024) {
            self.maximumBodyBytes = maximumBodyBytes
        }
    }

    /// A router serving the service's API.
    public static func router(
        service: VerificationService,
        limits: Limits = Limits(),
        logger: Logger = Logger(label: "mynakit-server")
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let handler = Handler(service: service, limits: limits, logger: logger)
        router.post(RouterPath(ServiceAPI.challengesPath)) { request, _ in
            await handler.respond { try await handler.issueChallenge(request) }
        }
        router.post(RouterPath(ServiceAPI.verificationsPath)) { request, _ in
            await handler.respond { try await handler.verify(request) }
        }
        router.get(RouterPath(ServiceAPI.healthPath)) { _, _ in
            await handler.health()
        }
        router.get(RouterPath(ServiceAPI.metricsPath)) { _, _ in
            handler.metrics()
        }
        // A known path with another method (any, also ones HTTPTypes has no name for) is 405, not 404.
        router.add(middleware: MethodGuard(allowed: [
            ServiceAPI.challengesPath: .post, ServiceAPI.verificationsPath: .post,
            ServiceAPI.healthPath: .get, ServiceAPI.metricsPath: .get,
        ]))
        return router
    }
}

/// Answers 405 with `Allow` for a known path asked with a method it does not serve.
struct MethodGuard<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: HTTPRequest.Method]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let method = allowed[request.uri.path], request.method != method,
            !(method == .get && request.method == .head)
        {
            var response = Handler.error(
                .methodNotAllowed, "method-not-allowed", "\(request.uri.path) accepts \(method.rawValue) only")
            response.headers[.allow] = method.rawValue
            return response
        }
        return try await next(request, context)
    }
}

/// The route handlers.
struct Handler: Sendable {
    let service: VerificationService
    let limits: ServiceRoutes.Limits
    let logger: Logger

    /// One encoder and one decoder for every request (both are thread-safe), not one per request.
    static let encoder = ServiceAPI.makeEncoder()
    static let decoder = ServiceAPI.makeDecoder()

    /// A failure that is an HTTP answer.
    struct Refusal: Error {
        var response: Response
    }

    /// Runs a handler body; every error becomes a JSON error document.
    func respond(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let refusal as Refusal {
            return refusal.response
        } catch let error as RequestError {
            service.metrics.badRequests.increment()
            return Self.error(.badRequest, error.code, error.message)
        } catch {
            // The store (or OpenSSL's generator) failed: the request may be retried; nothing was verified.
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return Self.error(.serviceUnavailable, "store-unavailable", "the service cannot reach its store; retry")
        }
    }

    /// The API key's name, or a 401 refusal. Nothing else is read or touched before this.
    func client(_ request: Request) async throws -> String {
        guard let name = try await service.authenticate(authorization: request.headers[.authorization]) else {
            var response = Self.error(
                .unauthorized, "unauthorized", "a valid API key is required: Authorization: Bearer KEY")
            response.headers[.wwwAuthenticate] = "Bearer"
            throw Refusal(response: response)
        }
        return name
    }

    func issueChallenge(_ request: Request) async throws -> Response {
        let client = try await client(request)
        // The body, if any, is not used; it is still bounded.
        _ = try await body(of: request, requireJSON: false)
        let challenge = try await service.issueChallenge(for: client)
        return try Self.json(.created, challenge)
    }

    func verify(_ request: Request) async throws -> Response {
        let client = try await client(request)
        let bytes = try await body(of: request, requireJSON: true)
        let answer: VerificationRequest
        do {
            answer = try Self.decoder.decode(VerificationRequest.self, from: bytes)
        } catch let error as DecodingError {
            throw RequestError(code: "invalid-json", message: Self.describe(error))
        } catch {
            throw RequestError(code: "invalid-json", message: "the body is not JSON")
        }
        switch try await service.verify(answer, client: client) {
        case .verdict(let verdict):
            logger.info(
                "verification",
                metadata: [
                    "client": "\(client)", "challenge": "\(verdict.challengeId)", "valid": "\(verdict.valid)",
                    "failures": "\(verdict.failures.map(\.code).joined(separator: ","))",
                ])
            return try Self.json(verdict.valid ? .ok : .unprocessableContent, verdict)
        case .refused(let outcome):
            logger.info("challenge refused", metadata: ["client": "\(client)", "outcome": "\(outcome)"])
            switch outcome {
            case .alreadyUsed:
                return Self.error(.conflict, "challenge-used", "the challenge was answered before: it is single-use")
            case .expired:
                return Self.error(.gone, "challenge-expired", "the challenge expired; request a new one")
            default:
                return Self.error(
                    .gone, "challenge-unknown", "no open challenge with this id was issued to this API key")
            }
        case .trustUnavailable(let reason):
            logger.error("a CRL cannot be read; nothing verified", metadata: ["error": "\(reason)"])
            return Self.error(
                .serviceUnavailable, "crl-unavailable",
                "the service cannot read its revocation lists; the challenge was not consumed")
        }
    }

    func health() async -> Response {
        do {
            try await service.store.ping()
            return (try? Self.json(.ok, HealthDocument(status: "ok", store: service.store.kind)))
                ?? Response(status: .ok)
        } catch {
            logger.error("health check: store unreachable", metadata: ["error": "\(String(reflecting: error))"])
            let document = HealthDocument(status: "unavailable", store: service.store.kind)
            return (try? Self.json(.serviceUnavailable, document)) ?? Response(status: .serviceUnavailable)
        }
    }

    func metrics() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: service.metrics.render())))
    }

    /// The request body, at most ``ServiceRoutes/Limits/maximumBodyBytes``, copied once out of NIO's buffer.
    func body(of request: Request, requireJSON: Bool) async throws -> Data {
        if requireJSON, let type = request.headers[.contentType],
            !type.lowercased().hasPrefix("application/json")
        {
            service.metrics.badRequests.increment()
            throw Refusal(response: Self.error(
                .unsupportedMediaType, "unsupported-media-type", "the body must be application/json, not \(type)"))
        }
        let limit = limits.maximumBodyBytes
        let tooLarge = Refusal(response: Self.error(
            .contentTooLarge, "body-too-large", "the body is larger than \(limit) bytes"))
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            service.metrics.badRequests.increment()
            throw tooLarge
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return buffer.withUnsafeReadableBytes { Data($0) }
        } catch is NIOTooManyBytesError {
            service.metrics.badRequests.increment()
            throw tooLarge
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        (try? json(status, ServiceErrorDocument(code: code, message: message))) ?? Response(status: status)
    }

    /// A sentence naming the field that failed to decode.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            guard !keys.isEmpty else { return "the body" }
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "\(field) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            if context.codingPath.last?.stringValue == "hash" {
                return "hash must be one of sha1, sha256, sha384, sha512"
            }
            if context.codingPath.last?.stringValue == "kind" { return "kind must be auth or sign" }
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)) is invalid"
        @unknown default:
            return "the body does not decode"
        }
    }
}
