//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials
import OpenSSLSupport

/// How a PDF signature is written.
public struct PDFSignatureOptions: Sendable {
    /// The signature's `/SubFilter`.
    public enum SubFilter: String, Sendable, CaseIterable {
        /// `adbe.pkcs7.detached`: CMS with content-type, signing-time and message-digest.
        case pkcs7Detached = "adbe.pkcs7.detached"
        /// `ETSI.CAdES.detached` (PAdES baseline B): CMS with signing-certificate-v2 and without signing-time.
        case cadesDetached = "ETSI.CAdES.detached"

        /// The signed attributes this kind of signature carries.
        public var attributes: CMSSignatureRequest.Attributes { self == .pkcs7Detached ? .pkcs9 : .cades }
    }

    public var subFilter: SubFilter
    /// `/Reason`, such as 申請 or "Application to the Legal Affairs Bureau".
    public var reason: String?
    /// `/Location`.
    public var location: String?
    /// `/Name`: the signer's name as the document shows it (readers take the name from the certificate).
    public var name: String?
    /// The signature field's name; `Signature1`, `Signature2`, … (the first that is free) when `nil`.
    public var fieldName: String?
    /// `/M` and, for `adbe.pkcs7.detached`, the signing-time attribute.
    public var signingTime: Date
    /// The bytes reserved for the SignedData in `/Contents` (written as twice as many hex digits).
    public var contentsCapacity: Int

    /// Room for the SignedData of an RSA-2048 signature with the signer's certificate and its CA certificate, with
    /// a wide margin.
    public static let defaultContentsCapacity = 16_384

    public init(
        subFilter: SubFilter = .pkcs7Detached, reason: String? = nil, location: String? = nil, name: String? = nil,
        fieldName: String? = nil, signingTime: Date = Date(), contentsCapacity: Int = defaultContentsCapacity
    ) {
        self.subFilter = subFilter
        self.reason = reason
        self.location = location
        self.name = name
        self.fieldName = fieldName
        self.signingTime = Date(timeIntervalSince1970: signingTime.timeIntervalSince1970.rounded(.down))
        self.contentsCapacity = contentsCapacity
    }
}

/// A PDF with a signature prepared by incremental update, waiting for its SignedData.
///
/// ```swift
/// let prepared = try PDFSignaturePreparation(pdf: bytes, options: PDFSignatureOptions(reason: "申請"))
/// let request = try CMSSignatureRequest(contentDigest: try prepared.contentDigest(.sha256), hash: .sha256,
///                                       signingTime: prepared.options.signingTime)
/// // … the card signs request.digestToSign …
/// let signedPDF = try prepared.signed(with: try request.signedData(signature: signature, certificate: certificate))
/// ```
///
/// The update appends: the signature dictionary (`/ByteRange` over everything but the `/Contents` hole), an
/// invisible signature field merged with its widget (`/Rect [0 0 0 0]`) on the first page, the catalog's
/// `/AcroForm` with the field added and `/SigFlags 3`, the page's `/Annots`, and a cross-reference section of the
/// file's own kind. The original bytes are the first bytes of the result, so earlier signatures stay valid.
public struct PDFSignaturePreparation: Sendable {
    public let options: PDFSignatureOptions
    /// The name of the new signature field.
    public let fieldName: String
    /// The size of the original file: the prepared file starts with exactly those bytes.
    public let originalByteCount: Int
    /// `[0, a, b, c]`: the two ranges the signature covers, around the `/Contents` hole.
    public let byteRange: [Int]
    private var bytes: [UInt8]

