//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

extension CardConnection {
    /// A reader attribute (`SCardGetAttrib`).
    public func attribute(_ attribute: ReaderAttribute) async throws -> [UInt8] {
        try await perform { connection in try connection.requireCard().attribute(attribute.rawValue) }
    }

    /// The reader's vendor name (`SCARD_ATTR_VENDOR_NAME`), when it reports one.
    public func vendorName() async -> String? {
        guard let bytes = try? await attribute(.vendorName) else { return nil }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The largest data field the reader carries, from PC/SC part 10 `FEATURE_GET_TLV_PROPERTIES`
    /// (`dwMaxAPDUDataSize`); `0` when the reader takes short APDUs only or does not say.
    public func maxAPDUDataSize() async throws -> Int {
        try await perform { connection in try connection.queryMaxAPDUDataSize() }
    }

    /// Sends `SCardControl` to the reader.
    public func control(code: UInt32, input: [UInt8] = []) async throws -> [UInt8] {
        try await perform { connection in try connection.requireCard().control(code, input: input) }
    }

    /// Asks the reader once per connection; on the queue.
    func queryMaxAPDUDataSize() throws -> Int {
        if let cachedMaxAPDUDataSize { return cachedMaxAPDUDataSize }
        let card = try requireCard()
        let size: Int
        do {
            let features = try card.control(PCSCBridge.ioctlGetFeatureRequest, input: [])
            size = try PCSCPart10.maxAPDUDataSize(features: features) { code in
                try card.control(code, input: [])
            }
        } catch let error as PCSCError where error.isCardGone || error.isServiceLost {
            throw error
        } catch {
            size = 0  // the reader does not implement part 10: short APDUs only
        }
        logger.debug("reader's largest APDU data field", metadata: ["pcsc.maxAPDUDataSize": "\(size)"])
        cachedMaxAPDUDataSize = size
        return size
    }
}
