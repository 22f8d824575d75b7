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
#include <unistd.h>

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
	h->out_space = mmap(NULL, (size_t)HTTP_MAX_CONN * HTTP_RESPONSE_MAX, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->out_space == MAP_FAILED) {
		h->out_space = NULL;
		return -errno;
	}
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		h->conns[i].out = h->out_space + i * (size_t)HTTP_RESPONSE_MAX;
	h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return -errno;
	(void)setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(h->fd, (struct sockaddr *)&ss, len) < 0 || listen(h->fd, 64) < 0) {
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
	if (h->out_space)
		munmap(h->out_space, (size_t)HTTP_MAX_CONN * HTTP_RESPONSE_MAX);
	h->out_space = NULL;
}

size_t http_poll_fds(const struct http_server *h, struct pollfd *fds)
{
	size_t n = 0;

	if (h->fd < 0)
		return 0;
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

/* Puts the whole response in the slot's space and starts writing it. */
static void respond(struct http_server *h, struct http_conn *c, int code, const char *type, const char *body,
		    size_t body_len, bool head_only)
{
	enum watch_http_code k;
	int n;

	if (body_len > HTTP_RESPONSE_MAX - 512) {
		static const char msg[] = "the metrics are larger than the response space of headroom watch\n";

		code = 500;
		type = "text/plain; charset=utf-8";
		body = msg;
		body_len = sizeof(msg) - 1;
	}
	k = status_index(code);
	n = snprintf(c->out, 512,
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
		     statuses[k].code, statuses[k].phrase, type, body_len, k == WHTTP_405 ? "Allow: GET, HEAD\r\n" : "");
	c->out_len = (size_t)n;
	if (!head_only) {
		memcpy(c->out + c->out_len, body, body_len);
		c->out_len += body_len;
	}
	c->out_pos = 0;
	c->writing = true;
	h->requests[k]++;
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

/* A free slot for a new connection: evicts the oldest one still sending its request; NULL when all write. */
static struct http_conn *free_slot(struct http_server *h)
{
	struct http_conn *oldest = NULL;

	for (size_t i = 0; i < HTTP_MAX_CONN; i++) {
		struct http_conn *c = &h->conns[i];

		if (c->fd < 0)
			return c;
		if (!c->writing && (!oldest || c->opened_ms < oldest->opened_ms))
			oldest = c;
	}
	if (oldest) {
		h->rejected[WREJECT_EVICTED]++;
		conn_close(oldest);
	}
	return oldest;
}

static void accept_all(struct http_server *h, uint64_t now_ms)
{
	/* bounded: at most a backlog's worth per call, so that a flood cannot hold the loop */
	for (int i = 0; i < 64; i++) {
		int fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct http_conn *c;

		if (fd < 0)
			return;
		c = free_slot(h);
		if (!c) {
			h->rejected[WREJECT_BUSY]++;
			close(fd);
			continue;
		}
		c->fd = fd;
		c->writing = false;
		c->in_len = c->out_len = c->out_pos = 0;
		c->opened_ms = now_ms;
		c->deadline_ms = now_ms + HTTP_TIMEOUT_MS;
	}
}

void http_handle(struct http_server *h, const struct pollfd *fds, size_t nfds, const struct http_content *content,
		 uint64_t now_ms)
{
	bool accept_ready = false;

	for (size_t i = 0; i < nfds; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == h->fd) {
			accept_ready = true;
			continue;
		}
		for (size_t j = 0; j < HTTP_MAX_CONN; j++) {
			struct http_conn *c = &h->conns[j];

			if (c->fd != fds[i].fd)
				continue;
			if (!c->writing && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				conn_read(h, c, content);
			/* try at once: a response usually fits in the socket buffer */
			if (c->fd >= 0 && c->writing)
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
	if (accept_ready)
		accept_all(h, now_ms);
}

int http_next_timeout(const struct http_server *h, uint64_t now_ms)
{
	int best = -1;

	for (size_t i = 0; i < HTTP_MAX_CONN; i++) {
		const struct http_conn *c = &h->conns[i];

		if (c->fd >= 0) {
			int t = c->deadline_ms > now_ms ? (int)(c->deadline_ms - now_ms) : 0;

			if (best < 0 || t < best)
				best = t;
		}
	}
	return best;
}
