//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The C interface of MynaKit: libmynakit.so.1, declared in CModules/CMynaKit/mynakit.h.
//
// Every export is a thin `@c @implementation` of a declaration in that header (the compiler checks each signature
// against it) that turns C arguments into Swift values (`CValues.swift`), calls MynaCard, MynaVerify and SmartCard,
// and hands results and errors back (`ABIError.swift`). No card or crypto logic lives here. Handles are entries of
// `HandleTable`, so a closed session or a freed error is an error or ignored, never a crash.

import CMynaKit

#if canImport(Glibc)
import Glibc
#endif

/// The library's release, which `mynakit_version()` returns and `mynakit.pc` carries (scripts/install-lib.sh reads
/// it from here).
let libraryVersion = "0.2.0"

/// `libraryVersion` as a C string that lives as long as the process.
private let libraryVersionCString = OwnedCString(libraryVersion)

@c @implementation
public func mynakit_version() -> UnsafePointer<CChar>? {
    libraryVersionCString.pointer
}

@c @implementation
public func mynakit_free(_ buffer: UnsafeMutableRawPointer?) {
    free(buffer)
}
