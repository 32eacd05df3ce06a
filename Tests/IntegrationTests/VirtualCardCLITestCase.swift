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

/// The fixture of the suites that run the CLI against the virtual card through pcscd: pcscd is required (a failure
/// under `CI=true`), the test PKI is written to a fresh directory per test, and the card inserted by
/// ``insert(_:removeAfter:)`` is removed after each test. The card goes into `Virtual PCD 00 00`, or, for suites that
/// set ``picksAFreeReader``, into the first of the two vpcd readers that is empty (other suites on a shared machine
/// may hold one).
class VirtualCardCLITestCase: XCTestCase {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    /// The prefix of each test's temporary directory.
    class var directoryPrefix: String { "mynakit-cli" }
    /// Whether ``insert(_:removeAfter:)`` takes `Virtual PCD 00 01` when `Virtual PCD 00 00` holds a card.
    class var picksAFreeReader: Bool { false }
    /// Whether every test needs pcscd; otherwise only those that insert a card ask for it.
    class var everyTestNeedsPCSCD: Bool { true }

    var link: VPCDLink?
    var card: VirtualMyNumberCard!
    var directory: URL!
    /// The reader the card went into.
    var readerName = VPCDRig.reader0

    override func setUp() async throws {
        if Self.everyTestNeedsPCSCD { try await VPCDRig.requirePCSCD() }
        directory = try makeTemporaryDirectory(Self.directoryPrefix)
        try Self.pki.write(to: directory)
    }

    override func tearDown() async throws {
        try await removeCard()
    }

    /// Inserts a virtual card made from `configuration`; with `removeAfter`, the link removes it after that many APDUs.
    func insert(_ configuration: SimulatorConfiguration = SimulatorConfiguration(), removeAfter: Int? = nil) async throws {
        try await VPCDRig.requirePCSCD()
        card = try VirtualMyNumberCard(configuration: configuration, pki: Self.pki)
        var busy = false
        if Self.picksAFreeReader { busy = try await PCSCContext().state(of: VPCDRig.reader0).isCardPresent }
        readerName = busy ? VPCDRig.reader1 : VPCDRig.reader0
        link = try await VPCDRig.insert(
            card, port: busy ? VPCDRig.port1 : VPCDRig.port0, reader: readerName,
            options: .init(removeAfterAPDUs: removeAfter))
    }

    /// Takes the card out, to insert another.
    func removeCard() async throws {
        if let link { try await VPCDRig.remove(link, reader: readerName) }
        link = nil
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    var reader: [String] { ["--reader", readerName] }
}
