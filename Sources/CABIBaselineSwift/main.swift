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
//     pin_tries NANOSECONDS-PER-CALL
//     verify_signature NANOSECONDS-PER-CALL
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
    FileHandle.standardError.write(Data("CABIBaselineSwift: \(what) failed\n".utf8))
    exit(1)
}

func nanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return DispatchTime.now().uptimeNanoseconds - start
}

let certificateDER = try bytes("auth.der")
let challenge = try bytes("challenge.bin")
let signature = try bytes("challenge.sig")
let connection = try await CardConnection.connect(reader: reader)
let profile = try connection.withTransactionBlocking { channel in MyNumberCard(channel: channel).profile }

func pinTries(_ count: Int) throws {
    for _ in 0..<count {
        let status = try connection.withTransactionBlocking { channel in
            try MyNumberCard(channel: channel, profile: profile).jpki.pinStatus(.authentication)
        }
        if status.triesLeft < 0 { fail("pinStatus") }
    }
}

func verify(_ count: Int) throws {
    for _ in 0..<count {
        let certificate = try Certificate(bytes: certificateDER)
        let valid = try SignatureVerifier.isValidSignature(
            signature, for: challenge, hash: .sha256, publicKeyOf: certificate)
        if !valid { fail("isValidSignature") }
    }
}

try pinTries(pinCount / 10 + 1)
print("pin_tries \(try nanoseconds { try pinTries(pinCount) } / UInt64(pinCount))")
try verify(verifyCount / 10 + 1)
print("verify_signature \(try nanoseconds { try verify(verifyCount) } / UInt64(verifyCount))")
try await connection.disconnect()
