//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation

/// Reads a file named on the command line, as bytes.
///
/// - Throws: a usage failure (exit 64) naming the file when it cannot be read.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure(status: .usage, code: "unreadable-file", message: "\(path): cannot read the file")
    }
    return [UInt8](data)
}

/// Writes an output file only once the whole result is good: to a temporary file beside it, then renamed into
/// place, so a failed or interrupted command never leaves a partial file.
enum OutputFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        do {
            try Data(bytes).write(to: temporary)
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
            } else {
                try FileManager.default.moveItem(at: temporary, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure(status: .usage, code: "unwritable-file", message: "\(path): \(error.localizedDescription)")
        }
    }

    /// `--out FILE` when given (written as ``write(_:to:)`` does), otherwise stdout.
    static func write(_ bytes: [UInt8], toFileOrStandardOutput path: String?) throws {
        if let path {
            try write(bytes, to: path)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

/// ISO 8601 times on the command line and in reports.
enum ISO8601Time {
    /// Parses `2026-01-31T12:00:00Z`, the same with fractional seconds, or a date alone (`2026-01-31`).
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? Date(text, strategy: withFraction) { return date }
        let dateOnly = Date.ISO8601FormatStyle().year().month().day()
        return try? Date(text, strategy: dateOnly)
    }

    static func format(_ date: Date) -> String { date.formatted(.iso8601) }
}
