//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaImaging
import MynaSimulator
import MynaSpec
import SmartCard
import TestSupport
import XCTest

/// `mynakit surface` and `mynakit mynumber --verify-authenticity` through real pcscd + vpcd against the virtual card:
/// the three ways in, the photo as JPEG 2000 and as PNG (judged by Python's zlib and pngcheck against the source
/// pixels), the verified and tampered verdicts, the guards, and the APDU budget.
final class SurfaceCLITests: VirtualCardCLITestCase {
    override class var directoryPrefix: String { "mynakit-surface" }
    var cardCA: [String] { ["--verify-authenticity", "--card-ca", path(CardDataPKI.FileName.caKeys)] }
    var surfaceSize: Int { card.contents(ofEF: CardSurfaceApplet.EF.surface, inApplet: CardSurfaceApplet.aid)?.count ?? 0 }

    func testCodeAWritesAPNGOfTheSourcePixelsAndVerifies() async throws {
        try await insert()
        let png = path("photo.png")
        let result = try CLI.run(
            ["surface", "--code-stdin", "--photo", png, "--format", "png", "--json"] + cardCA + reader,
            stdin: "123456789018\n")
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        let json = try result.json()
        XCTAssertEqual(json["unlockedWith"] as? String, "code-a")
        XCTAssertEqual(json["myNumberMasked"] as? String, "********9018")
        XCTAssertNil(json["myNumber"])
        XCTAssertEqual(json["birthDate"] as? String, "19850412")
        XCTAssertEqual(json["expiryDate"] as? String, "20350412")
        let authenticity = try XCTUnwrap(json["authenticity"] as? [String: Any])
        XCTAssertEqual(authenticity["verdict"] as? String, "authentic")
        XCTAssertEqual(authenticity["caKeyId"] as? String, "9000023/001")
        XCTAssertEqual(authenticity["hierarchy"] as? String, "simulator")
        XCTAssertEqual((authenticity["unsigned"] as? [String])?.count, 3)
        // SELECT AP, empty VERIFY, VERIFY; SELECT EF + ceil(N/256) READ BINARY; the certificate (568 bytes): SELECT EF
        // and three READ BINARY.
        XCTAssertEqual(json["apduCount"] as? Int, 3 + 1 + (surfaceSize + 255) / 256 + 1 + 3)
        // The PNG, decoded by Python's zlib and checked by pngcheck, holds the photo's source pixels.
        let pixels = try PNGJudge.greyPixels(png)
        XCTAssertEqual(pixels.width, SurfaceImages.photoWidth)
        XCTAssertEqual(pixels.height, SurfaceImages.photoHeight)
        XCTAssertTrue(pixels.samples == SurfaceImages.photoSource().samples, "the PNG's pixels are the source image's")
        XCTAssertEqual(card.triesLeft(.cardInfo), 3)
    }

