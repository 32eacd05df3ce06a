//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import FoundationEssentials

/// The `apdu-logging` check: pcscd started with `-a`/`--apdu` writes every command and response APDU to its log in
/// clear, the data of VERIFY (the PIN) included. Docs/Security.md forbids it on terminals.
extension Doctor {
    /// A running pcscd, from `/proc/PID/cmdline`.
    struct PCSCDProcess: Equatable {
        var pid: Int
        /// argv without argv[0].
        var arguments: [String]
    }

    /// Where systemd's `pcscd.service` takes `$PCSCD_ARGS` from.
    static let pcscdDefaultsPath = "/etc/default/pcscd"

    /// pcscd's short options that take a value (its getopt string has `c:`, `t:`, `r:`, `s:`).
    static let pcscdShortOptionsWithValue: Set<Character> = ["c", "t", "r", "s"]
    /// pcscd's long options that take a value.
    static let pcscdLongOptionsWithValue: Set<String> = [
        "config", "max-thread", "max-card-handle-per-thread", "max-reader-handle-per-context",
    ]

    /// Whether pcscd's arguments turn on APDU logging, read as getopt_long reads them: `-a`, a cluster such as `-fad`,
    /// `--apdu` or an unambiguous abbreviation of it (`--ap`); values of `-c`/`--config` and the like are skipped, and
    /// `--` ends the options.
    static func pcscdArgumentsLogAPDUs(_ arguments: [String]) -> Bool {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { return false }
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2).prefix { $0 != "=" })
                if name.count >= 2, "apdu".hasPrefix(name) { return true }
                if pcscdLongOptionsWithValue.contains(name), !argument.contains("=") { index += 1 }
            } else if argument.hasPrefix("-"), argument.count > 1 {
                let letters = Array(argument.dropFirst())
                for (position, letter) in letters.enumerated() {
                    if letter == "a" { return true }
                    if pcscdShortOptionsWithValue.contains(letter) {
                        // The value is the rest of the cluster, or the next argument when the letter ends it.
                        if position == letters.count - 1 { index += 1 }
                        break
                    }
                }
            }
        }
        return false
    }

    /// Every pcscd process in `/proc` under ``systemRoot`` (zombies and kernel threads have an empty command line and
    /// are left out); `nil` when `/proc` cannot be listed.
    func pcscdProcesses() -> [PCSCDProcess]? {
        let proc = URL(fileURLWithPath: systemRoot).appendingPathComponent("proc")
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: proc.path) else { return nil }
        var processes: [PCSCDProcess] = []
        for entry in entries {
            guard let pid = Int(entry) else { continue }
            let path = proc.appendingPathComponent(entry).appendingPathComponent("cmdline").path
            // procfs reports a size of 0, so read to the end rather than by size.
            guard let data = try? InputFile.read(path) else { continue }
            var argv = data.split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            if argv.last == "" { argv.removeLast() }
            guard let command = argv.first, command.split(separator: "/").last == "pcscd" else { continue }
            processes.append(PCSCDProcess(pid: pid, arguments: Array(argv.dropFirst())))
        }
        return processes.sorted { $0.pid < $1.pid }
    }

    /// The words of `PCSCD_ARGS` in `/etc/default/pcscd` under ``systemRoot``; `nil` when the file or the variable is
    /// not there.
    func pcscdDefaultArguments() -> [String]? {
        let url = URL(fileURLWithPath: systemRoot).appendingPathComponent(String(Self.pcscdDefaultsPath.dropFirst()))
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var found: [String]?
        for rawLine in text.split(separator: "\n") {
            var line = TextFormat.trimmingBlanks(rawLine)
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)) }
            guard line.hasPrefix("PCSCD_ARGS=") else { continue }
            let value = line.dropFirst("PCSCD_ARGS=".count).prefix { $0 != "#" }
            found = value.replacing("\"", with: " ").replacing("'", with: " ")
                .split(whereSeparator: \.isWhitespace).map(String.init)
        }
        return found
    }

    func apduLoggingCheck() -> DoctorCheck {
        let name = "apdu-logging"
        let processes = pcscdProcesses()
        let logging = (processes ?? []).filter { Self.pcscdArgumentsLogAPDUs($0.arguments) }
        let defaults = pcscdDefaultArguments()
        let defaultsLog = defaults.map(Self.pcscdArgumentsLogAPDUs) ?? false
        var findings: [String] = []
        if !logging.isEmpty {
            let pids = logging.map { "pid \($0.pid): pcscd \($0.arguments.joined(separator: " "))" }
            findings.append("pcscd runs with APDU logging (-a/--apdu) (\(pids.joined(separator: "; ")))")
        }
        if defaultsLog {
            findings.append("PCSCD_ARGS in \(Self.pcscdDefaultsPath) turns on APDU logging (-a/--apdu) for every start")
        }
        if !findings.isEmpty {
            return DoctorCheck(
                name, .warn,
                findings.joined(separator: "; ")
                    + ": pcscd writes every APDU to its log in clear, PINs of VERIFY included; Docs/Security.md "
                    + "forbids this on terminals",
                fix: "remove -a/--apdu from PCSCD_ARGS in \(Self.pcscdDefaultsPath) (or from the pcscd command line "
                    + "or unit drop-in that sets it), systemctl restart pcscd, and delete the logs written meanwhile "
                    + "(they hold PINs)")
        }
        let configured = defaults == nil ? "" : "; PCSCD_ARGS in \(Self.pcscdDefaultsPath) does not enable it"
        guard let processes, !processes.isEmpty else {
            let why = processes == nil ? "cannot list /proc" : "no pcscd process visible in /proc"
            return DoctorCheck(
                name, .pass,
                "\(why) (a socket-activated pcscd exits when idle; hidepid hides other users' processes), so the "
                    + "running pcscd's options were not checked\(configured)")
        }
        let pids = processes.map { "pid \($0.pid)" }.joined(separator: ", ")
        return DoctorCheck(name, .pass, "pcscd (\(pids)) runs without APDU logging\(configured)")
    }
}
