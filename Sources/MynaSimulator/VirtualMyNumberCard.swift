//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// A virtual My Number card: the JPKI applet and the card-info input support applet over an ISO 7816 file system.
///
/// ## Applets and files
/// JPKI AP `D3 92 F0 00 26 01 00 00 00 01`:
/// - EF 0001 signing certificate (readable after the signing password, EF 001B, was verified in this selection),
///   0002 signing CA certificate, 000A authentication certificate, 000B authentication CA certificate: exact DER,
///   optionally followed by ``SimulatorConfiguration/certificatePadding``.
/// - EF 0006 token: `JPKIAPICCTOKEN2` padded with spaces (0x20) to 32 bytes.
/// - EF 0017 authentication key (PIN EF 0018: 4 digits, 3 tries); EF 001A signing key (PIN EF 001B: 6-16 A-Z0-9,
///   5 tries).
///
/// Card-info input support AP `D3 92 10 00 31 00 01 01 04 08` (both EFs readable after PIN EF 0011, 4 digits,
/// 3 tries, was verified):
/// - EF 0001: `FF 10 0C` + the 12 ASCII digits of the My Number + `FF FF` (17 bytes).
/// - EF 0002: `FF 20 82 HH LL` { `DF 21` header, `DF 22` name, `DF 23` address, `DF 24` birth date `YYYYMMDD`,
///   `DF 25` sex code }. The header holds four 16-bit big-endian offsets of the DF 22 ... DF 25 TLVs, counted from the
///   first byte of the FF 20 value.
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
///   selection (else `69 82`): PKCS#1 v1.5 type-01 padding and the RSA-2048 private-key operation, 256 bytes. Input
///   longer than 245 bytes: `67 00`. Without Le the card answers `61 00` and the signature is fetched with GET
///   RESPONSE.
/// - GET RESPONSE `00 C0 00 00 Le` serves data a `61 xx` announced.
///
/// Classes other than `00` and `80`: `6E 00`. Instructions not in that class: `6D 00`. Inconsistent length fields,
/// and extended APDUs when ``SimulatorConfiguration/extendedLength`` is off: `67 00`.
///
/// PIN counters persist over resets and power cycles; selection, verified PINs and pending GET RESPONSE data do not.
/// While unpowered the card answers nothing (an empty response).
public final class VirtualMyNumberCard: VirtualCard {
    /// The PINs of the card.
    public enum PIN: Sendable, Hashable, CaseIterable {
        /// JPKI authentication PIN, EF 0018.
        case auth
        /// JPKI signing password, EF 001B.
        case sign
        /// Card-info input support PIN, EF 0011.
        case cardInfo
    }

    /// The configuration the card was made from.
    public let configuration: SimulatorConfiguration
    /// The PKI whose certificates and keys the card holds.
    public let pki: TestPKI
    /// The answer to reset.
    public let atr: [UInt8]

    private var applets: [DedicatedFile]

    // Volatile state.
    private var isPowered = false
    private var currentDF: Int?
    private var currentEF: Int?
    private var verifiedPINs: Set<UInt16> = []
    private var pending: PendingResponse?

    private struct PendingResponse {
        var data: [UInt8]
        var status: UInt16
        var endless: Bool
    }

    private struct Reply {
        var data: [UInt8]
        var status: UInt16

        init(_ status: CardStatus, data: [UInt8] = []) {
            self.data = data
            self.status = status.rawValue
        }

        init(rawStatus: UInt16, data: [UInt8] = []) {
            self.data = data
            self.status = rawStatus
        }
    }

    private static let jpkiIndex = 0
    private static let cardInfoIndex = 1

