//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A PDF file as its cross-reference sections describe it: where each object is, the newest trailer, and how the
/// last section was written (table or stream), which an incremental update must continue.
///
/// Reads classic tables (section 7.5.4), cross-reference streams (7.5.8), hybrid files (`/XRefStm`), object streams
/// (7.5.7) and follows `/Prev` to the first revision. Objects are checked to be where the file says (`n g obj`).
struct PDFFile {
    /// Where an object lives.
    enum Location: Equatable {
        case offset(Int, generation: Int)
        /// In the object stream `stream`, at position `index`.
        case compressed(stream: Int, index: Int)
        case free
    }

    let bytes: [UInt8]
    /// The newest location of each object number.
    private(set) var locations: [Int: Location] = [:]
    /// The newest trailer (for a cross-reference stream, its dictionary).
    private(set) var trailer = PDFDictionary()
    /// The offset the last `startxref` names.
    private(set) var lastCrossReferenceOffset = 0
    /// Whether the newest section is a cross-reference stream.
    private(set) var usesCrossReferenceStreams = false
    /// Decoded object streams, by object number.
    private var objectStreams: [Int: (bytes: [UInt8], offsets: [(number: Int, offset: Int)])] = [:]

    /// Parses the cross-reference chain of `bytes`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedPDF`` when there is no `startxref`, a section does not decode, or
    ///   `/Prev` loops.
    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        guard bytes.starts(with: Array("%PDF-".utf8)) || bytes.prefix(1024).firstRange(of: Array("%PDF-".utf8)) != nil
        else { throw PDFLexer.error("no %PDF- header: not a PDF file") }
        lastCrossReferenceOffset = try Self.startXRef(bytes)
        var offset: Int? = lastCrossReferenceOffset
        var visited: Set<Int> = []
        var first = true
        while let current = offset {
            guard visited.insert(current).inserted, visited.count < 10_000 else {
                throw PDFLexer.error("the cross-reference sections loop (/Prev)")
            }
            let (section, isStream) = try readSection(at: current)
            if first {
                trailer = section
                usesCrossReferenceStreams = isStream
                first = false
            }
            if !isStream, let hybrid = section["XRefStm"]?.integer, visited.insert(hybrid).inserted {
                _ = try readSection(at: hybrid)
            }
            offset = section["Prev"]?.integer
        }
        guard trailer["Root"]?.reference != nil else { throw PDFLexer.error("the trailer has no /Root") }
    }

    /// The offset after the last `startxref` keyword.
    private static func startXRef(_ bytes: [UInt8]) throws -> Int {
        let tail = bytes.suffix(4096)
        guard let range = tail.ranges(of: Array("startxref".utf8)).last else {
            throw PDFLexer.error("no startxref: the file is truncated or not a PDF")
        }
        var lexer = PDFLexer(bytes, at: range.upperBound)
        let offset = try lexer.readUnsigned()
        guard offset < bytes.count else { throw PDFLexer.error("startxref points past the end of the file") }
        return offset
    }

    /// Reads the section at `offset`, recording object locations not already known (newer sections come first).
    private mutating func readSection(at offset: Int) throws -> (PDFDictionary, Bool) {
        guard offset >= 0, offset < bytes.count else { throw PDFLexer.error("a cross-reference offset past the end") }
        var lexer = PDFLexer(bytes, at: offset)
        if lexer.accept("xref") {
            return (try readTable(&lexer), false)
        }
        let (_, object) = try readIndirectObject(at: offset, expected: nil)
        guard case .stream(let dictionary, let range) = object, dictionary["Type"]?.name == "XRef" else {
            throw PDFLexer.error("no cross-reference section at byte \(offset)")
        }
        try readStreamEntries(dictionary, data: decode(dictionary, Array(bytes[range])))
        return (dictionary, true)
    }

    private mutating func readTable(_ lexer: inout PDFLexer) throws -> PDFDictionary {
        while !lexer.accept("trailer") {
            let start = try lexer.readUnsigned()
            let count = try lexer.readUnsigned()
            guard count < 10_000_000 else { throw PDFLexer.error("a cross-reference subsection is too long") }
            for number in start..<(start + count) {
                let field = try lexer.readUnsigned()
                let generation = try lexer.readUnsigned()
                lexer.skipWhitespace()
                let kind = lexer.peekToken()
                guard kind.count == 1 else { throw PDFLexer.error("a cross-reference entry without n or f") }
                lexer.position += 1
                if locations[number] == nil {
                    locations[number] = kind.first == UInt8(ascii: "n") ? .offset(field, generation: generation) : .free
                }
            }
        }
        lexer.skipWhitespace()
        guard case .dictionary(let trailer) = try lexer.readObject() else {
            throw PDFLexer.error("the trailer is not a dictionary")
        }
        return trailer
    }

    private mutating func readStreamEntries(_ dictionary: PDFDictionary, data: [UInt8]) throws {
        guard let widths = dictionary["W"]?.array?.compactMap(\.integer), widths.count == 3,
            widths.allSatisfy({ (0...8).contains($0) }), let size = dictionary["Size"]?.integer
        else { throw PDFLexer.error("a cross-reference stream without a valid /W or /Size") }
        let index = dictionary["Index"]?.array?.compactMap(\.integer) ?? [0, size]
        guard index.count % 2 == 0 else { throw PDFLexer.error("a cross-reference stream with an odd /Index") }
        let entryLength = widths.reduce(0, +)
        var position = 0
        func field(_ width: Int, default value: Int) -> Int {
            guard width > 0 else { return value }
            defer { position += width }
            return data[position..<(position + width)].reduce(0) { $0 << 8 | Int($1) }
        }
        for pair in stride(from: 0, to: index.count, by: 2) {
            for number in index[pair]..<(index[pair] + index[pair + 1]) {
                guard position + entryLength <= data.count else {
                    throw PDFLexer.error("a cross-reference stream shorter than its /Index")
                }
                let type = field(widths[0], default: 1)
                let second = field(widths[1], default: 0)
                let third = field(widths[2], default: 0)
                guard locations[number] == nil else { continue }
                switch type {
                case 0: locations[number] = .free
                case 1: locations[number] = .offset(second, generation: third)
                case 2: locations[number] = .compressed(stream: second, index: third)
                default: break  // reserved types are ignored (section 7.5.8.3)
                }
            }
        }
    }

    // MARK: - Objects

    /// The object `reference` names; `null` for a free or missing object (section 7.3.10).
    mutating func object(_ reference: PDFReference) throws -> PDFObject {
        switch locations[reference.number] {
        case .offset(let offset, let generation)?:
            guard generation == reference.generation else { return .null }
            return try readIndirectObject(at: offset, expected: reference).object
        case .compressed(let stream, let index)?:
            return try compressedObject(reference.number, stream: stream, index: index)
        case .free?, nil:
            return .null
        }
    }

    /// `value`, or the object it refers to.
    mutating func resolve(_ value: PDFObject?) throws -> PDFObject? {
        guard let value else { return nil }
        if case .reference(let reference) = value { return try object(reference) }
        return value
    }

    /// Reads `n g obj … endobj` at `offset`; a stream's data range is found from `/Length`.
    mutating func readIndirectObject(at offset: Int, expected: PDFReference?) throws -> (reference: PDFReference, object: PDFObject) {
        guard offset >= 0, offset < bytes.count else { throw PDFLexer.error("an object offset past the end") }
        var lexer = PDFLexer(bytes, at: offset)
        let number = try lexer.readUnsigned()
        let generation = try lexer.readUnsigned()
        try lexer.expect("obj")
        let reference = PDFReference(number: number, generation: generation)
        if let expected, expected != reference {
            throw PDFLexer.error("object \(expected.number) is not at byte \(offset) where the cross-reference says")
        }
        let value = try lexer.readObject()
        guard lexer.accept("stream"), case .dictionary(let dictionary) = value else { return (reference, value) }
        // The data starts after the end-of-line that follows the keyword (CRLF or LF).
        if lexer.position < bytes.count, bytes[lexer.position] == 0x0D { lexer.position += 1 }
        if lexer.position < bytes.count, bytes[lexer.position] == 0x0A { lexer.position += 1 }
        let start = lexer.position
        var length = dictionary["Length"]?.integer
        if length == nil, let lengthReference = dictionary["Length"]?.reference, lengthReference != reference {
            length = try object(lengthReference).integer
        }
        guard let length, length >= 0, start + length <= bytes.count else {
            throw PDFLexer.error("stream \(number) has no valid /Length")
        }
        return (reference, .stream(dictionary, start..<(start + length)))
    }

    private mutating func compressedObject(_ number: Int, stream: Int, index: Int) throws -> PDFObject {
        if objectStreams[stream] == nil {
            guard case .offset(let offset, let generation)? = locations[stream] else {
                throw PDFLexer.error("object stream \(stream) is not in the file")
            }
            let (_, object) = try readIndirectObject(at: offset, expected: PDFReference(number: stream, generation: generation))
            guard case .stream(let dictionary, let range) = object, dictionary["Type"]?.name == "ObjStm",
                let count = dictionary["N"]?.integer, let first = dictionary["First"]?.integer
            else { throw PDFLexer.error("object \(stream) is not an object stream") }
            let data = try decode(dictionary, Array(bytes[range]))
            var header = PDFLexer(data)
            var offsets: [(Int, Int)] = []
            for _ in 0..<count { offsets.append((try header.readUnsigned(), first + (try header.readUnsigned()))) }
            objectStreams[stream] = (data, offsets)
        }
        guard let decoded = objectStreams[stream], index < decoded.offsets.count,
            decoded.offsets[index].number == number, decoded.offsets[index].offset < decoded.bytes.count
        else { throw PDFLexer.error("object \(number) is not in object stream \(stream)") }
        var lexer = PDFLexer(decoded.bytes, at: decoded.offsets[index].offset)
        return try lexer.readObject()
    }

    /// A stream's data with its filters undone: none, or FlateDecode with an optional PNG predictor.
    func decode(_ dictionary: PDFDictionary, _ data: [UInt8]) throws -> [UInt8] {
        let filters: [String]
        switch dictionary["Filter"] {
        case nil: filters = []
        case .name(let name)?: filters = [name]
        case .array(let names)?: filters = names.compactMap(\.name)
        default: throw PDFLexer.error("a stream with an unreadable /Filter")
        }
        guard filters.allSatisfy({ $0 == "FlateDecode" }), filters.count <= 1 else {
            throw PDFLexer.error("a cross-reference or object stream with the filter \(filters); only FlateDecode is read")
        }
        guard !filters.isEmpty else { return data }
        var output = try Inflate.zlib(data[...])
        let parameters = dictionary["DecodeParms"]?.dictionary ?? dictionary["DecodeParms"]?.array?.first?.dictionary
        if let predictor = parameters?["Predictor"]?.integer, predictor >= 10 {
            output = try Inflate.unpredictPNG(
                output, columns: parameters?["Columns"]?.integer ?? 1, colors: parameters?["Colors"]?.integer ?? 1,
                bitsPerComponent: parameters?["BitsPerComponent"]?.integer ?? 8)
        } else if let predictor = parameters?["Predictor"]?.integer, predictor > 1 {
            throw PDFLexer.error("the TIFF predictor is not supported")
        }
        return output
    }

    /// The highest object number in use plus one (the trailer's `/Size`, or more if the file says otherwise).
    var size: Int { max(trailer["Size"]?.integer ?? 0, (locations.keys.max() ?? 0) + 1) }
}
