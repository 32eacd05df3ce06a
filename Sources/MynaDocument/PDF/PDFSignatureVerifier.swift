//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// One signature of a PDF and the verdict on it.
public struct PDFSignatureVerification: Sendable {
    /// The signature field's name (`/T`).
    public var fieldName: String
    /// `/SubFilter`: `adbe.pkcs7.detached`, `ETSI.CAdES.detached`, …
    public var subFilter: String
    /// `/ByteRange`.
    public var byteRange: [Int]
    /// Whether the byte range reaches the end of the file: nothing was added after this signature.
    public var coversWholeFile: Bool
    /// How many bytes follow the signed range (a later revision, such as another signature).
    public var bytesAppendedAfter: Int
    /// `/Reason`, `/Location`, `/Name` and `/M` as the signature dictionary gives them (not signed in themselves,
    /// but inside the signed range).
    public var reason: String?
    public var location: String?
    public var name: String?
    public var signingTimeText: String?
    /// `/M` as a time, when it is a valid PDF date (section 7.9.4).
    public var signingTime: Date? { signingTimeText.flatMap(PDFSignatureVerifier.date(fromPDFDate:)) }
    /// The CMS verdict: signature, message digest over the byte ranges, signer certificate, identity.
    public var cms: CMSVerification

    public var isValid: Bool { cms.isValid }
}

/// Finds every signature field of a PDF and verifies it.
enum PDFSignatureVerifier {
    static func verify(
        _ bytes: [UInt8], verifier: CertificateVerifier, at time: Date, crls: [RevocationList]
    ) throws -> [PDFSignatureVerification] {
        var file = try PDFFile(bytes)
        guard let catalog = try file.resolve(file.trailer["Root"])?.dictionary else {
            throw PDFLexer.error("the catalog (/Root) is not a dictionary")
        }
        let fields = try file.resolve(try file.resolve(catalog["AcroForm"])?.dictionary?["Fields"])?.array ?? []
        // A signature whose dictionary cannot be read is reported as such; the others are still verified.
        var signatures: [(name: String, dictionary: Result<PDFDictionary, MynaVerifyError>)] = []
        var visited: Set<PDFReference> = []
        func walk(_ field: PDFObject, parentName: String?, inheritedType: String?, depth: Int) throws {
            guard depth < 32 else { return }
            if let reference = field.reference, !visited.insert(reference).inserted { return }
            guard let dictionary = try file.resolve(field)?.dictionary else { return }
            let partial = dictionary["T"]?.string.map(PDFObject.text(of:))
            let name = [parentName, partial].compactMap { $0 }.joined(separator: ".")
            let type = dictionary["FT"]?.name ?? inheritedType
            if type == "Sig", dictionary["V"] != nil {
                do {
                    if let value = try file.resolve(dictionary["V"])?.dictionary { signatures.append((name, .success(value))) }
                } catch let error as MynaVerifyError {
                    signatures.append((name, .failure(error)))
                }
            }
            for kid in try file.resolve(dictionary["Kids"])?.array ?? [] {
                try walk(kid, parentName: name.isEmpty ? nil : name, inheritedType: type, depth: depth + 1)
            }
        }
        for field in fields { try walk(field, parentName: nil, inheritedType: nil, depth: 0) }

        return signatures.map { signature in
            do {
                return try verifySignature(
                    name: signature.name, signature.dictionary.get(), bytes: bytes, verifier: verifier, at: time,
                    crls: crls)
            } catch {
                let reason = (error as? MynaVerifyError)?.reason ?? String(describing: error)
                return PDFSignatureVerification(
                    fieldName: signature.name, subFilter: "", byteRange: [], coversWholeFile: false,
                    bytesAppendedAfter: 0, cms: CMSVerification(failures: [.malformed(reason)], isDetached: true))
            }
        }
    }

