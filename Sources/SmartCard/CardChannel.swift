//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// One APDU exchange, as a trace shows it: VERIFY data is already replaced by `**`.
public struct APDUTraceEvent: Sendable {
    /// The command, hex, with the data field of VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER redacted.
    public var command: String
    /// The response data, hex (empty when there was none or on error).
    public var responseData: String
    /// The status word, when the exchange completed.
    public var statusWord: StatusWord?
    /// What went wrong, when the exchange failed.
    public var error: String?
    /// Wall time of the exchange, in seconds.
    public var seconds: Double
    /// Index of the APDU in the channel, from 1.
    public var index: Int

    /// `#3 00 B0 00 00 00 -> 256 bytes 90 00 (success) 1.2 ms`.
    public var line: String {
        let outcome: String
        if let statusWord {
            let count = responseData.isEmpty ? "" : "\((responseData.count + 1) / 3) bytes "
            outcome = "\(count)\(statusWord)"
        } else {
            outcome = "error: \(error ?? "unknown")"
        }
        let ms = (seconds * 10_000).rounded() / 10
        return "#\(index) \(command) -> \(outcome) \(ms) ms"
    }

    static func redacted(_ command: [UInt8]) -> String {
        guard command.count > 5, CommandAPDU.isPINInstruction(command[1]) else { return Hex.encode(command, separator: " ") }
        // Show the header and length fields; every data byte becomes "**".
        let headerLength = command[4] == 0 && command.count > 7 ? 7 : 5
        let header = Hex.encode(command.prefix(headerLength), separator: " ")
        let stars = Array(repeating: "**", count: command.count - headerLength).joined(separator: " ")
        return header + " " + stars
    }
}

/// Receives every APDU exchange of a channel.
public typealias APDUTracer = @Sendable (APDUTraceEvent) -> Void

/// ISO 7816-4 exchanges over a ``CardTransport``.
///
/// The channel turns raw bytes into ``ResponseAPDU``s, fetches chained response data with GET RESPONSE on `61 xx`,
/// resends a command once with the corrected Le on `6C xx`, and counts every APDU it sends. Both loops are bounded:
/// a card that answers `61 xx` without end, or more than 65536 bytes in total, gets a ``CardError`` `.responseLoop`.
public final class CardChannel {
    public let transport: any CardTransport
    /// APDUs sent on this channel, including GET RESPONSE and resends.
    public private(set) var apduCount = 0
    public var tracer: APDUTracer?
    /// While set, traces show only the length of response data (personal data such as the My Number).
    public var redactsResponseData = false

    /// The most GET RESPONSE commands one command may need (65536 bytes in 256-byte pieces).
    public static let maximumGetResponseRounds = 256

    public init(transport: any CardTransport, tracer: APDUTracer? = nil) {
        self.transport = transport
        self.tracer = tracer
    }

    /// Sends a command and returns the complete response.
    ///
    /// - Throws: the transport's error (``PCSCError``), or ``CardError`` `.malformedResponse` for a response
    ///   shorter than a status word, `.responseLoop` when 61xx/6Cxx handling does not converge.
    public func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        var response = try exchange(command.bytes)
        if let length = response.statusWord.correctLength, Self.mayResend(command) {
            // The card told the right Le: resend once (6C xx is only answered for commands it did not execute).
            response = try exchange(command.withExpectedLength(length).bytes)
            if response.statusWord.correctLength != nil {
                throw CardError(
                    .responseLoop, "card answered 6C xx again after the Le correction", statusWord: response.statusWord)
            }
        }
        return try collectRemainingData(response, cla: command.cla)
    }

    /// Whether a `6C xx` answer may be followed by resending `command` with the corrected Le.
    ///
    /// Only commands that carry an Le (`6C xx` means "wrong Le") and that are safe to send twice: never a command
    /// carrying a PIN (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER), whose repetition could spend a try, nor
    /// PERFORM SECURITY OPERATION. For those the `6C xx` is returned to the caller as the card's answer.
    static func mayResend(_ command: CommandAPDU) -> Bool {
        command.expectedLength != nil && !command.isPINCommand && command.ins != 0x2A
    }

    /// Sends raw bytes (a technician's APDU) with the same 61xx / 6Cxx handling.
    public func transmit(raw command: [UInt8]) throws -> ResponseAPDU {
        try transmit(CommandAPDU(bytes: command))
    }

    private func collectRemainingData(_ first: ResponseAPDU, cla: UInt8) throws -> ResponseAPDU {
        guard var remaining = first.statusWord.bytesRemaining else { return first }
        var data = first.data
        // GET RESPONSE uses the interindustry class of the command (proprietary classes fall back to 00).
        let getResponseCLA: UInt8 = cla & 0x80 == 0 ? cla & 0x03 : 0x00
        for _ in 0..<Self.maximumGetResponseRounds {
            let getResponse = try CommandAPDU(cla: getResponseCLA, ins: 0xC0, p1: 0, p2: 0, expectedLength: remaining)
            let next = try exchange(getResponse.bytes)
            data += next.data
            guard data.count <= 65536 else {
                throw CardError(.responseLoop, "card chained more than 65536 response bytes")
            }
            guard let more = next.statusWord.bytesRemaining else {
                return ResponseAPDU(data: data, statusWord: next.statusWord)
            }
            remaining = more
        }
        throw CardError(.responseLoop, "card kept answering 61 xx after \(Self.maximumGetResponseRounds) GET RESPONSE")
    }

    private func exchange(_ bytes: [UInt8]) throws -> ResponseAPDU {
        apduCount += 1
        guard let tracer else {
            return try ResponseAPDU(bytes: transport.transmit(bytes))
        }
        let start = Self.now()
        var event = APDUTraceEvent(
            command: APDUTraceEvent.redacted(bytes), responseData: "", statusWord: nil, error: nil, seconds: 0,
            index: apduCount)
        do {
            let response = try ResponseAPDU(bytes: transport.transmit(bytes))
            event.statusWord = response.statusWord
            event.responseData =
                redactsResponseData && !response.data.isEmpty
                ? Array(repeating: "..", count: response.data.count).joined(separator: " ")
                : Hex.encode(response.data, separator: " ")
            event.seconds = Self.now() - start
            tracer(event)
            return response
        } catch {
            event.error = String(describing: error)
            event.seconds = Self.now() - start
            tracer(event)
            throw error
        }
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
