//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

extension CertificateVerifier {
    /// The chain built by OpenSSL without CRLs, and the leaf checked against its issuer's list by
    /// ``RevocationList/revocationFailures(of:issuer:at:)``: the list's signature is verified once per list and
    /// issuer key instead of on every verification (OpenSSL's CRL check hashes the whole list each time: 29 ms for a
    /// million entries), and the lookup is a hash probe.
    ///
    /// The list is chosen as OpenSSL chooses among a leaf issuer's lists: one signed by the chain's issuer that covers
    /// the leaf, preferring one valid at `time`, then the latest thisUpdate. The verdict is the one OpenSSL's check
    /// gives, failures in the same order (revocation is checked before signatures and validity periods).
    ///
    /// - Returns: `nil` when OpenSSL must judge: no list names the leaf's issuer, one of them is of a kind only
    ///   OpenSSL's check handles (delta, indirect, some reasons, an unhandled critical extension), the chain reaches
    ///   no issuer, or no list is usable (then OpenSSL's check reports why).
    func directRevocationCheck(
        leaf: Certificate,
        intermediates: [Certificate],
        at time: Date,
        crls: [RevocationList]
    ) -> ChainCheck? {
        let candidates = crls.indices.filter { crls[$0].handle.hasIssuer(of: leaf.handle) }
        guard !candidates.isEmpty else { return nil }
        var check = openSSLCheck(leaf: leaf, intermediates: intermediates, at: time, crls: [], checkRevocation: false)
        guard check.chain.count >= 2 else { return nil }
        let issuer = check.chain[1]

        var chosen: (index: Int, failures: [VerificationFailure])?
        for index in candidates {
            // A kind of list only OpenSSL's check judges: the whole verification goes to it.
            guard case .judged(let failures) = crls[index].leafCheck(of: leaf, issuer: issuer, at: time) else {
                return nil
            }
            if failures.contains(where: \.makesListUnusable) { continue }
            guard let best = chosen else {
                chosen = (index, failures)
                continue
            }
            let fresh = !failures.contains(where: \.isListTimeFailure)
            let bestFresh = !best.failures.contains(where: \.isListTimeFailure)
            if fresh != bestFresh ? fresh : crls[index].thisUpdate > crls[best.index].thisUpdate {
                chosen = (index, failures)
            }
        }
        guard let chosen else { return nil }

        let crl = crls[chosen.index]
        check.revocationSource = .crl(
            index: chosen.index, issuer: crl.issuer, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate)
        let position = check.failures.firstIndex(where: \.isFoundAfterRevocation) ?? check.failures.endIndex
        check.failures.insert(contentsOf: chosen.failures, at: position)
        return check
    }
}

extension VerificationFailure {
    /// A list of another issuer or partition, or one that cannot be trusted: not a list to check the leaf against.
    fileprivate var makesListUnusable: Bool {
        switch self {
        case .crlInvalid, .crlMissing: return true
        default: return false
        }
    }

    /// The list is not valid at the verification time.
    fileprivate var isListTimeFailure: Bool {
        switch self {
        case .crlNotYetValid, .staleCRL: return true
        default: return false
        }
    }

    /// A failure OpenSSL finds after its revocation check (`internal_verify`: signatures and validity periods).
    fileprivate var isFoundAfterRevocation: Bool {
        switch self {
        case .badSignature, .notYetValid, .expired: return true
        default: return false
        }
    }
}
