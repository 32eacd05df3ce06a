//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation

/// PDFs from several producers, and the Debian tools that judge signed PDFs independently of MynaKit:
/// `pdfsig` (poppler, with NSS) and `qpdf --check`.
public enum TestPDF {
    /// A one-page PDF written here with a classic cross-reference table, its offsets computed exactly.
    public static func minimal(text: String = "Application form") -> [UInt8] {
        let content = "BT /F1 24 Tf 72 720 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R "
                + "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var output = "%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n"
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(index + 1) 0 obj\n\(body)\nendobj\n"
        }
        let table = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f\r\n"
        for offset in offsets { output += String(format: "%010d 00000 n\r\n", offset) }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(table)\n%%EOF\n"
        return Array(output.utf8)
    }

    /// `input` rewritten by qpdf with object streams: a compressed cross-reference stream, the catalog and pages
    /// inside a compressed object stream.
    public static func objectStreams(from input: URL, to output: URL) throws {
        try tool("qpdf", ["--object-streams=generate", "--compress-streams=y", input.path, output.path])
    }

    /// A PDF drawn by cairo (`rsvg-convert -f pdf`), a producer other than this file and qpdf.
    public static func cairo(to output: URL) throws {
        let svg = output.deletingPathExtension().appendingPathExtension("svg")
        try Data(
            """
            <svg xmlns="http://www.w3.org/2000/svg" width="595" height="842">
            <rect x="60" y="60" width="475" height="120" fill="#dde" stroke="#003"/>
            <circle cx="297" cy="420" r="90" fill="#c33"/>
            </svg>
            """.utf8
        ).write(to: svg)
        try tool("rsvg-convert", ["-f", "pdf", "-o", output.path, svg.path])
    }

    /// What `pdfsig` says about each signature of a PDF (`-nocert`: the signature and the coverage only; the
    /// certificate chain is MynaKit's and openssl's business here).
    public struct PDFSigReport {
        public var output: String
        public var status: Int32
        /// One block of lines per signature, in pdfsig's order.
        public var signatures: [String] {
            output.components(separatedBy: "Signature #").dropFirst().map { String($0) }
        }
    }

    public static func pdfsig(_ pdf: URL, nssDirectory: URL? = nil) throws -> PDFSigReport {
        var arguments = ["-nocert"]
        if let nssDirectory { arguments += ["-nssdir", nssDirectory.path] }
        let output = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["pdfsig"] + arguments + [pdf.path])
        return PDFSigReport(output: output.combinedOutput, status: output.status)
    }

    /// `qpdf --check`: exit 0 and "No syntax or stream encoding errors found".
    public static func qpdfCheck(_ pdf: URL) throws -> ProcessOutput {
        try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["qpdf", "--check", pdf.path])
    }

    /// A PDF signed by poppler (`pdfsig -add-signature`, NSS) with the given PKCS#12 key: a signature that MynaKit
    /// did not make, for the "already signed" case. The NSS database is made in `directory`.
    public static func signedByPoppler(
        _ input: URL, to output: URL, pkcs12: URL, password: String, directory: URL
    ) throws {
        let database = directory.appendingPathComponent("nssdb")
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        try tool("certutil", ["-N", "-d", "sql:\(database.path)", "--empty-password"])
        try tool("pk12util", ["-i", pkcs12.path, "-d", "sql:\(database.path)", "-W", password])
        let nicknames = try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["pdfsig", "-nssdir", "sql:\(database.path)", "-list-nicks"])
        // "Certificate nicknames available:" and then one nickname a line.
        let lines = nicknames.standardOutput.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let nickname = lines.first(where: { !$0.isEmpty && !$0.hasSuffix(":") }) else {
            throw TestSupportError("pdfsig -list-nicks found no key: \(nicknames.combinedOutput)")
        }
        try tool("pdfsig", [
            "-nssdir", "sql:\(database.path)", "-add-signature", "-nick", nickname, "-reason", "poppler",
            input.path, output.path,
        ])
    }

    /// Whether the Debian tools these tests need are installed (scripts/install-deps.sh installs them).
    public static var toolsInstalled: Bool {
        ["pdfsig", "qpdf", "rsvg-convert", "certutil", "pk12util"].allSatisfy { TestProcess.locate($0) != nil }
    }

    @discardableResult
    static func tool(_ name: String, _ arguments: [String]) throws -> ProcessOutput {
        let output = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments)
        guard output.status == 0 else {
            throw TestSupportError("\(name) \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.combinedOutput)")
        }
        return output
    }
}
