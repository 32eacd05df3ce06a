//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CPCSC
internal import Glibc

// The one file of SmartCard that calls libpcsclite. Every pointer handed to C lives inside a `withUnsafe…` scope
// here; the rest of the module sees Swift values only. Raw `SCARDCONTEXT` and `SCARDHANDLE` values go in and out as
// `Int`, and only `ContextHandle` and `CardHandle`, which own them, pass them in. On Linux `LONG`/`DWORD` are 64-bit
// (`Int`/`UInt`); return codes are compared as their low 32 bits.

/// One entry of an `SCardGetStatusChange` call.
struct ReaderStateSlot {
    var reader: String
    var currentState: UInt32
    var eventState: UInt32 = 0
    var atr: [UInt8] = []
}

enum PCSCBridge {
    /// The PnP pseudo-reader whose state changes when readers come and go.
    static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    /// pcsc-lite's largest extended APDU plus status word: 4 + 3 + 65536 + 3 + 2.
    static let receiveBufferSize = 65548

    static let shareShared = UInt32(SCARD_SHARE_SHARED)
    static let shareExclusive = UInt32(SCARD_SHARE_EXCLUSIVE)
    static let shareDirect = UInt32(SCARD_SHARE_DIRECT)
    static let protocolT0 = UInt32(SCARD_PROTOCOL_T0)
    static let protocolT1 = UInt32(SCARD_PROTOCOL_T1)
    static let protocolRaw = UInt32(SCARD_PROTOCOL_RAW)

    /// `PCSCLITE_VERSION_NUMBER` from the pcsc-lite headers this module was compiled against.
    static let headerVersion: String = PCSCLITE_VERSION_NUMBER

    static func check(_ rv: Int) throws(PCSCError) {
        let error = PCSCError(returnCode: rv)
        if error.rawValue != UInt32(SCARD_S_SUCCESS) { throw error }
    }

    // MARK: Return codes

    /// The `SCARD_*` macro name of `code` as pcsclite.h spells it, or `nil` for a code the header does not define.
    static func returnCodeName(_ code: UInt32) -> String? {
        CPCSC_ReturnCodeName(Int(code)).map { String(cString: $0) }
    }

    /// pcsc-lite's own sentence for `code` (`pcsc_stringify_error`), or `nil` when pcsc-lite has none.
    ///
    /// pcsc-lite answers every code it does not describe with "Unknown error: 0x…"; that answer says nothing the
    /// code's name and value do not, so it is dropped. The text lives in a thread-local buffer in current pcsc-lite
    /// and is copied at once.
    static func returnCodeText(_ code: UInt32) -> String? {
        guard let text = pcsc_stringify_error(Int(code)).map({ String(cString: $0) }) else { return nil }
        return text.hasPrefix(unknownCodePrefix) ? nil : text
    }

    /// How `pcsc_stringify_error` begins its answer for a code it does not know (pcsc-lite `src/error.c`). Not to be
    /// confused with its text for `SCARD_F_UNKNOWN_ERROR`, "Unknown error." without a colon.
    static let unknownCodePrefix = "Unknown error: "

    // MARK: Contexts

