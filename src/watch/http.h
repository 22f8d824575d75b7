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
 * - HTTP_MAX_CONN connections at once. A new one is accepted into a free slot, or else into the slot of
 *   the oldest connection whose request is still incomplete HTTP_GRACE_MS after its accept (that one is
 *   evicted: rejected "evicted"); a connection whose request is complete is being answered and is never
 *   evicted. When no slot qualifies, the listening socket is left out of the poll: new connections wait
 *   in the kernel's accept queue (backlog SOMAXCONN, which the kernel caps at net.core.somaxconn) and are
 *   served in their order of arrival as slots free up. Nothing is accepted only to be closed, so the
 *   "busy" rejection no longer happens (its counter stays, at 0).
 * - The request is read as soon as the connection is accepted (it usually came with it) and answered as
 *   soon as its head is complete: the response goes straight from the metrics to the socket, as much as
 *   the socket takes, and only the rest is copied into the slot's space reserved at start-up
 *   (HTTP_RESPONSE_MAX per slot, MAP_NORESERVE: only what is copied becomes resident).
 * - A request head of at most HTTP_REQUEST_MAX bytes (431 beyond), sent within HTTP_TIMEOUT_MS of the
 *   accept, the response written within the same deadline; then the connection is closed.
 * - One http_handle call accepts at most HTTP_ACCEPT_BATCH connections and reads or writes each
 *   connection poll reported once: a flood cannot hold the loop. An accept failing for want of
 *   descriptors or memory leaves the connection queued and the listener out of the poll for
 *   HTTP_ACCEPT_RETRY_MS, rather than spinning on a listener that stays readable.
 */
#define HTTP_MAX_CONN 8
#define HTTP_REQUEST_MAX 4096
#define HTTP_RESPONSE_MAX (8u << 20)
#define HTTP_TIMEOUT_MS 5000
#define HTTP_GRACE_MS 1000
#define HTTP_ACCEPT_BATCH 64
#define HTTP_ACCEPT_RETRY_MS 100

struct http_conn {
	int fd;             /* -1: free */
	bool writing;       /* the request is complete: answering it (never evicted) */
	uint64_t opened_ms, deadline_ms; /* accepted at; closed at */
	size_t in_len;
	char in[HTTP_REQUEST_MAX];
	char *out;          /* this slot's reserved response space */
	size_t out_len, out_pos; /* out[out_pos..out_len) is still to send; what the socket took at once is not copied */
};

struct http_server {
	int fd;             /* the listening socket, -1 none */
	char address[80];   /* where it listens, as "127.0.0.1:9966" or "[::1]:9966" */
	char *out_space;    /* HTTP_MAX_CONN * HTTP_RESPONSE_MAX, reserved */
	struct http_conn conns[HTTP_MAX_CONN];
	uint64_t now_ms;           /* of the last http_handle: what http_poll_fds decides by */
	uint64_t accept_resume_ms; /* no accept before (after a failure for want of resources) */
	uint64_t requests[WHTTP_N];
	uint64_t rejected[WREJECT_N];
};

/*
 * Parses "ADDR:PORT", "[ADDR6]:PORT", ":PORT" or "PORT" (both of the latter on 127.0.0.1) and listens
 * there. Returns 0 or -errno; -EINVAL for an address that does not parse.
 */
int http_listen(struct http_server *h, const char *spec);
void http_close(struct http_server *h);

/*
 * The poll entries the server wants: at most 1 + HTTP_MAX_CONN. Returns how many it wrote. The listening
 * socket is among them only when a connection could be accepted (at the time of the last http_handle).
 */
size_t http_poll_fds(const struct http_server *h, struct pollfd *fds);

/* The metrics a response carries: the text rendered at the last tick. */
struct http_content {
	const char *metrics;
	size_t metrics_len;
};

/*
 * Handles what poll reported for the entries http_poll_fds wrote, and the deadlines at now_ms; accepts
 * what is queued when the listener was readable, or was left out and a slot has come free since.
 */
void http_handle(struct http_server *h, const struct pollfd *fds, size_t nfds, const struct http_content *c,
		 uint64_t now_ms);

/*
 * Milliseconds until the nearest connection deadline or, when the listener is left out of the poll, until
 * a slot may be taken (an incomplete request past its grace, the end of an accept pause); -1 when none.
 */
int http_next_timeout(const struct http_server *h, uint64_t now_ms);

/*
 * The decisions, pure (tested on arrays of slots): the slot a new connection may take at now_ms, the
 * lowest free one or else the oldest whose request is still incomplete HTTP_GRACE_MS after its accept
 * (to be evicted), never one that is writing; -1 when none may (the connection stays queued).
 */
int http_slot_for_accept(const struct http_conn *conns, size_t n, uint64_t now_ms);

/* The earliest time at which http_slot_for_accept finds a slot with no event meanwhile: 0 when one is
 * free, UINT64_MAX when every slot is writing (only a write's end or a deadline frees one). */
uint64_t http_slot_free_at(const struct http_conn *conns, size_t n);

#endif
