//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target (a): the BER-TLV reader. Input: any bytes, read as card data (a file's content, a response).

import FuzzSupport
import SmartCard

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    BERTLVTarget.run(fuzzBytes(data, size))
    return 0
}

enum BERTLVTarget {
    static func run(_ bytes: [UInt8]) {
        // header(of:) on the input and on suffixes of it (slices that do not start at index 0).
        for drop in 0..<min(bytes.count, 4) {
            let slice = bytes.dropFirst(drop)
            guard let header = try? BERTLV.header(of: slice) else { continue }
            fuzzCheck((1...4).contains(header.tag.bytes.count), "tag of \(header.tag.bytes.count) bytes")
            fuzzCheck(header.headerLength >= 2 && header.headerLength <= min(slice.count, 9), "header length")
            fuzzCheck(header.valueLength >= 0 && header.valueLength <= Int(UInt32.max), "value length")
            fuzzCheck(Array(slice.prefix(header.tag.bytes.count)) == header.tag.bytes, "tag bytes")
            let number = header.tag.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            fuzzCheck(BERTLV.Tag(number) == header.tag, "Tag(\(number)) differs from \(header.tag)")
        }

        if let object = try? BERTLV(decoding: bytes) {
            // The shortest-form re-encoding is never longer and decodes to the same object.
            let encoded = object.bytes
            fuzzCheck(encoded == BERTLV.encode(tag: object.tag, value: object.value), "bytes is not the encoder")
            fuzzCheck(encoded.count <= bytes.count, "re-encoding grew from \(bytes.count) to \(encoded.count)")
            // The length field alone reads back as the same length.
            let field = BERTLV.encodeLength(object.value.count)
            let header = try? BERTLV.header(of: object.tag.bytes + field)
            fuzzCheck(
                header?.valueLength == object.value.count && header?.headerLength == object.tag.bytes.count + field.count,
                "length field \(Hex.encode(field)) does not read back as \(object.value.count)")
            fuzzCheck((try? BERTLV(decoding: encoded)) == object, "re-encoding does not decode to the same object")
            walk(object, depth: 0)
        }
        if let prefix = try? BERTLV.decodePrefix(bytes) {
            fuzzCheck(prefix.value.count < bytes.count, "prefix value longer than the input")
            walk(prefix, depth: 0)
        }
        if let sequence = try? BERTLV.decodeSequence(bytes) {
            let total = sequence.reduce(0) { $0 + $1.bytes.count }
            fuzzCheck(total <= bytes.count, "sequence re-encodes to \(total) bytes from \(bytes.count)")
            for object in sequence { walk(object, depth: 0) }
        }
    }

    /// Descends through constructed objects the way a card-data parser does.
    static func walk(_ object: BERTLV, depth: Int) {
        guard object.tag.isConstructed, depth <= BERTLV.maximumDepth else { return }
        guard let children = try? object.children() else { return }
        if let first = children.first {
            fuzzCheck((try? object.child(first.tag)) == first, "child(_:) disagrees with children()")
        }
        for child in children { walk(child, depth: depth + 1) }
    }
}

FuzzDriver.main(name: "FuzzBERTLV") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}
