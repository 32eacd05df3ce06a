//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import SmartCard

@c @implementation
public func mynakit_list_readers(
    _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    reportingErrors(err) {
        let readers = try Blocking.run { try await PCSCContext().readers() }
        return try COutput.stringArray(readers, what: "the reader list")
    }
}

@c @implementation
public func mynakit_open(
    _ reader: UnsafePointer<CChar>?, _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> OpaquePointer? {
    reportingErrors(err) {
        let name = try reader.map { try CInput.string($0, name: "reader", in: "mynakit_open") }
        return sessions.insert(try Session.open(reader: name))
    }
}

@c @implementation
public func mynakit_session_reader(_ session: OpaquePointer?) -> UnsafePointer<CChar>? {
    sessions.lookUp(session)?.readerName.pointer
}

@c @implementation
public func mynakit_close(_ session: OpaquePointer?) {
    sessions.remove(session)?.close()
}

/// The open session `pointer` names.
///
/// - Throws: a usage failure naming `function` when `pointer` is NULL or names no open session.
func openSession(_ pointer: OpaquePointer?, in function: StaticString) throws -> Session {
    guard pointer != nil else { throw ABIFailure.usage(function, "session is NULL") }
    guard let session = sessions.lookUp(pointer) else {
        throw ABIFailure.usage(function, "session is not an open session (closed already?)")
    }
    return session
}
