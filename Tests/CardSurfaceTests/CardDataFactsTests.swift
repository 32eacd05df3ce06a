//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import MynaVerify
import XCTest

/// 照合番号B's era arithmetic, the CA key table and its JSON form.
final class CardDataFactsTests: XCTestCase {
    func code(_ birth: String, _ expiry: String = "2035", _ security: String = "2285") -> String? {
        VerificationCodeB.digits(birthDate: birth.utf8, expiryYear: expiry.utf8, securityCode: security.utf8)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    func testCodeBAndTheEraBoundaries() {
        // myna-card's test card: born 1980-02-17 (昭和55), expiry 2035, code 2285.
        XCTAssertEqual(code("19800217"), "55021720352285")
        XCTAssertEqual(code("19890107")?.prefix(6), "640107", "the last day of 昭和")
        XCTAssertEqual(code("19890108")?.prefix(6), "010108", "平成 1")
        XCTAssertEqual(code("20190430")?.prefix(6), "310430", "平成 31")
        XCTAssertEqual(code("20190501")?.prefix(6), "010501", "令和 1")
        XCTAssertEqual(code("19261224")?.prefix(6), "151224", "大正 15")
        XCTAssertEqual(code("19261225")?.prefix(6), "011225", "昭和 1")
        XCTAssertEqual(code("19120729")?.prefix(6), "450729", "明治 45")
        XCTAssertNil(code("18680124"), "before 明治")
        XCTAssertNil(code("19850230".replacingOccurrences(of: "02", with: "13")))
        XCTAssertNil(code("19800217", "235"))
        XCTAssertNil(code("19800217", "2035", "22a5"))
        XCTAssertEqual(JapaneseEra.of(2026_11_29)?.era, .reiwa)
        XCTAssertEqual(JapaneseEra.of(2026_11_29)?.year, 8)
    }

    func testBuiltInTableHoldsSixRSA2048KeysInTwoHierarchies() throws {
        let table = try CardCAKeyTable()
        XCTAssertEqual(table.keys.count, 6)
        XCTAssertEqual(table.keys.filter { $0.hierarchy == .production }.map(\.keyID.description),
            ["5000020/001", "5000023/001", "5000033/001"])
        XCTAssertEqual(table.keys.filter { $0.hierarchy == .test }.map(\.keyID.number), ["6000020", "6000023", "6000033"])
        for key in table.keys {
            XCTAssertEqual(try PublicKey(rsaModulus: key.modulus, exponent: key.exponent).bits, 2048)
            XCTAssertEqual(key.keyID.impliedHierarchy, key.hierarchy)
        }
    }

    func testCallerKeysCannotClaimProductionOrReplaceABuiltInKey() throws {
        let simulator = Surface.pki.cardData.caKeys
        var claim = simulator[0]
        claim.hierarchy = .production
        XCTAssertThrowsError(try CardCAKeyTable().adding([claim])) { error in
            XCTAssertTrue("\(error)".contains("production key IDs start with 5"), "\(error)")
        }
        var impostor = simulator[0]
        impostor.keyID = CardCAKeys.builtIn[1].keyID
        impostor.hierarchy = .production
        XCTAssertThrowsError(try CardCAKeyTable().adding([impostor])) { error in
            XCTAssertTrue("\(error)".contains("refusing to replace"), "\(error)")
        }
        // The same key twice is harmless.
        XCTAssertEqual(try CardCAKeyTable().adding(simulator + simulator).keys.count, 8)
    }

    func testCardCAJSONRoundTripsAndBadFilesSayWhy() throws {
        let directory = try makeTemporaryDirectory("card-ca")
        try Surface.pki.write(to: directory)
        let json = try [UInt8](Data(contentsOf: directory.appendingPathComponent(CardDataPKI.FileName.caKeys)))
        let keys = try CardCAKeyTable.parseJSON(json)
        XCTAssertEqual(keys, Surface.pki.cardData.caKeys)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json)) as? [[String: String]])
        XCTAssertEqual(object[0]["keyId"], "39303030303233080530303100000000")
        XCTAssertEqual(object[0]["exponent"], "010001")
        XCTAssertEqual(object[0]["hierarchy"], "simulator")
        XCTAssertThrowsError(try CardCAKeyTable.parseJSON(Array(#"[{"keyId":"00","modulus":"AB","exponent":"03","hierarchy":"x"}]"#.utf8))) {
            XCTAssertTrue("\($0)".contains("keyId"), "\($0)")
        }
        XCTAssertThrowsError(try CardCAKeyTable.parseJSON(Array("{}".utf8)))
        // A reloaded PKI directory keeps the same card-data keys.
        XCTAssertEqual(try TestPKI.load(from: directory).cardData.caKeys, keys)
    }
}