    func testCodeBWritesTheJPEG2000AsStored() async throws {
        try await insert()
        let jp2 = path("photo.jp2")
        let result = try CLI.run(
            ["surface", "--code-b", "--code-env", "CODE_B", "--photo", jp2, "--json"] + reader,
            environment: ["CODE_B": "19850412 2035 5827"])
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        let json = try result.json()
        XCTAssertEqual(json["unlockedWith"] as? String, "code-b")
        XCTAssertNil(json["myNumberMasked"], "照合番号B does not reveal the My Number")
        XCTAssertNil(json["authenticity"])
        XCTAssertEqual(json["apduCount"] as? Int, 3 + 1 + (surfaceSize + 255) / 256)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: jp2)))
        XCTAssertEqual(JPEG2000.container(of: written), .jp2)
        XCTAssertTrue(try JPEG2000.decode(written) == SurfaceImages.photoSource())
        let name = try XCTUnwrap(json["nameImage"] as? [String: Any])
        XCTAssertEqual(name["height"] as? Int, 16)
    }

    func testTheCardInfoPINRouteMasksTheNumberUnlessRevealed() async throws {
        try await insert()
        let result = try CLI.run(
            ["surface", "--my-number-from-pin", "--pin-stdin", "--json", "--trace", "--reveal"] + reader, stdin: "1234\n")
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        let json = try result.json()
        XCTAssertEqual(json["unlockedWith"] as? String, "card-info-pin")
        XCTAssertEqual(json["myNumberMasked"] as? String, "********9018")
        XCTAssertEqual(json["myNumber"] as? String, "123456789018")
        // 9 APDUs to unlock (card-info PIN, My Number, 照合番号A), then the surface.
        XCTAssertEqual(json["apduCount"] as? Int, 9 + 1 + (surfaceSize + 255) / 256)
        XCTAssertTrue(result.stderr.contains("00 20 00 93 **"), result.stderr)
        XCTAssertFalse(result.stderr.contains("31 32 33 34 35 36 37 38 39 30 31 38"), "no My Number in the trace")
        XCTAssertFalse(result.stderr.contains("31 32 33 34 "), "no PIN in the trace")
    }

    func testTamperedDataIsNotAuthenticAndNoPhotoIsWritten() async throws {
        for tampering in SimulatorConfiguration.Tampering.allCases {
            try await insert(SimulatorConfiguration(faults: .init(tampering: [tampering])))
            let out = path("photo-\(tampering).jp2")
            let result = try CLI.run(
                ["surface", "--code-stdin", "--photo", out, "--json"] + cardCA + reader, stdin: "123456789018\n")
            XCTAssertEqual(result.status, 5, "\(tampering): \(result.stderr) \(result.stdout)")
            let authenticity = try XCTUnwrap(try result.json()["authenticity"] as? [String: Any])
            XCTAssertEqual(authenticity["verdict"] as? String, "not-authentic")
            XCTAssertEqual((authenticity["failures"] as? [String])?.count, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no photo of data that is not authentic")
            try await VPCDRig.remove(link!)
            link = nil
        }
    }

    func testUnknownCAKeyExits5() async throws {
        try await insert()
        let result = try CLI.run(["surface", "--code-stdin", "--verify-authenticity", "--json"] + reader, stdin: "123456789018\n")
        XCTAssertEqual(result.status, 5, result.stderr)
        let authenticity = try XCTUnwrap(try result.json()["authenticity"] as? [String: Any])
        XCTAssertEqual(authenticity["verdict"] as? String, "unknown-ca-key")
        XCTAssertNil(authenticity["hierarchy"], "never reported as a J-LIS hierarchy")
    }

    func testTheLastTryIsRefusedAndAWrongCodeSpendsOne() async throws {
        try await insert(SimulatorConfiguration(codeATries: 1))
        let refused = try CLI.run(["surface", "--code-stdin", "--json"] + reader, stdin: "000000000000\n")
        XCTAssertEqual(refused.status, 4)
        XCTAssertEqual((try refused.json()["error"] as? [String: Any])?["code"] as? String, "last-try-refused")
        XCTAssertEqual(try refused.json()["error"].flatMap { $0 as? [String: Any] }?["triesLeft"] as? Int, 1)
        try await VPCDRig.remove(link!)
        link = nil
        try await insert()
        let wrong = try CLI.run(["surface", "--code-stdin", "--json"] + reader, stdin: "000000000000\n")
        XCTAssertEqual(wrong.status, 4)
        XCTAssertEqual((try wrong.json()["error"] as? [String: Any])?["code"] as? String, "wrong-pin")
        let malformed = try CLI.run(["surface", "--code-stdin", "--json"] + reader, stdin: "123\n")
        XCTAssertEqual(malformed.status, 4, "a malformed code is refused before the card: \(malformed.stdout)")
        let usage = try CLI.run(["surface", "--code-b", "--my-number-from-pin"] + reader)
        XCTAssertEqual(usage.status, 64)
        // A CA key file that claims production for a simulator key is refused before the card is touched.
        let claim = path("claim.json")
        let text = try String(contentsOfFile: path(CardDataPKI.FileName.caKeys), encoding: .utf8)
        try text.replacingOccurrences(of: "\"simulator\"", with: "\"production\"").write(toFile: claim, atomically: true, encoding: .utf8)
        let bad = try CLI.run(
            ["surface", "--code-stdin", "--verify-authenticity", "--card-ca", claim, "--json"] + reader, stdin: "123456789018\n")
        XCTAssertEqual(bad.status, 64, bad.stdout)
        XCTAssertEqual((try bad.json()["error"] as? [String: Any])?["code"] as? String, "invalid-card-ca")
    }

    func testMyNumberVerifyAuthenticity() async throws {
        try await insert()
        let good = try CLI.run(["mynumber", "--pin-stdin", "--json"] + cardCA + reader, stdin: "1234\n")
        XCTAssertEqual(good.status, 0, good.stderr + good.stdout)
        let json = try good.json()
        XCTAssertEqual(json["myNumberMasked"] as? String, "********9018")
        XCTAssertNil(json["myNumber"])
        let authenticity = try XCTUnwrap(json["authenticity"] as? [String: Any])
        XCTAssertEqual(authenticity["verdict"] as? String, "authentic")
        XCTAssertEqual(authenticity["caKeyId"] as? String, "9000033/001")
        try await VPCDRig.remove(link!)
        link = nil
        try await insert(SimulatorConfiguration(faults: .init(tampering: [.changedAttribute])))
        let bad = try CLI.run(["mynumber", "--pin-stdin"] + cardCA + reader, stdin: "1234\n")
        XCTAssertEqual(bad.status, 5, bad.stderr)
        XCTAssertTrue(bad.stdout.contains("authenticity: NOT-AUTHENTIC"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("FAIL: basic attributes (EF 0002)"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("********9018"))
        XCTAssertFalse(bad.stdout.contains("123456789018"))
    }
}

/// An independent PNG reader: Python's zlib inflates and checks every CRC, `pngcheck` checks the file.
enum PNGJudge {
    static func greyPixels(_ path: String) throws -> (width: Int, height: Int, samples: [UInt8]) {
        if let pngcheck = TestProcess.locate("pngcheck") {
            let check = try TestProcess.run(pngcheck, [path])
            XCTAssertEqual(check.status, 0, check.combinedOutput)
        } else {
            XCTFail("pngcheck is not installed (scripts/install-deps.sh installs it)")
        }
        let script = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat = 8, b''
            while pos < len(data):
                (n,) = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
                assert zlib.crc32(kind + body) == struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0]
                if kind == b'IHDR': w, h, depth, color = struct.unpack('>IIBB', body[:10]); assert (depth, color) == (8, 0)
                if kind == b'IDAT': idat += body
                pos += 12 + n
            raw = zlib.decompress(idat)
            rows = [raw[y * (w + 1):(y + 1) * (w + 1)] for y in range(h)]
            assert all(r[0] == 0 for r in rows)
            print(w, h); print(' '.join(str(b) for r in rows for b in r[1:]))
            """
        let run = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path])
        guard run.status == 0 else { throw TestSupportError("python could not decode \(path): \(run.standardError)") }
        let lines = run.standardOutput.split(separator: "\n")
        let size = lines[0].split(separator: " ").compactMap { Int($0) }
        return (size[0], size[1], lines[1].split(separator: " ").compactMap { UInt8($0) })
    }
}
