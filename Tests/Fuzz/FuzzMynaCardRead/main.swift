//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target: the whole MynaCard read flows driven by a fuzzed card, as OpenSC's fuzz reader drives its card
// drivers. Input: OpenSC fuzz-reader format (FuzzChunks): block 1 the ATR, then one response APDU per block.
// Each flow must end in a value that is consistent with itself or in a MynaCardError: never a crash, a hang, an
// untyped error, or a success with bytes the card did not justify.

import FuzzSupport
import MynaCard
import SmartCard

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    MynaCardReadTarget.run(fuzzBytes(data, size))
    return 0
}

enum MynaCardReadTarget {
    typealias Flow = @Sendable (MyNumberCard) throws -> Void

    static let flows: [(String, Flow)] = [
        ("auth certificate", { card in
            let der = try card.jpki.readCertificate(.authentication)
            let header = try BERTLV.header(of: der)
            fuzzCheck(der.first == 0x30 && header?.totalLength == der.count, "certificate length not what its header says")
        }),
        ("signing certificate", { card in
            let der = try card.jpki.readSigningCertificate(password: PIN(kind: .signing, "ABC123"), allowLastTry: false)
            let header = try BERTLV.header(of: der)
            fuzzCheck(header?.totalLength == der.count, "signing certificate length")
        }),
        ("pin status", { card in
            let status = try card.jpki.pinStatus(.authentication)
            fuzzCheck((0...15).contains(status.triesLeft), "tries left \(status.triesLeft)")
        }),
        ("token", { card in _ = try card.jpki.token() }),
        ("identify", { card in _ = try card.identify() }),
        ("sign", { card in
            let signature = try card.jpki.sign(
                digest: [UInt8](repeating: 0x11, count: 32), algorithm: .sha256, key: .authentication,
                pin: PIN(kind: .authentication, "1234"))
            fuzzCheck(signature.count == 256, "signature of \(signature.count) bytes")
        }),
        ("my number and attributes", { card in
            let (number, attributes) = try card.cardInfo.read(pin: PIN(kind: .cardInfo, "1234"))
            fuzzCheck((try? MyNumber(number.digits)) != nil, "My Number with a wrong check digit")
            fuzzCheck(attributes.birthDate.utf8.count == 8, "birth date \(attributes.birthDate)")
        }),
        // The card-surface applet (11 flows in all: 11 is prime, so FuzzSeedWriter can pad any trace to any flow).
        ("surface by card-info PIN", { card in
            let number = try card.surface.unlock(cardInfoPIN: PIN(kind: .cardInfo, "1234"))
            fuzzCheck(MyNumberCheckDigit.isValid(number.digits), "My Number with a wrong check digit")
            let surface = try card.surface.readSurface()
            for date in [surface.birthDate, surface.expiryDate] {
                fuzzCheck(date.utf8.count == 8 && date.utf8.allSatisfy { (0x30...0x39).contains($0) }, "date \(date)")
            }
            fuzzCheck(surface.signedGroups.count == CardSurfaceApplet.surfaceSignedGroups.count, "signed groups")
        }),
        ("my number image by code A", { card in
            var digits = Array("123456789018".utf8)
            try card.surface.unlock(VerificationCode(kind: .a, consuming: &digits))
            let image = try card.surface.readMyNumberImage()
            let signed = try BERTLV.header(of: image.signedObjects)
            fuzzCheck(signed != nil && !image.signedObjects.isEmpty, "signed objects")
        }),
        ("surface certificate", { card in
            let certificate = try card.surface.readCertificate()
            let header = try BERTLV.header(of: certificate)
            fuzzCheck(header?.totalLength == certificate.count, "certificate length not what its header says")
        }),
        ("surface code status", { card in
            let status = try card.surface.codeStatus(.b)
            fuzzCheck(status.triesLeft.map { (0...15).contains($0) } ?? true, "tries left \(String(describing: status.triesLeft))")
        }),
    ]

    static func run(_ bytes: [UInt8]) {
        // The input's length picks the flow, so every flow gets the whole input as its card.
        let flow = flows[bytes.count % flows.count]
        for readerMax in [0, 65536] {
            let transport = FuzzedCardTransport(bytes, maxAPDUDataSize: readerMax)
            let card = MyNumberCard(channel: CardChannel(transport: transport))
            do {
                try card.retryingAfterReset { try flow.1(card) }
            } catch is MynaCardError {
                // A clean, typed refusal.
            } catch {
                fuzzCheck(false, "\(flow.0): untyped error \(error)")
            }
            // No flow may loop on the card: the longest legitimate one (a 32 KiB EF in 256-byte reads, with
            // GET RESPONSE) stays far below this.
            fuzzCheck(transport.commands.count <= 2_000, "\(flow.0) sent \(transport.commands.count) APDUs")
            // A VERIFY with data is sent at most once per key, and never again after a reset. (Opening the
            // card-surface applet with the card-info PIN presents two keys: the PIN, then the My Number as 照合番号A.)
            let verifies = transport.commands.filter { $0.count > 5 && $0[1] == CommandAPDU.Kind.verify.instruction }
            let keys = Set(verifies.map { $0[3] })
            fuzzCheck(verifies.count == keys.count && keys.count <= 2, "\(flow.0) sent \(verifies.count) VERIFY commands with data")
        }
    }
}

FuzzDriver.main(name: "FuzzMynaCardRead") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}
