//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The code between "// snippet: NAME" and "// end snippet" appears verbatim in a ```swift block of Docs/*.md;
// DocSnippetsTests fails when the two differ, so the documentation's code always compiles.

import MynaCard
import MynaServiceClient
import SmartCard

// snippet: service-terminal-flow
/// The terminal's part of server verification: the service issues the challenge and decides; the card signs it in
/// one transaction; the terminal relays and shows the verdict.
func authenticate(reader: String, pin: PIN, apiKey: String) async throws -> Verdict {
    let client = try VerificationServiceClient(url: "http://verifier.internal:8080", apiKey: apiKey)
    let connection = try await CardConnection.connect(reader: reader)
    do {
        let verdict = try await client.authenticate { challenge in
            try await connection.withTransaction { channel in
                try CardAnswer(challenge: challenge, card: MyNumberCard(channel: channel), pin: pin)
            }
        }
        try await connection.disconnect(.reset)
        return verdict
    } catch {
        try? await connection.disconnect(.reset)
        throw error
    }
}
// end snippet

// snippet: service-verdict
/// What the kiosk does with the answer: `valid` is the service's decision; the failures say why not.
func show(_ verdict: Verdict) -> String {
    guard verdict.valid else {
        return "not authenticated: " + verdict.failures.map(\.code).joined(separator: ", ")
    }
    return "authenticated: certificate \(verdict.certificate?.serialNumber ?? "?")"
}
// end snippet
