//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

extension CommandAPDU {
    /// A command by name: its instruction byte and the status words a card is specified to answer it with.
    ///
    /// Each interindustry command MynaKit sends has one `Kind`, declared next to its named constructors in
    /// `ISO7816/Commands/` (``select``, ``readBinary``, ``verify``, ``getResponse``, ...). A card-specific command (the
    /// JPKI COMPUTE DIGITAL SIGNATURE of `MynaCard`) declares its own. The table is documentation that code can use: a
    /// flow switches over the answers it handles and reports any other as unexpected, naming what the card meant.
    public struct Kind: Hashable, Sendable {
        /// The command's name in ISO 7816-4 (or the card's specification), such as `READ BINARY`.
        public var name: String
        /// The INS byte.
        public var instruction: UInt8
        /// The answers the command is specified to give, most common first.
        public var responseStatuses: [ResponseStatus]

        public init(name: String, instruction: UInt8, responseStatuses: [ResponseStatus]) {
            self.name = name
            self.instruction = instruction
            self.responseStatuses = responseStatuses
        }

        /// The expected answer `statusWord` is, if it is one.
        public func responseStatus(for statusWord: StatusWord) -> ResponseStatus? {
            responseStatuses.first { $0.matches(statusWord) }
        }

        /// What `statusWord` means as the answer to this command: the command's own wording when the answer is
        /// expected, else the general ISO 7816-4 meaning.
        public func meaning(of statusWord: StatusWord) -> String {
            responseStatus(for: statusWord)?.meaning ?? statusWord.meaning
        }

        /// The interindustry commands MynaKit knows, looked up by INS when the class byte is interindustry.
        static let interindustry: [Kind] = [
            .select, .readBinary, .verify, .getResponse, .changeReferenceData, .resetRetryCounter,
            .performSecurityOperation,
        ]

        /// The instructions whose data field is a PIN: VERIFY (both INS forms), CHANGE REFERENCE DATA and RESET
        /// RETRY COUNTER.
        static let pinInstructions: [UInt8] = [
            verify.instruction, verifyOddInstruction, changeReferenceData.instruction, resetRetryCounter.instruction,
        ]
    }

    /// The interindustry command this is, when its class byte is interindustry (bit 8 clear) and its INS is one of
    /// ``Kind``'s; `nil` for proprietary classes such as JPKI's `80`.
    public var kind: Kind? {
        guard cla & 0x80 == 0 else { return nil }
        return Kind.interindustry.first { $0.instruction == ins }
    }
}
