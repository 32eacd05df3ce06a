//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// A hash index of a CRL's revoked entries by serial number, built in one pass over the parsed list.
///
/// OpenSSL's own lookup (`X509_CRL_get0_by_serial`) sorts the entries on first use: for a million entries arriving in
/// revocation order that sort costs more than half of the parse again, in comparisons between entries scattered in
/// memory. One pass that hashes each serial number costs a small fraction of that, and a lookup is one or two probes
/// instead of twenty comparisons. The index points at OpenSSL's `X509_REVOKED` objects (which never move, whatever
/// OpenSSL later does to the order of its stack) and compares serial numbers with `ASN1_INTEGER_cmp`, so it finds
/// exactly what OpenSSL's lookup finds.
///
/// Open addressing with linear probing, at most two thirds full; each slot holds 32 bits of the hash (never zero:
/// zero marks an empty slot) and the entry's address. About 16 bytes per entry.
struct RevokedSerialIndex {
    private var tags: [UInt32]
    private var entries: [UInt]
    /// Whether an entry carries a critical extension other than certificateIssuer: OpenSSL's CRL check refuses such a
    /// list ("unhandled critical CRL extension"), so MynaVerify's own check leaves it to OpenSSL.
    private(set) var hasUnhandledCriticalEntryExtension = false

    /// Indexes every entry of `revoked` (a `STACK_OF(X509_REVOKED)`, or `nil` for an empty list).
    init(_ revoked: OpaquePointer?) {
        let count = revoked.map { Int(COpenSSL_sk_X509_REVOKED_num($0)) } ?? 0
        let capacity = max(8, count + count / 2 + 1)
        var tags = [UInt32](repeating: 0, count: capacity)
        var entries = [UInt](repeating: 0, count: capacity)
        var critical = false
        if let revoked {
            tags.withUnsafeMutableBufferPointer { tags in
                entries.withUnsafeMutableBufferPointer { entries in
                    for position in 0..<Int32(count) {
                        guard let entry = COpenSSL_sk_X509_REVOKED_value(revoked, position),
                            let serial = X509_REVOKED_get0_serialNumber(entry)
                        else { continue }
                        let hash = Self.hash(serial)
                        var slot = Self.slot(hash, capacity)
                        while tags[slot] != 0 { slot = slot + 1 == capacity ? 0 : slot + 1 }
                        tags[slot] = Self.tag(hash)
                        entries[slot] = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(entry)))
                        if !critical { critical = Self.hasUnhandledCriticalExtension(entry) }
                    }
                }
            }
        }
        self.tags = tags
        self.entries = entries
        self.hasUnhandledCriticalEntryExtension = critical
    }

    private static func hasUnhandledCriticalExtension(_ entry: OpaquePointer) -> Bool {
        for position in 0..<X509_REVOKED_get_ext_count(entry) {
            guard let ext = X509_REVOKED_get_ext(entry, position), X509_EXTENSION_get_critical(ext) != 0 else {
                continue
            }
            if OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_certificate_issuer { return true }
        }
        return false
    }

    /// Calls `body` with each entry whose serial number equals `serial`, in no particular order, until `body` returns
    /// a value; a list normally has at most one such entry.
    func firstEntry<Result>(
        withSerial serial: UnsafePointer<ASN1_INTEGER>,
        _ body: (OpaquePointer) -> Result?
    ) -> Result? {
        let hash = Self.hash(serial)
        let tag = Self.tag(hash)
        let capacity = tags.count
        return tags.withUnsafeBufferPointer { tags in
            entries.withUnsafeBufferPointer { entries in
                var slot = Self.slot(hash, capacity)
                while tags[slot] != 0 {
                    if tags[slot] == tag, let entry = OpaquePointer(bitPattern: entries[slot]),
                        let listed = X509_REVOKED_get0_serialNumber(entry), ASN1_INTEGER_cmp(listed, serial) == 0,
                        let result = body(entry)
                    {
                        return result
                    }
                    slot = slot + 1 == capacity ? 0 : slot + 1
                }
                return nil
            }
        }
    }

    /// A 64-bit hash of what `ASN1_INTEGER_cmp` compares: the sign and the magnitude's bytes.
    private static func hash(_ integer: UnsafePointer<ASN1_INTEGER>) -> UInt64 {
        let length = Int(max(0, integer.pointee.length))
        var hash: UInt64 = integer.pointee.type == V_ASN1_NEG_INTEGER ? 0xA076_1D64_78BD_642F : 0xE703_7ED1_A0B4_28DB
        hash ^= UInt64(length) &* 0x9E37_79B9_7F4A_7C15
        if let data = integer.pointee.data {
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            var offset = 0
            while offset + 8 <= length {
                hash = mix(hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            var tail: UInt64 = 0
            while offset < length {
                tail = tail << 8 | UInt64(bytes[offset])
                offset += 1
            }
            hash = mix(hash ^ tail)
        }
        return mix(hash)
    }

    /// One round of a 64-bit multiply-xorshift mixer (the finalizer of MurmurHash3's 64-bit variant).
    private static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    private static func slot(_ hash: UInt64, _ capacity: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    private static func tag(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash) | 1
    }
}
