//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaSpec

/// A virtual My Number card: the JPKI applet, the card-info input support applet and the card-surface applet over an
/// ISO 7816 file system.
///
/// It is an independent implementation of the card, written from the card's specification (`MynaSpec`: the AIDs,
/// file identifiers, PIN rules and data formats) and ISO 7816-4, never from the client in `MynaCard`, so that the
/// client's tests meet a card and not a mirror of themselves.
///
/// ## Applets and files
/// ``JPKIApplet``:
/// - The four certificate EFs hold exact DER, optionally followed by ``SimulatorConfiguration/certificatePadding``.
///   ``JPKIApplet/EF/signingCertificate`` is readable after the signing password was verified in this selection;
///   the other three are always readable.
/// - ``JPKIApplet/EF/token``: ``JPKIApplet/Token/myNumberCard`` padded with spaces (`20`) to
///   ``JPKIApplet/Token/length`` bytes.
/// - The authentication and signing key EFs, each opened by its PIN EF (``PINKind/authentication``,
///   ``PINKind/signing``: formats and tries as ``PINKind`` states them).
///
/// ``CardInfoApplet`` (both EFs readable after the ``PINKind/cardInfo`` PIN was verified):
/// - ``CardInfoApplet/EF/myNumber``: the `FF 10` TLV of the 12 ASCII digits, then `FF FF`.
/// - ``CardInfoApplet/EF/attributes``: `FF 20 82 HH LL` { `DF 21` header, `DF 22` name, `DF 23` address, `DF 24`
///   birth date `YYYYMMDD`, `DF 25` sex code }. The header holds four 16-bit big-endian offsets of the DF 22 ... DF 25
///   TLVs, counted from the first byte of the FF 20 value.
///
/// The card-info applet also holds the digests EF (0003: SHA-256 of EF 0001 as stored and of EF 0002 from DF 22,
/// signed) and its card-verifiable certificate (0004); 照合番号A (key EF 0014) opens EF 0001 and 0003, 照合番号B
/// (0015) EF 0002 and 0003.
///
/// ``CardSurfaceApplet`` (MyNumberCardFileSystem+Surface.swift): the age record (0001, birth-date key 0011), the
/// surface (0002: birth date, sex, card key, name and address PNGs, a generated JPEG 2000 photo, signature, expiry
/// date, security-code PNG; 照合番号A 0013 or B 0012), basic data (0003), the certificate (0004) and the My Number
/// image (0005, 照合番号A only). Everything is signed by the card-data hierarchy of the PKI (``CardDataPKI``);
/// ``SimulatorConfiguration/Tampering`` changes the shown data after signing.
///
/// Every EF whose FID is 0001-001E has that number as its short EF identifier.
///
/// ## Commands
/// - SELECT `00 A4 04 P2 Lc AID` and `00 A4 02 P2 02 FID` (also P1 = 00; `3F 00` selects the MF and leaves the
///   applet). P2 = `0C` answers `90 00` only. P2 = `00` (FCI, tag 6F) or `04` (FCP, tag 62) returns the template when
///   Le is present: `84` DF name for an applet, `80` size and `83` FID for an EF. Unknown AID or FID: `6A 82`, the
///   previous selection stays. Selecting an applet (again) clears its security state.
/// - READ BINARY `00 B0` with a 15-bit offset, or P1 = `80|SFI` with the offset in P2 (extended profile only;
///   otherwise `6A 86`). No current EF: `69 86`. Access not granted: `69 82`. Offset at or after the end: `6B 00`.
///   Le larger than what remains: ``SimulatorConfiguration/endOfFileBehaviour`` or `6C xx`.
/// - VERIFY `00 20 00 80` on the current PIN EF (or P2 = `80|n` naming PIN EF 00nn): no data answers `63 Cx`
///   without spending a try; a wrong PIN spends one and answers `63 Cx`; a correct one restores the counter and
///   answers `90 00`; a blocked PIN (0 tries) answers `69 83` to every VERIFY.
/// - COMPUTE DIGITAL SIGNATURE `80 2A 00 80 Lc DigestInfo 00` with the key EF current and its PIN verified in this
///   selection (else `69 82`): PKCS#1 v1.5 type-01 padding and the RSA-2048 private-key operation,
///   ``JPKIApplet/signatureLength`` bytes. Input longer than 245 bytes: `67 00`. Without Le the card answers `61 00`
///   and the signature is fetched with GET RESPONSE.
/// - GET RESPONSE `00 C0 00 00 Le` serves data a `61 xx` announced.
///
/// Classes other than `00` and `80`: `6E 00`. Instructions not in that class: `6D 00`. Inconsistent length fields,
/// and extended APDUs when ``SimulatorConfiguration/extendedLength`` is off: `67 00`.
///
/// PIN counters persist over resets and power cycles; selection, verified PINs and pending GET RESPONSE data do not.
/// While unpowered the card answers nothing (an empty response).
///
/// The command handlers live in `VirtualMyNumberCard+Files.swift` (SELECT, READ BINARY),
/// `VirtualMyNumberCard+Security.swift` (VERIFY, COMPUTE DIGITAL SIGNATURE) and
/// `VirtualMyNumberCard+Responses.swift` (GET RESPONSE and delivery); the faults in
/// `SimulatorConfiguration+Faults.swift`.
public final class VirtualMyNumberCard: VirtualCard {
    /// The configuration the card was made from.
    public let configuration: SimulatorConfiguration
    /// The PKI whose certificates and keys the card holds.
    public let pki: TestPKI
    /// The answer to reset.
    public let atr: [UInt8]