    static func establishContext() throws(PCSCError) -> Int {
        var context: SCARDCONTEXT = 0
        try check(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context))
        return context
    }

    static func releaseContext(_ context: Int) {
        _ = SCardReleaseContext(context)
    }

    static func cancel(_ context: Int) {
        _ = SCardCancel(context)
    }

    /// The names of the connected readers; none is an empty list.
    static func listReaders(_ context: Int) throws(PCSCError) -> [String] {
        // The size can change between the sizing call and the filling call when a reader is plugged in: retry.
        for _ in 0..<5 {
            var size: DWORD = 0
            let sizing = SCardListReaders(context, nil, nil, &size)
            if UInt32(truncatingIfNeeded: sizing) == PCSCError.noReadersAvailable.rawValue { return [] }
            try check(sizing)
            var buffer = [CChar](repeating: 0, count: Int(size))
            let rv = buffer.withUnsafeMutableBufferPointer { pointer in
                SCardListReaders(context, nil, pointer.baseAddress, &size)
            }
            let code = UInt32(truncatingIfNeeded: rv)
            if code == PCSCError.insufficientBuffer.rawValue { continue }
            if code == PCSCError.noReadersAvailable.rawValue { return [] }
            try check(rv)
            return splitMultiString(buffer.prefix(Int(size)))
        }
        throw PCSCError.insufficientBuffer
    }

    private static func splitMultiString(_ chars: ArraySlice<CChar>) -> [String] {
        var names: [String] = []
        var current: [UInt8] = []
        for c in chars {
            if c == 0 {
                if current.isEmpty { break }
                names.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(UInt8(bitPattern: c))
            }
        }
        return names
    }

    /// Waits until one of `slots` changes or `timeout` milliseconds pass; fills each slot's event state and ATR.
    static func getStatusChange(_ context: Int, timeout: UInt32, slots: inout [ReaderStateSlot]) throws(PCSCError) {
        let count = slots.count
        let names = slots.map { strdup($0.reader) }
        defer { names.forEach { free($0) } }
        var states = [SCARD_READERSTATE](repeating: SCARD_READERSTATE(), count: count)
        for i in 0..<count {
            states[i].szReader = UnsafePointer(names[i])
            states[i].dwCurrentState = DWORD(slots[i].currentState)
        }
        let rv = states.withUnsafeMutableBufferPointer { buffer in
            SCardGetStatusChange(context, DWORD(timeout), buffer.baseAddress, DWORD(count))
        }
        try check(rv)
        for i in 0..<count {
            slots[i].eventState = UInt32(truncatingIfNeeded: states[i].dwEventState)
            let atrLength = min(Int(states[i].cbAtr), Int(MAX_ATR_SIZE))
            slots[i].atr = withUnsafeBytes(of: states[i].rgbAtr) { Array($0.prefix(atrLength)) }
        }
    }

    /// Every reader with its current state, without waiting.
    static func currentSlots(_ context: Int) throws(PCSCError) -> [ReaderStateSlot] {
        let names = try listReaders(context)
        guard !names.isEmpty else { return [] }
        var slots = names.map { ReaderStateSlot(reader: $0, currentState: 0) }
        try getStatusChange(context, timeout: 0, slots: &slots)
        return slots
    }

    // MARK: Cards

    static func connect(_ context: Int, reader: String, share: UInt32, protocols: UInt32) throws(PCSCError)
        -> (handle: Int, activeProtocol: UInt32)
    {
        var handle: SCARDHANDLE = 0
        var active: DWORD = 0
        try check(SCardConnect(context, reader, DWORD(share), DWORD(protocols), &handle, &active))
        return (handle, UInt32(truncatingIfNeeded: active))
    }

    static func reconnect(_ handle: Int, share: UInt32, protocols: UInt32, initialization: UInt32) throws(PCSCError)
        -> UInt32
    {
        var active: DWORD = 0
        try check(SCardReconnect(handle, DWORD(share), DWORD(protocols), DWORD(initialization), &active))
        return UInt32(truncatingIfNeeded: active)
    }

    static func disconnect(_ handle: Int, disposition: UInt32) throws(PCSCError) {
        try check(SCardDisconnect(handle, DWORD(disposition)))
    }

    static func beginTransaction(_ handle: Int) throws(PCSCError) {
        try check(SCardBeginTransaction(handle))
    }

    static func endTransaction(_ handle: Int, disposition: UInt32) throws(PCSCError) {
        try check(SCardEndTransaction(handle, DWORD(disposition)))
    }

    /// Sends `command` and returns the response, received into `buffer` (at least 65548 bytes, reused across calls).
    static func transmit(_ handle: Int, activeProtocol: UInt32, command: [UInt8], buffer: inout [UInt8])
        throws(PCSCError) -> [UInt8]
    {
        let pci = activeProtocol == protocolT0
            ? CPCSC_PCI_T0() : activeProtocol == protocolRaw ? CPCSC_PCI_RAW() : CPCSC_PCI_T1()
        var received = DWORD(buffer.count)
        let rv = command.withUnsafeBufferPointer { send in
            buffer.withUnsafeMutableBufferPointer { receive in
                SCardTransmit(handle, pci, send.baseAddress, DWORD(send.count), nil, receive.baseAddress, &received)
            }
        }
        try check(rv)
        return Array(buffer.prefix(Int(received)))
    }

    static func status(_ handle: Int) throws(PCSCError)
        -> (reader: String, state: UInt32, activeProtocol: UInt32, atr: [UInt8])
    {
        var nameLength: DWORD = 0
        var state: DWORD = 0
        var proto: DWORD = 0
        var atr = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLength = DWORD(atr.count)
        // First the length of the reader name, then the name.
        try check(atr.withUnsafeMutableBufferPointer { atrBuffer in
            SCardStatus(handle, nil, &nameLength, &state, &proto, atrBuffer.baseAddress, &atrLength)
        })
        var name = [CChar](repeating: 0, count: Int(nameLength) + 1)
        try check(name.withUnsafeMutableBufferPointer { nameBuffer in
            atr.withUnsafeMutableBufferPointer { atrBuffer in
                SCardStatus(
                    handle, nameBuffer.baseAddress, &nameLength, &state, &proto, atrBuffer.baseAddress, &atrLength)
            }
        })
        let reader = splitMultiString(name[...]).first ?? ""
        return (
            reader, UInt32(truncatingIfNeeded: state), UInt32(truncatingIfNeeded: proto),
            Array(atr.prefix(Int(atrLength)))
        )
    }

    static func attribute(_ handle: Int, id: UInt32) throws(PCSCError) -> [UInt8] {
        var length: DWORD = 0
        try check(SCardGetAttrib(handle, DWORD(id), nil, &length))
        var value = [UInt8](repeating: 0, count: Int(length))
        try check(value.withUnsafeMutableBufferPointer { buffer in
            SCardGetAttrib(handle, DWORD(id), buffer.baseAddress, &length)
        })
        return Array(value.prefix(Int(length)))
    }

    static func control(_ handle: Int, code: UInt32, input: [UInt8]) throws(PCSCError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 1024)
        var returned: DWORD = 0
        let outputCount = output.count
        let rv = input.withUnsafeBytes { send in
            output.withUnsafeMutableBytes { receive in
                SCardControl(
                    handle, DWORD(code), send.baseAddress, DWORD(send.count), receive.baseAddress,
                    DWORD(outputCount), &returned
                )
            }
        }
        try check(rv)
        return Array(output.prefix(Int(returned)))
    }

    static var attributeATR: UInt32 { UInt32(truncatingIfNeeded: CPCSC_ATTR_ATR_STRING()) }
    static var attributeVendorName: UInt32 { UInt32(truncatingIfNeeded: CPCSC_ATTR_VENDOR_NAME()) }
    static var attributeVendorIFDType: UInt32 { UInt32(truncatingIfNeeded: CPCSC_ATTR_VENDOR_IFD_TYPE()) }
    static var attributeVendorIFDVersion: UInt32 { UInt32(truncatingIfNeeded: CPCSC_ATTR_VENDOR_IFD_VERSION()) }
    static var attributeChannelID: UInt32 { UInt32(truncatingIfNeeded: CPCSC_ATTR_CHANNEL_ID()) }
    static var ioctlGetFeatureRequest: UInt32 { UInt32(truncatingIfNeeded: CPCSC_IOCTL_GET_FEATURE_REQUEST()) }
    static let featureGetTLVProperties = UInt8(FEATURE_GET_TLV_PROPERTIES)
    static let propertyMaxAPDUDataSize = UInt8(PCSCv2_PART10_PROPERTY_dwMaxAPDUDataSize)
}
