// OpenSSL: what Swift cannot call directly (variadic functions, function-like macros).
#ifndef CALLBOX_CSHIMS_OPENSSL_H
#define CALLBOX_CSHIMS_OPENSSL_H

#include <openssl/ssl.h>
#include <openssl/bio.h>
#include <sys/time.h>

// SSL_CTX_set_min_proto_version / SSL_CTX_set_max_proto_version are macros over SSL_CTX_ctrl.
int cb_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version);
int cb_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version);

// SSL_OP_NO_QUERY_MTU is built by the function-like macro SSL_OP_BIT.
uint64_t cb_ssl_op_no_query_mtu(void);

// SSL_set_mtu is a macro over SSL_ctrl; returns the MTU when accepted, 0 when below the minimum.
long cb_ssl_set_mtu(SSL *ssl, long mtu);

// DTLSv1_get_timeout is a macro over SSL_ctrl; returns 1 and fills `left` while a timer runs.
long cb_dtls_get_timeout(SSL *ssl, struct timeval *left);

// DTLSv1_handle_timeout is a macro over SSL_ctrl; 1 = retransmitted, 0 = not due, -1 = failed.
long cb_dtls_handle_timeout(SSL *ssl);

#endif
