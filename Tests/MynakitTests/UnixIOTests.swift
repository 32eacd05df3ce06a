//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

@testable import mynakit

/// Output paths, input paths and times, as the CLI resolves them before any card APDU.
final class UnixIOTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("mynakit-unixio")
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func status(of block: () throws -> Void) -> ExitStatus? {
        do {
            try block()
            return nil
        } catch let failure as CommandFailure {
            return failure.status
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    // MARK: Output

    func testDirectoriesAreRefusedAndLeftUntouched() throws {
        let keep = path("keep.txt")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: keep))
        for given in [directory.path, directory.path + "/", ".", "", directory.path + "/keep.txt/"] {
            XCTAssertNotNil(status { _ = try OutputTarget.prepare(given) }, given)
        }
        XCTAssertEqual(status { _ = try OutputTarget.prepare(directory.path) }, .usage)
        XCTAssertEqual(status { _ = try OutputTarget.prepare("") }, .usage)
        XCTAssertEqual(try String(contentsOfFile: keep, encoding: .utf8), "precious")
    }

    func testExistingFileIsReplacedAtomicallyKeepingItsMode() throws {
        let file = path("cert.pem")
        try Data("old contents that are longer".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o640)
        try OutputTarget.prepare(file).write(Array("new".utf8))
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "new")
        var info = stat()
        XCTAssertEqual(stat(file, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["cert.pem"], "no temporary file left")
    }

    func testSymlinkIsWrittenThroughAndKept() throws {
        let target = path("real.der")
        let link = path("link.der")
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        XCTAssertEqual(symlink("real.der", link), 0)
        try OutputTarget.prepare(link).write([1, 2, 3])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real.der")
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: target))), [1, 2, 3])

        // A dangling link creates its target.
        let dangling = path("dangling")
        XCTAssertEqual(symlink(path("created.bin"), dangling), 0)
        try OutputTarget.prepare(dangling).write([9])
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path("created.bin")))), [9])
    }

    func testDevicesAndFIFOsAreWrittenDirectly() throws {
        let null = try OutputTarget.prepare("/dev/null")
        XCTAssertEqual(null.destination, .direct(path: "/dev/null"))
        try null.write(Array(repeating: 0x41, count: 1000))
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")

        let fifo = path("fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 16)
            _ = read(fd, &buffer, 16)
            close(fd)
        }
        reader.start()
        let target = try OutputTarget.prepare(fifo)
        XCTAssertEqual(target.destination, .direct(path: fifo))
        try target.write([1, 2, 3])
    }

    func testFullDeviceIsAnIOError() throws {
        XCTAssertEqual(status { try OutputTarget.prepare("/dev/full").write([1, 2, 3]) }, .ioError)
    }

    func testMissingDirectoryIsAnIOErrorBeforeAnythingIsWritten() throws {
        XCTAssertEqual(status { _ = try OutputTarget.prepare(path("no/such/dir/out.pem")) }, .ioError)
    }

    func testConcurrentWritersAllSucceedAndLeaveOneWholeFile() throws {
        let file = path("same.pem")
        let contents = (0..<4).map { [UInt8](repeating: UInt8(0x41 + $0), count: 100_000) }
        let failures = LockedCount()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do { try OutputTarget.prepare(file).write(contents[index]) } catch { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        XCTAssertTrue(contents.contains(written), "the file is one writer's whole output")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["same.pem"])
    }

    /// Many writers making new files at once: each file gets 0666 less the umask, and the process's umask is what it
    /// was (reading it by setting it, from several threads, could leave it at 0 and every later file world-writable).
    func testConcurrentNewFilesKeepTheUmask() throws {
        let before = OutputTarget.fileCreationMask()
        XCTAssertEqual(before, umask(before), "the mask read from /proc is the process's")
        let failures = LockedCount()
        let paths = (0..<256).map { path("new-\($0).pem") }
        DispatchQueue.concurrentPerform(iterations: 256) { index in
            do { try OutputTarget.prepare(paths[index]).write([UInt8(index)]) } catch { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(OutputTarget.fileCreationMask(), before)
        for index in 0..<256 {
            let mode = try XCTUnwrap(
                try FileManager.default.attributesOfItem(atPath: path("new-\(index).pem"))[.posixPermissions] as? Int)
            XCTAssertEqual(mode_t(mode), 0o666 & ~before, "new-\(index).pem")
        }
    }

    // MARK: Input

    func testInputFromFIFOAndMissingFile() throws {
        let fifo = path("in")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = [UInt8]("hello".utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        XCTAssertEqual(try InputFile.read(fifo), Array("hello".utf8))
        XCTAssertEqual(status { _ = try InputFile.read(path("missing")) }, .usage)
        XCTAssertEqual(status { _ = try InputFile.read(directory.path) }, .usage)
    }

    // MARK: Times

    func testRFC3339NeedsAZone() throws {
        XCTAssertEqual(RFC3339.parse("2031-11-27T23:59:00Z")?.timeIntervalSince1970, 1_953_590_340)
        XCTAssertEqual(RFC3339.parse("2031-11-28T08:59:00+09:00")?.timeIntervalSince1970, 1_953_590_340)
        XCTAssertEqual(RFC3339.parse("2031-11-27t23:59:00.5z")?.timeIntervalSince1970, 1_953_590_340.5)
        XCTAssertEqual(RFC3339.parse("1969-12-31T23:59:59Z")?.timeIntervalSince1970, -1)
        XCTAssertEqual(RFC3339.parse("0000-01-01T00:00:00Z")?.timeIntervalSince1970, -62_167_219_200)
        for bad in [
            "2031-11-27T23:59:00", "2031-11-27", "2031-11-27garbage", "2031-11-27T23:59:00Zjunk", "2031-02-30T00:00:00Z",
            "2031-13-01T00:00:00Z", "2031-11-27T24:00:00Z", "2031-11-27T23:59:00+9:00", "2031-11-27 23:59:00Z", "",
            "2031-11-27T23:59:00.Z",
        ] {
            XCTAssertNil(RFC3339.parse(bad), bad)
        }
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 1_953_590_340)), "2031-11-27T23:59:00Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -62_167_219_200)), "0000-01-01T00:00:00Z")
    }
}

private final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
