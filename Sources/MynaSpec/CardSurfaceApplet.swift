//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The card-surface confirmation applet as soltia48/myna-card (tested against a JPKI test card), AokiApp/jsapdu and
// jpki/myna describe it. Facts the sources disagree on, or that no production card has confirmed, are marked in the
// doc comments; the client is written so that a wrong guess fails loudly (see Docs/KioskEmbedding.md).

/// The card-surface confirmation applet (券面事項確認AP): what is printed on the card, the face photo, and the
/// signatures over them.
///
/// Nothing in it opens with the PINs: 照合番号A (the My Number) or 照合番号B (birth date, expiry year and security
/// code, ``VerificationCodeB``) opens the surface EF, only A the My Number image.
public enum CardSurfaceApplet {
    /// `D3 92 10 00 31 00 01 01 04 02`.
    public static let aid: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]

    /// The elementary files of the card-surface applet.
    public enum EF {
        /// The age record: birth date, the card key and a signature; opened by the birth-date key (0011).
        public static let ageRecord: UInt16 = 0x0001
        /// The card surface: birth date, sex, card key, name and address images, photo, signature, expiry date and
        /// security-code image; opened by 照合番号A or B.
        public static let surface: UInt16 = 0x0002
        /// The applet's basic data (layout id, a key id, version, municipality code); readable by anyone.
        public static let basicData: UInt16 = 0x0003
        /// The applet's card-verifiable certificate (``CardVerifiableCertificateFormat``); readable by anyone.
        public static let certificate: UInt16 = 0x0004
        /// The My Number as an image, the card key and a signature; opened by 照合番号A only.
        public static let myNumberImage: UInt16 = 0x0005
        /// The birth-date key: `YYMMDD` with the Japanese-era year (the first six digits of 照合番号B).
        public static let birthDateKey: UInt16 = 0x0011
        /// The 照合番号B key.
        public static let codeBKey: UInt16 = 0x0012
        /// The 照合番号A key.
        public static let codeAKey: UInt16 = 0x0013
    }

    /// The BER-TLV tags of the applet's EFs (as the numbers `BERTLV.Tag` takes).
    public enum Tag {
        /// EF 0001: `FF 10 { DF 11 birth date, DF 12 card key, DF 13 signature }`.
        public static let ageRecord: UInt32 = 0xFF10
        public static let ageRecordBirthDate: UInt32 = 0xDF11
        public static let ageRecordKey: UInt32 = 0xDF12
        public static let ageRecordSignature: UInt32 = 0xDF13

        /// EF 0002: `FF 20 { DF 21 … DF 2A }`.
        public static let surface: UInt32 = 0xFF20
        /// 16-bit big-endian offsets of the objects after it, counted from the EF's first byte.
        public static let offsets: UInt32 = 0xDF21
        /// `YYYYMMDD`, western calendar.
        public static let birthDate: UInt32 = 0xDF22
        /// One ASCII digit, ISO 5218 (``Sex``).
        public static let sex: UInt32 = 0xDF23
        /// The card's own public key (``CardVerifiableCertificateFormat/encodePublicKey(modulus:exponent:)``): not
        /// the key that signs the EF.
        public static let cardKey: UInt32 = 0xDF24
        /// The name as printed: a 1-bit PNG.
        public static let nameImage: UInt32 = 0xDF25
        /// The address as printed: a 1-bit PNG.
        public static let addressImage: UInt32 = 0xDF26
        /// The face photo: greyscale JPEG 2000 in a JP2 box.
        public static let photo: UInt32 = 0xDF27
        /// The signature over DF 22 … DF 27 (``surfaceSignedGroups``).
        public static let signature: UInt32 = 0xDF28
        /// `YYYYMMDD`: after the signature, not signed.
        public static let expiryDate: UInt32 = 0xDF29
        /// The security code as printed (a 1-bit PNG): after the signature, not signed.
        public static let securityCodeImage: UInt32 = 0xDF2A

        /// EF 0005: `FF 40 { DF 41 PNG, DF 42 card key, DF 43 signature }`.
        public static let myNumberImage: UInt32 = 0xFF40
        public static let myNumberImagePNG: UInt32 = 0xDF41
        public static let myNumberImageKey: UInt32 = 0xDF42
        public static let myNumberImageSignature: UInt32 = 0xDF43
    }

    /// The groups of EF 0002 the signature covers, each hashed on its own with SHA-256: whole TLVs as the card stores
    /// them, in this order. DF 21, DF 29 and DF 2A are not signed.
    public static let surfaceSignedGroups: [[UInt32]] = [
        [Tag.birthDate, Tag.sex, Tag.cardKey], [Tag.nameImage, Tag.addressImage], [Tag.photo],
    ]

    /// What the RSA signature over EF 0002 recovers to, up to the three digests: a DigestInfo with the SHA-256
    /// algorithm and an OCTET STRING of 96 bytes (`30 71 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60`).
    public static let surfaceDigestInfoPrefix: [UInt8] = [
        0x30, 0x71, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
        0x60,
    ]

    /// The part of the card surface that the signature of the applet does not cover, in words.
    public static let unsignedParts = ["expiry date (DF 29)", "security-code image (DF 2A)", "offset table (DF 21)"]
}