    /// Parses `pdf` and writes the update with an empty `/Contents`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedPDF`` for a PDF that cannot be read (no cross-reference section,
    ///   no catalog or page), ``MynaVerifyError/Code/unsupportedDocument`` for an encrypted PDF or a field name
    ///   that is taken.
    public init(pdf: [UInt8], options: PDFSignatureOptions = PDFSignatureOptions()) throws {
        self.options = options
        var file = try PDFFile(pdf)
        guard file.trailer["Encrypt"] == nil else {
            throw MynaVerifyError(
                code: .unsupportedDocument, reason: "the PDF is encrypted; decrypt it before signing (qpdf --decrypt)")
        }
        guard let rootReference = file.trailer["Root"]?.reference,
            case .dictionary(var catalog)? = try file.resolve(.reference(rootReference))
        else { throw PDFLexer.error("the catalog (/Root) is not a dictionary") }
        let (pageReference, page) = try Self.firstPage(of: catalog, in: &file)

        // The form: the catalog's own dictionary or an indirect one, and its field list.
        var acroFormReference = catalog["AcroForm"]?.reference
        let existingForm = try file.resolve(catalog["AcroForm"])?.dictionary
        var acroForm = existingForm ?? PDFDictionary()
        if existingForm == nil { acroFormReference = nil }
        let fieldsReference = acroForm["Fields"]?.reference
        var fields = try file.resolve(acroForm["Fields"])?.array ?? []
        var taken: Set<String> = []
        for field in fields {
            if let title = try file.resolve(field)?.dictionary?["T"]?.string { taken.insert(PDFObject.text(of: title)) }
        }
        let name = options.fieldName ?? (1...).lazy.map { "Signature\($0)" }.first { !taken.contains($0) }!
        guard !taken.contains(name) else {
            throw MynaVerifyError(code: .unsupportedDocument, reason: "the PDF already has a field named \(name)")
        }
        fieldName = name
        originalByteCount = pdf.count

        let size = file.size
        let fieldReference = PDFReference(number: size, generation: 0)
        let signatureReference = PDFReference(number: size + 1, generation: 0)
        var update = PDFIncrementalUpdate(original: pdf)

        // The signature dictionary, with fixed-width placeholders for /ByteRange and /Contents.
        var head = PDFDictionary()
        head["Type"] = .name("Sig")
        head["Filter"] = .name("Adobe.PPKLite")
        head["SubFilter"] = .name(options.subFilter.rawValue)
        head["M"] = .string(Array(Self.pdfDate(options.signingTime).utf8))
        if let reason = options.reason { head["Reason"] = PDFObject.textString(reason) }
        if let location = options.location { head["Location"] = PDFObject.textString(location) }
        if let signer = options.name { head["Name"] = PDFObject.textString(signer) }
        var body = PDFObject.dictionary(head).serialized()
        body.removeLast(2)  // reopen the dictionary: ">>"
        body += Array("/ByteRange ".utf8)
        let byteRangeStart = body.count
        body += Array(Self.byteRangePlaceholder.utf8)
        body += Array(" /Contents ".utf8)
        let holeOffset = body.count
        let zeros = [UInt8](repeating: UInt8(ascii: "0"), count: 2 * options.contentsCapacity)
        body.append(UInt8(ascii: "<"))
        body += zeros
        body += Array(">>>".utf8)
        let signatureBodyStart = update.append(signatureReference, body: body)

        // The field, merged with its invisible widget on the first page.
        var field = PDFDictionary()
        field["Type"] = .name("Annot")
        field["Subtype"] = .name("Widget")
        field["FT"] = .name("Sig")
        field["T"] = PDFObject.textString(name)
        field["V"] = .reference(signatureReference)
        field["F"] = .integer(132)  // Print + Locked
        field["Rect"] = .array([.integer(0), .integer(0), .integer(0), .integer(0)])
        field["P"] = .reference(pageReference)
        update.append(fieldReference, object: .dictionary(field))

        // The page's annotations and the form's fields gain the new field.
        var newPage = page
        if let annotsReference = page["Annots"]?.reference, let annots = try file.object(annotsReference).array {
            update.append(annotsReference, object: .array(annots + [.reference(fieldReference)]))
        } else {
            newPage["Annots"] = .array((try file.resolve(page["Annots"])?.array ?? []) + [.reference(fieldReference)])
            update.append(pageReference, object: .dictionary(newPage))
        }
        fields.append(.reference(fieldReference))
        if let fieldsReference {
            update.append(fieldsReference, object: .array(fields))
        } else {
            acroForm["Fields"] = .array(fields)
        }
        acroForm["SigFlags"] = .integer((acroForm["SigFlags"]?.integer ?? 0) | 3)
        if let acroFormReference {
            update.append(acroFormReference, object: .dictionary(acroForm))
        } else {
            catalog["AcroForm"] = .dictionary(acroForm)
            update.append(rootReference, object: .dictionary(catalog))
        }
        update.finish(file: file, size: size + 2, newID: OpenSSLRandom.bytes(count: 16) ?? Array(repeating: 0, count: 16))

        var bytes = update.bytes
        let holeStart = signatureBodyStart + holeOffset
        let holeEnd = holeStart + 2 * options.contentsCapacity + 2
        byteRange = [0, holeStart, holeEnd, bytes.count - holeEnd]
        var rangeText = Array("[\(byteRange.map(String.init).joined(separator: " "))".utf8)
        let width = Self.byteRangePlaceholder.utf8.count
        guard rangeText.count < width else { throw PDFLexer.error("the file is too large to sign") }
        rangeText += [UInt8](repeating: UInt8(ascii: " "), count: width - 1 - rangeText.count) + [UInt8(ascii: "]")]
        let at = signatureBodyStart + byteRangeStart
        bytes.replaceSubrange(at..<(at + width), with: rangeText)
        self.bytes = bytes
    }

