//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The OpenSSL calls the card-data hierarchy needs beyond OpenSSLIssuer.swift's: an RSA key's modulus and exponent
// (for the card's key encoding and card-ca.json) and SHA-256 (for what the card signs). Pointers stay in this file.

internal import COpenSSL
import OpenSSLSupport

extension EVPKeyHandle {
    /// The RSA modulus `n`, big-endian without leading zeros.
    func rsaModulus() throws(SimulatorError) -> [UInt8] { try bigNumber("n") }

    /// The RSA public exponent `e`, big-endian without leading zeros (`01 00 01`).
    func rsaExponent() throws(SimulatorError) -> [UInt8] { try bigNumber("e") }

    private func bigNumber(_ name: String) throws(SimulatorError) -> [UInt8] {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pointer, name, &number) == 1, let number else {
            throw SimulatorError(.openSSL, "EVP_PKEY_get_bn_param(\(name)) failed: \(OpenSSLErrorQueue.drain().joined(separator: "; "))")
        }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        let written = bytes.withUnsafeMutableBufferPointer { BN_bn2bin(number, $0.baseAddress) }
        return Array(bytes.prefix(Int(written)))
    }
}

enum CardDataDigest {
    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) throws(SimulatorError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        guard status == 1, length == 32 else { throw SimulatorError(.openSSL, "EVP_Digest(SHA-256) failed") }
        return output
    }
}
