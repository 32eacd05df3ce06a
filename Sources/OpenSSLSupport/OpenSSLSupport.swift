//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The OpenSSL code MynaVerify and MynaSimulator share: the handle types, the error queue drain and the DER parsing
// helper. Everything here is `package`: no OpenSSL type reaches a public API.
