//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// Facts about the OpenSSL this process runs with.
public enum OpenSSLLibrary {
    /// The version of the libcrypto loaded at run time, as it reports itself (`OpenSSL 3.0.19 27 Jan 2026`).
    public static var version: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
        return String(cString: text)
    }

    /// The version of the headers MynaVerify was compiled against.
    public static var headerVersion: String { OPENSSL_VERSION_TEXT }
}
