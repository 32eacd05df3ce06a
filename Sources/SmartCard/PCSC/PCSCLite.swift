//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// Facts about the pcsc-lite installation this process uses.
public enum PCSCLite {
    /// The pcsc-lite version whose headers SmartCard was compiled against (`PCSCLITE_VERSION_NUMBER`).
    ///
    /// The library loaded at run time may be newer; libpcsclite exports no function that reports its own version.
    public static var headerVersion: String { PCSCBridge.headerVersion }

    /// Where pcscd listens when nothing else is configured (pcsc-lite's default `ipcdir`).
    public static let defaultSocketPath = "/run/pcscd/pcscd.comm"

    /// The socket libpcsclite connects to: `PCSCLITE_CSOCK_NAME` when set, otherwise ``defaultSocketPath``.
    public static func socketPath(environment: [String: String]) -> String {
        if let path = environment["PCSCLITE_CSOCK_NAME"], !path.isEmpty { return path }
        return defaultSocketPath
    }

    /// The socket this process's libpcsclite connects to.
    public static var socketPath: String { socketPath(environment: ProcessInfo.processInfo.environment) }
}
