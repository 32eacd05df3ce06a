//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// MynaDocument: document signatures made with the card's signing key (署名用電子証明書), and their verification.
//
// - CMS (RFC 5652) SignedData, detached or attached, encoded by this module's DER writer around a signature made
//   elsewhere (the card): `CMSSignatureRequest`. OpenSSL's CMS API cannot take a signature from outside without a
//   private key object, so the structure is written here and checked byte for byte against `openssl cms -sign` in
//   the tests. Verification reads with OpenSSL's CMS parser (`OpenSSL/CMSContentInfoHandle.swift`), so writer and
//   reader are two implementations.
// - PDF signatures by incremental update (`PDFSignaturePreparation`, `PDFSignatureVerifier`): a small PDF reader
//   (cross-reference tables and streams, object streams, FlateDecode) and writer of the appended section.
// - `DocumentVerifier`: the CMS signature, the message digest, and the signer's certificate through MynaVerify's
//   `CertificateVerifier` with the JPKI signing profile.
//
// The module knows nothing about readers or cards: the signature comes in as bytes (from `MynaCard`'s
// `jpki.sign(digest:algorithm:key:pin:)` in the CLI). Every OpenSSL call is in `OpenSSL/`, one file per C type.

@_exported public import MynaVerify
