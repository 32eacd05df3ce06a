//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import MynaCard
import SmartCard

struct DoctorCommand: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check libpcsclite, pcscd, polkit access, readers, USB readers, the CCID driver and udev rules.",
        discussion: """
            Prints one line per check, PASS, WARN or FAIL, and the command or file that fixes each FAIL. \
            Exit status 0 when nothing failed (warnings allowed), 69 when pcscd is unreachable or denies access, \
            1 for any other failure.
            """
    )

    @Option(
        help: ArgumentHelp("Read USB devices from DIR/sys/bus/usb/devices instead of /sys.", valueName: "dir"),
        completion: .directory)
    var sysfsRoot = "/"

    @Option(help: .hidden, completion: .directory)
    var systemRoot = "/"

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let doctor = Doctor(sysfsRoot: sysfsRoot, systemRoot: systemRoot, identify: { KnownATRs.identify($0) })
        let report = await doctor.run()
        output.emit(report) { report in
            (report.checks.map(\.line) + ["doctor: \(report.summary)"]).joined(separator: "\n")
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

/// Prints MynaKit's udev rules, rendered from the table of known readers (for packagers and `make`).
struct UdevRulesCommand: ParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev-rules",
        abstract: "Print the udev rules for the known readers (udev/\(UdevRules.fileName)).",
        shouldDisplay: false
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        print(UdevRules.render(), terminator: "")
    }
}
