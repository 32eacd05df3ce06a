//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// GET RESPONSE (ISO 7816-4 section 11.6.1) and the delivery of every reply: data a `61 xx` announced, whether it
// was held back by a case 3 signature or by a GET RESPONSE fault.

/// Data waiting for GET RESPONSE, and the status word that ends it.
struct PendingResponse: Sendable {
    /// The bytes not served yet.
    var data: [UInt8]
    /// The status word that comes with the last chunk.
    var status: UInt16
    /// Under ``SimulatorConfiguration/MalformedResponse/endlessGetResponse``: every GET RESPONSE serves
    /// ``endlessChunkSize`` bytes of `data`, over and over, and announces that many again.
    var isEndless: Bool

    /// What an endless response announces and serves each time.
    static let endlessChunkSize = 16
}

extension VirtualMyNumberCard {
    func getResponse(_ command: CardCommand) -> [UInt8] {
        guard command.p1p2 == 0 else { return Reply(.unsupportedP1P2).bytes }
        guard command.data.isEmpty, command.ne > 0 else { return Reply(.wrongLength).bytes }
        guard var response = session.pending else { return Reply(.conditionsNotSatisfied).bytes }
        if response.isEndless {
            let source = response.data.isEmpty ? [0x00] : response.data
            let chunk = (0..<min(command.ne, PendingResponse.endlessChunkSize)).map { source[$0 % source.count] }
            return chunk + Reply.bytesAvailable(PendingResponse.endlessChunkSize).bytes
        }
        let chunk = Array(response.data.prefix(command.ne))
        response.data.removeFirst(chunk.count)
        if response.data.isEmpty {
            session.pending = nil
            return chunk + [UInt8(response.status >> 8), UInt8(response.status & 0xFF)]
        }
        session.pending = response
        return chunk + Reply.bytesAvailable(response.data.count).bytes
    }

    /// Turns a handler's reply into the response APDU, holding its data back for GET RESPONSE when a fault says so.
    func deliver(_ reply: Reply) -> [UInt8] {
        guard let held = configuration.faults.heldBack(reply) else { return reply.bytes }
        session.pending = held
        return Reply.bytesAvailable(held.isEndless ? PendingResponse.endlessChunkSize : held.data.count).bytes
    }
}
