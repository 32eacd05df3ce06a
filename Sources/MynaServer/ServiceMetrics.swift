//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Prometheus

/// The service's counters and histograms, exposed at `GET /metrics` in Prometheus' text format.
///
/// Each service owns its registry (no global metrics bootstrap), so several services in one process, as in the
/// tests, keep separate counts.
public final class ServiceMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    let challengesIssued: Counter
    let verificationsValid: Counter
    let verificationsInvalid: Counter
    let refusedUsed: Counter
    let refusedExpired: Counter
    let refusedUnknown: Counter
    let unauthorized: Counter
    let badRequests: Counter
    let purged: Counter
    let verificationSeconds: DurationHistogram
    let storeSeconds: DurationHistogram

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "mynakit", metricName: metric, unitName: unit, helpText: help)
        }
        challengesIssued = registry.makeCounter(descriptor: name("challenges_issued", "total", "Challenges issued."))
        let verifications = name("verifications", "total", "Verifications that ran, by verdict.")
        verificationsValid = registry.makeCounter(descriptor: verifications, labels: [("verdict", "valid")])
        verificationsInvalid = registry.makeCounter(descriptor: verifications, labels: [("verdict", "invalid")])
        let refused = name(
            "challenge_refusals", "total", "Answers refused because their challenge was used, expired or unknown.")
        refusedUsed = registry.makeCounter(descriptor: refused, labels: [("reason", "used")])
        refusedExpired = registry.makeCounter(descriptor: refused, labels: [("reason", "expired")])
        refusedUnknown = registry.makeCounter(descriptor: refused, labels: [("reason", "unknown")])
        unauthorized = registry.makeCounter(
            descriptor: name("unauthorized_requests", "total", "Requests without a valid API key (401)."))
        badRequests = registry.makeCounter(
            descriptor: name("bad_requests", "total", "Requests refused as malformed (400, 413, 415)."))
        purged = registry.makeCounter(
            descriptor: name("challenges_purged", "total", "Expired challenges deleted from the store."))
        let buckets: [Duration] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1),
        ]
        verificationSeconds = registry.makeDurationHistogram(
            descriptor: name(
                "verification_duration", "seconds",
                "Time to verify a certificate chain and the signature over the challenge (no store access)."),
            buckets: buckets)
        storeSeconds = registry.makeDurationHistogram(
            descriptor: name("store_duration", "seconds", "Time of each store statement (issue, consume, key lookup)."),
            buckets: buckets)
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Runs a store statement and records its time.
    func timingStore<T>(_ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { storeSeconds.record(ContinuousClock.now - start) }
        return try await body()
    }
}
