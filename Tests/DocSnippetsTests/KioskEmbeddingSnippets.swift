//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The code between "// snippet: NAME" and "// end snippet" appears verbatim in a ```swift block of Docs/*.md;
// DocSnippetsTests fails when the two differ, so the documentation's code always compiles.

import Foundation
import MynaVerify
import SmartCard

// snippet: kiosk-list-readers
/// Prints every reader, whether a card is in it, and the card's ATR.
func printReaders() async throws {
    let context = PCSCContext()
    for state in try await context.readerStates() {
        let card = state.isCardPresent ? Hex.encode(state.atr, separator: " ") : "no card"
        print("\(state.reader): \(card)")
    }
}
// end snippet

// snippet: kiosk-transaction
/// Selects the JPKI applet inside one transaction and, when the customer is done, resets the card so that no
/// verified PIN survives for the next application.
func selectJPKI(in reader: String) async throws {
    let connection = try await CardConnection.connect(reader: reader)
    let jpkiAID: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]
    let select = try CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: jpkiAID)
    try await connection.withTransaction { channel -> Void in
        try channel.transmit(select).requireSuccess("SELECT JPKI AP")
        // ... the rest of the flow: every APDU of it inside this closure ...
    }
    try await connection.disconnect(.reset)
}
// end snippet

// snippet: kiosk-events
/// Waits for a card and returns the reader it was put in; reader hot-plug and pcscd restarts are handled by the
/// event stream.
func waitForCard() async throws -> String? {
    for try await event in ReaderEvents() {
        switch event {
        case .snapshot(let states):
            if let ready = states.first(where: \.isCardPresent) { return ready.reader }
        case .cardInserted(let state):
            return state.reader
        case .serviceUnavailable(let error):
            print("pcscd is gone (\(error.name)); waiting for it to come back")
        case .readerAdded, .readerRemoved, .cardRemoved, .serviceRestored:
            continue
        }
    }
    return nil
}
// end snippet

// snippet: kiosk-error-advice
/// What a kiosk does about a PC/SC error.
enum Recovery: Equatable {
    case askForCard, reconnect, retryLater, callTechnician
}

func recovery(for error: PCSCError) -> Recovery {
    switch error {
    case .noSmartcard, .removedCard, .unresponsiveCard, .unpoweredCard:
        return .askForCard  // take the card out and put it in again
    case .resetCard:
        return .reconnect  // another application reset the card: select again, ask for the PIN again
    case .securityViolation, .serviceStopped:
        return .callTechnician  // polkit, or libpcsclite/pcscd versions differ: error.explanation names the fix
    case _ where error.isServiceLost:
        return .retryLater  // pcscd restarted: open a new connection after a short pause
    case .readerUnavailable, .unknownReader:
        return .retryLater  // the reader was unplugged: wait for ReaderEvents to report it back
    default:
        return .callTechnician
    }
}
// end snippet

// snippet: kiosk-reconnect
/// Opens a connection, retrying with back-off while pcscd is restarting.
func connectPatiently(to reader: String, attempts: Int = 5) async throws -> CardConnection {
    var delay = Duration.milliseconds(200)
    for _ in 1..<attempts {
        do {
            return try await CardConnection.connect(reader: reader)
        } catch let error as PCSCError where error.isServiceLost {
            try await Task.sleep(for: delay)
            delay *= 2
        }
    }
    return try await CardConnection.connect(reader: reader)
}
// end snippet

// snippet: kiosk-verify
/// Verifies an authentication certificate read from the card and a signature the card made over `challenge`.
///
/// The certificate proves nothing because it came from the card: only the chain to the J-LIS roots the terminal
/// was installed with, the CRL, and the signature over a fresh challenge do.
func verifyAuthentication(
    certificateDER: [UInt8], caCertificateDER: [UInt8], signature: [UInt8], challenge: [UInt8],
    rootsFile: String, crlFile: String
) throws -> Bool {
    let leaf = try Certificate(derEncoded: certificateDER)
    let fromCard = try Certificate(derEncoded: caCertificateDER)  // chain-building material, never an anchor
    let verifier = CertificateVerifier(
        trustStore: try TrustStore(contentsOf: [rootsFile]), profile: .authentication, revocationPolicy: .require)
    let result = verifier.verify(
        leaf: leaf, intermediates: [fromCard], crls: [try RevocationList(contentsOfFile: crlFile)])
    guard let verified = result.verifiedCertificate else {
        print("rejected: \(result.failures.map(\.code).joined(separator: ", "))")
        return false
    }
    return try SignatureVerifier.isValidSignature(
        signature, for: challenge, hash: .sha256, publicKeyOf: verified.certificate)
}
// end snippet
