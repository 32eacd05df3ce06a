//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

/// Owns an OpenSSL `OCSP_RESPONSE`: the outer OCSPResponse of RFC 6960 section 4.2.1 (a status, and for a successful
/// one the response bytes).
///
/// Not `Sendable`: parsed, read once and dropped within one evaluation.
final class OCSPResponseHandle {
    let pointer: OpaquePointer

    /// Parses a DER OCSPResponse that spans the whole of `der`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedDER`` with OpenSSL's error queue.
    init(der: [UInt8]) throws {
        do throws(DERDecodingError) {
            pointer = try decodeWholeDER(der, with: { d2i_OCSP_RESPONSE(nil, $0, $1) }, free: OCSP_RESPONSE_free)
        } catch {
            throw error.verifyError("OCSP response", byteCount: der.count)
        }
    }

    deinit {
        OCSP_RESPONSE_free(pointer)
    }

    /// The responseStatus: 0 successful, 1 malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired,
    /// 6 unauthorized.
    var status: Int {
        Int(OCSP_response_status(pointer))
    }

    /// The BasicOCSPResponse inside a successful response, or `nil` when there is none (another response type).
    func basicResponse() -> OCSPBasicResponseHandle? {
        guard let basic = OCSP_response_get1_basic(pointer) else {
            ERR_clear_error()
            return nil
        }
        return OCSPBasicResponseHandle(taking: basic)
    }
}
