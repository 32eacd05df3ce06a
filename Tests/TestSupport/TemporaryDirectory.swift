//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import XCTest

extension XCTestCase {
    /// Creates a fresh, empty directory under the system's temporary directory and removes it, with everything in
    /// it, when the current test ends.
    ///
    /// - Parameter prefix: the start of the directory's name (a UUID follows), so that leftovers are recognisable.
    /// - Returns: the directory.
    public func makeTemporaryDirectory(_ prefix: String = "MynaKitTests") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock {
            try? FileManager.default.removeItem(at: directory)
        }
        return directory
    }
}
