//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import XCTest

/// The libraries import FoundationEssentials, never Foundation (Docs/Architecture.md): one `import Foundation`
/// anywhere in a module the CLI links makes it load Foundation and ICU (38 MB of data in a static build such as
/// libmynakit's and the Debian package's). The built executable's dynamic section is the judge.
final class LinkageTests: XCTestCase {
    func testTheCLILoadsNoFoundationBeyondEssentials() throws {
        let result = try CLI.runProcess(URL(fileURLWithPath: "/usr/bin/readelf"), ["-d", CLI.executable.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let needed = result.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        XCTAssertTrue(needed.contains { $0.contains("libFoundationEssentials.so") }, "readelf output: \(result.stdout)")
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            XCTAssertFalse(needed.contains { $0.contains("[\(library)]") }, "mynakit loads \(library)")
        }
    }
}
