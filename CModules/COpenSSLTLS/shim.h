//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
#ifndef COPENSSLTLS_SHIM_H
#define COPENSSLTLS_SHIM_H

// libssl for the verification service's client (MynaServiceClient's https://): a module of its own, so that only the
// client imports the TLS API.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

// SSL_set_tlsext_host_name (SNI) and SSL_CTX_set_min_proto_version are macros around SSL_ctrl and SSL_CTX_ctrl.
static inline int COpenSSLTLS_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
static inline int COpenSSLTLS_require_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

#endif
