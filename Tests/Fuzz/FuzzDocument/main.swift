//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target: MynaDocument's readers of untrusted documents, as a back end meets them. Input: any bytes, read as a
// PDF (cross-reference tables and streams, object streams, FlateDecode, signature dictionaries, byte ranges) and as
// a CMS SignedData (DER, BER or PEM). Nothing may crash or hang; a PDF the signer accepts must come back out of
// the verifier with the new signature in it.

import FoundationEssentials
import FuzzSupport
import MynaDocument

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    DocumentTarget.run(fuzzBytes(data, size))
    return 0
}

enum DocumentTarget {
    /// The signing root of the test PKI (the same certificate FuzzVerify uses), DER, base64.
    static let signRootBase64 = """
        MIID5zCCAs+gAwIBAgIID8yz3G4DPPowDQYJKoZIhvcNAQELBQAwgYAxCzAJBgNVBAYTAkpQMQ0wCwYDVQQKDARKUEtJMSMwIQYD
        VQQLDBpKUEtJIGZvciBkaWdpdGFsIHNpZ25hdHVyZTE9MDsGA1UECww0SmFwYW4gQWdlbmN5IGZvciBMb2NhbCBBdXRob3JpdHkg
        SW5mb3JtYXRpb24gU3lzdGVtczAeFw0yNjExMjUxODEwMzNaFw0zNjExMjMxODEwMzNaMIGAMQswCQYDVQQGEwJKUDENMAsGA1UE
        CgwESlBLSTEjMCEGA1UECwwaSlBLSSBmb3IgZGlnaXRhbCBzaWduYXR1cmUxPTA7BgNVBAsMNEphcGFuIEFnZW5jeSBmb3IgTG9j
        YWwgQXV0aG9yaXR5IEluZm9ybWF0aW9uIFN5c3RlbXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDDClnD4nRju5Uf
        npBKOsfpjQMjWIFp11Pw1l67T9Uzf9nGRqR0JZTMEzXnndGF3uD5ChB5ibcrxq01zi9PQ4EW3xZzyJ1qiUUJ7wjinHFfQtAQfJQO
        FYqSPwXN6C9xJuRcvPYNGwCrpEj/IaCxvM9cs16FKCjueM/ZFQ/38MzMlUW18l/qN8zPKKo44gNKXpHfbBPliGN0la0ElI4ZER79
        3ezZjItBQ//RmWEM7oVdyBn0xuzEmV9ZUH98c6NzBrrFWywhM915N2lIf9iBj3zZJPExmbJQJKgrS0voJ18L/UUVMvoI8NJ9D2TB
        boxjp59y4/usSeT0rKpjjYvLLgbXAgMBAAGjYzBhMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBQj
        r2dbEv1pnG6wwsdSu0dsowzxHzAfBgNVHSMEGDAWgBQjr2dbEv1pnG6wwsdSu0dsowzxHzANBgkqhkiG9w0BAQsFAAOCAQEApU74
        twdid8Ve3KrKTmZbiWjadY84+GVL3C3WPKGGXlaxMpbmlSPBqSbdVDsrI5DpkknjQemkDbHsaKKDDvqAw95nRTlKvAgQS8PWcgH6
        wLUp1hrpcfNqfozE4E1+aMZ+ar9pMmk1dZ6H1l4hGqTmXGjRLDpWeMA31l5sRB7MB1tQOLj4Q+9ILOFSg0yjy2gTwS8RJv0AqCpa
        2TDgtbh4//kRCvzyKNm+akxeZLOIsH3RCdnlzUkuMcG9dAp5umOTVdEor8mt4FDPRS71IkEglFwxwoVSS8Gq0YpDVbTtZn4FWRhK
        13GbgYVwFVsBo52YTjJWib+vk7qeTo32jsmpcw==
        """

    static let verifier: DocumentVerifier = {
        let root = try! Certificate(derEncoded: [UInt8](Data(base64Encoded: signRootBase64, options: .ignoreUnknownCharacters)!))
        return DocumentVerifier(trustStore: try! TrustStore(anchors: [root]))
    }()

    static func run(_ bytes: [UInt8]) {
        _ = try? verifier.verifyPDF(bytes)
        if let der = try? SignedDataFile.der(bytes) {
            _ = try? verifier.verifyCMS(der, content: bytes)
        }
        guard let prepared = try? PDFSignaturePreparation(pdf: bytes, options: PDFSignatureOptions(contentsCapacity: 64))
        else { return }
        fuzzCheck(prepared.byteRange[0] == 0 && prepared.byteRange[1] >= bytes.count, "the update overlaps the original")
        // A SignedData that is not one: the prepared file still reads, and lists the new (invalid) signature.
        guard let signed = try? prepared.signed(with: [0x30, 0x03, 0x02, 0x01, 0x01]) else {
            fuzzCheck(false, "a 5-byte SignedData does not fit 64 reserved bytes")
            return
        }
        fuzzCheck(Array(signed.prefix(bytes.count)) == bytes, "the original bytes changed")
        let signatures = (try? verifier.verifyPDF(signed)) ?? []
        fuzzCheck(
            signatures.contains { $0.fieldName.hasSuffix(prepared.fieldName) && $0.byteRange == prepared.byteRange },
            "the verifier does not find the signature the signer wrote")
    }
}

FuzzDriver.main(name: "FuzzDocument") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}
