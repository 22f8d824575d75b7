// SPDX-License-Identifier: GPL-2.0-or-later
#include "watch/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/text.h"
#include "parse/http_request.h"

static int parse_port(const char *s, uint16_t *ret)
{
	uint64_t v;

	if (parse_u64_str(s, strlen(s), &v) < 0 || v == 0 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

/* Fills *ss from spec. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *ret_len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon, *port;
	uint16_t p;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec + 1, (size_t)(close - spec - 1));
		host[close - spec - 1] = '\0';
		if (parse_port(close + 2, &p) < 0 || inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -EINVAL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		*ret_len = sizeof(*in6);
		return 0;
	}
	colon = strrchr(spec, ':');
	port = colon ? colon + 1 : spec;
	if (parse_port(port, &p) < 0)
		return -EINVAL;
	in4->sin_family = AF_INET;
	in4->sin_port = htons(p);
	*ret_len = sizeof(*in4);
	if (!colon || colon == spec) {
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	if ((size_t)(colon - spec) >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, host, &in4->sin_addr) == 1 ? 0 : -EINVAL;
}

static void format_address(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(out, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		snprintf(out, size, "%s:%u", host, ntohs(in4->sin_port));
	}
}

int http_listen(struct http_server *h, const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, r;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		h->conns[i].fd = -1;
	r = parse_listen(spec, &ss, &len);
	if (r < 0)
		return r;
	h->out_space = reserve_space((size_t)HTTP_MAX_CONN * HTTP_RESPONSE_MAX);
	if (!h->out_space)
		return -errno;
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		h->conns[i].out = h->out_space + i * (size_t)HTTP_RESPONSE_MAX;
	h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return -errno;
	(void)setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/*
	 * A burst waits in the accept queue while the slots are busy: as long a queue as the kernel allows
	 * (it caps the backlog at net.core.somaxconn, 4096 by default since 5.4, 128 before: 19f92a030ca6).
	 */
	if (bind(h->fd, (struct sockaddr *)&ss, len) < 0 || listen(h->fd, SOMAXCONN) < 0) {
		r = -errno;
		close(h->fd);
		h->fd = -1;
		return r;
	}
	format_address(&ss, h->address, sizeof(h->address));
	return 0;
}

static void conn_close(struct http_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->writing = false;
	c->in_len = c->out_len = c->out_pos = 0;
}

void http_close(struct http_server *h)
{
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		conn_close(&h->conns[i]);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	release_space(h->out_space, (size_t)HTTP_MAX_CONN * HTTP_RESPONSE_MAX);
	h->out_space = NULL;
}

/* an idle connection must be able to make way before its deadline closes it anyway */
_Static_assert(HTTP_GRACE_MS < HTTP_TIMEOUT_MS, "the grace is shorter than the deadline");

int http_slot_for_accept(const struct http_conn *conns, size_t n, uint64_t now_ms)
{
	int oldest = -1;

	for (size_t i = 0; i < n; i++) {
		const struct http_conn *c = &conns[i];

		if (c->fd < 0)
			return (int)i;
		if (!c->writing && now_ms >= c->opened_ms + HTTP_GRACE_MS &&
		    (oldest < 0 || c->opened_ms < conns[oldest].opened_ms))
			oldest = (int)i;
	}
	return oldest;
}

uint64_t http_slot_free_at(const struct http_conn *conns, size_t n)
{
	uint64_t at = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		const struct http_conn *c = &conns[i];

		if (c->fd < 0)
			return 0;
		if (!c->writing && c->opened_ms + HTTP_GRACE_MS < at)
			at = c->opened_ms + HTTP_GRACE_MS;
	}
	return at;
}

/* When the listener may be polled again: a slot for a new connection, and no accept pause. */
static uint64_t accept_at(const struct http_server *h)
{
	uint64_t at = http_slot_free_at(h->conns, HTTP_MAX_CONN);

	return at > h->accept_resume_ms ? at : h->accept_resume_ms;
}

