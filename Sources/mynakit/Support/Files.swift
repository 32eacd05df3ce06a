//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// Reads a file named on the command line, as bytes: `-`, `/dev/stdin` and process substitution included
/// (``InputFile``).
///
/// - Throws: a usage failure (exit 64) naming the file when it cannot be read.
func readFile(_ path: String) throws -> [UInt8] {
    try InputFile.read(path)
}
