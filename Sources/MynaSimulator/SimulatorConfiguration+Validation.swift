//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaSpec

extension SimulatorConfiguration {
    /// Throws unless every setting is in range: PIN formats and tries (the real card's rules, ``PINKind``), the My
    /// Number's check digit (``MyNumberCheckDigit``), the identity, the fault values and the ATR's length.
    public func validate() throws(SimulatorError) {
        for kind in PINKind.allCases {
            guard kind.isValidFormat(pin(for: kind).utf8) else {
                throw SimulatorError(.invalidConfiguration, "the \(Self.settingName(kind)) must be \(kind.formatRule)")
            }
        }
        for kind in PINKind.allCases {
            guard (0...kind.maximumTries).contains(initialTries(for: kind)) else {
                throw SimulatorError(
                    .invalidConfiguration,
                    "the tries on the \(Self.settingName(kind)) must be between 0 and \(kind.maximumTries)"
                )
            }
        }
        guard MyNumberCheckDigit.isValid(myNumber) else {
            throw SimulatorError(
                .invalidConfiguration,
                "the My Number must be 12 digits with a valid check digit, got \(myNumber)"
            )
        }
        try identity.validate()
        let expiry = Array(expiryDate.utf8)
        guard expiry.count == 8, expiry.allSatisfy({ (0x30...0x39).contains($0) }),
            (1...12).contains(Int(String(decoding: expiry[4..<6], as: UTF8.self)) ?? 0),
            (1...31).contains(Int(String(decoding: expiry[6..<8], as: UTF8.self)) ?? 0)
        else {
            throw SimulatorError(.invalidConfiguration, "the expiry date must be YYYYMMDD, got \(expiryDate)")
        }
        guard securityCode.utf8.count == 4, securityCode.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw SimulatorError(.invalidConfiguration, "the security code must be 4 digits")
        }
        guard codeB != nil else {
            throw SimulatorError(.invalidConfiguration, "照合番号B cannot be formed from a birth date before 1868-01-25")
        }
        for (name, tries) in [("照合番号A", codeATries), ("照合番号B", codeBTries)] {
            guard (0...Self.codeMaximumTries).contains(tries) else {
                throw SimulatorError(
                    .invalidConfiguration, "the tries on \(name) must be between 0 and \(Self.codeMaximumTries)")
            }
        }
        if let threshold = faults.getResponseThreshold, threshold < 0 {
            throw SimulatorError(.invalidConfiguration, "the GET RESPONSE threshold must not be negative")
        }
        if let padding = certificatePadding, !(0...4096).contains(padding.count) {
            throw SimulatorError(.invalidConfiguration, "certificate padding must be 0 to 4096 bytes")
        }
        // ISO 7816-3: TS and T0 at least, 33 bytes at most.
        if case .custom(let bytes) = effectiveATR, !(2...33).contains(bytes.count) {
            throw SimulatorError(.invalidConfiguration, "an ATR is 2 to 33 bytes long")
        }
    }

    /// The PIN as the configuration calls it, for error messages.
    private static func settingName(_ kind: PINKind) -> String {
        switch kind {
        case .authentication: "authentication PIN"
        case .signing: "signing password"
        case .cardInfo: "card-info PIN"
        }
    }
}
