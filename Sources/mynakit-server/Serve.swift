//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Dispatch
import Foundation
import Logging
import MynaServer
import MynaVerify

#if canImport(Glibc)
import Glibc
#endif

/// `mynakit-server [serve] --listen HOST:PORT …`
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API (the default subcommand).",
        discussion: """
            Prints "listening on HOST:PORT" on stdout once it accepts connections (with --listen HOST:0, the port \
            it picked). SIGHUP reloads the trust anchors and CRLs; SIGTERM and SIGINT shut down gracefully.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The address and port to listen on: HOST:PORT, [IPv6]:PORT or :PORT.", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        name: .customLong("trust-dir"),
        help: ArgumentHelp(
            "The trust directory ('mynakit trust'). Default: $\(TrustDirectory.environmentVariable), else "
                + "\(TrustDirectory.defaultPath); read only when --roots is not given."),
        completion: .directory)
    var trustDirectory: String?

    @Option(
        parsing: .upToNextOption, help: "Trust anchors: PEM/DER files, bundles or directories.",
        completion: .file())
    var roots: [String] = []

    @Option(
        name: .customLong("crl"), parsing: .upToNextOption,
        help: "CRLs (PEM or DER) to check revocation with; each is parsed again only after the file changes.",
        completion: .file())
    var crls: [String] = []

    @Flag(help: "Fail every verdict whose revocation was not checked (no CRL from the certificate's issuer).")
    var requireRevocation = false

    @Option(help: "How long a challenge stays open, in seconds.")
    var challengeTTL: Double = 120

    @Option(help: "How long a valid API key is remembered without asking the store, in seconds (0: always ask).")
    var keyCacheTTL: Double = 10

    @Option(help: "The largest request body accepted, in bytes.")
    var maxBody = 16 * 1024

    @Option(help: "How often expired challenges are deleted, in seconds.")
    var purgeInterval: Double = 60

    func validate() throws {
        _ = try Self.parseListen(listen)
        if !(challengeTTL > 0 && challengeTTL <= 3600) { throw ValidationError("--challenge-ttl must be in (0, 3600]") }
        if !(keyCacheTTL >= 0 && keyCacheTTL <= 300) { throw ValidationError("--key-cache-ttl must be in [0, 300]") }
        if maxBody < 1024 { throw ValidationError("--max-body must be at least 1024") }
        if !(purgeInterval > 0) { throw ValidationError("--purge-interval must be positive") }
    }

    /// `HOST:PORT`, `[V6]:PORT` or `:PORT` (all IPv4 addresses).
    static func parseListen(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen must be HOST:PORT, not \(text)") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return (host, port)
    }

    func loadTrust(cache: RevocationListCache = RevocationListCache()) throws -> ServiceTrust {
        try ServiceTrust(
            trustDirectory: trustDirectory.map(TrustDirectory.init(path:)), roots: roots, crlFiles: crls,
            requireRevocation: requireRevocation, cache: cache)
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        let logger = storeOptions.makeLogger()
        let (host, port) = try Self.parseListen(listen)
        let location = try storeOptions.location()
        let trust = try await failing(with: ServerExit.usage, "trust") { try loadTrust() }
        logger.info(
            "trust loaded",
            metadata: [
                "anchors": "\(trust.store.anchors.count)", "crls": "\(trust.crlFiles.count)",
                "sources": "\(trust.sources.joined(separator: ","))",
            ])
        let configuration = VerificationService.Configuration(
            challengeLifetime: challengeTTL, keyCacheLifetime: keyCacheTTL)
        let limits = ServiceRoutes.Limits(maximumBodyBytes: maxBody)
        let purge = Duration.milliseconds(Int64(purgeInterval * 1000))
        let reload = { @Sendable in try loadTrust(cache: trust.cacheForReload) }

        try await failing(with: ServerExit.unavailable, "store \(location)") {
            try await ServiceApplication.withStore(location, timeout: storeOptions.timeout, logger: logger) { store in
                let service = VerificationService(store: store, trust: trust, configuration: configuration)
                let hangUp = Self.reloadOnHangUp(service: service, reload: reload, logger: logger)
                defer { hangUp.cancel() }
                let app = ServiceApplication.make(
                    service: service, host: host, port: port, limits: limits, purgeInterval: purge, logger: logger
                ) { bound in
                    logger.info("listening", metadata: ["host": "\(host)", "port": "\(bound)", "store": "\(location)"])
                    // The one line on stdout: scripts and tests wait for it (and read the port from it).
                    FileHandle.standardOutput.write(Data("listening on \(host):\(bound)\n".utf8))
                }
                try await app.runService()
            }
        }
    }

    /// SIGHUP reloads the anchors and CRLs; a reload that fails keeps the trust in force.
    static func reloadOnHangUp(
        service: VerificationService, reload: @escaping @Sendable () throws -> ServiceTrust, logger: Logger
    ) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "mynakit-server.hup"))
        source.setEventHandler {
            do {
                let trust = try reload()
                service.replaceTrust(trust)
                logger.notice(
                    "trust reloaded",
                    metadata: [
                        "anchors": "\(trust.store.anchors.count)", "crls": "\(trust.crlFiles.count)",
                        "crl-parses": "\(trust.crlStatistics.loads)",
                    ])
            } catch {
                logger.error("trust reload failed; the previous trust stays", metadata: ["error": "\(error)"])
            }
        }
        source.resume()
        return source
    }
}
