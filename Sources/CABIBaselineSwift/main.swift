//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The Swift side of the C interface's overhead benchmark (scripts/bench-cabi.sh; Docs/Benchmarks.md, "C ABI"): the
// calls Tests/CABI/cabi_bench.c makes through libmynakit, made here through the Swift API, with the same arguments,
// warm-up and checks, printing the same two lines:
//
//     CABIBaselineSwift READER DIR PIN-COUNT VERIFY-COUNT
//     pin_tries NANOSECONDS CPU-NANOSECONDS          (per call: wall clock, and the process's CPU time)
//     verify_signature NANOSECONDS CPU-NANOSECONDS
//
// A PIN-status call is what a `mynakit_session` does for `mynakit_pin_tries`: one transaction on an open connection,
// a fresh `MyNumberCard` with the profile decided when the connection opened, `pinStatus(.authentication)`. A
// verification parses the DER certificate and checks the signature, as `mynakit_verify_signature` does.

import Dispatch
import Foundation
import MynaCard
import MynaVerify
import SmartCard

let arguments = CommandLine.arguments
guard arguments.count == 5, let pinCount = Int(arguments[3]), let verifyCount = Int(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: CABIBaselineSwift READER DIR PIN-COUNT VERIFY-COUNT\n".utf8))
    exit(64)
}
let reader = arguments[1]
let directory = URL(fileURLWithPath: arguments[2])

func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
}

func fail(_ what: String) -> Never {
    FileHandle.standardError.write(Data("CABIBaselineSwift: \(what)\n".utf8))
    exit(1)
}

/// The wall-clock and process CPU nanoseconds per call of `count` calls made by `body`.
func perCall(_ count: Int, _ body: () throws -> Void) rethrows -> String {
    func cpu() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let startCPU = cpu()
    try body()
    let wall = (DispatchTime.now().uptimeNanoseconds - start) / UInt64(count)
    return "\(wall) \((cpu() - startCPU) / UInt64(count))"
}

func main() async throws {
    let certificateDER = try bytes("auth.der")
    let challenge = try bytes("challenge.bin")
    let signature = try bytes("challenge.sig")
    let connection = try await CardConnection.connect(reader: reader)
    let profile = try connection.withTransactionBlocking { channel in MyNumberCard(channel: channel).profile }

    try pinTries(pinCount / 10 + 1, connection, profile)
    print("pin_tries \(try perCall(pinCount) { try pinTries(pinCount, connection, profile) })")
    try verify(verifyCount / 10 + 1, certificateDER, challenge, signature)
    print("verify_signature \(try perCall(verifyCount) { try verify(verifyCount, certificateDER, challenge, signature) })")
    try await connection.disconnect()
}

func pinTries(_ count: Int, _ connection: CardConnection, _ profile: CardProfile) throws {
    for _ in 0..<count {
        let status = try connection.withTransactionBlocking { channel in
            try MyNumberCard(channel: channel, profile: profile).jpki.pinStatus(.authentication)
        }
        if status.triesLeft < 0 { fail("pinStatus answered \(status.triesLeft)") }
    }
}

func verify(_ count: Int, _ certificateDER: [UInt8], _ challenge: [UInt8], _ signature: [UInt8]) throws {
    for _ in 0..<count {
        let certificate = try Certificate(bytes: certificateDER)
        let valid = try SignatureVerifier.isValidSignature(
            signature, for: challenge, hash: .sha256, publicKeyOf: certificate)
        if !valid { fail("isValidSignature answered false") }
    }
}

do {
    try await main()
} catch {
    fail("\(error)")
}
