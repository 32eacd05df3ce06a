//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// No leaks in the card flows: the workload (every flow of the CLI against the in-memory virtual card, success and
/// failure paths) runs under `valgrind --leak-check=full` twice, with few and with many iterations. Memory lost on
/// every iteration makes the long run's "definitely lost" exceed the short run's; one-time runtime allocations cancel.
final class CardLeakCheckTests: XCTestCase {
    static let workloadVariable = "MYNACARD_LEAK_WORKLOAD"
    static let directoryVariable = "MYNACARD_LEAK_PKI"

    func testCardLeakWorkload() throws {
        let (iterations, directory) = try Valgrind.workloadParameters(
            iterations: Self.workloadVariable, directory: Self.directoryVariable,
            startedBy: "testNoLeaksInCardFlowsUnderValgrind")
        let pki = try TestPKI.load(from: URL(fileURLWithPath: directory))
        for iteration in 0..<iterations {
            let card = try VirtualMyNumberCard(configuration: SimulatorConfiguration(), pki: pki)
            let transport = InMemoryTransport(card: card, maxAPDUDataSize: iteration % 2 == 0 ? 0 : 65536)
            let session = MyNumberCard(channel: CardChannel(transport: transport, tracer: { _ in }))
            _ = try session.identify()
            _ = try session.jpki.readCertificate(.authentication)
            _ = try session.jpki.readSigningCertificate(password: PIN(kind: .signing, "ABC123"))
            _ = try session.jpki.sign(
                digest: [UInt8](repeating: 3, count: 32), algorithm: .sha256, key: .authentication,
                pin: PIN(kind: .authentication, "1234"))
            _ = try session.cardInfo.read(pin: PIN(kind: .cardInfo, "1234"))
            XCTAssertThrowsError(try session.jpki.verify(PIN(kind: .authentication, "0000")))
            transport.remove()
            XCTAssertThrowsError(try session.jpki.readCertificate(.authenticationCA))
        }
    }

    func testNoLeaksInCardFlowsUnderValgrind() throws {
        let directory = try makeTemporaryDirectory("mynacard-leak")
        try Fixture.pki.write(to: directory)
        try Valgrind.assertLossDoesNotGrow(
            test: "MynaCardTests.CardLeakCheckTests/testCardLeakWorkload", iterationsVariable: Self.workloadVariable,
            environment: [Self.directoryVariable: directory.path], iterations: (2, 12), label: "card flows")
    }
}
