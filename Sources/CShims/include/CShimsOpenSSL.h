// OpenSSL: what Swift cannot call directly (variadic functions, function-like macros).
#ifndef CALLBOX_CSHIMS_OPENSSL_H
#define CALLBOX_CSHIMS_OPENSSL_H

#include <openssl/ssl.h>
#include <openssl/bio.h>

#endif
