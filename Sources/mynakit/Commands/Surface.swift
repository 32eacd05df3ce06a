//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import MynaImaging
import MynaVerify

#if canImport(Glibc)
import Glibc
#endif

/// `mynakit surface`: the card-surface applet, the face photo, and whether the data is genuine.
struct SurfaceCommand: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "surface",
        abstract: "Read the card surface: face photo, printed data, and (with --verify-authenticity) the card's signatures.",
        discussion: """
            Opens the card-surface applet with 照合番号A (the 12-digit My Number, the default), with 照合番号B \
            (--code-b: birth date YYYYMMDD, the card's expiry year YYYY and the 4-digit security code, as printed on \
            the card) or with the card-info PIN alone (--my-number-from-pin: the My Number is read from the card and \
            presented as 照合番号A). The codes are secrets like PINs: --code-stdin (one line; for B the three values \
            separated by spaces), --code-env VAR, or no-echo prompts. The tries are read first; a blocked key is never \
            sent; the last try needs --allow-last-try.

            --photo FILE writes the photo as stored (JPEG 2000, --format jp2) or decoded to PNG (--format png). \
            --verify-authenticity checks the signature over birth date, sex, card key, images and photo through the \
            applet's card-verifiable certificate up to a CA key (built in, or --card-ca FILE as sim writes \
            card-ca.json); the expiry date and security-code image are not signed by the card. Exit 5 when the data is \
            not authentic or its CA key is unknown; the photo is then not written. The My Number is masked unless \
            --reveal.
            """
    )

    enum PhotoFormat: String, ExpressibleByArgument, CaseIterable {
        case jp2, png
    }

    @Flag(help: "Open with 照合番号B (birth date, expiry year, security code) instead of 照合番号A.")
    var codeB = false

    @Flag(help: "Open with the card-info PIN only: the My Number is read from the card and presented as 照合番号A.")
    var myNumberFromPin = false

    @Flag(help: "Read the code from the first line of standard input (照合番号B: 'YYYYMMDD YYYY NNNN').")
    var codeStdin = false

    @Option(help: ArgumentHelp("Read the code from this environment variable.", valueName: "VAR"))
    var codeEnv: String?

    @Option(help: ArgumentHelp("Write the face photo to this file ('-': stdout).", valueName: "file"), completion: .file())
    var photo: String?

    @Option(help: "The photo's format: jp2 (as stored on the card, the default) or png (decoded).")
    var format: PhotoFormat?

    @Flag(help: "Check the card's signatures over the surface data (exit 5 when not authentic).")
    var verifyAuthenticity = false

    @OptionGroup var cardCA: CardCAOptions

    @Flag(help: "Show all 12 digits of the My Number (default: only the last 4).")
    var reveal = false

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if codeB && myNumberFromPin { throw ValidationError("give either --code-b or --my-number-from-pin, not both") }
        if codeStdin && codeEnv != nil { throw ValidationError("give either --code-stdin or --code-env, not both") }
        if myNumberFromPin && (codeStdin || codeEnv != nil) {
            throw ValidationError("--my-number-from-pin takes the card-info PIN (--pin-stdin, --pin-env), not a code")
        }
        if !myNumberFromPin && (pin.pinStdin || pin.pinEnv != nil) {
            throw ValidationError("--pin-stdin and --pin-env go with --my-number-from-pin; codes use --code-stdin or --code-env")
        }
        if format != nil && photo == nil { throw ValidationError("--format needs --photo FILE") }
        if output.json && photo == "-" { throw ValidationError("--json prints JSON on stdout; give --photo a file") }
        if !cardCA.files.isEmpty && !verifyAuthenticity { throw ValidationError("--card-ca goes with --verify-authenticity") }
    }

    struct Report: Encodable {
        /// `code-a`, `code-b` or `card-info-pin`.
        var unlockedWith: String
        /// `********` and the last 4 digits; absent with 照合番号B, which does not reveal the number.
        var myNumberMasked: String?
        /// Only with `--reveal`.
        var myNumber: String?
        var birthDate: String
        var sex: MyNumberCommand.SexReport
        /// Not signed by the card.
        var expiryDate: String
        var photo: PhotoReport
        var nameImage: ImageReport
        var addressImage: ImageReport
        var authenticity: AuthenticityJSON?
        var apduCount: Int
        var seconds: Double
        var reader: String
    }

    struct PhotoReport: Encodable {
        var format = "jp2"
        var bytes: Int
        var width: Int?
        var height: Int?
        /// Where it was written, when it was.
        var file: String?
    }

    /// A PNG from the card, base64, for a screen to show as it is.
    struct ImageReport: Encodable {
        var width: Int?
        var height: Int?
        var png: String

        init(_ bytes: [UInt8]) {
            let header = PNG.header(of: bytes)
            width = header?.width
            height = header?.height
            png = Data(bytes).base64EncodedString()
        }
    }

    enum Secret {
        case code(VerificationCode, revealed: String?, masked: String?)
        case cardInfoPIN(PIN)
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            // Everything that can fail without the card fails before it: the output, the CA keys, the secret.
            let target = try photo.map { try OutputTarget.prepare($0, binary: true) }
            let table = verifyAuthenticity ? try cardCA.table() : nil
            let secret = try readSecret()
            let allowLastTry = pin.allowLastTry
            let verify = verifyAuthenticity
            let session = try await CardSession.run(card) { card in
                let number: MyNumber?
                switch secret {
                case .code(let code, _, _):
                    try card.surface.unlock(code, allowLastTry: allowLastTry)
                    number = nil
                case .cardInfoPIN(let pin):
                    number = try card.surface.unlock(cardInfoPIN: pin, allowLastTry: allowLastTry)
                }
                let surface = try card.surface.readSurface()
                let certificate = verify ? try card.surface.readCertificate() : nil
                return (number, surface, certificate)
            }
            let (number, surface, certificate) = session.value
            var authenticity: AuthenticityJSON?
            if let table, let certificate {
                let evidence = CardSurfaceApplication.authenticityEvidence(surface: surface, certificate: certificate)
                authenticity = AuthenticityJSON(CardDataAuthenticity(caKeys: table).verify(evidence))
            }
            let genuine = authenticity.map { $0.verdict == AuthenticityReport.Verdict.authentic.rawValue } ?? true
            var photoReport = PhotoReport(bytes: surface.photo.count)
            if let target, genuine {
                var bytes = surface.photo
                if format == .png {
                    let image = try JPEG2000.decode(surface.photo)
                    bytes = PNG.encode(image)
                    photoReport = PhotoReport(format: "png", bytes: bytes.count, width: image.width, height: image.height)
                }
                try target.write(bytes)
                photoReport.file = target.given
            }
            let masked: String?
            let revealed: String?
            switch secret {
            case .code(_, let shown, let mask):
                masked = mask
                revealed = reveal ? shown : nil
            case .cardInfoPIN:
                masked = number?.masked
                revealed = reveal ? number?.digits : nil
            }
            let report = Report(
                unlockedWith: myNumberFromPin ? "card-info-pin" : codeB ? "code-b" : "code-a", myNumberMasked: masked,
                myNumber: revealed, birthDate: surface.birthDate, sex: MyNumberCommand.SexReport(surface.sex),
                expiryDate: surface.expiryDate, photo: photoReport, nameImage: ImageReport(surface.nameImage),
                addressImage: ImageReport(surface.addressImage), authenticity: authenticity,
                apduCount: session.apduCount, seconds: session.seconds, reader: session.reader)
            // With the photo on stdout, the report goes to stderr so the two never mix.
            if target?.given == "-" {
                StandardStreams.writeError(Self.text(report) + "\n")
            } else {
                output.emit(report, text: Self.text)
            }
            if !genuine { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }

    static func text(_ report: Report) -> String {
        var lines: [String] = []
        if let number = report.myNumber ?? report.myNumberMasked { lines.append("My Number:   \(number)") }
        lines += [
            "birth date:  \(report.birthDate)", "sex:         \(report.sex.label) (\(report.sex.code))",
            "expiry date: \(report.expiryDate) (not signed by the card)",
            "photo:       \(report.photo.format), \(report.photo.bytes) bytes"
                + (report.photo.width.map { ", \($0)x\(report.photo.height ?? 0)" } ?? "")
                + (report.photo.file.map { " -> \($0)" } ?? (report.authenticity.map { $0.verdict != "authentic" } == true ? " (not written)" : "")),
        ]
        if let authenticity = report.authenticity { lines += authenticity.lines }
        lines.append("APDUs: \(report.apduCount), time: \(TextFormat.printf("%.3f", report.seconds)) s, reader: \(report.reader)")
        return lines.joined(separator: "\n")
    }

    /// The code or PIN, read before any transaction is open.
    private func readSecret() throws -> Secret {
        if myNumberFromPin { return .cardInfoPIN(try pin.readPIN(.cardInfo)) }
        if codeB {
            // VerificationCode wipes what it is given; the originals are wiped here.
            var fields = try secretFields(
                count: 3, prompts: ["Birth date (YYYYMMDD): ", "Card expiry year (YYYY): ", "Security code (4 digits): "])
            var birth = fields[0]
            var expiry = fields[1]
            var security = fields[2]
            for index in fields.indices { wipe(&fields[index]) }
            let code = try VerificationCode.codeB(birthDate: &birth, expiryYear: &expiry, securityCode: &security)
            return .code(code, revealed: nil, masked: nil)
        }
        var fields = try secretFields(count: 1, prompts: ["My Number (12 digits, 照合番号A): "])
        var digits = fields[0]
        defer { wipe(&digits) }
        let masked = digits.count == 12 ? String(repeating: "*", count: 8) + String(decoding: digits.suffix(4), as: UTF8.self) : nil
        let revealed = reveal ? String(decoding: digits, as: UTF8.self) : nil
        return .code(try VerificationCode(kind: .a, consuming: &fields[0]), revealed: revealed, masked: masked)
    }

    /// `count` whitespace-separated values from --code-stdin or --code-env, or one no-echo prompt each.
    private func secretFields(count: Int, prompts: [String]) throws -> [[UInt8]] {
        var line: [UInt8]
        if codeStdin {
            line = isatty(STDIN_FILENO) == 1 ? try PINOptions.prompt("") : PINOptions.readLine(from: STDIN_FILENO)
        } else if let codeEnv {
            guard let value = ProcessInfo.processInfo.environment[codeEnv] else {
                throw CommandFailure(status: .usage, code: "usage", message: "environment variable \(codeEnv) is not set")
            }
            line = Array(value.utf8)
        } else if isatty(STDIN_FILENO) == 1 {
            return try prompts.map { try PINOptions.prompt($0) }
        } else {
            throw CommandFailure(
                status: .usage, code: "usage",
                message: "no code source: use --code-stdin, --code-env VAR, or run on a terminal to be asked")
        }
        defer { wipe(&line) }
        let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x2C }).map(Array.init)
        guard fields.count == count else {
            throw CommandFailure(
                status: .usage, code: "usage",
                message: count == 1 ? "give the code on one line" : "give the \(count) values on one line, separated by spaces")
        }
        return fields
    }
}

