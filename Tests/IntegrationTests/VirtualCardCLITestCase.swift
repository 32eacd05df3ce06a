//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// The fixture of the suites that run the CLI against the virtual card on `Virtual PCD 00 00`: pcscd is required (a
/// failure under `CI=true`), the test PKI is written to a fresh directory per test, and the card inserted by
/// ``insert(_:removeAfter:)`` is removed after each test.
class VirtualCardCLITestCase: XCTestCase {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    /// The prefix of each test's temporary directory.
    class var directoryPrefix: String { "mynakit-cli" }

    var link: VPCDLink?
    var card: VirtualMyNumberCard!
    var directory: URL!

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        directory = try makeTemporaryDirectory(Self.directoryPrefix)
        try Self.pki.write(to: directory)
    }

    override func tearDown() async throws {
        if let link { try await VPCDRig.remove(link) }
        link = nil
    }

    /// Inserts a virtual card made from `configuration`; with `removeAfter`, the link removes it after that many APDUs.
    func insert(_ configuration: SimulatorConfiguration = SimulatorConfiguration(), removeAfter: Int? = nil) async throws {
        card = try VirtualMyNumberCard(configuration: configuration, pki: Self.pki)
        link = try await VPCDRig.insert(card, options: .init(removeAfterAPDUs: removeAfter))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    var reader: [String] { ["--reader", VPCDRig.reader0] }
}
