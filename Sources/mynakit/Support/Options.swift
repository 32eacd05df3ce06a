//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser

/// `--json`, shared by every command that reports a result.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on stdout (errors too).")
    var json = false

    /// Prints a command's result: `report` as one JSON document with `--json`, otherwise the text `render` makes of
    /// it. The JSON field names are the report's property names, so both forms carry the same facts.
    func emit<Report: Encodable>(_ report: Report, text render: (Report) -> String) {
        if json {
            Reporter.printJSON(report)
        } else {
            print(render(report))
        }
    }
}
