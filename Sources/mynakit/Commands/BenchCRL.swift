//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Dispatch
import FoundationEssentials
import MynaVerify

#if canImport(Glibc)
import Glibc
#endif

/// `mynakit bench crl [--sizes N…] [--lookups N] [--directory DIR] [--sorted] [--json]`
///
/// For each size: a signed CRL of that many entries (made with OpenSSL's API, or reused from `--directory`), loaded
/// through a ``RevocationListCache`` as a kiosk would (read, parse, index once), reused from the cache, then looked up
/// `--lookups` times, half of them serial numbers the CRL lists. `Sources/CBaselineCRL/main.c` does the same lookups
/// with `X509_CRL_get0_by_serial` in plain C, and `scripts/bench-crl.sh` runs both next to `openssl crl -noout`.
struct BenchCRL: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "CRL load time and lookups per second at 1e4, 1e5 and 1e6 entries.",
        discussion: """
            Entry k of a CRL of n entries has serial number S(k): 16 bytes from splitmix64(2k) and \
            splitmix64(2k+1), big-endian, the first byte mapped into 01-7F. Lookup i asks for S((i/2 * 7919) mod n) \
            when i is even (listed) and S(n + i) when i is odd (not listed), so exactly half are hits; CBaselineCRL \
            asks the same. Then a \
            chain verification of a leaf with the list, and the leaf checked against the list directly. Files are \
            kept in --directory (crl-N.der, issuer.pem, issuer.key.pem) and reused when present.
            """
    )

    @Option(parsing: .upToNextOption, help: "CRL sizes in entries.")
    var sizes: [Int] = [10_000, 100_000, 1_000_000]

    @Option(help: "Lookups per size.")
    var lookups = 1_000_000

    @Option(help: "Keep the CRL files here and reuse them (default: a temporary directory, removed afterwards).",
        completion: .directory)
    var directory: String?

    @Flag(help: "Store the entries in serial-number order, as `openssl ca` does (default: in revocation order).")
    var sorted = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if sizes.isEmpty || sizes.contains(where: { $0 < 1 }) { throw ValidationError("--sizes takes positive sizes") }
        if lookups < 2 { throw ValidationError("--lookups must be at least 2") }
    }

    /// One size's measurements.
    struct Row: Encodable {
        var entries: Int
        var fileBytes: Int
        /// Read, parse and index, through the cache (milliseconds).
        var loadMilliseconds: Double
        /// A cache hit: `stat(2)` and the lock (milliseconds, mean of 1000).
        var reuseMilliseconds: Double
        var lookups: Int
        var hits: Int
        var lookupsPerSecond: Double
        /// Resident set size growth while loading: the list's memory (a lower bound when memory freed by an earlier
        /// size is reused; run one size per process for the exact figure).
        var residentBytes: Int
        /// The process's peak resident set size so far (`getrusage`).
        var peakResidentBytes: Int
        /// `CertificateVerifier.verify` of a leaf with the list: OpenSSL checks the list's signature every time
        /// (milliseconds, mean).
        var verifyMilliseconds: Double
        /// `RevocationList.revocationFailures(of:issuer:at:)` of the same leaf after the first call: the signature
        /// verdict remembered (microseconds, mean of 1000).
        var checkMicroseconds: Double
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let fileManager = FileManager.default
            let folder = directory ?? fileManager.temporaryDirectory.appendingPathComponent(
                "mynakit-bench-crl-\(UUID().uuidString)").path
            try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { if directory == nil { try? fileManager.removeItem(atPath: folder) } }

            let issuer = try Self.issuer(in: folder)
            // One leaf for every size, with an 8-byte serial number: never one of the lists' 16-byte ones.
            let leaf = try issuer.issueAuthenticationCertificate(
                serialNumber: SerialNumber(magnitude: [0x7E, 1, 2, 3, 4, 5, 6, 7]), commonName: "Benchmark leaf")
            var rows: [Row] = []
            for size in sizes {
                let path = folder + "/crl-\(size)\(sorted ? "-sorted" : "").der"
                if !fileManager.fileExists(atPath: path) {
                    try Self.makeCRL(size: size, sorted: sorted, issuer: issuer, path: path)
                }
                // This runs on a thread of the pool, never the process's main thread: glibc's malloc serves it from
                // a per-thread arena, about 10% slower for a million-entry parse than its main arena, in C as in Swift
                // (CBaselineCRL --thread measures C the same way; MALLOC_ARENA_MAX=1 takes the difference back).
                rows.append(
                    try Self.measure(path: path, size: size, lookups: lookups, issuer: issuer.certificate, leaf: leaf))
                if !output.json { print(Self.text(rows.last!)) }
            }
            if output.json { Reporter.printJSON(["lists": rows]) }
        }
    }

    static func text(_ row: Row) -> String {
        TextFormat.printf(
            "%d entries (%.1f MB): load %.1f ms, reuse %.4f ms, %.1f lookup/s (%d of %d listed), "
                + "resident +%.1f MB (peak %.1f MB), verify with the list %.2f ms, leaf check %.2f µs",
            row.entries, Double(row.fileBytes) / 1e6, row.loadMilliseconds, row.reuseMilliseconds,
            row.lookupsPerSecond, row.hits, row.lookups, Double(row.residentBytes) / 1e6,
            Double(row.peakResidentBytes) / 1e6, row.verifyMilliseconds, row.checkMicroseconds)
    }

    /// The issuer of `folder` (`issuer.pem`, `issuer.key.pem`), made on first use.
    private static func issuer(in folder: String) throws -> RevocationListIssuer {
        let certificateFile = folder + "/issuer.pem"
        let keyFile = folder + "/issuer.key.pem"
        if FileManager.default.fileExists(atPath: certificateFile), FileManager.default.fileExists(atPath: keyFile) {
            return try RevocationListIssuer(
                certificate: try Certificate(bytes: readFile(certificateFile)), privateKeyPEM: try readFile(keyFile))
        }
        let issuer = try RevocationListIssuer(commonName: "MynaKit benchmark CRL issuer")
        try Data(try issuer.privateKeyPEM()).write(to: URL(fileURLWithPath: keyFile), options: .atomic)
        try Data(issuer.certificate.pem.utf8).write(to: URL(fileURLWithPath: certificateFile), options: .atomic)
        return issuer
    }

    private static func makeCRL(size: Int, sorted: Bool, issuer: RevocationListIssuer, path: String) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let reasons: [RevokedCertificate.Reason] = [
            .keyCompromise, .affiliationChanged, .superseded, .cessationOfOperation,
        ]
        let der = try issuer.issue(
            count: size,
            entry: { index in
                RevocationListIssuer.Entry(
                    serialNumber: serial(UInt64(index)),
                    revocationDate: now.addingTimeInterval(-Double(index % 31_536_000)),
                    reason: reasons[index % reasons.count])
            },
            // A year, so that files kept in --directory stay fresh for later runs.
            thisUpdate: now, nextUpdate: now.addingTimeInterval(365 * 86_400), sorted: sorted)
        try Data(der).write(to: URL(fileURLWithPath: path), options: .atomic)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        StandardStreams.writeError("made \(path) in \(TextFormat.printf("%.1f", seconds)) s\n")
    }

    private static func measure(
        path: String, size: Int, lookups: Int, issuer: Certificate, leaf: Certificate
    ) throws -> Row {
        // The serial numbers are made before timing, as CBaselineCRL makes its ASN1_INTEGERs before its loop.
        let queries = (0..<lookups).map { query(index: $0, size: size) }
        let residentBefore = residentBytes()
        let cache = RevocationListCache()

        var start = DispatchTime.now().uptimeNanoseconds
        let list = try cache.revocationList(atPath: path)
        let loadNanoseconds = DispatchTime.now().uptimeNanoseconds - start
        guard list.count == size else {
            throw CommandFailure(status: .verificationFailed, code: "bench-failed",
                message: "\(path) lists \(list.count) entries, not \(size)")
        }
        let resident = residentBytes() - residentBefore

        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<1000 { _ = try cache.revocationList(atPath: path) }
        let reuseNanoseconds = DispatchTime.now().uptimeNanoseconds - start
        guard cache.statistics == RevocationListCache.Statistics(loads: 1, reuses: 1000) else {
            throw CommandFailure(status: .verificationFailed, code: "bench-failed",
                message: "the cache re-read an unchanged file: \(cache.statistics)")
        }

        // The queries are read in place (borrowed, no reference counting per lookup), as C walks its array.
        let (hits, lookupNanoseconds) = queries.withUnsafeBufferPointer { queries in
            var hits = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for index in queries.indices where list.contains(queries[index]) { hits += 1 }
            return (hits, DispatchTime.now().uptimeNanoseconds - start)
        }
        // A benchmark of wrong answers must not pass for a fast one: exactly the even-numbered lookups are listed.
        guard hits == (lookups + 1) / 2 else {
            throw CommandFailure(status: .verificationFailed, code: "bench-failed",
                message: "\(hits) of \(lookups) lookups found an entry, expected \((lookups + 1) / 2)")
        }
        // A chain verification with the list, and the leaf checked against the list directly.
        let verifier = CertificateVerifier(
            trustStore: try TrustStore(anchors: [issuer]), profile: .authentication, revocationPolicy: .require)
        let now = Date()
        guard verifier.verify(leaf: leaf, at: now, crls: [list]).isValid,
            list.revocationFailures(of: leaf, issuer: issuer, at: now).isEmpty
        else {
            throw CommandFailure(status: .verificationFailed, code: "bench-failed",
                message: "the benchmark leaf does not verify against \(path)")
        }
        let verifications = max(3, min(500, 2_000_000 / size))
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<verifications { _ = verifier.verify(leaf: leaf, at: now, crls: [list]) }
        let verifyNanoseconds = DispatchTime.now().uptimeNanoseconds - start
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<1000 { _ = list.revocationFailures(of: leaf, issuer: issuer, at: now) }
        let checkNanoseconds = DispatchTime.now().uptimeNanoseconds - start

        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Row(
            entries: size, fileBytes: fileBytes, loadMilliseconds: Double(loadNanoseconds) / 1e6,
            reuseMilliseconds: Double(reuseNanoseconds) / 1e6 / 1000, lookups: lookups, hits: hits,
            lookupsPerSecond: Double(lookups) / (Double(lookupNanoseconds) / 1e9), residentBytes: resident,
            peakResidentBytes: peakResidentBytes(),
            verifyMilliseconds: Double(verifyNanoseconds) / 1e6 / Double(verifications),
            checkMicroseconds: Double(checkNanoseconds) / 1e3 / 1000)
    }

    /// Lookup `index` against a CRL of `size` entries: a listed serial for even indexes, an unlisted one for odd.
    static func query(index: Int, size: Int) -> SerialNumber {
        index % 2 == 0 ? serial(UInt64((index / 2 * 7919) % size)) : serial(UInt64(size + index))
    }

    /// S(k): 16 bytes from splitmix64(2k) and splitmix64(2k+1), big-endian, the first byte mapped into 01-7F so that
    /// the number is positive and has no leading zero byte.
    static func serial(_ k: UInt64) -> SerialNumber {
        let (high, low) = (splitmix64(2 &* k), splitmix64(2 &* k &+ 1))
        let bytes = [UInt8](unsafeUninitializedCapacity: 16) { buffer, count in
            for index in 0..<8 {
                buffer[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
                buffer[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
            }
            buffer[0] = 0x01 &+ buffer[0] % 0x7F
            count = 16
        }
        return SerialNumber(magnitude: bytes)
    }

    static func splitmix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The peak resident set size of this process (`getrusage`, kilobytes on Linux).
    private static func peakResidentBytes() -> Int {
        var usage = rusage()
        return getrusage(RUSAGE_SELF.rawValue, &usage) == 0 ? usage.ru_maxrss * 1024 : 0
    }

    /// The resident set size from `/proc/self/statm`.
    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
