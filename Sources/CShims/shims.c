#include "CShims.h"
#include <arpa/inet.h>
#include <string.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <microhttpd.h>

// libmicrohttpd unescapes the path in place, so `%00` would become a NUL that ends the C string
// the handler reads: `/webhook%00.php` would reach `/webhook`. A path or value holding an encoded
// NUL is left escaped instead, and the server refuses such a path with 400.
static size_t unescape_refusing_nul(void *cls, struct MHD_Connection *connection, char *text)
{
    (void)cls;
    (void)connection;
    for (const char *p = text; p[0] != '\0'; p++) {
        if (p[0] == '%' && p[1] == '0' && p[2] == '0') return strlen(text);
    }
    return MHD_http_unescape(text);
}


// The peer's address without its port: 4 bytes for IPv4, 16 for IPv6; 0 if neither.
static size_t address_bytes(const struct sockaddr *sa, uint8_t *buffer)
{
    if (sa == NULL) return 0;
    if (sa->sa_family == AF_INET) {
        memcpy(buffer, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 4;
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(buffer, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return 16;
    }
    return 0;
}

static enum MHD_Result admit(void *cls, const struct sockaddr *addr, socklen_t length)
{
    (void)length;
    const struct cb_mhd_callbacks *callbacks = cls;
    uint8_t bytes[16];
    size_t count = address_bytes(addr, bytes);
    return callbacks->admission(callbacks->context, bytes, count) ? MHD_YES : MHD_NO;
}

static void notify_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
    (void)socket_context;
    const struct cb_mhd_callbacks *callbacks = cls;
    callbacks->connection(callbacks->context, connection, code == MHD_CONNECTION_NOTIFY_STARTED);
}

// `callbacks` must outlive the daemon: libmicrohttpd keeps the pointer as its context.
struct MHD_Daemon *cb_mhd_start(const struct cb_mhd_options *o, const struct cb_mhd_callbacks *callbacks)
{
    // IPv4 unless the host is an IPv6 literal ("::", "::1", "fd00::2").
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    int ipv6 = o->bind_host != NULL && strchr(o->bind_host, ':') != NULL;
    if (ipv6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(o->port);
        if (inet_pton(AF_INET6, o->bind_host, &in6->sin6_addr) != 1) return NULL;
    } else {
        struct sockaddr_in *in4 = (struct sockaddr_in *)&address;
        in4->sin_family = AF_INET;
        in4->sin_port = htons(o->port);
        in4->sin_addr.s_addr = htonl(INADDR_ANY);
        if (o->bind_host != NULL && inet_pton(AF_INET, o->bind_host, &in4->sin_addr) != 1) return NULL;
    }

    unsigned int flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    int tls = o->tls_key_pem != NULL && o->tls_cert_pem != NULL;
    if (tls) flags |= MHD_USE_TLS;
    if (ipv6) flags |= MHD_USE_IPv6;

    // The box's TLS policy (issue 10): TLS 1.2 and 1.3 only; in 1.2 only ECDHE key exchange
    // (forward secrecy) with AEAD ciphers (AES-GCM, ChaCha20-Poly1305); the server's order wins.
    static const char tls_priorities[] =
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"
        "-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:%SERVER_PRECEDENCE";
    struct MHD_OptionItem items[] = {
        { MHD_OPTION_SOCK_ADDR, 0, &address },
        { MHD_OPTION_CONNECTION_LIMIT, o->connection_limit, NULL },
        { MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip_limit, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout_seconds, NULL },
        { MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)o->memory_limit, NULL },
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)callbacks->completed, callbacks->context },
        { MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)notify_connection, (void *)callbacks },
        { MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape_refusing_nul, NULL },
        { tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)o->tls_key_pem },
        { tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)o->tls_cert_pem },
        { tls ? MHD_OPTION_HTTPS_PRIORITIES : MHD_OPTION_END, 0, (void *)tls_priorities },
        { MHD_OPTION_END, 0, NULL },
    };
    return MHD_start_daemon(flags, 0, admit, (void *)callbacks,
        (MHD_AccessHandlerCallback)callbacks->access, callbacks->context,
        MHD_OPTION_ARRAY, items, MHD_OPTION_END);
}

int cb_mhd_epoll_fd(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_EPOLL_FD);
    return info == NULL ? -1 : info->epoll_fd;
}

uint16_t cb_mhd_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

unsigned int cb_mhd_current_connections(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

int cb_mhd_client_address(void *connection, char *buffer, size_t size)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        (struct MHD_Connection *)connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *sa = info->client_addr;
    const void *raw = sa->sa_family == AF_INET6
        ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
        : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    return inet_ntop(sa->sa_family, raw, buffer, (socklen_t)size) == NULL ? -1 : 0;
}

size_t cb_mhd_client_address_bytes(void *connection, uint8_t *buffer)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        (struct MHD_Connection *)connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? 0 : address_bytes(info->client_addr, buffer);
}

int cb_mhd_connection_fd(void *connection)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        (struct MHD_Connection *)connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

CURLcode cb_curl_easy_setopt_long(CURL *easy, CURLoption option, long value)
{ return curl_easy_setopt(easy, option, value); }
CURLcode cb_curl_easy_setopt_pointer(CURL *easy, CURLoption option, const void *value)
{ return curl_easy_setopt(easy, option, value); }
CURLcode cb_curl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value)
{ return curl_easy_getinfo(easy, info, value); }
CURLcode cb_curl_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value)
{ return curl_easy_getinfo(easy, info, value); }
CURLMcode cb_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value)
{ return curl_multi_setopt(multi, option, value); }
CURLMcode cb_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, const void *value)
{ return curl_multi_setopt(multi, option, value); }

int cb_sqlite3_bind_text_transient(sqlite3_stmt *s, int i, const char *text, int length)
{ return sqlite3_bind_text(s, i, text, length, SQLITE_TRANSIENT); }
int cb_sqlite3_bind_blob_transient(sqlite3_stmt *s, int i, const void *bytes, int length)
{ return sqlite3_bind_blob(s, i, bytes, length, SQLITE_TRANSIENT); }
