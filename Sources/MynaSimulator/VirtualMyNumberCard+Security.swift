//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// VERIFY (ISO 7816-4 section 11.5.6) and JPKI's COMPUTE DIGITAL SIGNATURE: the PIN counters and the private keys, as
// ``VirtualMyNumberCard``'s documentation describes them.

extension VirtualMyNumberCard {
    func verify(_ command: CardCommand) -> Reply {
        guard command.p1 == 0x00 else { return Reply(.unsupportedP1P2) }
        guard let applet = session.currentDF else {
            return command.p2 == 0x80 ? Reply(.noCurrentEF) : Reply(.referencedDataNotFound)
        }
        let file: Int
        if command.p2 == 0x80 {
            // The current EF is the PIN EF.
            guard let ef = session.currentEF, case .pin = fileSystem[applet, ef] else { return Reply(.noCurrentEF) }
            file = ef
        } else if command.p2 & 0xE0 == 0x80, command.p2 & 0x1F != 0 {
            // P2 = 100n nnnn names the PIN EF by its short identifier.
            guard let found = fileSystem.applets[applet].index(ofShortIdentifier: command.p2 & 0x1F),
                case .pin = fileSystem[applet, found]
            else { return Reply(.referencedDataNotFound) }
            file = found
        } else {
            return Reply(.unsupportedP1P2)
        }
        guard case .pin(var pin) = fileSystem[applet, file] else { return Reply(.noCurrentEF) }
        let fid = fileSystem.applets[applet].files[file].fid
        guard pin.triesLeft > 0 else { return Reply(.authenticationMethodBlocked) }
        if command.data.isEmpty {
            return .triesLeft(pin.triesLeft)
        }
        defer { fileSystem[applet, file] = .pin(pin) }
        if command.data == pin.value {
            pin.triesLeft = pin.maximumTries
            session.verifiedPINs.insert(fid)
            return Reply(.success)
        }
        pin.triesLeft -= 1
        session.verifiedPINs.remove(fid)
        return .triesLeft(pin.triesLeft)
    }

    func computeDigitalSignature(_ command: CardCommand) -> Reply {
        guard command.p1 == 0x00, command.p2 == 0x80 else { return Reply(.unsupportedP1P2) }
        guard let applet = session.currentDF, let file = session.currentEF,
            case .key(let role, let pinFID) = fileSystem[applet, file],
            session.verifiedPINs.contains(pinFID)
        else { return Reply(.securityStatusNotSatisfied) }
        let key = role == .authentication ? pki.authKey : pki.signKey
        // PKCS#1 v1.5 type-01 padding needs at least 11 bytes of the modulus (RFC 8017 section 9.2).
        guard !command.data.isEmpty, command.data.count <= key.size - 11 else { return Reply(.wrongLength) }
        guard let signed = try? key.sign(command.data) else { return Reply(.technicalProblem) }
        let signature = configuration.faults.signature(signed)
        if command.ne == 0 {
            // Case 3 (no Le): announce the signature as T=0 cards do, to be fetched with GET RESPONSE.
            session.pending = PendingResponse(data: signature, status: CardStatus.success.rawValue, isEndless: false)
            return .bytesAvailable(signature.count)
        }
        if command.ne < signature.count {
            return .wrongLe(available: signature.count)
        }
        return Reply(.success, data: signature)
    }
}
