// What Swift cannot call directly: C variadic functions and function-like macros.
// Each shim is one line of C with a fixed signature; nothing else lives here.
#ifndef CALLBOX_CSHIMS_H
#define CALLBOX_CSHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

struct MHD_Daemon;

// MHD_start_daemon is variadic. The box always starts it the same way: external event
// loop driven by epoll, suspend/resume allowed, and these limits.
struct cb_mhd_options {
    uint16_t port;
    const char *bind_host;          // IPv4 or IPv6 literal; NULL binds all IPv4 interfaces
    unsigned int connection_limit;  // MHD_OPTION_CONNECTION_LIMIT
    unsigned int per_ip_limit;      // MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0 = none
    unsigned int connection_timeout_seconds; // MHD_OPTION_CONNECTION_TIMEOUT
    size_t memory_limit;            // MHD_OPTION_CONNECTION_MEMORY_LIMIT per connection
    const char *tls_key_pem;        // both set → HTTPS
    const char *tls_cert_pem;
};

typedef int (*cb_mhd_access_handler)(void *cls, void *connection, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **request_state);
typedef void (*cb_mhd_completed_handler)(void *cls, void *connection, void **request_state,
    int termination_code);
// MHD_OPTION_NOTIFY_CONNECTION: `started` is 1 when the connection opens, 0 when it closes.
typedef void (*cb_mhd_connection_handler)(void *cls, void *connection, int started);
// MHD's accept policy: the peer's address as 4 (IPv4) or 16 (IPv6) bytes; 1 admits it.
typedef int (*cb_mhd_admission_handler)(void *cls, const uint8_t *address, size_t length);

// The box's callbacks into the server, all sharing one context.
struct cb_mhd_callbacks {
    cb_mhd_access_handler access;
    cb_mhd_completed_handler completed;
    cb_mhd_connection_handler connection;
    cb_mhd_admission_handler admission;
    void *context;
};

struct MHD_Daemon *cb_mhd_start(const struct cb_mhd_options *options, const struct cb_mhd_callbacks *callbacks);

// MHD_get_daemon_info and MHD_get_connection_info are variadic.
int cb_mhd_epoll_fd(struct MHD_Daemon *daemon);
uint16_t cb_mhd_bound_port(struct MHD_Daemon *daemon);
unsigned int cb_mhd_current_connections(struct MHD_Daemon *daemon);
// Writes the client's numeric address into `buffer`; returns 0 on success.
int cb_mhd_client_address(void *connection, char *buffer, size_t size);
// Copies the client's address as 4 or 16 bytes into `buffer` (16 bytes); returns the length, 0 if unknown.
size_t cb_mhd_client_address_bytes(void *connection, uint8_t *buffer);
// The connection's socket, so a deadline can shut it down; -1 if unknown.
int cb_mhd_connection_fd(void *connection);

// curl_easy_setopt and curl_multi_setopt are variadic.
CURLcode cb_curl_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode cb_curl_easy_setopt_pointer(CURL *easy, CURLoption option, const void *value);
CURLcode cb_curl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode cb_curl_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value);
CURLMcode cb_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode cb_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, const void *value);

// SQLITE_TRANSIENT is a function-like cast macro: copy the bound bytes now.
int cb_sqlite3_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int length);
int cb_sqlite3_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int length);

// Per-library shims, each in its own header and C file.
#include "CShimsOpus.h"
#include "CShimsOpenSSL.h"
#include "CShimsALSA.h"

#endif
