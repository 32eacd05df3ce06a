//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSpec
import SmartCard

// The card-surface applet and the card-info applet's signed data: what the virtual card puts into each EF, signed with
// the card-data hierarchy of its PKI (``CardDataPKI``). Tags, key EFs and signed ranges come from MynaSpec; the
// tampering faults change the shown data after it was signed.

extension CardFileSystem {
    /// The card-surface applet: age record, surface, basic data, certificate, My Number image and the three keys.
    static func cardSurfaceApplet(configuration: SimulatorConfiguration, pki: TestPKI) throws(SimulatorError)
        -> DedicatedFile
    {
        typealias EF = CardSurfaceApplet.EF
        let data = pki.cardData
        let codeA = EF.codeAKey
        let codeB = EF.codeBKey
        let birthKey = String((configuration.codeB ?? "").prefix(6))
        return DedicatedFile(
            aid: CardSurfaceApplet.aid,
            files: [
                ElementaryFile(
                    fid: EF.ageRecord, content: .binary(try ageRecord(configuration, data), read: .pinVerified(EF.birthDateKey))),
                ElementaryFile(
                    fid: EF.surface, content: .binary(try surface(configuration, data), read: .anyVerified([codeA, codeB]))),
                ElementaryFile(fid: EF.basicData, content: .binary(basicData(), read: .always)),
                ElementaryFile(fid: EF.certificate, content: .binary(data.surfaceCertificate, read: .always)),
                ElementaryFile(
                    fid: EF.myNumberImage,
                    content: .binary(try myNumberImage(configuration, data), read: .pinVerified(codeA))),
                ElementaryFile(fid: 0x0006, content: .binary([UInt8](repeating: 0xFF, count: 16), read: .anyVerified([codeA, codeB]))),
                codeFile(EF.birthDateKey, value: birthKey, tries: SimulatorConfiguration.codeMaximumTries),
                codeFile(codeB, value: configuration.codeB ?? "", tries: configuration.codeBTries),
                codeFile(codeA, value: configuration.myNumber, tries: configuration.codeATries),
            ]
        )
    }

