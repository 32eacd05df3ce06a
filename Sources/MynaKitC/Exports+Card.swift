//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import MynaCard
import MynaVerify

// The card flows. Every argument is checked, and a PIN's format too, before the card is touched.

@c @implementation
public func mynakit_read_certificate(
    _ session: OpaquePointer?, _ kind: Int32, _ pin: UnsafePointer<CChar>?,
    _ der: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ der_len: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    COutput.clear(der, der_len)
    return reportingErrors(err) {
        let function: StaticString = "mynakit_read_certificate"
        try COutput.require(der, der_len, names: ("der", "der_len"), in: function)
        let session = try openSession(session, in: function)
        let kind = try JPKIApplication.CertificateKind(abiValue: kind, in: function)
        let bytes: [UInt8]
        if kind == .signing {
            guard pin != nil else {
                throw ABIFailure.usage(function, "pin is NULL; the signing certificate needs the signing password")
            }
            let password = try CInput.pin(pin, kind: .signing, name: "pin", in: function)
            bytes = try session.run(function) { card in try card.jpki.readSigningCertificate(password: password) }
        } else {
            bytes = try session.run(function) { card in try card.jpki.readCertificate(kind) }
        }
        try COutput.give(bytes, to: der, length: der_len, what: "the certificate")
    }
}

@c @implementation
public func mynakit_pin_tries(
    _ session: OpaquePointer?, _ key: Int32, _ tries_left: UnsafeMutablePointer<Int32>?,
    _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    tries_left?.pointee = -1
    return reportingErrors(err) {
        let function: StaticString = "mynakit_pin_tries"
        guard let tries_left else { throw ABIFailure.usage(function, "tries_left is NULL") }
        let session = try openSession(session, in: function)
        let target = try PINTarget(abiValue: key, in: function)
        let status = try session.run(function) { card in
            switch target {
            case .key(let key): try card.jpki.pinStatus(key)
            case .cardInfo: try card.cardInfo.pinStatus()
            }
        }
        tries_left.pointee = Int32(clamping: status.triesLeft)
    }
}

@c @implementation
public func mynakit_sign(
    _ session: OpaquePointer?, _ key: Int32, _ pin: UnsafePointer<CChar>?, _ allow_last_try: Int32,
    _ data: UnsafePointer<UInt8>?, _ data_len: Int, _ hash: Int32,
    _ signature: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ signature_len: UnsafeMutablePointer<Int>?,
    _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    COutput.clear(signature, signature_len)
    return reportingErrors(err) {
        let function: StaticString = "mynakit_sign"
        try COutput.require(signature, signature_len, names: ("signature", "signature_len"), in: function)
        let session = try openSession(session, in: function)
        let key = try JPKIApplication.Key(abiValue: key, in: function)
        let algorithm = try HashAlgorithm(abiValue: hash, in: function)
        let message = try CInput.bytes(data, count: data_len, name: "data", in: function)
        let digest = try algorithm.digest(message)
        let secret = try CInput.pin(pin, kind: key.pinKind, name: "pin", in: function)
        let allowLastTry = allow_last_try != 0
        let bytes = try session.run(function) { card in
            try card.jpki.sign(digest: digest, algorithm: algorithm, key: key, pin: secret, allowLastTry: allowLastTry)
        }
        try COutput.give(bytes, to: signature, length: signature_len, what: "the signature")
    }
}
