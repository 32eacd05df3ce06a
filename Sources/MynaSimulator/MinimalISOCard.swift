//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A small ISO 7816-4 card: one application with transparent EFs, SELECT and READ BINARY.
///
/// It exists to exercise readers, pcscd and the PC/SC layer without any My Number logic: listing, connecting,
/// transmitting, removal, transactions and the per-APDU benchmark. ``VirtualMyNumberCard`` is the full card.
public final class MinimalISOCard: VirtualCard {
    public let atr: [UInt8]
    public let applicationID: [UInt8]
    private let files: [UInt16: [UInt8]]
    private var applicationSelected = false
    private var currentFile: UInt16?

    /// A T=1 ATR with no historical bytes beyond a category indicator.
    public static let defaultATR: [UInt8] = [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]

    public init(
        atr: [UInt8] = MinimalISOCard.defaultATR,
        applicationID: [UInt8] = [0xA0, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03],
        files: [UInt16: [UInt8]] = [0x0101: (0..<1024).map { UInt8(truncatingIfNeeded: $0) }]
    ) {
        self.atr = atr
        self.applicationID = applicationID
        self.files = files
    }

    public func powerOn() { reset() }
    public func powerOff() { reset() }

    public func reset() {
        applicationSelected = false
        currentFile = nil
    }

    public func process(_ command: [UInt8]) -> [UInt8] {
        guard command.count >= 4 else { return [0x67, 0x00] }
        guard command[0] == 0x00 else { return [0x6E, 0x00] }
        let p1 = command[2]
        let p2 = command[3]
        let body = Array(command.dropFirst(4))
        switch command[1] {
        case 0xA4:
            guard body.count >= 1, body.count == Int(body[0]) + 1 || body.count == Int(body[0]) + 2 else {
                return [0x67, 0x00]
            }
            let data = Array(body[1..<(1 + Int(body[0]))])
            switch p1 {
            case 0x04:
                guard data == applicationID else { return [0x6A, 0x82] }
                applicationSelected = true
                currentFile = nil
                return [0x90, 0x00]
            case 0x02:
                guard applicationSelected, data.count == 2 else { return [0x6A, 0x82] }
                let fid = UInt16(data[0]) << 8 | UInt16(data[1])
                guard files[fid] != nil else { return [0x6A, 0x82] }
                currentFile = fid
                return [0x90, 0x00]
            default:
                return [0x6A, 0x86]
            }
        case 0xB0:
            guard p1 & 0x80 == 0 else { return [0x6A, 0x86] }
            guard let fid = currentFile, let file = files[fid] else { return [0x69, 0x86] }
            guard body.count == 1 else { return [0x67, 0x00] }
            let le = body[0] == 0 ? 256 : Int(body[0])
            let offset = Int(p1) << 8 | Int(p2)
            guard offset <= file.count else { return [0x6B, 0x00] }
            let end = min(file.count, offset + le)
            let data = Array(file[offset..<end])
            return data + (end - offset < le ? [0x62, 0x82] : [0x90, 0x00])
        default:
            return [0x6D, 0x00]
        }
    }
}
