//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The code between "// snippet: NAME" and "// end snippet" appears verbatim in a ```swift block of
// Docs/HospitalTerminal.md; DocSnippetsTests fails when the two differ.

import Foundation
import MynaCard
import MynaVerify
import SmartCard

// snippet: hospital-terminal-auth
/// Authenticates the card in `reader`; returns the certificate serial on success.
func authenticatePatient(
    reader: String,
    roots: TrustStore,
    readPIN: () throws -> PIN
) async throws -> String {
    let verifier = CertificateVerifier(trustStore: roots, profile: .authentication)
    let connection = try await CardConnection.connect(reader: reader)
    do {
        let serial = try await connection.withTransaction { channel in
            let card = MyNumberCard(channel: channel)
            let der = try card.jpki.readCertificate(.authentication)
            let result = verifier.verify(leafBytes: der, intermediates: [], at: Date(), crls: [])
            guard let verified = result.verifiedCertificate, let leaf = result.leaf else {
                throw TerminalError.certificateRejected(result.failures.map(\.description))
            }
            let challenge = try ChallengeResponse.makeChallenge(byteCount: 32)
            let signature = try card.jpki.sign(
                digest: try HashAlgorithm.sha256.digest(challenge), algorithm: .sha256,
                key: .authentication, pin: try readPIN())
            guard try ChallengeResponse.verify(
                challenge: challenge, signature: signature, hash: .sha256, certificate: verified)
            else {
                throw TerminalError.signatureInvalid
            }
            return leaf.serialNumber
        }
        // Reset on the way out: the verified PIN must not stay usable for the next application.
        try await connection.disconnect(.reset)
        return serial
    } catch {
        try? await connection.disconnect(.reset)
        throw error
    }
}

enum TerminalError: Error {
    case certificateRejected([String])
    case signatureInvalid
}
// end snippet
