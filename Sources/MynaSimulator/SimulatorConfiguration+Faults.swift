//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fault injection: the faults a configuration can ask for, and the one place where each one bends the card's
// answers. The command handlers ask these helpers instead of testing the fault set themselves, so adding a fault is
// a case here, its effect here, and one call at the point where it applies.

extension SimulatorConfiguration {
    /// Named ways in which the card sends responses a host must survive.
    public enum MalformedResponse: String, Hashable, Sendable, CaseIterable {
        /// Every READ BINARY is answered with the single byte `90` (no data, no SW2).
        case oneByteReadBinary
        /// The certificate EFs (0001, 0002, 000A, 000B) start with a DER header whose length is 16 bytes larger than
        /// the certificate; the EF itself ends where the real certificate ends. A reader that trusts the header runs
        /// off the end.
        case certificateLengthOverstated
        /// Every response carrying data answers `61 10`, and every GET RESPONSE returns 16 bytes and `61 10` again,
        /// for ever.
        case endlessGetResponse
        /// COMPUTE DIGITAL SIGNATURE returns 255 bytes (the signature without its last byte) with `90 00`.
        case shortSignature
    }

    /// Ways the card's signed data is changed after it was signed, so that an authenticity check must say "not
    /// authentic".
    public enum Tampering: String, Hashable, Sendable, CaseIterable {
        /// One byte of an attribute changed: the birth date's last digit, in the card-info attributes EF (0002) and
        /// on the card surface (DF 22). Signatures and digests stay those of the true date.
        case changedAttribute
        /// Another person's photo on the card surface (DF 27, a different but valid JPEG 2000 image); the signature
        /// stays that of the true photo.
        case swappedPhoto
    }

    /// Faults the card injects. All off by default. (Latency and removal belong to the link serving the card.)
    public struct Faults: Hashable, Sendable {
        /// When set, a response with more than this many data bytes is answered `61 xx` (xx = bytes available, `00`
        /// for 256 or more) and its data is served through GET RESPONSE. `0` chains every response with data.
        public var getResponseThreshold: Int?
        /// A READ BINARY whose Le asks for more than remains answers `6C xx` (xx = bytes remaining) instead of
        /// following ``SimulatorConfiguration/endOfFileBehaviour``.
        public var wrongLeAnswers6C: Bool
        /// Malformed responses to inject.
        public var malformedResponses: Set<MalformedResponse>
        /// Changes to the signed card data.
        public var tampering: Set<Tampering>

        /// Creates a fault set; everything is off by default.
        public init(
            getResponseThreshold: Int? = nil,
            wrongLeAnswers6C: Bool = false,
            malformedResponses: Set<MalformedResponse> = [],
            tampering: Set<Tampering> = []
        ) {
            self.getResponseThreshold = getResponseThreshold
            self.wrongLeAnswers6C = wrongLeAnswers6C
            self.malformedResponses = malformedResponses
            self.tampering = tampering
        }

        /// No faults.
        public static let none = Faults()
    }
}

// MARK: - Where each fault applies

extension SimulatorConfiguration.Faults {
    /// The answer to every READ BINARY under ``SimulatorConfiguration/MalformedResponse/oneByteReadBinary``, or `nil`.
    var readBinaryOverride: [UInt8]? {
        malformedResponses.contains(.oneByteReadBinary) ? [0x90] : nil
    }

    /// The DER of a certificate as its EF stores it: with
    /// ``SimulatorConfiguration/MalformedResponse/certificateLengthOverstated``, a `30 82 HH LL` header claims 16
    /// bytes more than follow.
    func certificateFile(_ der: [UInt8]) -> [UInt8] {
        var bytes = der
        guard malformedResponses.contains(.certificateLengthOverstated), bytes.count >= 4, bytes[0] == 0x30,
            bytes[1] == 0x82
        else { return bytes }
        let overstated = (Int(bytes[2]) << 8 | Int(bytes[3])) + 16
        bytes[2] = UInt8(overstated >> 8)
        bytes[3] = UInt8(overstated & 0xFF)
        return bytes
    }

    /// Whether a READ BINARY whose Le overshoots the `remaining` bytes answers `6C xx` instead of following the
    /// end-of-file behaviour (only when `xx` can say how many remain).
    func answersWrongLe(remaining: Int) -> Bool {
        wrongLeAnswers6C && remaining <= 256
    }

    /// The identity the card's data shows: under ``SimulatorConfiguration/Tampering/changedAttribute`` the birth date's
    /// last digit is changed (the signatures stay those of `identity`).
    func shownIdentity(_ identity: Identity) -> Identity {
        guard tampering.contains(.changedAttribute), var last = identity.birthDate.utf8.last else { return identity }
        last = last == 0x39 ? 0x38 : last + 1
        var shown = identity
        shown.birthDate = String(identity.birthDate.dropLast()) + String(UnicodeScalar(last))
        return shown
    }

    /// Which source image the card-surface photo shows: 1 (another face) under
    /// ``SimulatorConfiguration/Tampering/swappedPhoto``, else 0.
    var shownPhotoVariant: Int { tampering.contains(.swappedPhoto) ? 1 : 0 }

    /// The signature as the card returns it: without its last byte under
    /// ``SimulatorConfiguration/MalformedResponse/shortSignature``.
    func signature(_ signature: [UInt8]) -> [UInt8] {
        malformedResponses.contains(.shortSignature) ? Array(signature.dropLast()) : signature
    }

    /// The data a reply holds back for GET RESPONSE, or `nil` when it goes out as it is: every reply with data under
    /// ``SimulatorConfiguration/MalformedResponse/endlessGetResponse``, and replies longer than
    /// ``getResponseThreshold``.
    func heldBack(_ reply: Reply) -> PendingResponse? {
        guard !reply.data.isEmpty else { return nil }
        if malformedResponses.contains(.endlessGetResponse) {
            return PendingResponse(data: reply.data, status: reply.status, isEndless: true)
        }
        if let threshold = getResponseThreshold, reply.data.count > threshold {
            return PendingResponse(data: reply.data, status: reply.status, isEndless: false)
        }
        return nil
    }
}
