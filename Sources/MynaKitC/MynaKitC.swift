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
import MynaKitBuildInfo

#if canImport(Glibc)
import Glibc
#endif

/// The package version `mynakit --version` reports too (MynaKitBuildInfo: `make` and scripts/package-deb.sh build
/// with the version of packaging/changelog; a plain `swift build` says `0.2.0-dev`), a string in the library's data.
@c @implementation
public func mynakit_version() -> UnsafePointer<CChar>? {
    mynakit_build_version()
}

@c @implementation
public func mynakit_free(_ buffer: UnsafeMutableRawPointer?) {
    free(buffer)
}
