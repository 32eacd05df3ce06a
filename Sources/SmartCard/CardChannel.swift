//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One APDU exchange, as a trace shows it: VERIFY data is already replaced by `**`.
public struct APDUTraceEvent: Sendable {
    /// The command, hex; for VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER with data only the header and
    /// `**` (the length fields would reveal the PIN's length).
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

    /// The command as a trace may show it. A PIN command with data shows its four header bytes and one fixed `**`:
    /// neither Lc nor the number of data bytes appears, since either would tell the PIN's length.
    static func redacted(_ command: [UInt8]) -> String {
        guard command.count > 5, CommandAPDU.isPINInstruction(command[1]) else { return Hex.encode(command, separator: " ") }
        return Hex.encode(command.prefix(4), separator: " ") + " **"
    }
}

/// Receives every APDU exchange of a channel.
public typealias APDUTracer = @Sendable (APDUTraceEvent) -> Void

/// ISO 7816-4 exchanges over a ``CardTransport``.
///
/// The channel turns raw bytes into ``ResponseAPDU``s, fetches chained response data with GET RESPONSE on `61 xx`,
/// resends a command once with the corrected Le on `6C xx`, and counts every APDU it sends. Both loops are bounded:
/// a card that answers `61 xx` without end, or more than 65536 bytes in total, gets a ``CardError`` `.responseLoop`.
///
/// Diagnostics go to ``logger``: the `61 xx` / `6C xx` handling at `debug`, every exchange at `trace`, redacted as
/// the ``tracer`` sees it (the data of a PIN command is `**`; while ``redactsResponseData`` is set, response data
/// shows only its length).
public final class CardChannel {
    public let transport: any CardTransport
    /// APDUs sent on this channel, including GET RESPONSE and resends.
    public private(set) var apduCount = 0
    public var tracer: APDUTracer?
    /// Where the channel logs its decisions (`debug`) and each exchange (`trace`). By default nothing is logged.
    public var logger: Logger
    /// While set, traces show only the length of response data (personal data such as the My Number).
    public var redactsResponseData = false

    /// The most GET RESPONSE commands one command may need (65536 bytes in 256-byte pieces).
    public static let maximumGetResponseRounds = 256

    /// A logger that drops everything: the default of the library's types, so that a caller who passes none pays
    /// nothing.
    public static let silentLogger = Logger(label: "mynakit.card", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Creates a channel over `transport`.
    ///
    /// - Parameters:
    ///   - tracer: receives every exchange, for `--trace` style output.
    ///   - logger: receives diagnostics; `nil` logs nothing.
    public init(transport: any CardTransport, tracer: APDUTracer? = nil, logger: Logger? = nil) {
        self.transport = transport
        self.tracer = tracer
        self.logger = logger ?? Self.silentLogger
    }

    /// Sends a command and returns the complete response.
    ///
    /// - Throws: the transport's error (``PCSCError``), or ``CardError`` `.malformedResponse` for a response
    ///   shorter than a status word, `.responseLoop` when 61xx/6Cxx handling does not converge.
    public func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        var response = try exchange(command.bytes)
        if let length = response.statusWord.correctLength {
            if Self.mayResend(command) {
                // The card told the right Le: resend once (6C xx is only answered for commands it did not execute).
                logger.debug("card answered \(response.statusWord); resending once with Le = \(length)")
                response = try exchange(command.withExpectedLength(length).bytes)
                if response.statusWord.correctLength != nil {
                    throw CardError(
                        .responseLoop, "card answered 6C xx again after the Le correction",
                        statusWord: response.statusWord)
                }
            } else {
                logger.debug("card answered \(response.statusWord) to a command that is never sent twice; not resent")
            }
        }
        return try collectRemainingData(response, of: command)
    }

    /// Whether a `6C xx` answer may be followed by resending `command` with the corrected Le.
    ///
    /// Only commands that carry an Le (`6C xx` means "wrong Le") and that are safe to send twice: never a command
    /// carrying a PIN (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER), whose repetition could spend a try, nor
    /// PERFORM SECURITY OPERATION (nor the JPKI signature, which shares its INS). For those the `6C xx` is returned
    /// to the caller as the card's answer.
    static func mayResend(_ command: CommandAPDU) -> Bool {
        command.expectedLength != nil && !command.isPINCommand
            && command.ins != CommandAPDU.Kind.performSecurityOperation.instruction
    }

    private func collectRemainingData(_ first: ResponseAPDU, of command: CommandAPDU) throws -> ResponseAPDU {
        guard var remaining = first.statusWord.bytesRemaining else { return first }
        logger.debug("card answered \(first.statusWord); collecting the rest with GET RESPONSE")
        var data = first.data
        for round in 1...Self.maximumGetResponseRounds {
            let next = try exchange(CommandAPDU.getResponse(expectedLength: remaining, answering: command).bytes)
            data += next.data
            guard data.count <= 65536 else {
                throw CardError(.responseLoop, "card chained more than 65536 response bytes")
            }
            guard let more = next.statusWord.bytesRemaining else {
                logger.debug("collected \(data.count) response bytes with \(round) GET RESPONSE")
                return ResponseAPDU(data: data, statusWord: next.statusWord)
            }
            remaining = more
        }
        throw CardError(.responseLoop, "card kept answering 61 xx after \(Self.maximumGetResponseRounds) GET RESPONSE")
    }

    private func exchange(_ bytes: [UInt8]) throws -> ResponseAPDU {
        apduCount += 1
        let logsExchanges = logger.logLevel <= .trace
        guard tracer != nil || logsExchanges else {
            return try ResponseAPDU(bytes: transport.transmit(bytes))
        }
        let start = Self.now()
        var event = APDUTraceEvent(
            command: APDUTraceEvent.redacted(bytes), responseData: "", statusWord: nil, error: nil, seconds: 0,
            index: apduCount)
        defer {
            event.seconds = Self.now() - start
            tracer?(event)
            if logsExchanges { logger.trace("\(event.line)") }
        }
        do {
            let response = try ResponseAPDU(bytes: transport.transmit(bytes))
            event.statusWord = response.statusWord
            event.responseData =
                redactsResponseData && !response.data.isEmpty
                ? Array(repeating: "..", count: response.data.count).joined(separator: " ")
                : Hex.encode(response.data, separator: " ")
            return response
        } catch {
            event.error = String(describing: error)
            throw error
        }
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
