//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
public import Hummingbird
public import Logging
import ServiceLifecycle

/// Assembles the running service: the store's lifecycle, the HTTP server on Hummingbird, and the purge of expired
/// challenges.
public enum ServiceApplication {
    /// Opens the store at `location`, creates its tables, runs `body` with it, and closes it.
    ///
    /// For PostgreSQL, a database that does not answer within `timeout` is ``ServiceStoreError/unreachable(_:)``.
    public static func withStore<T: Sendable>(
        _ location: StoreLocation,
        timeout: Duration = .seconds(10),
        logger: Logger,
        _ body: @Sendable (any ServiceStore) async throws -> T
    ) async throws -> T {
        switch location {
        case .sqlite(let path):
            return try await closing(try await SQLiteServiceStore.open(path: path, logger: logger), body)
        case .postgres(let postgres):
            let seconds = Int((Double(timeout.components.seconds) + 0.999).rounded(.down))
            let store = PostgresServiceStore(location: postgres, connectTimeout: max(1, seconds), logger: logger)
            // libpq's connect_timeout bounds each connection attempt; this bounds the whole first contact (a server
            // that accepts the connection and then says nothing is caught here too).
            try await withThrowingTaskGroup(of: Bool.self) { first in
                first.addTask {
                    try await store.migrate()
                    return true
                }
                first.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let migrated = try await first.next() ?? false
                first.cancelAll()
                if !migrated {
                    throw ServiceStoreError.unreachable("no answer from \(postgres) within \(timeout)")
                }
            }
            return try await closing(store, body)
        }
    }

    /// `body` with `store`, which is closed afterwards, whether `body` returns or throws.
    private static func closing<T>(
        _ store: any ServiceStore, _ body: @Sendable (any ServiceStore) async throws -> T
    ) async throws -> T {
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The HTTP application serving `service`.
    ///
    /// - Parameters:
    ///   - host: the address to listen on (`127.0.0.1`, `0.0.0.0`, `::`).
    ///   - port: the port; 0 picks a free one, reported to `onListening`.
    ///   - purgeInterval: how often expired challenges are deleted.
    ///   - onListening: called with the bound port once the server accepts connections.
    public static func make(
        service: VerificationService,
        host: String,
        port: Int,
        limits: ServiceRoutes.Limits = ServiceRoutes.Limits(),
        purgeInterval: Duration = .seconds(60),
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = ServiceRoutes.router(service: service, limits: limits, logger: logger)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mynakit-server"),
            services: [ChallengePurger(service: service, interval: purgeInterval, logger: logger)],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}

/// Deletes expired challenges every `interval` until the service shuts down.
struct ChallengePurger: Service {
    let service: VerificationService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        let count = try await service.purgeExpired()
                        if count > 0 { logger.debug("purged expired challenges", metadata: ["count": "\(count)"]) }
                    } catch {
                        logger.warning("purge failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
