//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

@testable import MynaServiceClient
import XCTest

/// The client's HTTP/1.1: requests byte for byte, and responses with Content-Length, chunked bodies and bodies that
/// end with the connection, delivered in pieces of every size.
final class HTTPExchangeTests: XCTestCase {
    /// A reader that hands out `bytes` `piece` bytes at a time, then end-of-stream.
    static func reader(_ text: String, piece: Int) -> HTTPExchange.Reader {
        var remaining = Array(text.utf8)
        return HTTPExchange.Reader { () throws(ServiceClientError) -> [UInt8] in
            let next = Array(remaining.prefix(piece))
            remaining.removeFirst(next.count)
            return next
        }
    }

    func testRequestBytes() {
        let bytes = HTTPExchange.request(
            method: "POST", path: "/rp/v1/verifications", host: "verifier:8080",
            headers: [("Authorization", "Bearer mk_x")], body: Array("{}".utf8))
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            "POST /rp/v1/verifications HTTP/1.1\r\nHost: verifier:8080\r\nUser-Agent: mynakit\r\n"
                + "Accept: application/json\r\nAuthorization: Bearer mk_x\r\nContent-Length: 2\r\n\r\n{}")
    }

    func testResponsesInEveryPieceSize() throws {
        let cases: [(String, Int, String, Bool)] = [
            ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 201,
                "{\"a\":1}", true),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n",
                200, "abcdefg", true),
            ("HTTP/1.1 409 Conflict\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno", 409, "no", false),
            ("HTTP/1.0 200 OK\r\n\r\nuntil close", 200, "until close", false),
            ("HTTP/1.1 204 No Content\r\n\r\n", 204, "", true),
        ]
        for (text, status, body, keepAlive) in cases {
            for piece in [1, 2, 3, 7, 64, 4096] {
                var reader = Self.reader(text, piece: piece)
                let (response, reusable) = try HTTPExchange.readResponse(&reader)
                XCTAssertEqual(response.status, status, "\(piece): \(text)")
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), body, "\(piece): \(text)")
                XCTAssertEqual(reusable, keepAlive, "\(piece): \(text)")
            }
        }
    }

    func testMalformedAndTruncatedResponsesAreErrors() {
        let cases = [
            "SMTP 220 hello\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",
            "",
        ]
        for text in cases {
            var reader = Self.reader(text, piece: 5)
            XCTAssertThrowsError(try HTTPExchange.readResponse(&reader), text)
        }
    }

    func testAStaleConnectionIsRecognisedBeforeAnyByte() {
        var reader = Self.reader("", piece: 5)
        XCTAssertThrowsError(try HTTPExchange.readResponse(&reader))
        XCTAssertFalse(reader.receivedAny)
    }

    func testURLs() throws {
        let client = try VerificationServiceClient(url: "http://verifier.internal:9000/rp/", apiKey: "mk_k")
        XCTAssertEqual(client.host, "verifier.internal")
        XCTAssertEqual(client.port, 9000)
        XCTAssertEqual(client.pathPrefix, "/rp")
        XCTAssertEqual(try VerificationServiceClient(url: "http://h", apiKey: "k").port, 80)
        XCTAssertEqual(try VerificationServiceClient(url: "https://h", apiKey: "k").port, 443)
        for url in ["ftp://h", "h:80", "http://"] {
            XCTAssertThrowsError(try VerificationServiceClient(url: url, apiKey: "k"), url)
        }
        XCTAssertThrowsError(try VerificationServiceClient(url: "http://h", apiKey: "a b"))
    }
}
