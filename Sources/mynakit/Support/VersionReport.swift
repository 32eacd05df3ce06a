//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaVerify
import SmartCard

/// What `mynakit --version` prints: MynaKit's version and the C libraries it runs with, which a technician needs
/// when a reader or a certificate behaves differently on one terminal than on another.
struct VersionReport {
    /// MynaKit's version.
    static let mynaKit = "0.2.0"

    var lines: [String]

    var text: String { lines.joined(separator: "\n") }

    static var current: VersionReport {
        var pcsc = ["headers \(PCSCLite.headerVersion)"]
        if let path = Doctor.loadedLibraryPath() { pcsc.append("library \(path)") }
        if let package = Doctor().packageVersion("libpcsclite1") { pcsc.append("Debian libpcsclite1 \(package)") }
        return VersionReport(lines: [
            "mynakit \(mynaKit)",
            "pcsc-lite: \(pcsc.joined(separator: ", "))",
            "OpenSSL: \(OpenSSLLibrary.version) (headers: \(OpenSSLLibrary.headerVersion))",
        ])
    }
}