    private static func verifySignature(
        name: String, _ dictionary: PDFDictionary, bytes: [UInt8], verifier: CertificateVerifier, at time: Date,
        crls: [RevocationList]
    ) throws -> PDFSignatureVerification {
        let subFilter = dictionary["SubFilter"]?.name ?? ""
        let range = dictionary["ByteRange"]?.array?.compactMap(\.integer) ?? []
        var report = PDFSignatureVerification(
            fieldName: name, subFilter: subFilter, byteRange: range, coversWholeFile: false, bytesAppendedAfter: 0,
            reason: dictionary["Reason"]?.string.map(PDFObject.text(of:)),
            location: dictionary["Location"]?.string.map(PDFObject.text(of:)),
            name: dictionary["Name"]?.string.map(PDFObject.text(of:)),
            signingTimeText: dictionary["M"]?.string.map(PDFObject.text(of:)),
            cms: CMSVerification(failures: [], isDetached: true))
        guard PDFSignatureOptions.SubFilter(rawValue: subFilter) != nil else {
            report.cms.failures.append(.malformed("the signature's /SubFilter \(subFilter) is not one this verifier reads"))
            return report
        }
        if let problem = byteRangeProblem(range, bytes: bytes) {
            report.cms.failures.append(.invalidByteRange(problem))
            return report
        }
        let end = range[2] + range[3]
        report.coversWholeFile = end == bytes.count
        report.bytesAppendedAfter = bytes.count - end

        // /Contents as the dictionary says it, and as the hole in the file holds it: they must be the same.
        var hole = PDFLexer(bytes, at: range[1])
        guard case .string(let holeBytes) = try hole.readObject(), hole.position == range[2],
            let contents = dictionary["Contents"]?.string, contents == holeBytes
        else {
            report.cms.failures.append(.invalidByteRange("the hole is not this signature's /Contents"))
            return report
        }
        do {
            // The SignedData (DER, or BER from signers such as NSS) is followed by the zero padding of the hole.
            report.cms = try CMSVerifier.verify(
                contents, zeroPadded: true,
                detachedDigest: { hash in
                    let digest = try StreamingDigest(hash)
                    try digest.update(bytes[range[0]..<(range[0] + range[1])])
                    try digest.update(bytes[range[2]..<(range[2] + range[3])])
                    return try digest.finish()
                }, verifier: verifier, at: time, crls: crls)
            if !report.cms.isDetached {
                report.cms.failures.append(.malformed("a PDF signature's SignedData must be detached"))
            }
        } catch let error as MynaVerifyError {
            report.cms.failures.append(.malformed(error.reason))
        }
        return report
    }

    /// A PDF date, `D:YYYYMMDDHHmmSSOHH'mm` with everything after the year optional and `O` one of `Z`, `+`, `-`.
    static func date(fromPDFDate text: String) -> Date? {
        var characters = Array(text.utf8)
        if characters.starts(with: Array("D:".utf8)) { characters.removeFirst(2) }
        var index = 0
        func number(_ count: Int, default value: Int) -> Int? {
            guard index + count <= characters.count, characters[index..<(index + count)].allSatisfy({ (0x30...0x39).contains($0) })
            else { return index >= characters.count ? value : nil }
            defer { index += count }
            return characters[index..<(index + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard let year = number(4, default: -1), year >= 0, let month = number(2, default: 1),
            let day = number(2, default: 1), let hour = number(2, default: 0), let minute = number(2, default: 0),
            let second = number(2, default: 0)
        else { return nil }
        var offset = 0
        if index < characters.count {
            let sign = characters[index]
            index += 1
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                let hours = number(2, default: 0) ?? 0
                if index < characters.count, characters[index] == UInt8(ascii: "'") { index += 1 }
                let minutes = number(2, default: 0) ?? 0
                offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else if sign != UInt8(ascii: "Z") {
                return nil
            }
        }
        return CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date
            .map { $0.addingTimeInterval(TimeInterval(-offset)) }
    }

    /// Why `range` is not a two-part byte range around a hex string hole inside the file, or `nil`.
    private static func byteRangeProblem(_ range: [Int], bytes: [UInt8]) -> String? {
        guard range.count == 4 else { return "/ByteRange has \(range.count) numbers; two ranges (four numbers) are read" }
        guard range.allSatisfy({ $0 >= 0 }) else { return "/ByteRange has a negative number" }
        guard range[0] == 0 else { return "the first range starts at \(range[0]), not at the start of the file" }
        guard range[1] < range[2], range[2] <= bytes.count, range[3] <= bytes.count - range[2] else {
            return "the ranges overlap or run past the end of the file (\(bytes.count) bytes)"
        }
        guard range[2] - range[1] >= 2, bytes[range[1]] == UInt8(ascii: "<"), bytes[range[2] - 1] == UInt8(ascii: ">")
        else { return "the hole between the ranges is not a hex string" }
        return nil
    }
}
