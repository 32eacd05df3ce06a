//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import SmartCard

// The JPKI applet's one proprietary command. Its bytes are facts of the card (``JPKIApplet/ComputeDigitalSignature``
// in MynaSpec, which the virtual card answers too); the interindustry commands are SmartCard's.

extension CommandAPDU.Kind {
    /// COMPUTE DIGITAL SIGNATURE of the JPKI applet, `CLA 80 INS 2A`.
    ///
    /// | SW | meaning |
    /// |---|---|
    /// | `90 00` | the signature follows |
    /// | `69 82` | the key's PIN is not verified in this session |
    /// | `69 85` | no private key EF is selected |
    /// | `6A 80` | the data is not a DigestInfo the card accepts |
    public static let jpkiComputeDigitalSignature = CommandAPDU.Kind(
        name: "COMPUTE DIGITAL SIGNATURE", instruction: JPKIApplet.ComputeDigitalSignature.ins,
        responseStatuses: [
            .success("the signature follows"),
            ResponseStatus(.securityStatusNotSatisfied, "the key's PIN is not verified in this session"),
            ResponseStatus(.conditionsNotSatisfied, "no private key EF is selected"),
            ResponseStatus(.wrongData, "the data is not a DigestInfo the card accepts"),
        ])
}

extension CommandAPDU {
    /// COMPUTE DIGITAL SIGNATURE over `digestInfo` with the selected private key EF: `80 2A 00 80 Lc DigestInfo 00`.
    ///
    /// The card adds the PKCS#1 v1.5 padding and answers the 256-byte signature (Le `00`). Expected answers:
    /// ``Kind/jpkiComputeDigitalSignature``. The channel never resends it on `6C xx`.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` when `digestInfo` is empty or longer than a short Lc allows.
    public static func jpkiComputeDigitalSignature(digestInfo: [UInt8]) throws -> CommandAPDU {
        guard (1...255).contains(digestInfo.count) else {
            throw CardError(.invalidCommand, "a DigestInfo to sign has 1 to 255 bytes, got \(digestInfo.count)")
        }
        return try CommandAPDU(
            cla: JPKIApplet.ComputeDigitalSignature.cla, ins: JPKIApplet.ComputeDigitalSignature.ins,
            p1: JPKIApplet.ComputeDigitalSignature.p1, p2: JPKIApplet.ComputeDigitalSignature.p2, data: digestInfo,
            expectedLength: JPKIApplet.signatureLength)
    }
}
