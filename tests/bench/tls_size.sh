#!/bin/sh
# What TLS would add to the static binary: the same small client (connect,
# GET, read the answer) linked statically twice, without and with a verified
# OpenSSL TLS client (default CA paths, SNI, host name check), both with the
# flags of the static bootassess (-O2, sections, --gc-sections), stripped.
# The difference is what an https probe would cost at least; it is compared
# with the room left under the budget of Packaging.StrippedSizeWithinBudget.
#
# Usage: tests/bench/tls_size.sh [BOOTASSESS_BINARY]
# Needs cc and the static archives of libssl-dev (skips, 77, without them).
set -eu
binary=${1:-}
budget=4194304
libdir=$(cc -print-multiarch 2>/dev/null || true)
[ -f "/usr/lib/$libdir/libssl.a" ] || [ -f /usr/lib/libssl.a ] ||
  { echo "skipped: no static libssl (apt-get install libssl-dev)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/client.c" <<'C'
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef WITH_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif
int main(int argc, char** argv) {
  if (argc < 4) return 2;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[2]));
  inet_pton(AF_INET, argv[1], &a.sin_addr);
  if (connect(fd, (struct sockaddr*)&a, sizeof a) != 0) return 1;
  const char* req = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
  char buf[256];
#ifdef WITH_TLS
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_default_verify_paths(ctx);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, argv[3]);
  SSL_set1_host(ssl, argv[3]);
  if (SSL_connect(ssl) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  SSL_write(ssl, req, (int)strlen(req));
  int n = SSL_read(ssl, buf, sizeof buf - 1);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
#else
  ssize_t n = write(fd, req, strlen(req)) < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  (void)argv[3];
#endif
  if (n > 0) {
    buf[n] = 0;
    fputs(buf, stdout);
  }
  close(fd);
  return 0;
}
C
flags="-O2 -ffunction-sections -fdata-sections -static -Wl,--gc-sections"
# shellcheck disable=SC2086
cc $flags "$work/client.c" -o "$work/plain" 2>/dev/null
# shellcheck disable=SC2086
cc $flags -DWITH_TLS "$work/client.c" -o "$work/tls" -lssl -lcrypto -lpthread 2>/dev/null
strip "$work/plain" "$work/tls"
plain=$(stat -c %s "$work/plain")
tls=$(stat -c %s "$work/tls")
echo "static client without TLS: $plain bytes stripped"
echo "static client with TLS:    $tls bytes stripped"
echo "TLS adds:                  $((tls - plain)) bytes"
if [ -n "$binary" ]; then
  strip -o "$work/bootassess" "$binary"
  size=$(stat -c %s "$work/bootassess")
  echo "bootassess:                $size bytes stripped; with TLS about $((size + tls - plain))" \
    "(budget $budget: room left $((budget - size)))"
fi
