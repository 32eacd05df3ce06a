//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The outcome of one `mynakit doctor` check.
struct DoctorCheck: Encodable, Equatable, Sendable {
    enum Status: String, Encodable, Sendable {
        case pass = "PASS"
        case warn = "WARN"
        case fail = "FAIL"
    }

    /// A stable, machine-readable name: `libpcsclite`, `pcscd`, `access`, `readers`, `reader N`, `vpcd`,
    /// `apdu-logging`, `usb`, `ccid-driver`, `udev-rules`.
    var check: String
    var status: Status
    /// What was found, in one sentence.
    var detail: String
    /// The command to run or the file to install; set on every FAIL and on most WARNs.
    var fix: String?

    init(_ check: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    /// `FAIL  pcscd        the PC/SC service ... -> fix: systemctl start pcscd.socket`
    var line: String {
        let name = TextFormat.padded(check, toWidth: max(check.utf16.count, 12))
        var text = "\(status.rawValue)  \(name) \(detail)"
        if let fix { text += "  -> fix: \(fix)" }
        return text
    }
}

/// Every check, and the exit status they add up to.
struct DoctorReport: Encodable, Sendable {
    var checks: [DoctorCheck]
    /// Set when pcscd could not be reached or refused this process: exit 69, as for every other command.
    var serviceUnavailable: Bool

    var passed: Int { checks.count { $0.status == .pass } }
    var warnings: Int { checks.count { $0.status == .warn } }
    var failures: Int { checks.count { $0.status == .fail } }

    /// 69 when pcscd is unreachable or denies access, 1 for any other FAIL, 0 otherwise (WARNs do not count).
    var exitStatus: Int32 {
        if serviceUnavailable { return ExitStatus.serviceUnavailable.rawValue }
        return failures > 0 ? 1 : 0
    }

    var summary: String {
        "\(passed) passed, \(warnings) warning\(warnings == 1 ? "" : "s"), \(failures) failed"
    }

    private enum CodingKeys: String, CodingKey {
        case checks, summary, exitStatus
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checks, forKey: .checks)
        try container.encode(["pass": passed, "warn": warnings, "fail": failures], forKey: .summary)
        try container.encode(exitStatus, forKey: .exitStatus)
    }
}
