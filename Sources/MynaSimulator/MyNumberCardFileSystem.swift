//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSpec
import SmartCard

// The file system of a My Number card, filled from a configuration and a test PKI. Every AID, file identifier, PIN
// rule, token string and tag comes from MynaSpec, the card's specification; this file decides only what the virtual
// card puts into each file.

extension CardFileSystem {
    /// The JPKI applet, the card-info input support applet and the card-surface applet, in that order.
    static func myNumberCard(configuration: SimulatorConfiguration, pki: TestPKI) throws(SimulatorError)
        -> CardFileSystem
    {
        CardFileSystem(applets: [
            jpkiApplet(configuration: configuration, pki: pki),
            try cardInfoApplet(configuration: configuration, pki: pki),
            try cardSurfaceApplet(configuration: configuration, pki: pki),
        ])
    }

    /// The JPKI applet: four certificates, the token, two keys and their PINs.
    private static func jpkiApplet(configuration: SimulatorConfiguration, pki: TestPKI) -> DedicatedFile {
        func certificate(_ fid: UInt16, _ der: [UInt8], read access: AccessCondition) -> ElementaryFile {
            var bytes = configuration.faults.certificateFile(der)
            if let padding = configuration.certificatePadding {
                bytes += [UInt8](repeating: padding.byte, count: padding.count)
            }
            return ElementaryFile(fid: fid, content: .binary(bytes, read: access))
        }
        // Padded with spaces (real cards pad with spaces or NULs).
        let tokenName = Array(JPKIApplet.Token.myNumberCard.utf8)
        let token = tokenName + [UInt8](repeating: 0x20, count: JPKIApplet.Token.length - tokenName.count)
        let signingPIN = PINKind.signing.pinFileID
        let authenticationPIN = PINKind.authentication.pinFileID
        return DedicatedFile(
            aid: JPKIApplet.aid,
            files: [
                certificate(JPKIApplet.EF.signingCertificate, pki.signCertificate, read: .pinVerified(signingPIN)),
                certificate(JPKIApplet.EF.signingCACertificate, pki.signRootCertificate, read: .always),
                ElementaryFile(fid: JPKIApplet.EF.token, content: .binary(token, read: .always)),
                certificate(JPKIApplet.EF.authenticationCertificate, pki.authCertificate, read: .always),
                certificate(JPKIApplet.EF.authenticationCACertificate, pki.authRootCertificate, read: .always),
                ElementaryFile(
                    fid: JPKIApplet.EF.authenticationKey,
                    content: .key(.authentication, pin: authenticationPIN)
                ),
                pinFile(.authentication, configuration: configuration),
                ElementaryFile(fid: JPKIApplet.EF.signingKey, content: .key(.signing, pin: signingPIN)),
                pinFile(.signing, configuration: configuration),
            ]
        )
    }

    /// The card-info input support applet: the My Number and the four basic attributes behind its PIN or 照合番号A / B,
    /// the digests and signature that vouch for them, and the applet's card-verifiable certificate.
    private static func cardInfoApplet(configuration: SimulatorConfiguration, pki: TestPKI) throws(SimulatorError)
        -> DedicatedFile
    {
        // The My Number EF holds its TLV followed by two FF bytes of unused space.
        let myNumber = BERTLV.encode(tag: BERTLV.Tag(CardInfoApplet.Tag.myNumber), value: configuration.myNumber.utf8)
            + [0xFF, 0xFF]
        let pin = PINKind.cardInfo.pinFileID
        let codeA = CardInfoApplet.EF.codeAKey
        let codeB = CardInfoApplet.EF.codeBKey
        let shown = attributes(of: configuration.faults.shownIdentity(configuration.identity))
        let digests = try cardInfoDigests(
            myNumberFile: myNumber, attributesFile: attributes(of: configuration.identity), pki: pki.cardData)
        return DedicatedFile(
            aid: CardInfoApplet.aid,
            files: [
                ElementaryFile(fid: CardInfoApplet.EF.myNumber, content: .binary(myNumber, read: .anyVerified([pin, codeA]))),
                ElementaryFile(fid: CardInfoApplet.EF.attributes, content: .binary(shown, read: .anyVerified([pin, codeB]))),
                ElementaryFile(fid: CardInfoApplet.EF.digests, content: .binary(digests, read: .anyVerified([pin, codeA, codeB]))),
                ElementaryFile(
                    fid: CardInfoApplet.EF.certificate, content: .binary(pki.cardData.cardInfoCertificate, read: .always)),
                pinFile(.cardInfo, configuration: configuration),
                codeFile(codeA, value: configuration.myNumber, tries: configuration.codeATries),
                codeFile(codeB, value: configuration.codeB ?? "", tries: configuration.codeBTries),
            ]
        )
    }

    /// The attributes EF: `FF 20 82 HH LL` { `DF 21` offsets, `DF 22` name, `DF 23` address, `DF 24` birth date,
    /// `DF 25` sex }.
    ///
    /// The header's four 16-bit big-endian offsets point at the DF 22 ... DF 25 TLVs, counted from the first byte of
    /// the FF 20 value. The FF 20 length is always in the three-byte form, as on real cards, so it is written here
    /// rather than by the shortest-form encoder.
    static func attributes(of identity: Identity) -> [UInt8] {
        func field(_ tag: UInt32, _ text: String) -> [UInt8] {
            BERTLV.encode(tag: BERTLV.Tag(tag), value: text.utf8)
        }
        let fields = [
            field(CardInfoApplet.Tag.name, identity.name),
            field(CardInfoApplet.Tag.address, identity.address),
            field(CardInfoApplet.Tag.birthDate, identity.birthDate),
            field(CardInfoApplet.Tag.sex, identity.sex.code),
        ]
        // The offsets count from the start of the FF 20 value, where the DF 21 header itself comes first.
        let headerTag = BERTLV.Tag(CardInfoApplet.Tag.attributesHeader)
        var position = BERTLV.encode(tag: headerTag, value: [UInt8](repeating: 0, count: 2 * fields.count)).count
        var offsets: [UInt8] = []
        for field in fields {
            offsets += [UInt8(position >> 8 & 0xFF), UInt8(position & 0xFF)]
            position += field.count
        }
        let value = BERTLV.encode(tag: headerTag, value: offsets) + fields.joined()
        return BERTLV.Tag(CardInfoApplet.Tag.attributes).bytes
            + [0x82, UInt8(value.count >> 8 & 0xFF), UInt8(value.count & 0xFF)] + value
    }

    /// A 照合番号 or birth-date key EF: a PIN EF whose value is the code's digits.
    static func codeFile(_ fid: UInt16, value: String, tries: Int) -> ElementaryFile {
        let key = PINFile(value: Array(value.utf8), maximumTries: SimulatorConfiguration.codeMaximumTries, triesLeft: tries)
        return ElementaryFile(fid: fid, content: .pin(key))
    }

    /// The PIN EF of `kind` with the configuration's PIN and counter and the real card's largest counter.
    private static func pinFile(_ kind: PINKind, configuration: SimulatorConfiguration) -> ElementaryFile {
        let pin = PINFile(
            value: Array(configuration.pin(for: kind).utf8),
            maximumTries: kind.maximumTries,
            triesLeft: configuration.initialTries(for: kind)
        )
        return ElementaryFile(fid: kind.pinFileID, content: .pin(pin))
    }
}