size_t http_poll_fds(const struct http_server *h, struct pollfd *fds)
{
	size_t n = 0;

	if (h->fd < 0)
		return 0;
	/* left out when nothing could be accepted: it would stay readable, and the loop would spin */
	if (accept_at(h) <= h->now_ms)
		fds[n++] = (struct pollfd){ .fd = h->fd, .events = POLLIN };
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		if (h->conns[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = h->conns[i].fd, .events = h->conns[i].writing ? POLLOUT : POLLIN };
	return n;
}

/* The statuses the server sends, in the order of enum watch_http_code (their counters' index). */
static const struct {
	int code;
	const char *phrase;
} statuses[WHTTP_N] = {
	[WHTTP_200] = { 200, "OK" },
	[WHTTP_400] = { 400, "Bad Request" },
	[WHTTP_404] = { 404, "Not Found" },
	[WHTTP_405] = { 405, "Method Not Allowed" },
	[WHTTP_414] = { 414, "URI Too Long" },
	[WHTTP_431] = { 431, "Request Header Fields Too Large" },
	[WHTTP_500] = { 500, "Internal Server Error" },
	[WHTTP_505] = { 505, "HTTP Version Not Supported" },
};

static enum watch_http_code status_index(int code)
{
	for (size_t i = 0; i < WHTTP_N; i++)
		if (statuses[i].code == code)
			return (enum watch_http_code)i;
	return WHTTP_500;
}

/*
 * Sends the response at once, as much of it as the socket takes (usually all: a response fits in a fresh
 * loopback socket's send buffer), straight from body; copies only the rest into the slot's space, to be
 * written as the socket drains.
 */
static void respond(struct http_server *h, struct http_conn *c, int code, const char *type, const char *body,
		    size_t body_len, bool head_only)
{
	enum watch_http_code k;
	struct iovec iov[2];
	struct msghdr msg = { .msg_iov = iov };
	size_t head_len, send_len, total;
	ssize_t sent;
	int n;

	if (body_len > HTTP_RESPONSE_MAX - 512) {
		static const char msg_big[] = "the metrics are larger than the response space of headroom watch\n";

		code = 500;
		type = "text/plain; charset=utf-8";
		body = msg_big;
		body_len = sizeof(msg_big) - 1;
	}
	k = status_index(code);
	n = snprintf(c->out, 512,
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
		     statuses[k].code, statuses[k].phrase, type, body_len, k == WHTTP_405 ? "Allow: GET, HEAD\r\n" : "");
	head_len = n < 0 ? 0 : n >= 512 ? 511 : (size_t)n;
	send_len = head_only ? 0 : body_len; /* HEAD: the length GET would send, and no body */
	total = head_len + send_len;
	h->requests[k]++;
	iov[0] = (struct iovec){ c->out, head_len };
	iov[1] = (struct iovec){ (void *)body, send_len };
	msg.msg_iovlen = send_len ? 2 : 1;
	sent = sendmsg(c->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			conn_close(c);
			return;
		}
		sent = 0;
	}
	if ((size_t)sent == total) {
		conn_close(c);
		return;
	}
	/* the rest, at the same offsets as in the whole response: out[sent..total) */
	if ((size_t)sent < head_len)
		memcpy(c->out + head_len, body, send_len);
	else
		memcpy(c->out + sent, body + ((size_t)sent - head_len), total - (size_t)sent);
	c->out_len = total;
	c->out_pos = (size_t)sent;
	c->writing = true;
}

static void respond_text(struct http_server *h, struct http_conn *c, int code, const char *text)
{
	respond(h, c, code, "text/plain; charset=utf-8", text, strlen(text), false);
}

static void on_request(struct http_server *h, struct http_conn *c, const struct http_request *r,
		       const struct http_content *content)
{
	static const char index_page[] =
		"<html><head><title>headroom watch</title></head><body><h1>headroom watch</h1>"
		"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

	if (r->method == HTTP_OTHER) {
		respond_text(h, c, 405, "only GET and HEAD are served\n");
	} else if (strcmp(r->target, "/metrics") == 0) {
		respond(h, c, 200, "text/plain; version=0.0.4; charset=utf-8", content->metrics, content->metrics_len,
			r->method == HTTP_HEAD);
	} else if (strcmp(r->target, "/") == 0) {
		respond(h, c, 200, "text/html; charset=utf-8", index_page, sizeof(index_page) - 1, r->method == HTTP_HEAD);
	} else {
		respond_text(h, c, 404, "not found: headroom watch serves /metrics\n");
	}
}

static void conn_read(struct http_server *h, struct http_conn *c, const struct http_content *content)
{
	struct http_request r;
	ssize_t n;
	int rc;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(c);
		return;
	}
	if (n < 0)
		return;
	c->in_len += (size_t)n;
	rc = http_request_parse(c->in, c->in_len, &r);
	if (rc == 1) {
		on_request(h, c, &r, content);
	} else if (rc < 0) {
		respond_text(h, c, -rc, rc == -414 ? "the request target is too long\n" :
					rc == -505 ? "only HTTP/1.x is served\n" : "malformed request\n");
	} else if (c->in_len == sizeof(c->in)) {
		respond_text(h, c, 431, "the request head is larger than 4096 bytes\n");
	}
}