/// Overwrites a buffer that held a secret (the write goes through an opaque C call the optimizer keeps).
private func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { raw in
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        explicit_bzero(base, raw.count)
    }
}

/// An authenticity verdict as `surface --json` and `mynumber --json` print it.
struct AuthenticityJSON: Encodable {
    /// `authentic`, `not-authentic` or `unknown-ca-key`.
    var verdict: String
    var application: String
    var caKeyId: String?
    var hierarchy: String?
    var certifiedKeyId: String?
    var checked: [String]
    var failures: [String]
    var notChecked: [String]
    var unsigned: [String]

    init(_ report: AuthenticityReport) {
        verdict = report.verdict.rawValue
        application = report.application
        caKeyId = report.caKeyID?.description
        hierarchy = report.hierarchy?.rawValue
        certifiedKeyId = report.certifiedKeyID?.description
        checked = report.checked
        failures = report.failures
        notChecked = report.notChecked
        unsigned = report.unsignedParts
    }

    var lines: [String] {
        var lines = ["authenticity: \(verdict.uppercased())"
            + (caKeyId.map { " (CA key \($0)\(hierarchy.map { ", \($0) hierarchy" } ?? ""))" } ?? "")]
        lines += checked.map { "  ok: \($0)" }
        lines += failures.map { "  FAIL: \($0)" }
        lines += notChecked.map { "  not checked: \($0)" }
        lines += unsigned.map { "  unsigned: \($0)" }
        return lines
    }
}
