//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// OpenSSLSupport: the OpenSSL code that MynaVerify and MynaSimulator share, one file per C type.
//
// - `OpenSSLErrorQueue`: the one drain of OpenSSL's per-thread error queue.
// - `decodeWholeDER` / `encodeDER`: `d2i_*` that rejects trailing bytes, `i2d_*` copied out of OpenSSL's buffer.
// - `X509Handle` (`X509`), `EVPKeyHandle` (`EVP_PKEY`), `MemoryBIO` (`BIO`): final classes that own one pointer each
//   and free it in `deinit`.
// - `OpenSSLRandom`: `RAND_bytes`.
//
// Everything here is `package`: the modules above build their public Swift types (and their own error types) on it,
// and no OpenSSL type reaches a public API. The operations only one module needs (chain verification, CRLs,
// certificate issuance) stay in that module, next to the types they serve.