    /// Creates an unpowered card.
    ///
    /// - Parameters:
    ///   - configuration: validated first.
    ///   - pki: the certificates and keys; `nil` uses this process's cached PKI for the configuration's identity.
    ///     The signing certificate carries the identity of the PKI, EF 0002 of the card-info applet the
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
        self.applets = [
            Self.makeJPKIApplet(configuration: configuration, pki: resolvedPKI),
            Self.makeCardInfoApplet(configuration: configuration),
        ]
    }

    // MARK: - VirtualCard

    public func powerOn() {
        clearVolatileState()
        isPowered = true
    }

    public func powerOff() {
        clearVolatileState()
        isPowered = false
    }

    public func reset() {
        clearVolatileState()
        isPowered = true
    }

    public func process(_ command: [UInt8]) -> [UInt8] {
        guard isPowered else { return [] }
        guard command.count >= 4 else {
            pending = nil
            return CardStatus.wrongLength.bytes
        }
        let cla = command[0]
        let ins = command[1]
        guard cla == 0x00 || cla == 0x80 else {
            pending = nil
            return CardStatus.claNotSupported.bytes
        }
        let supported: Bool
        switch (cla, ins) {
        case (0x00, 0xA4), (0x00, 0xB0), (0x00, 0x20), (0x00, 0xC0), (0x80, 0x2A): supported = true
        default: supported = false
        }
        guard supported else {
            pending = nil
            return CardStatus.insNotSupported.bytes
        }
        guard let parsed = CardCommand.parse(command), !parsed.isExtended || configuration.extendedLength else {
            pending = nil
            return CardStatus.wrongLength.bytes
        }
        if ins == 0xC0 {
            return getResponse(parsed)
        }
        pending = nil
        if ins == 0xB0 && configuration.faults.malformedResponses.contains(.oneByteReadBinary) {
            return [0x90]
        }
        let reply: Reply
        switch ins {
        case 0xA4: reply = select(parsed)
        case 0xB0: reply = readBinary(parsed)
        case 0x20: reply = verify(parsed)
        default: reply = computeDigitalSignature(parsed)
        }
        return deliver(reply)
    }

    // MARK: - Inspection (for tests)

    /// Tries left on `pin` (0 = blocked). Reading it sends nothing and changes nothing.
    public func triesLeft(_ pin: PIN) -> Int {
        let (applet, fid) = Self.location(of: pin)
        guard let index = applets[applet].index(ofFID: fid), case .pin(let file) = applets[applet].files[index].content
        else { return 0 }
        return file.triesLeft
    }

    /// The exact bytes of a transparent EF, or `nil` if the applet has no such EF.
    public func contents(ofEF fid: UInt16, inApplet aid: [UInt8]) -> [UInt8]? {
        guard let applet = applets.firstIndex(where: { $0.aid == aid }),
            let index = applets[applet].index(ofFID: fid),
            case .binary(let bytes, _) = applets[applet].files[index].content
        else { return nil }
        return bytes
    }

    // MARK: - Commands

    private func select(_ command: CardCommand) -> Reply {
        guard command.p2 == 0x0C || command.p2 == 0x00 || command.p2 == 0x04 else { return Reply(.incorrectP1P2) }
        let template: UInt8 = command.p2 == 0x04 ? 0x62 : 0x6F
        let wantsTemplate = command.p2 != 0x0C && command.ne > 0
        switch command.p1 {
        case 0x04:
            guard let applet = applets.firstIndex(where: { $0.aid == command.data }) else {
                return Reply(.fileNotFound)
            }
            clearVolatileState()
            currentDF = applet
            guard wantsTemplate else { return Reply(.success) }
            let aid = applets[applet].aid
            let fci = tlv([template], tlv([0x84], aid))
            return Reply(.success, data: Array(fci.prefix(command.ne)))
        case 0x00, 0x02:
            guard command.data.count == 2 else { return Reply(.wrongLength) }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            if command.p1 == 0x00 && fid == 0x3F00 {
                clearVolatileState()
                return Reply(.success)
            }
            guard let applet = currentDF, let index = applets[applet].index(ofFID: fid) else {
                return Reply(.fileNotFound)
            }
            currentEF = index
            guard wantsTemplate else { return Reply(.success) }
            let size: Int
            if case .binary(let bytes, _) = applets[applet].files[index].content {
                size = bytes.count
            } else {
                size = 0
            }
            let body = tlv([0x80], [UInt8(size >> 8), UInt8(size & 0xFF)]) + tlv([0x83], command.data)
            return Reply(.success, data: Array(tlv([template], body).prefix(command.ne)))
        default:
            return Reply(.incorrectP1P2)
        }
    }

    private func readBinary(_ command: CardCommand) -> Reply {
        guard command.data.isEmpty, command.ne > 0 else { return Reply(.wrongLength) }
        let offset: Int
        let applet: Int
        let index: Int
        if command.p1 & 0x80 != 0 {
            let sfi = command.p1 & 0x1F
            guard configuration.extendedLength, command.p1 & 0x60 == 0, sfi != 0 else {
                return Reply(.incorrectP1P2)
            }
            guard let df = currentDF, let found = applets[df].index(ofShortIdentifier: sfi) else {
                return Reply(.fileNotFound)
            }
            applet = df
            index = found
            currentEF = found
            offset = Int(command.p2)
        } else {
            guard let df = currentDF, let ef = currentEF else { return Reply(.noCurrentEF) }
            applet = df
            index = ef
            offset = Int(command.p1p2)
        }
        guard case .binary(let bytes, let access) = applets[applet].files[index].content else {
            return Reply(.incompatibleFileStructure)
        }
        if case .pinVerified(let pin) = access, !verifiedPINs.contains(pin) {
            return Reply(.securityStatusNotSatisfied)
        }
        guard offset < bytes.count else { return Reply(.offsetOutsideEF) }
        let remaining = bytes.count - offset
        if command.ne <= remaining {
            return Reply(.success, data: Array(bytes[offset..<offset + command.ne]))
        }
        if configuration.faults.wrongLeAnswers6C && remaining <= 256 {
            return Reply(rawStatus: 0x6C00 | UInt16(remaining & 0xFF))
        }
        switch configuration.endOfFileBehaviour {
        case .warning:
            return Reply(.endOfFile, data: Array(bytes[offset...]))
        case .wrongParameters:
            return Reply(.offsetOutsideEF)
        case .success:
            return Reply(.success, data: Array(bytes[offset...]))
        }
    }

    private func verify(_ command: CardCommand) -> Reply {
        guard command.p1 == 0x00 else { return Reply(.incorrectP1P2) }
        guard let applet = currentDF else {
            return command.p2 == 0x80 ? Reply(.noCurrentEF) : Reply(.referencedDataNotFound)
        }
        let index: Int
        if command.p2 == 0x80 {
            guard let ef = currentEF, case .pin = applets[applet].files[ef].content else { return Reply(.noCurrentEF) }
            index = ef
        } else if command.p2 & 0xE0 == 0x80, command.p2 & 0x1F != 0 {
            guard let found = applets[applet].index(ofShortIdentifier: command.p2 & 0x1F),
                case .pin = applets[applet].files[found].content
            else { return Reply(.referencedDataNotFound) }
            index = found
        } else {
            return Reply(.incorrectP1P2)
        }
        guard case .pin(var pin) = applets[applet].files[index].content else { return Reply(.noCurrentEF) }
        let fid = applets[applet].files[index].fid
        guard pin.triesLeft > 0 else { return Reply(.authenticationMethodBlocked) }
        if command.data.isEmpty {
            return Reply(rawStatus: 0x63C0 | UInt16(pin.triesLeft))
        }
        defer { applets[applet].files[index].content = .pin(pin) }
        if command.data == pin.value {
            pin.triesLeft = pin.maximumTries
            verifiedPINs.insert(fid)
            return Reply(.success)
        }
        pin.triesLeft -= 1
        verifiedPINs.remove(fid)
        return Reply(rawStatus: 0x63C0 | UInt16(pin.triesLeft))
    }

    private func computeDigitalSignature(_ command: CardCommand) -> Reply {
        guard command.p1 == 0x00, command.p2 == 0x80 else { return Reply(.incorrectP1P2) }
        guard let applet = currentDF, let ef = currentEF,
            case .key(let role, let pinFID) = applets[applet].files[ef].content,
            verifiedPINs.contains(pinFID)
        else { return Reply(.securityStatusNotSatisfied) }
        let key = role == .authentication ? pki.authKey : pki.signKey
        guard !command.data.isEmpty, command.data.count <= key.size - 11 else { return Reply(.wrongLength) }
        guard var signature = try? key.sign(command.data) else { return Reply(.technicalProblem) }
        if configuration.faults.malformedResponses.contains(.shortSignature) {
            signature.removeLast()
        }
        if command.ne == 0 {
            // Case 3 (no Le): announce the signature as T=0 cards do, to be fetched with GET RESPONSE.
            pending = PendingResponse(data: signature, status: CardStatus.success.rawValue, endless: false)
            return Reply(rawStatus: 0x6100 | UInt16(min(signature.count, 256) & 0xFF))
        }
        if command.ne < signature.count {
            return Reply(rawStatus: 0x6C00 | UInt16(min(signature.count, 256) & 0xFF))
        }
        return Reply(.success, data: signature)
    }

    private func getResponse(_ command: CardCommand) -> [UInt8] {
        guard command.p1p2 == 0 else { return CardStatus.incorrectP1P2.bytes }
        guard command.data.isEmpty, command.ne > 0 else { return CardStatus.wrongLength.bytes }
        guard var response = pending else { return CardStatus.conditionsNotSatisfied.bytes }
        if response.endless {
            let source = response.data.isEmpty ? [0x00] : response.data
            let chunk = (0..<min(command.ne, 16)).map { source[$0 % source.count] }
            return chunk + [0x61, 0x10]
        }
        let chunk = Array(response.data.prefix(command.ne))
        response.data.removeFirst(chunk.count)
        if response.data.isEmpty {
            pending = nil
            return chunk + [UInt8(response.status >> 8), UInt8(response.status & 0xFF)]
        }
        pending = response
        return chunk + [0x61, UInt8(min(response.data.count, 256) & 0xFF)]
    }

    /// Turns a reply into response bytes, applying the GET RESPONSE faults.
    private func deliver(_ reply: Reply) -> [UInt8] {
        if !reply.data.isEmpty {
            if configuration.faults.malformedResponses.contains(.endlessGetResponse) {
                pending = PendingResponse(data: reply.data, status: reply.status, endless: true)
                return [0x61, 0x10]
            }
            if let threshold = configuration.faults.getResponseThreshold, reply.data.count > threshold {
                pending = PendingResponse(data: reply.data, status: reply.status, endless: false)
                return [0x61, UInt8(min(reply.data.count, 256) & 0xFF)]
            }
        }
        return reply.data + [UInt8(reply.status >> 8), UInt8(reply.status & 0xFF)]
    }

    private func clearVolatileState() {
        currentDF = nil
        currentEF = nil
        verifiedPINs = []
        pending = nil
    }

    // MARK: - Building the file system

    private static func location(of pin: PIN) -> (applet: Int, fid: UInt16) {
        switch pin {
        case .auth: return (jpkiIndex, 0x0018)
        case .sign: return (jpkiIndex, 0x001B)
        case .cardInfo: return (cardInfoIndex, 0x0011)
        }
    }

    private static func file(_ fid: UInt16, _ content: ElementaryFile.Content) -> ElementaryFile {
        ElementaryFile(fid: fid, shortIdentifier: (1...0x1E).contains(fid) ? UInt8(fid) : nil, content: content)
    }

    private static func makeJPKIApplet(configuration: SimulatorConfiguration, pki: TestPKI) -> DedicatedFile {
        func certificateEF(_ der: [UInt8]) -> [UInt8] {
            var bytes = der
            if configuration.faults.malformedResponses.contains(.certificateLengthOverstated), bytes.count >= 4,
                bytes[0] == 0x30, bytes[1] == 0x82
            {
                let overstated = (Int(bytes[2]) << 8 | Int(bytes[3])) + 16
                bytes[2] = UInt8(overstated >> 8)
                bytes[3] = UInt8(overstated & 0xFF)
            }
            if let padding = configuration.certificatePadding {
                bytes += [UInt8](repeating: padding.byte, count: padding.count)
            }
            return bytes
        }
        let token = Array("JPKIAPICCTOKEN2".utf8) + [UInt8](repeating: 0x20, count: 0x20 - 15)
        let authPIN = PINFile(
            value: Array(configuration.authPIN.utf8),
            maximumTries: SimulatorConfiguration.maximumAuthPINTries,
            triesLeft: configuration.authPINTries
        )
        let signPIN = PINFile(
            value: Array(configuration.signPIN.utf8),
            maximumTries: SimulatorConfiguration.maximumSignPINTries,
            triesLeft: configuration.signPINTries
        )
        return DedicatedFile(
            aid: MyNumberCardAID.jpki,
            files: [
                file(0x0001, .binary(certificateEF(pki.signCertificate), read: .pinVerified(0x001B))),
                file(0x0002, .binary(certificateEF(pki.signRootCertificate), read: .always)),
                file(0x0006, .binary(token, read: .always)),
                file(0x000A, .binary(certificateEF(pki.authCertificate), read: .always)),
                file(0x000B, .binary(certificateEF(pki.authRootCertificate), read: .always)),
                file(0x0017, .key(.authentication, pin: 0x0018)),
                file(0x0018, .pin(authPIN)),
                file(0x001A, .key(.signing, pin: 0x001B)),
                file(0x001B, .pin(signPIN)),
            ]
        )
    }

    private static func makeCardInfoApplet(configuration: SimulatorConfiguration) -> DedicatedFile {
        let myNumber = [0xFF, 0x10, 0x0C] + Array(configuration.myNumber.utf8) + [0xFF, 0xFF]
        let identity = configuration.identity
        let fields = [
            tlv([0xDF, 0x22], Array(identity.name.utf8)),
            tlv([0xDF, 0x23], Array(identity.address.utf8)),
            tlv([0xDF, 0x24], Array(identity.birthDate.utf8)),
            tlv([0xDF, 0x25], Array(identity.sex.code.utf8)),
        ]
        // The header TLV is DF 21 08 + four offsets: 11 bytes.
        var offsets: [UInt8] = []
        var position = 11
        for field in fields {
            offsets += [UInt8(position >> 8 & 0xFF), UInt8(position & 0xFF)]
            position += field.count
        }
        let value = tlv([0xDF, 0x21], offsets) + fields.joined()
        let attributes = [0xFF, 0x20, 0x82, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
        let pin = PINFile(
            value: Array(configuration.cardInfoPIN.utf8),
            maximumTries: SimulatorConfiguration.maximumCardInfoPINTries,
            triesLeft: configuration.cardInfoPINTries
        )
        return DedicatedFile(
            aid: MyNumberCardAID.cardInfo,
            files: [
                file(0x0001, .binary(myNumber, read: .pinVerified(0x0011))),
                file(0x0002, .binary(attributes, read: .pinVerified(0x0011))),
                file(0x0011, .pin(pin)),
            ]
        )
    }
}

/// A BER-TLV with a definite length in the shortest form.
private func tlv(_ tag: [UInt8], _ value: [UInt8]) -> [UInt8] {
    let count = value.count
    let length: [UInt8]
    if count < 0x80 {
        length = [UInt8(count)]
    } else if count <= 0xFF {
        length = [0x81, UInt8(count)]
    } else {
        length = [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
    }
    return tag + length + value
}
