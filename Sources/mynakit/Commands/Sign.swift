//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import MynaVerify
import SmartCard

struct Sign: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        abstract: "Have the card sign data (PKCS#1 v1.5, RSA-2048) with the authentication or signing key.",
        discussion: """
            The data (--in FILE or --challenge HEX) is hashed here; the card signs the DigestInfo. The PIN is read \
            from --pin-stdin, --pin-env or a prompt, never from the command line; with one try left the command \
            refuses unless --allow-last-try. Without --out the signature is printed as hex.
            """
    )

    @Option(help: "auth or sign.")
    var key: JPKIApplication.Key

    @Option(name: .customLong("in"), help: "File with the data to sign ('-': stdin).", completion: .file())
    var input: String?

    @Option(help: "Data to sign, as hex.")
    var challenge: String?

    @Option(help: "sha1, sha256, sha384 or sha512.")
    var hash: HashAlgorithm = .sha256

    @Option(help: "Write the raw 256-byte signature to this file ('-': stdout, not a terminal).", completion: .file())
    var out: String?

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if output.json && out == "-" { throw ValidationError("--json prints JSON on stdout; give --out a file") }
        if (input == nil) == (challenge == nil) { throw ValidationError("give exactly one of --in FILE or --challenge HEX") }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            // Everything that can fail without the card fails first: the output path, the input, an empty message.
            let target = try out.map { try OutputTarget.prepare($0, binary: true) }
            if out == nil { _ = try OutputTarget.prepare("-") }  // the hex goes to stdout: it must be open
            let data = try input.map(readFile) ?? Hex.decode(challenge ?? "")
            guard !data.isEmpty else {
                throw CommandFailure(
                    status: .usage, code: "usage", message: "the message to sign is empty; nothing was sent to the card")
            }
            let digest = try hash.digest(data)
            let secret = try pin.readPIN(key.pinKind)
            let key = self.key
            let algorithm = hash
            let allowLastTry = pin.allowLastTry
            let outcome = try await CardSession.run(card) { card in
                try card.jpki.sign(digest: digest, algorithm: algorithm, key: key, pin: secret, allowLastTry: allowLastTry)
            }
            try target?.write(outcome.value)
            if output.json {
                Reporter.printJSON(
                    SignReport(
                        key: self.key.rawValue, hash: hash.rawValue, signature: Hex.encode(outcome.value),
                        apduCount: outcome.apduCount, out: out, reader: outcome.reader))
            } else if out == nil {
                print(Hex.encode(outcome.value))
            }
        }
    }

    struct SignReport: Encodable {
        /// `auth` or `sign`: the key that signed.
        var key: String
        var hash: String
        /// The signature in hex (also with `--out`, which gets the raw bytes).
        var signature: String
        var apduCount: Int
        var out: String?
        var reader: String
    }
}