    /// The applets and files, with the PIN counters that survive power cycles. Internal (not private) only so that
    /// the command handlers in the `VirtualMyNumberCard+*.swift` files reach it.
    var fileSystem: CardFileSystem
    /// The volatile state, dropped on every power-on, reset and power-off. Internal for the same reason.
    var session = CardSession()
    private var isPowered = false

    /// Creates an unpowered card.
    ///
    /// - Parameters:
    ///   - configuration: validated first.
    ///   - pki: the certificates and keys; `nil` uses this process's cached PKI for the configuration's identity.
    ///     The signing certificate carries the identity of the PKI, the card-info applet's attributes EF the
    ///     configuration's.
    /// - Throws: ``SimulatorError`` when the configuration is invalid or a PKI cannot be generated.
    public init(configuration: SimulatorConfiguration = SimulatorConfiguration(), pki: TestPKI? = nil)
        throws(SimulatorError)
    {
        try configuration.validate()
        let resolvedPKI: TestPKI
        if let pki {
            resolvedPKI = pki
        } else {
            resolvedPKI = try TestPKI.cached(identity: configuration.identity)
        }
        self.configuration = configuration
        self.pki = resolvedPKI
        self.atr = configuration.effectiveATR.bytes
        self.fileSystem = try .myNumberCard(configuration: configuration, pki: resolvedPKI)
    }

    // MARK: - VirtualCard

    public func powerOn() {
        session = CardSession()
        isPowered = true
    }

    public func powerOff() {
        session = CardSession()
        isPowered = false
    }

    public func reset() {
        session = CardSession()
        isPowered = true
    }

    public func process(_ command: [UInt8]) -> [UInt8] {
        guard isPowered else { return [] }
        guard command.count >= 4 else { return refuse(.wrongLength) }
        guard CardInstruction.isSupportedClass(command[0]) else { return refuse(.classNotSupported) }
        guard let instruction = CardInstruction(cla: command[0], ins: command[1]) else {
            return refuse(.instructionNotSupported)
        }
        guard let parsed = CardCommand.parse(command), !parsed.isExtended || configuration.extendedLength else {
            return refuse(.wrongLength)
        }
        // GET RESPONSE serves what the previous command left pending; any other command drops it.
        if instruction != .getResponse {
            session.pending = nil
        }
        switch instruction {
        case .getResponse:
            return getResponse(parsed)
        case .select:
            return deliver(select(parsed))
        case .readBinary:
            return configuration.faults.readBinaryOverride ?? deliver(readBinary(parsed))
        case .verify:
            return deliver(verify(parsed))
        case .computeDigitalSignature:
            return deliver(computeDigitalSignature(parsed))
        }
    }

    /// A status word for a command the card cannot even start; whatever GET RESPONSE had pending is dropped.
    private func refuse(_ status: CardStatus) -> [UInt8] {
        session.pending = nil
        return Reply(status).bytes
    }

    // MARK: - Inspection (for tests)

    /// Tries left on the PIN of `kind` (0 = blocked). Reading it sends nothing and changes nothing.
    public func triesLeft(_ kind: PINKind) -> Int {
        guard let location = fileSystem.location(ofEF: kind.pinFileID, inApplet: kind.appletAID),
            case .pin(let pin) = fileSystem[location.applet, location.file]
        else { return 0 }
        return pin.triesLeft
    }

    /// The exact bytes of a transparent EF, or `nil` if the applet has no such EF.
    public func contents(ofEF fid: UInt16, inApplet aid: [UInt8]) -> [UInt8]? {
        guard let location = fileSystem.location(ofEF: fid, inApplet: aid),
            case .binary(let bytes, _) = fileSystem[location.applet, location.file]
        else { return nil }
        return bytes
    }
}

/// The card's volatile state: what is selected, which PINs were verified since, and data waiting for GET RESPONSE.
/// A fresh value is the state after power-on; selecting an applet starts a fresh one too.
struct CardSession: Sendable {
    /// The selected applet (its index in the file system), if any.
    var currentDF: Int?
    /// The current EF (its index in the selected applet), if any.
    var currentEF: Int?
    /// The FIDs of the PIN EFs verified in this selection.
    var verifiedPINs: Set<UInt16> = []
    /// Data a `61 xx` announced, served by GET RESPONSE; any other command drops it.
    var pending: PendingResponse?
}
