//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

/// What `mynakit info` reports: which applets answer, the token, the PIN counters, extended-length support.
public struct CardIdentification: Sendable {
    public var hasJPKI: Bool
    public var hasCardInfo: Bool
    public var token: JPKIToken?
    public var authenticationPIN: PINStatus?
    public var signingPassword: PINStatus?
    public var cardInfoPIN: PINStatus?
    public var profile: CardProfile
}

extension MyNumberCard {
    /// Identifies the card without spending any PIN try.
    ///
    /// - Throws: ``MynaCardError`` `.notMyNumberCard` when the JPKI applet does not answer.
    public func identify() throws -> CardIdentification {
        var result = CardIdentification(hasJPKI: false, hasCardInfo: false, profile: profile)
        do {
            result.token = try jpki.token()
            result.hasJPKI = true
        } catch let error as MynaCardError where error.code == .fileNotFound {
            throw MynaCardError(.notMyNumberCard, "the card has no JPKI applet: it is not a My Number card")
        }
        result.authenticationPIN = try jpki.pinStatus(.authentication)
        result.signingPassword = try jpki.pinStatus(.signing)
        do {
            result.cardInfoPIN = try cardInfo.pinStatus()
            result.hasCardInfo = true
        } catch let error as MynaCardError where error.code == .fileNotFound {
            result.hasCardInfo = false
        }
        return result
    }
}
