//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CFuzzDriver
import Foundation

/// The C signature of `LLVMFuzzerTestOneInput`, as libFuzzer calls it.
public typealias FuzzTestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs a fuzz target's `main`.
///
/// Built with `-sanitize=fuzzer,address -DMYNAKIT_FUZZING` (see `scripts/fuzz.sh`), the executable is a libFuzzer
/// binary: arguments are libFuzzer's (`CORPUS_DIR… -max_total_time=N`). In any other build it only replays: every
/// file named on the command line, and every regular file in every directory named there, is run once through the
/// target, in name order. A crash is a crash either way; the replay prints how many inputs it ran.
public enum FuzzDriver {
    public static func main(name: String, _ testOneInput: FuzzTestOneInput) -> Never {
        #if MYNAKIT_FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
        #else
        exit(replay(name: name, arguments: Array(CommandLine.arguments.dropFirst()), testOneInput))
        #endif
    }

    /// Replays files and directories through `testOneInput`; returns the exit status.
    public static func replay(name: String, arguments: [String], _ testOneInput: FuzzTestOneInput) -> Int32 {
        let paths = arguments.filter { !$0.hasPrefix("-") }  // libFuzzer flags mean nothing here
        if paths.isEmpty {
            print("usage: \(name) FILE|DIR… (replays the inputs; build with scripts/fuzz.sh to fuzz)")
            return 0
        }
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("\(name): no such file or directory: \(path)\n".utf8))
                return 66
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                for entry in names.sorted() where !entry.hasPrefix(".") {
                    let full = (path as NSString).appendingPathComponent(entry)
                    var entryIsDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full, isDirectory: &entryIsDirectory),
                        !entryIsDirectory.boolValue
                    {
                        files.append(full)
                    }
                }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(name): cannot read \(file)\n".utf8))
                return 66
            }
            run(Array(data), testOneInput)
        }
        print("\(name): replayed \(files.count) input(s)")
        return 0
    }

    /// Runs one input through `testOneInput`, as libFuzzer would.
    public static func run(_ bytes: [UInt8], _ testOneInput: FuzzTestOneInput) {
        if bytes.isEmpty {
            var none: UInt8 = 0
            _ = testOneInput(&none, 0)
        } else {
            _ = bytes.withUnsafeBufferPointer { testOneInput($0.baseAddress, $0.count) }
        }
    }
}

/// Stops the process (a finding for libFuzzer, a failed replay in CI) when an invariant of a target does not hold.
public func fuzzCheck(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() {
        fatalError("fuzz invariant violated: \(message())", file: file, line: line)
    }
}

/// The bytes libFuzzer passed, as an array.
public func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}
