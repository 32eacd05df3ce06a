//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import SmartCard

/// A session with a My Number card over any ``CardChannel``: a PC/SC transaction or an in-memory virtual card.
///
/// The session remembers which applet and EF are selected so that no APDU is sent twice (the card budget of
/// design.md), decides once from the ATR and the reader whether whole-EF extended reads are possible, and turns
/// every card answer into a value or a ``MynaCardError``.
///
/// A session belongs to one channel and one thread. When the card is reset by someone else the selection is
/// forgotten and ``MynaCardError/Code/cardReset`` is thrown; VERIFY and signatures are never resent on their own.
public final class MyNumberCard {
    public let channel: CardChannel
    public let profile: CardProfile

    private var selectedApplet: [UInt8]?
    private var selectedEF: UInt16?
    /// Whether a VERIFY with a PIN was sent in this session (a reset after it must not lead to a silent retry).
    public private(set) var hasSentPIN = false

    /// Starts a session; the profile comes from the card's ATR and the reader's `dwMaxAPDUDataSize` unless given.
    public init(channel: CardChannel, profile: CardProfile? = nil) {
        self.channel = channel
        self.profile =
            profile
            ?? CardProfile(atr: channel.transport.atr, readerMaxAPDUDataSize: channel.transport.maxAPDUDataSize)
    }

    /// The JPKI applet (certificates, PINs, signatures).
    public var jpki: JPKIApplication { JPKIApplication(card: self) }

    /// The card-info input support applet (My Number and the four basic attributes).
    public var cardInfo: CardInfoApplication { CardInfoApplication(card: self) }

    /// APDUs sent so far in this session.
    public var apduCount: Int { channel.apduCount }

    /// Forgets the selection (after a reset, or to force SELECT again).
    public func forgetSelection() {
        selectedApplet = nil
        selectedEF = nil
    }

    /// Runs a flow that sends no PIN; when the card was reset by another application during it, the selection is
    /// rebuilt and the flow runs once more. Flows that sent a PIN are never repeated.
    public func retryingAfterReset<T>(_ flow: () throws -> T) throws -> T {
        do {
            return try flow()
        } catch let error as MynaCardError where error.code == .cardReset && !hasSentPIN {
            return try flow()
        }
    }

    // MARK: - Building blocks for the applets

