//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaSimulator
import MynaSpec

/// `mynakit sim`: serves a virtual My Number card to pcscd's vpcd driver.
struct Sim: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a virtual My Number card on pcscd's vpcd driver (development and CI only).",
        discussion: """
            The card connects to vpcd as a TCP client (port 35963 is reader 'Virtual PCD 00 00', 35964 is \
            'Virtual PCD 00 01') and serves the JPKI and card-info input support applets with certificates from \
            its own test PKI. With --pki DIR the PKI is loaded from DIR, or generated and written there when DIR \
            holds none; DIR/auth-root.pem and DIR/sign-root.pem are the trust anchors to verify against, and \
            DIR/card-ca.json holds the CA keys of the simulator's card-data hierarchy (for --card-ca of surface and \
            mynumber --verify-authenticity). A loaded PKI keeps the cardholder it was made with in its signing \
            certificate. The card-surface applet opens with 照合番号A (--my-number) or 照合番号B (--birth-date, the \
            year of --expiry-date, --security-code); --tamper changes its signed data so that checks fail.

            The PIN options set the virtual card's own PINs. They are test settings, not a cardholder's secrets: \
            never pass a real card's PIN here.
            """
    )

    // MARK: Connection

    @Option(help: "vpcd's TCP port on 127.0.0.1.")
    var port: UInt16 = 35963

    @Option(
        help: ArgumentHelp("Directory holding the test PKI (created and filled if empty).", valueName: "dir"),
        completion: .directory)
    var pki: String?

    // MARK: Card settings (test only)

    @Option(name: .customLong("auth-pin"), help: "Test only: the virtual card's authentication PIN (4 digits).")
    var authPIN = "1234"

    @Option(name: .customLong("sign-pin"), help: "Test only: the virtual card's signing password (6-16 A-Z, 0-9).")
    var signPIN = "ABC123"

    @Option(name: .customLong("card-info-pin"), help: "Test only: the virtual card's card-info PIN (4 digits).")
    var cardInfoPIN = "1234"

    @Option(name: .customLong("auth-tries"), help: "Tries left on the authentication PIN at start (0-3).")
    var authTries = PINKind.authentication.maximumTries

    @Option(name: .customLong("sign-tries"), help: "Tries left on the signing password at start (0-5).")
    var signTries = PINKind.signing.maximumTries

    @Option(name: .customLong("card-info-tries"), help: "Tries left on the card-info PIN at start (0-3).")
    var cardInfoTries = PINKind.cardInfo.maximumTries

    @Option(help: "The card's My Number (12 digits, valid check digit).")
    var myNumber = "123456789018"

    @Option(help: "Cardholder name (card-info applet and signing certificate).")
    var name = Identity.sample.name

    @Option(help: "Cardholder address.")
    var address = Identity.sample.address

    @Option(help: ArgumentHelp("Cardholder birth date.", valueName: "YYYYMMDD"))
    var birthDate = Identity.sample.birthDate

    @Option(help: "Cardholder sex (ISO 5218 code: 1, 2 or 9).")
    var sex = Identity.sample.sex.code

    @Option(help: ArgumentHelp("The card's expiry date (card surface; its year is part of 照合番号B).", valueName: "YYYYMMDD"))
    var expiryDate = SimulatorConfiguration().expiryDate

    @Option(help: "Test only: the security code printed on the card (4 digits, part of 照合番号B).")
    var securityCode = SimulatorConfiguration().securityCode

    @Option(name: .customLong("code-a-tries"), help: "Tries left on the 照合番号A keys at start (0-3).")
    var codeATries = SimulatorConfiguration.codeMaximumTries

    @Option(name: .customLong("code-b-tries"), help: "Tries left on the 照合番号B keys at start (0-3).")
    var codeBTries = SimulatorConfiguration.codeMaximumTries

    // MARK: Profile

    @Flag(help: "Accept extended Lc/Le and short EF identifiers, and advertise them in the ATR.")
    var extended = false

    @Option(
        help: ArgumentHelp(
            "The ATR: \(CardATR.argumentNames.map(\.name).joined(separator: ", ")), or hex bytes. "
                + "Default: from the profile.",
            valueName: "name|hex"
        )
    )
    var atr: CardATR?

    @Option(help: "Padding bytes written after the DER in each certificate EF.")
    var padCertificates = 0

    @Option(help: ArgumentHelp("The padding byte (hex).", valueName: "hex"))
    var padByte = "00"

    // MARK: Faults

    @Option(help: "Delay before each response, in milliseconds.")
    var latencyMs = 0

    @Flag(name: .customLong("log-apdus"), help: "Print one line per answered APDU on stderr: 'apdu CLA INS P1 P2' (never command data).")
    var logAPDUs = false

    @Option(help: "Disconnect from vpcd (card removal) after this many APDUs.")
    var removeAfter: Int?

    @Option(help: "Answer 61xx and serve data through GET RESPONSE when a response has more data bytes than this.")
    var getResponseThreshold: Int?

    @Flag(name: .customLong("wrong-le-6c"), help: "Answer 6Cxx to a READ BINARY that asks for more than remains.")
    var wrongLe6C = false

    @Option(help: "READ BINARY past the end of an EF: warning (62 82), wrong-parameters (6B 00) or success (90 00).")
    var endOfFile: SimulatorConfiguration.EndOfFileBehaviour = .warning

    @Option(
        help: ArgumentHelp(
            "A malformed response to inject (repeatable): "
                + "\(SimulatorConfiguration.MalformedResponse.allValueStrings.joined(separator: ", ")).",
            valueName: "case"
        )
    )
    var malformed: [SimulatorConfiguration.MalformedResponse] = []

    @Option(
        help: ArgumentHelp(
            "Change signed card data after signing (repeatable): "
                + "\(SimulatorConfiguration.Tampering.allValueStrings.joined(separator: ", ")).",
            valueName: "case"
        )
    )
    var tamper: [SimulatorConfiguration.Tampering] = []

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await Reporter.run(json: false) {
            let sexCode = Sex(code: sex)
            if case .other = sexCode {
                throw CommandFailure(status: .usage, code: "usage", message: "--sex must be 1, 2 or 9")
            }
            guard let padding = UInt8(padByte, radix: 16) else {
                throw CommandFailure(status: .usage, code: "usage", message: "--pad-byte must be one hex byte")
            }
            let identity = Identity(name: name, address: address, birthDate: birthDate, sex: sexCode)
            let configuration = SimulatorConfiguration(
                atr: atr,
                extendedLength: extended,
                authPIN: authPIN,
                signPIN: signPIN,
                cardInfoPIN: cardInfoPIN,
                authPINTries: authTries,
                signPINTries: signTries,
                cardInfoPINTries: cardInfoTries,
                myNumber: myNumber,
                identity: identity,
                endOfFileBehaviour: endOfFile,
                certificatePadding: padCertificates > 0
                    ? SimulatorConfiguration.CertificatePadding(byte: padding, count: padCertificates) : nil,
                faults: SimulatorConfiguration.Faults(
                    getResponseThreshold: getResponseThreshold,
                    wrongLeAnswers6C: wrongLe6C,
                    malformedResponses: Set(malformed),
                    tampering: Set(tamper)
                ),
                expiryDate: expiryDate,
                securityCode: securityCode,
                codeATries: codeATries,
                codeBTries: codeBTries
            )
            try configuration.validate()
            guard (1...65535).contains(port), latencyMs >= 0, (removeAfter ?? 1) >= 1 else {
                throw CommandFailure(
                    status: .usage,
                    code: "usage",
                    message: "--port must be 1-65535, --latency-ms at least 0 and --remove-after at least 1"
                )
            }

            let testPKI: TestPKI
            if let pki {
                let directory = URL(fileURLWithPath: pki, isDirectory: true)
                testPKI = try TestPKI.loadOrCreate(at: directory, identity: identity)
                let authRoot = directory.appendingPathComponent(TestPKI.FileName.authRoot).path
                let signRoot = directory.appendingPathComponent(TestPKI.FileName.signRoot).path
                let cardCA = directory.appendingPathComponent(CardDataPKI.FileName.caKeys).path
                StandardStreams.writeError("mynakit sim: trust anchors \(authRoot) and \(signRoot); card CA keys \(cardCA)\n")
            } else {
                testPKI = try TestPKI.generate(identity: identity)
                StandardStreams.writeError(
                    "mynakit sim: PKI generated in memory only; pass --pki DIR to keep its trust anchors\n")
            }
            let card = try VirtualMyNumberCard(configuration: configuration, pki: testPKI)
            let atrText = card.atr.map { TextFormat.printf("%02X", $0) }.joined(separator: " ")
            StandardStreams.writeError(
                "mynakit sim: serving a virtual My Number card to vpcd at 127.0.0.1:\(port) "
                    + "(\(extended ? "extended" : "short")-length profile, ATR \(atrText))\n")
            let link = VPCDLink(
                card: card,
                host: "127.0.0.1",
                port: port,
                options: .init(
                    latency: .milliseconds(latencyMs), removeAfterAPDUs: removeAfter,
                    onAPDU: logAPDUs ? Self.logAPDU : nil)
            )
            try link.run()
        }
    }
}

extension Sim {
    /// `--log-apdus`: one line per answered APDU, header only.
    @Sendable static func logAPDU(_ header: [UInt8]) {
        let line = "apdu " + header.map { TextFormat.printf("%02X", $0) }.joined(separator: " ") + "\n"
        StandardStreams.writeError(line)
    }
}

/// `sim --tamper`: changed-attribute, swapped-photo.
extension SimulatorConfiguration.Tampering: ArgumentSpelling {
    var argument: String { kebabCasedRawValue }
}
