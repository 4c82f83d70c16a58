#include "CShims.h"

int cb_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
int cb_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_max_proto_version(ctx, version); }
uint64_t cb_ssl_op_no_query_mtu(void) { return SSL_OP_NO_QUERY_MTU; }
long cb_ssl_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
long cb_dtls_get_timeout(SSL *ssl, struct timeval *left) { return DTLSv1_get_timeout(ssl, left); }
long cb_dtls_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }
