//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Writes an incremental update (ISO 32000-1 section 7.5.6): objects appended after the original bytes, then a
/// cross-reference section of the same kind as the file's last one (a table, or a stream when the file uses
/// cross-reference streams) whose `/Prev` points at it, then `startxref` and `%%EOF`. The original bytes are never
/// touched.
struct PDFIncrementalUpdate {
    /// The original file followed by everything written so far.
    private(set) var bytes: [UInt8]
    /// Where each written object starts, and its generation.
    private var offsets: [Int: (offset: Int, generation: Int)] = [:]

    init(original: [UInt8]) {
        bytes = original
        // The update starts on a line of its own.
        if let last = original.last, last != 0x0A, last != 0x0D { bytes.append(0x0A) }
    }

    /// Appends `N G obj`, the body, `endobj`; returns where the body starts.
    @discardableResult
    mutating func append(_ reference: PDFReference, body: [UInt8]) -> Int {
        offsets[reference.number] = (bytes.count, reference.generation)
        bytes += Array("\(reference.number) \(reference.generation) obj\n".utf8)
        let start = bytes.count
        bytes += body
        bytes += Array("\nendobj\n".utf8)
        return start
    }

    mutating func append(_ reference: PDFReference, object: PDFObject) {
        append(reference, body: object.serialized())
    }

    /// Writes the cross-reference section and the trailer and ends the file.
    ///
    /// - Parameters:
    ///   - file: the original file (its last section's kind, its trailer's `/Root`, `/Info`, `/ID`).
    ///   - size: one more than the highest object number after the update.
    ///   - newID: the second element of the new `/ID`.
    mutating func finish(file: PDFFile, size: Int, newID: [UInt8]) {
        var trailer = PDFDictionary()
        let firstID = file.trailer["ID"]?.array?.first?.string ?? newID
        if file.usesCrossReferenceStreams {
            // The stream is an object too: it takes the next number and lists itself.
            let streamNumber = size
            let streamOffset = bytes.count
            offsets[streamNumber] = (streamOffset, 0)
            let numbers = offsets.keys.sorted()
            let offsetWidth = max(4, (String(streamOffset, radix: 16).count + 1) / 2)
            var data: [UInt8] = []
            for number in numbers {
                let entry = offsets[number]!
                data.append(1)
                data += (0..<offsetWidth).reversed().map { UInt8(truncatingIfNeeded: entry.offset >> ($0 * 8)) }
                data += [UInt8(truncatingIfNeeded: entry.generation >> 8), UInt8(truncatingIfNeeded: entry.generation)]
            }
            trailer["Type"] = .name("XRef")
            trailer["Size"] = .integer(size + 1)
            trailer["Index"] = .array(Self.runs(numbers).flatMap { [.integer($0.start), .integer($0.count)] })
            trailer["W"] = .array([.integer(1), .integer(offsetWidth), .integer(2)])
            Self.copyTrailerEntries(from: file, into: &trailer, firstID: firstID, newID: newID)
            trailer["Length"] = .integer(data.count)
            bytes += Array("\(streamNumber) 0 obj\n".utf8)
            trailer.write(to: &bytes)
            bytes += Array("\nstream\n".utf8) + data + Array("\nendstream\nendobj\n".utf8)
            bytes += Array("startxref\n\(streamOffset)\n%%EOF\n".utf8)
        } else {
            let tableOffset = bytes.count
            bytes += Array("xref\n".utf8)
            let numbers = offsets.keys.sorted()
            for run in Self.runs(numbers) {
                bytes += Array("\(run.start) \(run.count)\n".utf8)
                for number in run.start..<(run.start + run.count) {
                    let entry = offsets[number]!
                    // Exactly 20 bytes: 10-digit offset, 5-digit generation, n, CR LF.
                    bytes += Array(
                        (String(repeating: "0", count: 10 - String(entry.offset).count) + String(entry.offset) + " "
                            + String(repeating: "0", count: 5 - String(entry.generation).count)
                            + String(entry.generation) + " n\r\n").utf8)
                }
            }
            trailer["Size"] = .integer(size)
            Self.copyTrailerEntries(from: file, into: &trailer, firstID: firstID, newID: newID)
            bytes += Array("trailer\n".utf8)
            trailer.write(to: &bytes)
            bytes += Array("\nstartxref\n\(tableOffset)\n%%EOF\n".utf8)
        }
    }

    private static func copyTrailerEntries(
        from file: PDFFile, into trailer: inout PDFDictionary, firstID: [UInt8], newID: [UInt8]
    ) {
        trailer["Root"] = file.trailer["Root"]
        trailer["Info"] = file.trailer["Info"]
        trailer["ID"] = .array([.string(firstID), .string(newID)])
        trailer["Prev"] = .integer(file.lastCrossReferenceOffset)
    }

    /// Consecutive runs of sorted object numbers, as cross-reference subsections list them.
    static func runs(_ numbers: [Int]) -> [(start: Int, count: Int)] {
        var runs: [(start: Int, count: Int)] = []
        for number in numbers {
            if let last = runs.last, last.start + last.count == number {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((number, 1))
            }
        }
        return runs
    }
}
