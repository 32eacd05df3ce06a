//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

extension MyNumberCard {
    /// Reads a BER-TLV EF of the selected applet to the exact length its header declares.
    ///
    /// On the short profile: SELECT EF (if needed), then READ BINARY of 256 bytes; the first answer reveals the
    /// length, so the rest follows in ceil(N/256) reads in all. On the extended profile the whole EF comes in one
    /// READ BINARY (by short EF identifier when the card has them). The end of a file may be answered with `62 82`
    /// and the bytes left, `6C xx` (handled by the channel) or `6B 00`; a file that ends before its TLV does is an
    /// error, never a short result.
    ///
    /// With `sensitive` set, traces and logs show only the length of the response data.
    func readTLVFile(_ fid: UInt16, name: String, expectedTags: Set<BERTLV.Tag>, sensitive: Bool = false) throws
        -> [UInt8]
    {
        let wasRedacting = channel.redactsResponseData
        channel.redactsResponseData = wasRedacting || sensitive
        defer { channel.redactsResponseData = wasRedacting }

        var data: [UInt8] = []
        var total: Int?
        var firstCommand: CommandAPDU?
        let chunk = profile.maximumReadLength
        if profile.usesShortEFIdentifiers, fid >= 1, fid <= 30 {
            logger.debug("reading \(name) by short EF identifier, up to \(chunk) bytes in one READ BINARY")
            firstCommand = try command { try .readBinary(shortEFIdentifier: UInt8(fid), expectedLength: chunk) }
        } else {
            try selectEF(fid, name: name)
        }
        while total.map({ data.count < $0 }) ?? true {
            let offset = data.count
            let wanted = min(chunk, total.map { $0 - offset } ?? chunk)
            let command: CommandAPDU
            if let first = firstCommand {
                command = first
                firstCommand = nil
            } else {
                guard offset <= CommandAPDU.maximumReadBinaryOffset else {
                    throw MynaCardError(.malformedData, "\(name) is longer than READ BINARY offsets can address")
                }
                command = try self.command { try .readBinary(offset: offset, expectedLength: wanted) }
            }
            let response = try transmit(command)
            let endOfFile: Bool
            switch response.statusWord {
            case .success: endOfFile = false
            case .endOfFileReached, .offsetOutsideEF: endOfFile = true
            case .securityStatusNotSatisfied:
                throw MynaCardError(
                    .securityStatusNotSatisfied, "the card requires a PIN before reading \(name)",
                    statusWord: response.statusWord)
            case .fileNotFound, .commandNotAllowedNoCurrentEF:
                throw MynaCardError(.fileNotFound, "the card cannot read \(name)", statusWord: response.statusWord)
            default:
                throw unexpected(response.statusWord, "READ BINARY of \(name)")
            }
            if command.shortEFIdentifier != nil { noteSelected(ef: fid) }
            guard response.data.count <= (command.expectedLength ?? 0) else {
                throw MynaCardError(
                    .malformedData,
                    "the card sent \(response.data.count) bytes of \(name) where \(command.expectedLength ?? 0) were asked")
            }
            data += response.data
            if total == nil {
                do {
                    if let header = try BERTLV.header(of: data) {
                        guard expectedTags.contains(header.tag) else {
                            throw MynaCardError(
                                .malformedData, "\(name) starts with tag \(header.tag), not \(expectedTags.map(\.description).sorted().joined(separator: " or "))")
                        }
                        total = header.totalLength
                    }
                } catch let error as CardError {
                    throw MynaCardError(.malformedData, "\(name) is not valid BER-TLV: \(error.reason)")
                }
            }
            if let total, data.count >= total { break }
            if endOfFile || response.data.isEmpty {
                throw MynaCardError(
                    .malformedData,
                    "\(name) ends after \(data.count) bytes"
                        + (total.map { " but its header declares \($0)" } ?? " inside its header"))
            }
        }
        return Array(data.prefix(total ?? 0))
    }
}