static void conn_write(struct http_conn *c)
{
	ssize_t n = send(c->fd, c->out + c->out_pos, c->out_len - c->out_pos, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c);
		return;
	}
	c->out_pos += (size_t)n;
	if (c->out_pos == c->out_len)
		conn_close(c);
}

static void conn_open(struct http_conn *c, int fd, uint64_t now_ms)
{
	c->fd = fd;
	c->writing = false;
	c->in_len = c->out_len = c->out_pos = 0;
	c->opened_ms = now_ms;
	c->deadline_ms = now_ms + HTTP_TIMEOUT_MS;
}

/* Errors of accept4 that concern only the connection it took (accept(2), "Error handling"): next one. */
static bool accept_error_transient(int e)
{
	switch (e) {
	case EINTR: case ECONNABORTED: case EPROTO: case ENETDOWN: case ENOPROTOOPT: case EHOSTDOWN:
	case ENONET: case EHOSTUNREACH: case EOPNOTSUPP: case ENETUNREACH:
		return true;
	default:
		return false;
	}
}

/*
 * Accepts while a slot may be taken, reading each request at once and answering it when complete, so
 * that a burst of scrapes goes through the slots within one call. Bounded: HTTP_ACCEPT_BATCH a call.
 */
static void accept_some(struct http_server *h, const struct http_content *content, uint64_t now_ms)
{
	for (int i = 0; i < HTTP_ACCEPT_BATCH && now_ms >= h->accept_resume_ms; i++) {
		int s = http_slot_for_accept(h->conns, HTTP_MAX_CONN, now_ms), fd;
		struct http_conn *c;

		if (s < 0)
			return; /* every slot is answering or within its grace: the rest waits in the queue */
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (accept_error_transient(errno))
				continue;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays queued; try again a little later */
			h->accept_resume_ms = now_ms + HTTP_ACCEPT_RETRY_MS;
			return;
		}
		c = &h->conns[s];
		if (c->fd >= 0) {
			/* someone is waiting: the slot goes to it, not to a request that has not come */
			h->rejected[WREJECT_EVICTED]++;
			conn_close(c);
		}
		conn_open(c, fd, now_ms);
		conn_read(h, c, content);
	}
}

void http_handle(struct http_server *h, const struct pollfd *fds, size_t nfds, const struct http_content *content,
		 uint64_t now_ms)
{
	bool listener_polled = false, listener_ready = false;

	h->now_ms = now_ms;
	for (size_t i = 0; i < nfds; i++) {
		if (fds[i].fd == h->fd) {
			listener_polled = true;
			listener_ready = fds[i].revents != 0;
			continue;
		}
		if (!fds[i].revents)
			continue;
		for (size_t j = 0; j < HTTP_MAX_CONN; j++) {
			struct http_conn *c = &h->conns[j];

			if (c->fd != fds[i].fd)
				continue;
			if (!c->writing && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				conn_read(h, c, content);
			else if (c->writing && (fds[i].revents & (POLLOUT | POLLHUP | POLLERR)))
				conn_write(c);
			break;
		}
	}
	for (size_t j = 0; j < HTTP_MAX_CONN; j++) {
		struct http_conn *c = &h->conns[j];

		if (c->fd >= 0 && now_ms >= c->deadline_ms) {
			h->rejected[WREJECT_TIMEOUT]++;
			conn_close(c);
		}
	}
	/* left out of the poll, the listener may have a queue waiting for the slots freed since */
	if (h->fd >= 0 && (listener_ready || !listener_polled))
		accept_some(h, content, now_ms);
}

int http_next_timeout(const struct http_server *h, uint64_t now_ms)
{
	uint64_t best = UINT64_MAX, at;

	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		if (h->conns[i].fd >= 0 && h->conns[i].deadline_ms < best)
			best = h->conns[i].deadline_ms;
	/* the listener left out of this poll (as http_poll_fds decided): wake when a slot may be taken */
	at = accept_at(h);
	if (h->fd >= 0 && at > h->now_ms && at < best)
		best = at;
	if (best == UINT64_MAX)
		return -1;
	if (best <= now_ms)
		return 0;
	return best - now_ms > INT32_MAX ? INT32_MAX : (int)(best - now_ms);
}
