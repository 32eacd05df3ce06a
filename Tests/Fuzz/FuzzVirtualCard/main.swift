//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target (d): VirtualMyNumberCard.process must answer every command APDU without crashing.
//
// Input: FuzzChunks blocks, read the way vpcd's messages are read. Block 1 configures the card (bit 0 extended
// length, bit 1 6Cxx on a short READ BINARY, bit 2 GET RESPONSE chaining above 0 + byte 2 bytes, bits 3-4 the
// end-of-file behaviour, bit 5 certificate padding, bits 6-7 malformed-response faults). Every later block of one
// byte is a vpcd control byte (00 power off, 01 power on, 02 reset, 04 ATR); any other block is a command APDU.

import FuzzSupport
import MynaSimulator
import MynaSpec
import SmartCard

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    VirtualCardTarget.run(fuzzBytes(data, size))
    return 0
}

enum VirtualCardTarget {
    /// One PKI for every input: RSA key generation is far slower than the card.
    static let pki: TestPKI = {
        do {
            return try TestPKI.cached()
        } catch {
            fatalError("cannot make the test PKI: \(error)")
        }
    }()

    static func configuration(_ block: [UInt8]) -> SimulatorConfiguration {
        let flags = block.first ?? 0
        var faults = SimulatorConfiguration.Faults()
        faults.wrongLeAnswers6C = flags & 0x02 != 0
        if flags & 0x04 != 0 { faults.getResponseThreshold = block.count > 1 ? Int(block[1]) : 0 }
        switch flags >> 6 {
        case 1: faults.malformedResponses = [.certificateLengthOverstated, .shortSignature]
        case 2: faults.malformedResponses = [.endlessGetResponse]
        case 3: faults.malformedResponses = [.oneByteReadBinary]
        default: break
        }
        let endOfFile = SimulatorConfiguration.EndOfFileBehaviour.allCases[
            Int(flags >> 3 & 0x03) % SimulatorConfiguration.EndOfFileBehaviour.allCases.count]
        return SimulatorConfiguration(
            extendedLength: flags & 0x01 != 0,
            endOfFileBehaviour: endOfFile,
            certificatePadding: flags & 0x20 != 0
                ? SimulatorConfiguration.CertificatePadding(byte: block.count > 2 ? block[2] : 0xFF, count: 300)
                : nil,
            faults: faults
        )
    }

    static func run(_ bytes: [UInt8]) {
        var chunks = FuzzChunks(bytes)
        let configuration = configuration(chunks.next())
        let card: VirtualMyNumberCard
        do {
            card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        } catch {
            fatalError("the fuzz configurations are valid: \(error)")
        }
        let oneByteReads = configuration.faults.malformedResponses.contains(.oneByteReadBinary)
        var powered = true
        card.powerOn()
        var steps = 0
        while !chunks.isExhausted, steps < 512 {
            steps += 1
            let block = chunks.next()
            if block.count == 1 {
                switch block[0] {
                case 0x00: card.powerOff(); powered = false
                case 0x01: card.powerOn(); powered = true
                case 0x02: card.reset(); powered = true
                case 0x04: fuzzCheck((2...33).contains(card.atr.count), "ATR of \(card.atr.count) bytes")
                default: break
                }
                continue
            }
            let response = card.process(block)
            if !powered {
                fuzzCheck(response.isEmpty, "an unpowered card answered")
                continue
            }
            if oneByteReads && response == [0x90] { continue }
            fuzzCheck(response.count >= 2, "response of \(response.count) byte(s) to \(Hex.encode(block))")
            fuzzCheck(response.count <= 65536 + 2, "response of \(response.count) bytes")
            let sw1 = response[response.count - 2]
            fuzzCheck([0x61, 0x62, 0x63, 0x67, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x90].contains(sw1),
                "SW1 \(Hex.encode([sw1])) to \(Hex.encode(block))")
            if sw1 != 0x90 && sw1 != 0x61 && sw1 != 0x62 {
                fuzzCheck(response.count == 2, "data with status \(Hex.encode(response.suffix(2)))")
            }
        }
        for kind in PINKind.allCases {
            fuzzCheck((0...kind.maximumTries).contains(card.triesLeft(kind)), "tries on the \(kind) PIN")
        }
    }
}

FuzzDriver.main(name: "FuzzVirtualCard") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}
