//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target (c): command and response APDUs, and CardChannel's 61xx / 6Cxx handling against a card that answers
// from the input. Input: OpenSC fuzz-reader format (FuzzChunks): block 1 the ATR, then one response per block.

import FuzzSupport
import Logging
import SmartCard

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    APDUTarget.run(fuzzBytes(data, size))
    return 0
}

enum APDUTarget {
    static let pin: [UInt8] = Array("4817".utf8)

    /// What the host sends, in order; the card's answers come from the input.
    static let script: [CommandAPDU] = {
        do {
            return [
                // SELECT the JPKI AP (case 3), an EF, READ BINARY of 256 and of 7 bytes (case 2).
                try .selectApplication(aid: [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0, 0, 0, 1]),
                .selectEF(0x000A),
                try .readBinary(offset: 0, expectedLength: 256),
                try .readBinary(offset: 0x0100, expectedLength: 7),
                // VERIFY (case 1 and case 3; its data must never reach a trace or a log), and a VERIFY with an
                // extended Lc no flow sends.
                .verifyStatus(reference: 0x80),
                try .verify(reference: 0x80, pin: pin),
                try CommandAPDU(ins: 0x20, p1: 0x00, p2: 0x80, data: pin, forceExtended: true),
                // COMPUTE DIGITAL SIGNATURE (case 4, proprietary class) and an extended READ BINARY (case 2E).
                try CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0x00, p2: 0x80, data: [UInt8](repeating: 0x5A, count: 51),
                    expectedLength: 256),
                try .readBinary(shortEFIdentifier: 0x0A, expectedLength: 65536),
            ]
        } catch {
            fatalError("the script's commands are valid: \(error)")
        }
    }()

    static func run(_ bytes: [UInt8]) {
        // The parsers see every block, and the whole input, as a command and as a response.
        let blocks = FuzzChunks(bytes).all
        roundTrip(bytes)
        for block in blocks { roundTrip(block) }

        // The channel drives the script against the fuzzed card.
        let transport = FuzzedCardTransport(bytes)
        let channel = CardChannel(transport: transport)
        let traced = bytes.count % 2 == 1
        if traced {
            channel.redactsResponseData = bytes.count % 4 == 1
            channel.tracer = { event in
                let pinHex = Hex.encode(pin, separator: " ")
                fuzzCheck(!event.command.contains(pinHex), "VERIFY data in a trace: \(event.command)")
                _ = event.line
            }
        }
        if bytes.count % 3 == 0 {
            // The logger sees what the tracer sees, and never the PIN either.
            channel.logger = Logger(label: "fuzz", factory: { _ in PINScreeningLogHandler() })
        }
        for command in script {
            let before = channel.apduCount
            do {
                let response = try channel.transmit(command)
                fuzzCheck(response.data.count <= 65536, "\(response.data.count) response bytes")
                fuzzCheck(response.statusWord.bytesRemaining == nil, "a 61xx status word returned to the caller")
            } catch let error as CardError {
                _ = error.description
            } catch {
                fuzzCheck(false, "unexpected error type: \(error)")
            }
            let sent = channel.apduCount - before
            fuzzCheck(sent >= 1 && sent <= 2 + CardChannel.maximumGetResponseRounds, "\(sent) APDUs for one command")
        }
        fuzzCheck(channel.apduCount == transport.commands.count, "APDU count differs from what the card saw")
        // The channel never sends a malformed command: each one the card saw parses and re-encodes to itself.
        for command in transport.commands {
            fuzzCheck((try? CommandAPDU(bytes: command))?.bytes == command, "channel sent \(Hex.encode(command))")
        }
    }

    static func roundTrip(_ bytes: [UInt8]) {
        if let command = try? CommandAPDU(bytes: bytes) {
            fuzzCheck(command.bytes == bytes, "command \(Hex.encode(bytes)) re-encodes as \(Hex.encode(command.bytes))")
            fuzzCheck(command.data.count <= 65535, "Nc")
            if let ne = command.expectedLength { fuzzCheck((1...65536).contains(ne), "Ne \(ne)") }
            _ = command.commandCase
            _ = command.description
            if let other = try? command.withExpectedLength(256) {
                fuzzCheck((try? CommandAPDU(bytes: other.bytes)) == other, "Le change does not round-trip")
            }
        }
        if let response = try? ResponseAPDU(bytes: bytes) {
            fuzzCheck(response.bytes == bytes, "response round trip")
            _ = response.statusWord.meaning
            _ = response.statusWord.description
        } else {
            fuzzCheck(bytes.count < 2, "a response of \(bytes.count) bytes was rejected")
        }
    }
}

/// Fails the run when a log message carries the PIN of the script.
struct PINScreeningLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let message = "\(event.message)"
        fuzzCheck(!message.contains(Hex.encode(APDUTarget.pin, separator: " ")), "PIN in a log message: \(message)")
    }
}

FuzzDriver.main(name: "FuzzAPDU") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}
