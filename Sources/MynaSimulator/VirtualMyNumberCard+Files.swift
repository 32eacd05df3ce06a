//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

// SELECT and READ BINARY: choosing an applet or EF and reading transparent EFs (ISO 7816-4 sections 11.1.1 and
// 11.2.3), as ``VirtualMyNumberCard``'s documentation describes them.

/// The tags of the file control templates SELECT returns (ISO 7816-4 section 7.4).
private enum FileControlTag {
    /// File control information template.
    static let fci = BERTLV.Tag(0x6F)
    /// File control parameters template.
    static let fcp = BERTLV.Tag(0x62)
    /// Number of data bytes in the file.
    static let size = BERTLV.Tag(0x80)
    /// File identifier.
    static let fileIdentifier = BERTLV.Tag(0x83)
    /// DF name (the AID).
    static let dfName = BERTLV.Tag(0x84)
}

extension VirtualMyNumberCard {
    func select(_ command: CardCommand) -> Reply {
        guard [0x0C, 0x00, 0x04].contains(command.p2) else { return Reply(.unsupportedP1P2) }
        let template = command.p2 == 0x04 ? FileControlTag.fcp : FileControlTag.fci
        let wantsTemplate = command.p2 != 0x0C && command.ne > 0
        switch command.p1 {
        case 0x04:
            guard let applet = fileSystem.applet(withAID: command.data) else { return Reply(.fileNotFound) }
            session = CardSession(currentDF: applet)
            guard wantsTemplate else { return Reply(.success) }
            let name = BERTLV.encode(tag: FileControlTag.dfName, value: fileSystem.applets[applet].aid)
            return Reply(.success, data: Array(BERTLV.encode(tag: template, value: name).prefix(command.ne)))
        case 0x00, 0x02:
            guard command.data.count == 2 else { return Reply(.wrongLength) }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            if command.p1 == 0x00 && fid == 0x3F00 {
                session = CardSession()
                return Reply(.success)
            }
            guard let applet = session.currentDF, let file = fileSystem.applets[applet].index(ofFID: fid) else {
                return Reply(.fileNotFound)
            }
            session.currentEF = file
            guard wantsTemplate else { return Reply(.success) }
            var size = 0
            if case .binary(let bytes, _) = fileSystem[applet, file] {
                size = bytes.count
            }
            let parameters = BERTLV.encode(tag: FileControlTag.size, value: [UInt8(size >> 8), UInt8(size & 0xFF)])
                + BERTLV.encode(tag: FileControlTag.fileIdentifier, value: command.data)
            return Reply(.success, data: Array(BERTLV.encode(tag: template, value: parameters).prefix(command.ne)))
        default:
            return Reply(.unsupportedP1P2)
        }
    }

    func readBinary(_ command: CardCommand) -> Reply {
        guard command.data.isEmpty, command.ne > 0 else { return Reply(.wrongLength) }
        let offset: Int
        let applet: Int
        let file: Int
        if command.p1 & 0x80 != 0 {
            // P1 = 100x xxxx: a short EF identifier, which also makes that EF current; the offset is P2.
            let sfi = command.p1 & 0x1F
            guard configuration.extendedLength, command.p1 & 0x60 == 0, sfi != 0 else {
                return Reply(.unsupportedP1P2)
            }
            guard let df = session.currentDF, let found = fileSystem.applets[df].index(ofShortIdentifier: sfi) else {
                return Reply(.fileNotFound)
            }
            applet = df
            file = found
            session.currentEF = found
            offset = Int(command.p2)
        } else {
            guard let df = session.currentDF, let ef = session.currentEF else { return Reply(.noCurrentEF) }
            applet = df
            file = ef
            offset = Int(command.p1p2)
        }
        guard case .binary(let bytes, let access) = fileSystem[applet, file] else {
            return Reply(.incompatibleFileStructure)
        }
        switch access {
        case .always: break
        case .pinVerified(let pin):
            guard session.verifiedPINs.contains(pin) else { return Reply(.securityStatusNotSatisfied) }
        case .anyVerified(let keys):
            guard keys.contains(where: session.verifiedPINs.contains) else { return Reply(.securityStatusNotSatisfied) }
        }
        guard offset < bytes.count else { return Reply(.offsetOutsideEF) }
        let remaining = bytes.count - offset
        if command.ne <= remaining {
            return Reply(.success, data: Array(bytes[offset..<offset + command.ne]))
        }
        if configuration.faults.answersWrongLe(remaining: remaining) {
            return .wrongLe(available: remaining)
        }
        switch configuration.endOfFileBehaviour {
        case .warning:
            return Reply(.endOfFile, data: Array(bytes[offset...]))
        case .wrongParameters:
            return Reply(.offsetOutsideEF)
        case .success:
            return Reply(.success, data: Array(bytes[offset...]))
        }
    }
}
