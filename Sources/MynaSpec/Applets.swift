//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The applets of the My Number card and the files in them, as OpenSC's card-jpki driver, the myna and myna-go
// projects, jsapdu and TRET agree on them (see Docs/Architecture.md, "The card's facts").

/// The JPKI applet (公的個人認証AP): the two key pairs, their certificates and PINs.
public enum JPKIApplet {
    /// `D3 92 F0 00 26 01 00 00 00 01`.
    public static let aid: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]

    /// The elementary files of the JPKI applet.
    public enum EF {
        /// 署名用電子証明書: readable only after the signing password was verified.
        public static let signingCertificate: UInt16 = 0x0001
        /// The signing CA certificate.
        public static let signingCACertificate: UInt16 = 0x0002
        /// The token information EF: which kind of JPKI token this is (``JPKIApplet/Token``).
        public static let token: UInt16 = 0x0006
        /// 利用者証明用電子証明書: readable without a PIN.
        public static let authenticationCertificate: UInt16 = 0x000A
        /// The authentication CA certificate.
        public static let authenticationCACertificate: UInt16 = 0x000B
        /// The authentication private key (the target of COMPUTE DIGITAL SIGNATURE).
        public static let authenticationKey: UInt16 = 0x0017
        /// The authentication PIN.
        public static let authenticationPIN: UInt16 = 0x0018
        /// The signing private key.
        public static let signingKey: UInt16 = 0x001A
        /// The signing password.
        public static let signingPIN: UInt16 = 0x001B
    }

    /// The token EF's contents, ASCII padded to ``length`` bytes (real cards pad with spaces or NULs).
    public enum Token {
        /// The bytes a reader asks for.
        public static let length = 32
        /// A My Number card.
        public static let myNumberCard = "JPKIAPICCTOKEN2"
        /// The older 住民基本台帳カード.
        public static let residentRegistryCard = "JPKIAPICCTOKEN"
        /// JPKI in a smartphone's secure element.
        public static let smartphone = "JPKIAPGPSETOKEN"
    }

    /// The length of the card's RSA-2048 signatures.
    public static let signatureLength = 256

    /// COMPUTE DIGITAL SIGNATURE, the JPKI applet's proprietary signing command: `80 2A 00 80 Lc DigestInfo 00`.
    ///
    /// With a private key EF selected (and its PIN verified), the card pads the DigestInfo with PKCS#1 v1.5 (RFC 8017
    /// section 9.2) and answers the ``JPKIApplet/signatureLength``-byte signature. It shares its INS with the
    /// interindustry PERFORM SECURITY OPERATION but has a proprietary class.
    public enum ComputeDigitalSignature {
        public static let cla: UInt8 = 0x80
        public static let ins: UInt8 = 0x2A
        public static let p1: UInt8 = 0x00
        public static let p2: UInt8 = 0x80
    }
}

/// The card-info input support applet (券面事項入力補助AP): the My Number and the four basic attributes.
public enum CardInfoApplet {
    /// `D3 92 10 00 31 00 01 01 04 08`.
    public static let aid: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]

    /// The elementary files of the card-info applet.
    public enum EF {
        /// `FF 10 0C` + the 12 ASCII digits of the My Number.
        public static let myNumber: UInt16 = 0x0001
        /// `FF 20 { DF 21 header, DF 22 name, DF 23 address, DF 24 birth date, DF 25 sex }`.
        public static let attributes: UInt16 = 0x0002
        /// The card-info PIN; both EFs above are readable after it was verified.
        public static let pin: UInt16 = 0x0011
        /// `FF 30 { DF 31 digest of EF 0001, DF 32 digest of EF 0002, DF 33 signature }`: opened by the PIN,
        /// 照合番号A or B.
        public static let digests: UInt16 = 0x0003
        /// The applet's card-verifiable certificate (``CardVerifiableCertificateFormat``); readable by anyone.
        public static let certificate: UInt16 = 0x0004
        /// The 照合番号A key: opens the My Number EF (and the digests), not the attributes.
        public static let codeAKey: UInt16 = 0x0014
        /// The 照合番号B key: opens the attributes EF (and the digests), not the My Number.
        public static let codeBKey: UInt16 = 0x0015
    }

    /// The My Number EF's size as stored: the 15-byte TLV and two `FF` bytes of filler, which DF 31's digest covers.
    public static let myNumberFileSize = 17

    /// The BER-TLV tags of the two EFs (as the numbers `BERTLV.Tag` takes).
    public enum Tag {
        public static let myNumber: UInt32 = 0xFF10
        public static let attributes: UInt32 = 0xFF20
        /// Four 16-bit big-endian offsets of the DF 22 ... DF 25 TLVs, counted from the first byte of the FF 20 value.
        public static let attributesHeader: UInt32 = 0xDF21
        public static let name: UInt32 = 0xDF22
        public static let address: UInt32 = 0xDF23
        /// `YYYYMMDD`.
        public static let birthDate: UInt32 = 0xDF24
        /// An ISO 5218 code (``Sex``).
        public static let sex: UInt32 = 0xDF25
        /// EF 0003.
        public static let digests: UInt32 = 0xFF30
        /// SHA-256 of the My Number EF as stored (``CardInfoApplet/myNumberFileSize`` bytes, filler included).
        public static let myNumberDigest: UInt32 = 0xDF31
        /// SHA-256 of the attributes EF from the first byte of DF 22 to the end of the FF 20 value (the offset table
        /// DF 21 is not covered).
        public static let attributesDigest: UInt32 = 0xDF32
        /// The signature over the DF 31 and DF 32 TLVs (SHA-256, PKCS#1 v1.5).
        public static let digestsSignature: UInt32 = 0xDF33
    }
}
