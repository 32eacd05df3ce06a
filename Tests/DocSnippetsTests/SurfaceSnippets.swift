//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The code between "// snippet: NAME" and "// end snippet" appears verbatim in a ```swift block of
// Docs/HospitalTerminal.md (visual check) and Docs/KioskEmbedding.md (authenticity); DocSnippetsTests fails when they
// differ.

import Foundation
import MynaCard
import MynaVerify
import SmartCard

// snippet: hospital-terminal-visual-check
/// The face photo for the visual check (目視確認), opened with the patient's 4-digit card-info PIN. Returns the JPEG
/// 2000 photo only when the card's signature over it verifies; the My Number passes through memory and is dropped.
func facePhotoForVisualCheck(reader: String, caKeys: CardCAKeyTable, readPIN: () throws -> PIN) async throws
    -> [UInt8]
{
    let pin = try readPIN()  // before the transaction: the card is never held while someone types
    let connection = try await CardConnection.connect(reader: reader)
    do {
        let (surface, certificate) = try await connection.withTransaction { channel in
            let card = MyNumberCard(channel: channel)
            _ = try card.surface.unlock(cardInfoPIN: pin)
            return (try card.surface.readSurface(), try card.surface.readCertificate())
        }
        try await connection.disconnect(.reset)
        let evidence = CardSurfaceApplication.authenticityEvidence(surface: surface, certificate: certificate)
        let report = CardDataAuthenticity(caKeys: caKeys).verify(evidence)
        guard report.isAuthentic else { throw VisualCheckError.notAuthentic(report.failures) }
        return surface.photo
    } catch {
        try? await connection.disconnect(.reset)
        throw error
    }
}

enum VisualCheckError: Error {
    case notAuthentic([String])
}
// end snippet

// snippet: kiosk-authenticity
/// The My Number and the four attributes with the verdict on them, under the built-in CA keys and those in
/// `cardCAFile` (a JSON array as `mynakit sim --pki DIR` writes to DIR/card-ca.json).
func readGenuineAttributes(channel: CardChannel, pin: PIN, cardCAFile: URL?) throws
    -> (attributes: BasicAttributes, report: AuthenticityReport)
{
    var table = try CardCAKeyTable()
    if let cardCAFile {
        table = try table.adding(CardCAKeyTable.parseJSON([UInt8](try Data(contentsOf: cardCAFile))))
    }
    let card = MyNumberCard(channel: channel)
    let read = try card.cardInfo.readWithEvidence(pin: pin)
    let report = CardDataAuthenticity(caKeys: table).verify(read.evidence)
    switch report.verdict {
    case .authentic where report.hierarchy == .production:
        break  // genuine data from a production card
    case .authentic:
        print("genuine, but from the \(report.hierarchy?.rawValue ?? "?") hierarchy: not a production card")
    case .notAuthentic:
        print("not authentic: \(report.failures.joined(separator: "; "))")
    case .unknownCAKey:
        print("signed under CA key \(report.caKeyID?.description ?? "?"), which is in no table")
    }
    return (read.attributes, report)
}
// end snippet
