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
    static let verifier: DocumentVerifier = {
        // The signing root of the test PKI, as FuzzVerify uses it.
        let root = try! Certificate(derEncoded: FixedPKI.der(FixedPKI.signRoot))
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
