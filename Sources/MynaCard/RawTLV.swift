//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// A data object exactly as the card stores it: signatures cover these bytes (length fields included, in whatever
/// form the card wrote them), so they are kept as read rather than re-encoded.
struct RawTLV {
    let tag: BERTLV.Tag
    /// The whole object: tag, length, value.
    let bytes: ArraySlice<UInt8>
    let value: ArraySlice<UInt8>

    /// The constructed object with `tag` at the start of `file` (filler after it is ignored) and its children.
    ///
    /// - Throws: ``MynaCardError`` `.malformedData` naming `name` when the object or a child does not parse or runs
    ///   past its parent.
    static func parse(_ file: [UInt8], tag expected: UInt32, name: String) throws -> (object: RawTLV, children: [RawTLV]) {
        let object = try single(file, tag: expected, name: name)
        var children: [RawTLV] = []
        var rest = object.value
        while !rest.isEmpty {
            let child = try Self.object(at: rest, name: name)
            children.append(child)
            rest = rest[child.bytes.endIndex...]
        }
        return (object, children)
    }

    /// The object with `tag` at the start of `file`, its value not looked into.
    static func single(_ file: [UInt8], tag expected: UInt32, name: String) throws -> RawTLV {
        let object = try object(at: file[...], name: name)
        guard object.tag == BERTLV.Tag(expected) else {
            throw MynaCardError(.malformedData, "\(name) starts with tag \(object.tag), not \(BERTLV.Tag(expected))")
        }
        return object
    }

    private static func object(at bytes: ArraySlice<UInt8>, name: String) throws -> RawTLV {
        let header: BERTLV.Header?
        do {
            header = try BERTLV.header(of: bytes)
        } catch let error as CardError {
            throw MynaCardError(.malformedData, "\(name) is not valid BER-TLV: \(error.reason)")
        }
        guard let header, header.totalLength <= bytes.count else {
            throw MynaCardError(.malformedData, "\(name) ends inside a data object")
        }
        let start = bytes.startIndex
        return RawTLV(
            tag: header.tag, bytes: bytes[start..<start + header.totalLength],
            value: bytes[start + header.headerLength..<start + header.totalLength])
    }
}

extension Array where Element == RawTLV {
    /// The value of the first child with `tag`, or a ``MynaCardError`` `.malformedData` naming what is missing.
    func value(_ tag: UInt32, _ what: String, in name: String) throws -> [UInt8] {
        try object(tag, what, in: name).value.map { $0 }
    }

    /// The first child with `tag`.
    func object(_ tag: UInt32, _ what: String, in name: String) throws -> RawTLV {
        guard let found = first(where: { $0.tag == BERTLV.Tag(tag) }) else {
            throw MynaCardError(.malformedData, "\(name) has no \(what) (\(BERTLV.Tag(tag)))")
        }
        return found
    }

    /// The stored bytes of the children with `tags`, concatenated in that order.
    func bytes(of tags: [UInt32], in name: String) throws -> [UInt8] {
        try tags.flatMap { tag in try object(tag, "object", in: name).bytes }
    }
}
