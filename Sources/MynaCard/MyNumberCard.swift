//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Logging
public import SmartCard

/// A session with a My Number card over any ``CardChannel``: a PC/SC transaction or an in-memory virtual card.
///
/// The session remembers which applet and EF are selected so that no APDU is sent twice (the card budget of
/// Docs/Benchmarks.md), decides once from the ATR and the reader whether whole-EF extended reads are possible, and
/// turns every card answer into a value or a ``MynaCardError``.
///
/// A session belongs to one channel and one thread. When the card is reset by someone else the selection is
/// forgotten and ``MynaCardError/Code/cardReset`` is thrown; VERIFY and signatures are never resent on their own.
///
/// The session logs its decisions at `debug` (the card profile, retries after a reset) to ``logger``; the channel
/// logs the exchanges themselves.
public final class MyNumberCard {
    public let channel: CardChannel
    public let profile: CardProfile
    /// Where the session logs its decisions; by default the channel's logger.
    public let logger: Logger

    private var selectedApplet: [UInt8]?
    private(set) var selectedEF: UInt16?
    /// Whether a VERIFY with a PIN was sent in this session (a reset after it must not lead to a silent retry).
    public private(set) var hasSentPIN = false

    /// Starts a session; the profile comes from the card's ATR and the reader's `dwMaxAPDUDataSize` unless given.
    ///
    /// - Parameter logger: receives the session's diagnostics; `nil` uses the channel's ``CardChannel/logger``.
    public init(channel: CardChannel, profile: CardProfile? = nil, logger: Logger? = nil) {
        self.channel = channel
        self.logger = logger ?? channel.logger
        if let profile {
            self.profile = profile
            self.logger.debug("card profile given by the caller: \(profile.summary)")
        } else {
            self.profile = CardProfile(
                atr: channel.transport.atr, readerMaxAPDUDataSize: channel.transport.maxAPDUDataSize)
            self.logger.debug("card profile from the ATR and the reader: \(self.profile.summary)")
        }
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
            logger.debug("the card was reset during a flow that sent no PIN; running it once more")
            return try flow()
        } catch let error as MynaCardError where error.code == .cardReset {
            logger.debug("the card was reset after a PIN was sent; not retrying")
            throw error
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

    /// Builds a command whose fields the caller derived from the card's facts; a failure is a bug in the caller,
    /// reported as ``MynaCardError/Code/invalidArgument`` rather than a crash.
    func command(_ build: () throws -> CommandAPDU) throws -> CommandAPDU {
        do {
            return try build()
        } catch let error as CardError {
            throw MynaCardError(.invalidArgument, error.reason)
        }
    }

    /// SELECT an applet by AID (`00 A4 04 0C`), unless it is already selected in this session.
    func selectApplet(_ aid: [UInt8], name: String) throws {
        if selectedApplet == aid { return }
        let response = try transmit(command { try .selectApplication(aid: aid) })
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
        let response = try transmit(.selectEF(fid))
        switch response.statusWord {
        case .success: selectedEF = fid
        case .fileNotFound:
            throw MynaCardError(.fileNotFound, "the card has no \(name) (EF \(Hex.encode([UInt8(fid >> 8), UInt8(fid & 0xFF)])))")
        default: throw unexpected(response.statusWord, "SELECT \(name)")
        }
    }

    /// Records that a READ BINARY by short EF identifier made `fid` the current EF.
    func noteSelected(ef fid: UInt16) {
        selectedEF = fid
    }

    /// Records that a VERIFY with a PIN is about to be sent: from now on no flow of this session is repeated.
    func noteSendingPIN() {
        hasSentPIN = true
    }

    func unexpected(_ statusWord: StatusWord, _ what: String) -> MynaCardError {
        MynaCardError(.unexpectedStatus, "\(what) answered \(statusWord)", statusWord: statusWord)
    }
}