    /// `FF 20 82 HH LL { DF 21 offsets, DF 22 birth date, DF 23 sex, DF 24 card key, DF 25 name PNG, DF 26 address PNG,
    /// DF 27 photo, DF 28 signature, DF 29 expiry date, DF 2A security-code PNG }`. The offsets are 16-bit big-endian
    /// positions of DF 22 … DF 2A counted from the EF's first byte. The signature covers the true data; the tampering
    /// faults change what is shown.
    private static func surface(_ configuration: SimulatorConfiguration, _ data: CardDataPKI) throws(SimulatorError)
        -> [UInt8]
    {
        typealias Tag = CardSurfaceApplet.Tag
        func objects(_ identity: Identity, photo: [UInt8]) -> [UInt32: [UInt8]] {
            [
                Tag.birthDate: BERTLV.encode(tag: BERTLV.Tag(Tag.birthDate), value: identity.birthDate.utf8),
                Tag.sex: BERTLV.encode(tag: BERTLV.Tag(Tag.sex), value: identity.sex.code.utf8),
                Tag.cardKey: BERTLV.encode(tag: BERTLV.Tag(Tag.cardKey), value: data.cardPublicKey),
                Tag.nameImage: BERTLV.encode(tag: BERTLV.Tag(Tag.nameImage), value: SurfaceImages.textPNG(identity.name)),
                Tag.addressImage: BERTLV.encode(
                    tag: BERTLV.Tag(Tag.addressImage), value: SurfaceImages.textPNG(identity.address)),
                Tag.photo: BERTLV.encode(tag: BERTLV.Tag(Tag.photo), value: photo),
            ]
        }
        let genuine = objects(configuration.identity, photo: try SurfaceImages.photoJP2(variant: 0))
        var payload = CardSurfaceApplet.surfaceDigestInfoPrefix
        for group in CardSurfaceApplet.surfaceSignedGroups {
            payload += try CardDataDigest.sha256(group.flatMap { genuine[$0] ?? [] })
        }
        let signature = try data.signSurface(payload)
        let shown = objects(
            configuration.faults.shownIdentity(configuration.identity),
            photo: try SurfaceImages.photoJP2(variant: configuration.faults.shownPhotoVariant))
        let ordered: [[UInt8]] = [
            shown[Tag.birthDate]!, shown[Tag.sex]!, shown[Tag.cardKey]!, shown[Tag.nameImage]!, shown[Tag.addressImage]!,
            shown[Tag.photo]!, BERTLV.encode(tag: BERTLV.Tag(Tag.signature), value: signature),
            BERTLV.encode(tag: BERTLV.Tag(Tag.expiryDate), value: configuration.expiryDate.utf8),
            BERTLV.encode(tag: BERTLV.Tag(Tag.securityCodeImage), value: SurfaceImages.digitsPNG(configuration.securityCode)),
        ]
        // FF 20 82 HH LL (5 bytes), then DF 21 12 and its 18 bytes: the first object starts at 26.
        var position = 5 + 3 + 2 * ordered.count
        var offsets: [UInt8] = []
        for object in ordered {
            offsets += [UInt8(position >> 8), UInt8(position & 0xFF)]
            position += object.count
        }
        let value = BERTLV.encode(tag: BERTLV.Tag(Tag.offsets), value: offsets) + ordered.joined()
        return BERTLV.Tag(Tag.surface).bytes + [0x82, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
    }

    /// `FF 10 82 02 1E { DF 11 birth date, DF 12 card key, DF 13 signature over DF 11 and DF 12 }`.
    private static func ageRecord(_ configuration: SimulatorConfiguration, _ data: CardDataPKI) throws(SimulatorError)
        -> [UInt8]
    {
        typealias Tag = CardSurfaceApplet.Tag
        let signed = BERTLV.encode(tag: BERTLV.Tag(Tag.ageRecordBirthDate), value: configuration.identity.birthDate.utf8)
            + BERTLV.encode(tag: BERTLV.Tag(Tag.ageRecordKey), value: data.cardPublicKey)
        let signature = try data.signSurface(try CardDataPKI.digestInfo(signed))
        return BERTLV.encode(
            tag: BERTLV.Tag(Tag.ageRecord),
            value: signed + BERTLV.encode(tag: BERTLV.Tag(Tag.ageRecordSignature), value: signature))
    }

    /// `FF 40 { DF 41 PNG of the My Number, DF 42 card key, DF 43 signature over DF 41 and DF 42 }`.
    private static func myNumberImage(_ configuration: SimulatorConfiguration, _ data: CardDataPKI)
        throws(SimulatorError) -> [UInt8]
    {
        typealias Tag = CardSurfaceApplet.Tag
        let signed = BERTLV.encode(
            tag: BERTLV.Tag(Tag.myNumberImagePNG), value: SurfaceImages.digitsPNG(configuration.myNumber))
            + BERTLV.encode(tag: BERTLV.Tag(Tag.myNumberImageKey), value: data.cardPublicKey)
        let signature = try data.signSurface(try CardDataPKI.digestInfo(signed))
        return BERTLV.encode(
            tag: BERTLV.Tag(Tag.myNumberImage),
            value: signed + BERTLV.encode(tag: BERTLV.Tag(Tag.myNumberImageSignature), value: signature))
    }

    /// `FF 30 { DF 31 layout, DF 32 key ID, DF 33 version, DF 34 municipality code, DF 35 key ID + 256 bytes }`, as the
    /// one test card seen has it (the meaning of DF 35 is not known; zeros here).
    private static func basicData() -> [UInt8] {
        let keyID = CardDataPKI.surfaceKeyID.bytes
        let value = BERTLV.encode(tag: 0xDF31, value: [0x06, 0x03, 0x0E, 0x01]) + BERTLV.encode(tag: 0xDF32, value: keyID)
            + BERTLV.encode(tag: 0xDF33, value: [0x00]) + BERTLV.encode(tag: 0xDF34, value: "99999".utf8)
            + BERTLV.encode(tag: 0xDF35, value: keyID + [UInt8](repeating: 0, count: 256))
        return BERTLV.encode(tag: 0xFF30, value: value)
    }

    /// The card-info digests EF: `FF 30 82 01 4B { DF 31 SHA-256 of the My Number EF as stored, DF 32 SHA-256 of the
    /// attributes EF from DF 22 to its end, DF 33 signature over DF 31 and DF 32 }`.
    static func cardInfoDigests(myNumberFile: [UInt8], attributesFile: [UInt8], pki: CardDataPKI)
        throws(SimulatorError) -> [UInt8]
    {
        typealias Tag = CardInfoApplet.Tag
        // FF 20 82 HH LL, then DF 21 08 and four offsets: DF 22 starts at byte 16.
        let headerLength = 5 + BERTLV.encode(tag: BERTLV.Tag(Tag.attributesHeader), value: [UInt8](repeating: 0, count: 8)).count
        let signed = BERTLV.encode(tag: BERTLV.Tag(Tag.myNumberDigest), value: try CardDataDigest.sha256(myNumberFile))
            + BERTLV.encode(
                tag: BERTLV.Tag(Tag.attributesDigest), value: try CardDataDigest.sha256(Array(attributesFile.dropFirst(headerLength))))
        let signature = try pki.signCardInfo(try CardDataPKI.digestInfo(signed))
        return BERTLV.encode(
            tag: BERTLV.Tag(Tag.digests),
            value: signed + BERTLV.encode(tag: BERTLV.Tag(Tag.digestsSignature), value: signature))
    }
}
