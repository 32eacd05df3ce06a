//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaKitBuildInfo
import MynaVerify
import SmartCard

/// What `mynakit --version` prints: MynaKit's version and the C libraries it runs with, which a technician needs
/// when a reader or a certificate behaves differently on one terminal than on another.
struct VersionReport {
    /// MynaKit's version: the package's (`make`, `make deb`) or `0.2.0-dev` (a plain `swift build`).
    static let mynaKit = String(cString: mynakit_build_version())
    /// The commit it was built from (`-dirty` when tracked files differed), or `unknown`.
    static let commit = String(cString: mynakit_build_commit())

    var lines: [String]

    var text: String { lines.joined(separator: "\n") }

    static var current: VersionReport {
        var pcsc = ["headers \(PCSCLite.headerVersion)"]
        if let path = Doctor.loadedLibraryPath() { pcsc.append("library \(path)") }
        if let package = Doctor().packageVersion("libpcsclite1") { pcsc.append("Debian libpcsclite1 \(package)") }
        return VersionReport(lines: [
            "mynakit \(mynaKit) (commit \(commit))",
            "pcsc-lite: \(pcsc.joined(separator: ", "))",
            "OpenSSL: \(OpenSSLLibrary.version) (headers: \(OpenSSLLibrary.headerVersion))",
        ])
    }
}
