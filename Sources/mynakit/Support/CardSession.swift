//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
import MynaCard
import SmartCard

/// Runs a My Number card flow: picks the reader, connects, runs the flow inside one PC/SC transaction, disconnects.
enum CardSession {
    struct Outcome<T> {
        var value: T
        var reader: String
        var apduCount: Int
        var seconds: Double
    }

    /// Connects to the reader `options` names (or the first with a card) and runs `flow` in one transaction.
    ///
    /// Flows that send no PIN are run once more when another application resets the card in between; flows that
    /// sent a PIN never are.
    static func run<T>(_ options: CardOptions, _ flow: (MyNumberCard) throws -> T) async throws -> Outcome<T> {
        let reader = try await options.resolveReader()
        let connection = try await CardConnection.connect(reader: reader)
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let (value, count) = try await connection.withTransaction(tracer: options.tracer, timeout: options.timeoutDuration) {
                channel in
                let card = MyNumberCard(channel: channel)
                let value = try card.retryingAfterReset { try flow(card) }
                return (value, card.apduCount)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            try? await connection.disconnect()
            return Outcome(value: value, reader: reader, apduCount: count, seconds: seconds)
        } catch {
            try? await connection.disconnect()
            throw error
        }
    }
}
