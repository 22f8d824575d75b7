/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_WATCH_HTTP_H
#define HEADROOM_WATCH_HTTP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/render.h"

/*
 * The daemon's /metrics server: non-blocking sockets in the daemon's one poll loop, bounded in every
 * direction so that no client can stall the loop or grow its memory.
 * - HTTP_MAX_CONN connections; a new one evicts the oldest still sending its request, or is closed.
 * - A request head of at most HTTP_REQUEST_MAX bytes (431 beyond), sent within HTTP_TIMEOUT_MS of the
 *   connection, the response written within the same deadline; then the connection is closed.
 * - Responses are copied into space reserved at start-up (HTTP_RESPONSE_MAX per connection).
 */
#define HTTP_MAX_CONN 8
#define HTTP_REQUEST_MAX 4096
#define HTTP_RESPONSE_MAX (8u << 20)
#define HTTP_TIMEOUT_MS 5000

struct http_conn {
	int fd;             /* -1: free */
	bool writing;
	uint64_t opened_ms, deadline_ms;
	size_t in_len;
	char in[HTTP_REQUEST_MAX];
	char *out;          /* this slot's reserved response space */
	size_t out_len, out_pos;
};

struct http_server {
	int fd;             /* the listening socket, -1 none */
	char address[80];   /* where it listens, as "127.0.0.1:9966" or "[::1]:9966" */
	char *out_space;    /* HTTP_MAX_CONN * HTTP_RESPONSE_MAX, reserved */
	struct http_conn conns[HTTP_MAX_CONN];
	uint64_t requests[WHTTP_N];
	uint64_t rejected[WREJECT_N];
};

/*
 * Parses "ADDR:PORT", "[ADDR6]:PORT", ":PORT" or "PORT" (both of the latter on 127.0.0.1) and listens
 * there. Returns 0 or -errno; -EINVAL for an address that does not parse.
 */
int http_listen(struct http_server *h, const char *spec);
void http_close(struct http_server *h);

/* The poll entries the server wants: at most 1 + HTTP_MAX_CONN. Returns how many it wrote. */
size_t http_poll_fds(const struct http_server *h, struct pollfd *fds);

/* The metrics a response carries: the text rendered at the last tick. */
struct http_content {
	const char *metrics;
	size_t metrics_len;
};

/* Handles what poll reported for the entries http_poll_fds wrote, and the deadlines at now_ms. */
void http_handle(struct http_server *h, const struct pollfd *fds, size_t nfds, const struct http_content *c,
		 uint64_t now_ms);

/* Milliseconds until the nearest connection deadline, or -1 when none. */
int http_next_timeout(const struct http_server *h, uint64_t now_ms);

#endif
