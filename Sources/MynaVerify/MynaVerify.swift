//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// MynaVerify: X.509 chains against JPKI trust anchors, revocation lists, signatures and the identity in the
/// signing certificate, on the system OpenSSL.
public enum MynaVerify {}