    /// Sends a command; transport failures become ``MynaCardError`` with the code the CLI reports as exit 6.
    func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        do {
            return try channel.transmit(command)
        } catch let error as PCSCError where error == .resetCard {
            forgetSelection()
            throw MynaCardError(
                .cardReset,
                "the card was reset by another application during the flow; nothing was resent (\(error.name))")
        } catch let error as PCSCError {
            forgetSelection()
            throw MynaCardError(.communicationFailed, "card communication failed: \(error)", pcscError: error)
        } catch let error as CardError where error.code == .timedOut || error.code == .channelClosed {
            forgetSelection()
            throw MynaCardError(.timedOut, error.reason)
        } catch let error as CardError {
            throw MynaCardError(.malformedData, "the card's answer is unusable: \(error.reason)")
        }
    }

    /// SELECT an applet by AID (`00 A4 04 0C`), unless it is already selected in this session.
    func selectApplet(_ aid: [UInt8], name: String) throws {
        if selectedApplet == aid { return }
        let response = try transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
        switch response.statusWord {
        case .success:
            selectedApplet = aid
            selectedEF = nil
        case .fileNotFound:
            throw MynaCardError(.fileNotFound, "the card has no \(name) applet", statusWord: response.statusWord)
        default:
            throw unexpected(response.statusWord, "SELECT \(name) applet")
        }
    }

    /// SELECT an EF of the selected applet (`00 A4 02 0C`), unless it is the current EF.
    func selectEF(_ fid: UInt16, name: String) throws {
        if selectedEF == fid { return }
        let response = try transmit(
            CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [UInt8(fid >> 8), UInt8(truncatingIfNeeded: fid)]))
        switch response.statusWord {
        case .success: selectedEF = fid
        case .fileNotFound:
            throw MynaCardError(.fileNotFound, "the card has no \(name) (EF \(Hex.encode([UInt8(fid >> 8), UInt8(fid & 0xFF)])))")
        default: throw unexpected(response.statusWord, "SELECT \(name)")
        }
    }

    /// Reads a BER-TLV EF of the selected applet to the exact length its header declares.
    ///
    /// On the short profile: SELECT EF (if needed), then READ BINARY of 256 bytes; the first answer reveals the
    /// length, so the rest follows in ceil(N/256) reads in all. On the extended profile the whole EF comes in one
    /// READ BINARY (by short EF identifier when the card has them). The end of a file may be answered with `62 82`
    /// and the bytes left, `6C xx` (handled by the channel) or `6B 00`; a file that ends before its TLV does is an
    /// error, never a short result.
    func readTLVFile(_ fid: UInt16, name: String, expectedTags: Set<BERTLV.Tag>, sensitive: Bool = false) throws
        -> [UInt8]
    {
        let wasRedacting = channel.redactsResponseData
        channel.redactsResponseData = wasRedacting || sensitive
        defer { channel.redactsResponseData = wasRedacting }

        var data: [UInt8] = []
        var total: Int?
        var firstCommand: CommandAPDU?
        let chunk = profile.maximumReadLength
        if profile.usesShortEFIdentifiers, fid >= 1, fid <= 30 {
            firstCommand = try CommandAPDU(
                ins: 0xB0, p1: 0x80 | UInt8(fid), p2: 0, expectedLength: chunk, forceExtended: chunk > 256)
        } else {
            try selectEF(fid, name: name)
        }
        while total.map({ data.count < $0 }) ?? true {
            let offset = data.count
            let wanted = min(chunk, total.map { $0 - offset } ?? chunk)
            let command: CommandAPDU
            if let first = firstCommand {
                command = first
                firstCommand = nil
            } else {
                guard offset <= 0x7FFF else {
                    throw MynaCardError(.malformedData, "\(name) is longer than READ BINARY offsets can address")
                }
                command = try CommandAPDU(
                    ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF), expectedLength: wanted,
                    forceExtended: wanted > 256)
            }
            let response = try transmit(command)
            let endOfFile: Bool
            switch response.statusWord {
            case .success: endOfFile = false
            case .endOfFileReached, .wrongP1P2: endOfFile = true
            case .securityStatusNotSatisfied:
                throw MynaCardError(
                    .securityStatusNotSatisfied, "the card requires a PIN before reading \(name)",
                    statusWord: response.statusWord)
            case .fileNotFound, .commandNotAllowedNoCurrentEF:
                throw MynaCardError(.fileNotFound, "the card cannot read \(name)", statusWord: response.statusWord)
            default:
                throw unexpected(response.statusWord, "READ BINARY of \(name)")
            }
            if command.p1 & 0x80 != 0 { selectedEF = fid }
            guard response.data.count <= (command.expectedLength ?? 0) else {
                throw MynaCardError(
                    .malformedData,
                    "the card sent \(response.data.count) bytes of \(name) where \(command.expectedLength ?? 0) were asked")
            }
            data += response.data
            if total == nil {
                do {
                    if let header = try BERTLV.header(of: data) {
                        guard expectedTags.contains(header.tag) else {
                            throw MynaCardError(
                                .malformedData, "\(name) starts with tag \(header.tag), not \(expectedTags.map(\.description).sorted().joined(separator: " or "))")
                        }
                        total = header.totalLength
                    }
                } catch let error as CardError {
                    throw MynaCardError(.malformedData, "\(name) is not valid BER-TLV: \(error.reason)")
                }
            }
            if let total, data.count >= total { break }
            if endOfFile || response.data.isEmpty {
                throw MynaCardError(
                    .malformedData,
                    "\(name) ends after \(data.count) bytes"
                        + (total.map { " but its header declares \($0)" } ?? " inside its header"))
            }
        }
        return Array(data.prefix(total ?? 0))
    }

    /// Reads the tries left of the PIN in `pinEF` with an empty VERIFY (`00 20 00 80`), which spends nothing.
    func pinStatus(pinEF: UInt16, kind: PINKind) throws -> PINStatus {
        try selectEF(pinEF, name: "\(kind.displayName) EF")
        let response = try transmit(CommandAPDU(ins: 0x20, p1: 0x00, p2: 0x80))
        if let tries = response.statusWord.triesRemaining {
            return PINStatus(kind: kind, triesLeft: tries)
        }
        switch response.statusWord {
        case .authenticationMethodBlocked, .referenceDataNotUsable:
            return PINStatus(kind: kind, triesLeft: 0)
        default:
            // 90 00 would hide the counter (one implementation's quirk): refuse to guess.
            throw unexpected(response.statusWord, "empty VERIFY of the \(kind.displayName)")
        }
    }

    /// VERIFY with the PIN, guarded: the tries are read first; none left reports blocked without sending, one left
    /// is refused unless `allowLastTry`. The PIN is wiped afterwards, whatever happens.
    func verify(_ pin: PIN, pinEF: UInt16, allowLastTry: Bool) throws {
        defer { pin.wipe() }
        guard !pin.isWiped else {
            throw MynaCardError(.invalidPINFormat, "the PIN was already used and wiped; ask for it again")
        }
        let status = try pinStatus(pinEF: pinEF, kind: pin.kind)
        if status.isBlocked {
            throw MynaCardError(
                .pinBlocked, "the \(pin.kind.displayName) is blocked; it can only be reset at the municipal office",
                triesLeft: 0)
        }
        if status.triesLeft == 1 && !allowLastTry {
            throw MynaCardError(
                .lastTryRefused,
                "only one try is left on the \(pin.kind.displayName); a wrong PIN now blocks it. Nothing was sent; "
                    + "allow the last try explicitly to go on",
                triesLeft: 1)
        }
        let command = try pin.withBytes { bytes in try CommandAPDU(ins: 0x20, p1: 0x00, p2: 0x80, data: bytes) }
        hasSentPIN = true
        let response = try transmit(command)
        if response.statusWord.isSuccess { return }
        if let tries = response.statusWord.triesRemaining {
            if tries == 0 {
                throw MynaCardError(
                    .pinBlocked, "wrong \(pin.kind.displayName); it is now blocked", triesLeft: 0,
                    statusWord: response.statusWord)
            }
            throw MynaCardError(
                .wrongPIN, "wrong \(pin.kind.displayName); \(tries) \(tries == 1 ? "try" : "tries") left",
                triesLeft: tries, statusWord: response.statusWord)
        }
        switch response.statusWord {
        case .authenticationMethodBlocked, .referenceDataNotUsable:
            throw MynaCardError(
                .pinBlocked, "the \(pin.kind.displayName) is blocked", triesLeft: 0, statusWord: response.statusWord)
        default:
            throw unexpected(response.statusWord, "VERIFY of the \(pin.kind.displayName)")
        }
    }

    func unexpected(_ statusWord: StatusWord, _ what: String) -> MynaCardError {
        MynaCardError(.unexpectedStatus, "\(what) answered \(statusWord)", statusWord: statusWord)
    }
}

/// The state of one PIN's retry counter.
public struct PINStatus: Hashable, Sendable {
    public var kind: PINKind
    public var triesLeft: Int
    public var isBlocked: Bool { triesLeft == 0 }
    public var maximumTries: Int { kind.maximumTries }
}