    /// Wide enough for four offsets of up to 12 digits: files up to a terabyte.
    private static let byteRangePlaceholder = "[0 000000000000 000000000000 000000000000]"

    /// The digest of the two byte ranges: what the SignedData's message-digest attribute holds.
    public func contentDigest(_ hash: HashAlgorithm) throws -> [UInt8] {
        let digest = try StreamingDigest(hash)
        try digest.update(bytes[byteRange[0]..<(byteRange[0] + byteRange[1])])
        try digest.update(bytes[byteRange[2]..<(byteRange[2] + byteRange[3])])
        return try digest.finish()
    }

    /// The signed PDF: the SignedData written into the `/Contents` hole, zero-padded.
    ///
    /// - Throws: ``MynaVerifyError/Code/signatureTooLarge`` when it does not fit ``PDFSignatureOptions/contentsCapacity``.
    public func signed(with signedData: [UInt8]) throws -> [UInt8] {
        guard signedData.count <= options.contentsCapacity else {
            throw MynaVerifyError(
                code: .signatureTooLarge,
                reason: "the SignedData has \(signedData.count) bytes; \(options.contentsCapacity) were reserved")
        }
        var output = bytes
        let hex = PDFObject.hexString(signedData).dropFirst().dropLast()
        let start = byteRange[1] + 1
        output.replaceSubrange(start..<(start + hex.count), with: hex)
        return output
    }

    /// The first page in document order (depth first through `/Kids`), and its reference.
    private static func firstPage(of catalog: PDFDictionary, in file: inout PDFFile) throws
        -> (PDFReference, PDFDictionary)
    {
        var current = catalog["Pages"]?.reference
        var visited: Set<PDFReference> = []
        while let reference = current, visited.insert(reference).inserted {
            guard let node = try file.object(reference).dictionary else { break }
            guard let kids = try file.resolve(node["Kids"])?.array, let first = kids.first else {
                if node["Type"]?.name == "Page" || node["Kids"] == nil { return (reference, node) }
                break
            }
            current = first.reference
        }
        throw PDFLexer.error("the document has no page to put the signature field on")
    }

    /// `D:YYYYMMDDHHmmSS+00'00'` (section 7.9.4), in UTC.
    static func pdfDate(_ date: Date) -> String {
        let time = CivilTime(date)
        return "D:" + CivilTime.digits(time.year, 4)
            + [time.month, time.day, time.hour, time.minute, time.second].map { CivilTime.digits($0, 2) }.joined()
            + "+00'00'"
    }
}
