//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// An HTTP/1.1 response: status, headers (names lower-cased) and the whole body.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
}

/// Writes HTTP/1.1 requests and reads responses (`Content-Length` or chunked) on a ``ByteStream``: enough HTTP for
/// a JSON API, without a web stack.
struct HTTPExchange {
    /// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
    static func trimmingBlanks(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// The largest response head and body accepted.
    static let maximumHeadBytes = 16 * 1024
    static let maximumBodyBytes = 1024 * 1024

    /// The bytes of a request.
    static func request(
        method: String, path: String, host: String, headers: [(String, String)], body: [UInt8]?
    ) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: mynakit\r\nAccept: application/json\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    /// Buffered reading from a socket (or, in tests, from any source of byte chunks).
    struct Reader {
        /// The next bytes; empty when the peer closed the connection.
        let receive: () throws(ServiceClientError) -> [UInt8]
        var buffer: [UInt8] = []
        /// Whether any byte of the response arrived (a stale keep-alive connection fails before any does).
        var receivedAny = false

        init(stream: any ByteStream) {
            self.receive = { () throws(ServiceClientError) -> [UInt8] in try stream.receive(maximum: 16 * 1024) }
        }

        init(receive: @escaping () throws(ServiceClientError) -> [UInt8]) {
            self.receive = receive
        }

        /// Reads more bytes; throws when the peer closed the connection.
        mutating func fill() throws(ServiceClientError) {
            let more = try receive()
            guard !more.isEmpty else { throw ServiceClientError.connectionLost("the service closed the connection") }
            receivedAny = true
            buffer += more
        }

        /// The bytes up to and without `\r\n`, consumed with it.
        mutating func line(limit: Int) throws(ServiceClientError) -> String {
            while true {
                if let end = Self.find([0x0D, 0x0A], in: buffer) {
                    let line = String(decoding: buffer[..<end], as: UTF8.self)
                    buffer.removeSubrange(..<(end + 2))
                    return line
                }
                guard buffer.count <= limit else {
                    throw ServiceClientError.malformedResponse("a header line is too long")
                }
                try fill()
            }
        }

        /// Exactly `count` bytes.
        mutating func bytes(_ count: Int) throws(ServiceClientError) -> [UInt8] {
            while buffer.count < count { try fill() }
            let out = Array(buffer[..<count])
            buffer.removeSubrange(..<count)
            return out
        }

        /// Everything until the peer closes.
        mutating func rest(limit: Int) throws(ServiceClientError) -> [UInt8] {
            while true {
                let more = try receive()
                if more.isEmpty { break }
                buffer += more
                guard buffer.count <= limit else { throw ServiceClientError.malformedResponse("the body is too large") }
            }
            defer { buffer.removeAll() }
            return buffer
        }

        static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            for index in 0...(haystack.count - needle.count)
            where haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle {
                return index
            }
            return nil
        }
    }

    /// Reads one response.
    ///
    /// - Returns: the response, and whether the connection may be reused.
    static func readResponse(_ reader: inout Reader) throws(ServiceClientError) -> (HTTPResponse, keepAlive: Bool) {
        let statusLine = try reader.line(limit: maximumHeadBytes)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw ServiceClientError.malformedResponse("not an HTTP/1.1 status line: \(statusLine.prefix(80))")
        }
        var headers: [String: String] = [:]
        var headBytes = statusLine.utf8.count
        while true {
            let line = try reader.line(limit: maximumHeadBytes)
            if line.isEmpty { break }
            headBytes += line.utf8.count
            guard headBytes <= maximumHeadBytes, let colon = line.firstIndex(of: ":") else {
                throw ServiceClientError.malformedResponse("a malformed header")
            }
            let name = line[..<colon].lowercased()
            let value = Self.trimmingBlanks(line[line.index(after: colon)...])
            headers[name] = value
        }
        var keepAlive = headers["connection"]?.lowercased() != "close" && parts[0] == "HTTP/1.1"
        let body: [UInt8]
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try readChunked(&reader)
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0, length <= maximumBodyBytes else {
                throw ServiceClientError.malformedResponse("a bad Content-Length: \(lengthText)")
            }
            body = try reader.bytes(length)
        } else if status == 204 || status == 304 || (100..<200).contains(status) {
            body = []
        } else {
            body = try reader.rest(limit: maximumBodyBytes)
            keepAlive = false
        }
        return (HTTPResponse(status: status, headers: headers, body: body), keepAlive)
    }

    private static func readChunked(_ reader: inout Reader) throws(ServiceClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try reader.line(limit: 1024)
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(Self.trimmingBlanks(Substring(sizeText)), radix: 16), size >= 0 else {
                throw ServiceClientError.malformedResponse("a bad chunk size")
            }
            if size == 0 {
                while try !reader.line(limit: maximumHeadBytes).isEmpty {}
                return body
            }
            guard body.count + size <= maximumBodyBytes else {
                throw ServiceClientError.malformedResponse("the body is too large")
            }
            body += try reader.bytes(size)
            guard try reader.line(limit: 2).isEmpty else { throw ServiceClientError.malformedResponse("a bad chunk") }
        }
    }
}
