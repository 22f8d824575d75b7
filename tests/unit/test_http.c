// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's HTTP server: which slot a new connection may take (free, else the oldest incomplete
 * request past its grace, never one being answered), when the listener is polled, and the server itself
 * on loopback sockets with a clock the test sets (so that the grace and the deadlines are exact).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "watch/http.h"

static struct http_conn conns[HTTP_MAX_CONN];

/* Every slot reading (a request incomplete), accepted at opened[i]. */
static void all_reading(const uint64_t *opened)
{
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		conns[i] = (struct http_conn){ .fd = 100 + (int)i, .opened_ms = opened[i],
					       .deadline_ms = opened[i] + HTTP_TIMEOUT_MS };
}

static void a_free_slot_is_taken_first_the_lowest(void)
{
	uint64_t opened[HTTP_MAX_CONN] = { 0 };

	all_reading(opened);
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 1) == -1);
	conns[5].fd = -1;
	conns[3].fd = -1;
	/* even when another is past its grace: nobody is evicted while a slot is free */
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 10 * HTTP_GRACE_MS) == 3);
	CHECK_U64(http_slot_free_at(conns, HTTP_MAX_CONN), 0);
}

static void an_incomplete_request_is_evicted_after_its_grace_oldest_first(void)
{
	uint64_t opened[HTTP_MAX_CONN] = { 500, 300, 700, 300, 900, 800, 600, 400 };

	all_reading(opened);
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 300 + HTTP_GRACE_MS - 1) == -1);
	/* the two oldest are as old: the first of them */
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 300 + HTTP_GRACE_MS) == 1);
	CHECK_U64(http_slot_free_at(conns, HTTP_MAX_CONN), 300 + HTTP_GRACE_MS);
	conns[1].opened_ms = 1000;
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 5000) == 3);
}

static void a_slot_being_answered_is_never_evicted(void)
{
	uint64_t opened[HTTP_MAX_CONN] = { 0 };

	all_reading(opened);
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		conns[i].writing = true;
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 100 * HTTP_GRACE_MS) == -1);
	CHECK_U64(http_slot_free_at(conns, HTTP_MAX_CONN), UINT64_MAX);
	/* one still reading, the youngest: it is the one, and only once past its grace */
	conns[6].writing = false;
	conns[6].opened_ms = 50000;
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 50000 + HTTP_GRACE_MS - 1) == -1);
	CHECK(http_slot_for_accept(conns, HTTP_MAX_CONN, 50000 + HTTP_GRACE_MS) == 6);
	CHECK_U64(http_slot_free_at(conns, HTTP_MAX_CONN), 50000 + HTTP_GRACE_MS);
}

static bool polls(const struct pollfd *fds, size_t n, int fd)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i].fd == fd)
			return true;
	return false;
}

/* No real socket: the decisions of http_poll_fds and http_next_timeout only read the slots. */
static void the_listener_is_left_out_while_no_slot_may_be_taken(void)
{
	static struct http_server h;
	struct pollfd fds[1 + HTTP_MAX_CONN];
	size_t n;

	memset(&h, 0, sizeof(h));
	h.fd = 99;
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		h.conns[i] = (struct http_conn){ .fd = 100 + (int)i, .opened_ms = 10000 + i,
						 .deadline_ms = 10000 + i + HTTP_TIMEOUT_MS };
	h.now_ms = 10100;
	n = http_poll_fds(&h, fds);
	CHECK_U64(n, HTTP_MAX_CONN);
	CHECK(!polls(fds, n, 99));
	/* it wakes when the oldest's grace ends, before any deadline */
	CHECK(http_next_timeout(&h, 10100) == HTTP_GRACE_MS - 100);
	CHECK(http_next_timeout(&h, 10000 + HTTP_GRACE_MS + 5) == 0);
	/* past the grace: polled */
	h.now_ms = 10000 + HTTP_GRACE_MS;
	n = http_poll_fds(&h, fds);
	CHECK_U64(n, 1 + HTTP_MAX_CONN);
	CHECK(polls(fds, n, 99));
	CHECK(http_next_timeout(&h, h.now_ms) == HTTP_TIMEOUT_MS - HTTP_GRACE_MS);
	/* every slot writing: only a write's end or a deadline frees one, so the next wake is the deadline */
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		h.conns[i].writing = true;
	n = http_poll_fds(&h, fds);
	CHECK(!polls(fds, n, 99));
	for (size_t i = 0; i < n; i++)
		CHECK(fds[i].events == POLLOUT);
	CHECK(http_next_timeout(&h, h.now_ms) == HTTP_TIMEOUT_MS - HTTP_GRACE_MS);
	/* a free slot, but an accept pause (no descriptors left): out until the pause ends */
	h.conns[2].fd = -1;
	h.accept_resume_ms = h.now_ms + HTTP_ACCEPT_RETRY_MS;
	n = http_poll_fds(&h, fds);
	CHECK(!polls(fds, n, 99));
	CHECK(http_next_timeout(&h, h.now_ms) == HTTP_ACCEPT_RETRY_MS);
	h.accept_resume_ms = 0;
	n = http_poll_fds(&h, fds);
	CHECK(polls(fds, n, 99));
	/* nothing open: no deadline */
	for (size_t i = 0; i < HTTP_MAX_CONN; i++)
		h.conns[i].fd = -1;
	CHECK(http_next_timeout(&h, h.now_ms) == -1);
}

/* The server on loopback, driven by hand: poll with no wait, then http_handle at the time given. */
static void step(struct http_server *h, const struct http_content *c, uint64_t now_ms)
{
	struct pollfd fds[1 + HTTP_MAX_CONN];
	size_t n = http_poll_fds(h, fds);

	/* a short wait: loopback delivers at once, but let the kernel finish what the client just did */
	(void)poll(fds, n, 20);
	http_handle(h, fds, n, c, now_ms);
}

static int client(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* blocking: a loopback connect completes as soon as the connection is queued for accept */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* All there is to read now, at most cap bytes: its length, or -1 on EOF with nothing. */
static ssize_t drain(int fd, char *buf, size_t cap, bool *eof)
{
	size_t len = 0;

	*eof = false;
	for (int i = 0; i < 10000 && len < cap; i++) {
		ssize_t n = recv(fd, buf + len, cap - len, MSG_DONTWAIT);

		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			*eof = true;
		break;
	}
	return (ssize_t)len;
}

static const char get[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";

static void waiting_connections_are_served_as_slots_free_and_idle_ones_make_way(void)
{
	static struct http_server h;
	static char body[6 << 20], in[8 << 20];
	struct http_content content = { body, 0 };
	int idle[HTTP_MAX_CONN], late[3];
	uint16_t port = 0;
	ssize_t n;
	bool eof;

	memset(body, 'x', sizeof(body));
	for (int try = 0; try < 20 && !port; try++) {
		char spec[32];
		uint16_t p = (uint16_t)(20000 + rand() % 20000);

		snprintf(spec, sizeof(spec), "127.0.0.1:%u", p);
		if (http_listen(&h, spec) == 0)
			port = p;
		else
			http_close(&h);
	}
	CHECK(port != 0);
	if (!port)
		return;
	content.metrics_len = 1000;

	/* a request that came with its connection is answered within the call that accepts it */
	late[0] = client(port);
	CHECK(send(late[0], get, sizeof(get) - 1, 0) == (ssize_t)sizeof(get) - 1);
	step(&h, &content, 1000);
	n = drain(late[0], in, sizeof(in), &eof);
	CHECK(n > 1000 && eof);
	CHECK(strncmp(in, "HTTP/1.1 200 OK\r\n", 17) == 0);
	CHECK_U64(h.requests[WHTTP_200], 1);
	close(late[0]);

	/* the slots fill with connections that say nothing */
	for (int i = 0; i < HTTP_MAX_CONN; i++)
		idle[i] = client(port);
	step(&h, &content, 2000);
	for (int i = 0; i < HTTP_MAX_CONN; i++)
		CHECK(h.conns[i].fd >= 0);

	/* a scrape now waits in the queue: nobody is evicted within the grace */
	late[1] = client(port);
	CHECK(send(late[1], get, sizeof(get) - 1, 0) == (ssize_t)sizeof(get) - 1);
	step(&h, &content, 2000 + HTTP_GRACE_MS - 1);
	CHECK_U64(h.rejected[WREJECT_EVICTED], 0);
	CHECK(drain(late[1], in, sizeof(in), &eof) == 0 && !eof);
	/* past it, the oldest idle one makes way and the scrape is answered in the same call */
	step(&h, &content, 2000 + HTTP_GRACE_MS);
	CHECK_U64(h.rejected[WREJECT_EVICTED], 1);
	CHECK_U64(h.rejected[WREJECT_BUSY], 0);
	n = drain(late[1], in, sizeof(in), &eof);
	CHECK(n > 1000 && eof);
	CHECK_U64(h.requests[WHTTP_200], 2);
	n = drain(idle[0], in, sizeof(in), &eof);
	CHECK(n == 0 && eof);

	/* a response the socket does not take at once: the slot keeps the rest and is never evicted */
	content.metrics_len = sizeof(body);
	late[2] = client(port);
	CHECK(send(late[2], get, sizeof(get) - 1, 0) == (ssize_t)sizeof(get) - 1);
	/* the slot freed by the answer above is taken at once */
	step(&h, &content, 2000 + HTTP_GRACE_MS + 1);
	{
		int writing = 0;

		for (int i = 0; i < HTTP_MAX_CONN; i++)
			writing += h.conns[i].fd >= 0 && h.conns[i].writing;
		/* a fresh loopback socket takes about 2.5 MiB (2 x 10 segments of 128 KiB): 6 MiB is not sent at once */
		CHECK(writing == 1);
	}
	/* idle ones past their grace and a newcomer: an idle one goes, the writer stays */
	late[0] = client(port);
	step(&h, &content, 2000 + 3 * HTTP_GRACE_MS);
	CHECK_U64(h.rejected[WREJECT_EVICTED], 2);
	/* the writer, read out to the end, got every byte */
	{
		size_t total = 0;

		eof = false;
		for (int i = 0; i < 2000 && !eof; i++) {
			n = drain(late[2], in + total, sizeof(in) - total, &eof);
			total += (size_t)(n > 0 ? n : 0);
			if (!eof)
				step(&h, &content, 2000 + 3 * HTTP_GRACE_MS + 2);
		}
		CHECK(eof);
		CHECK(strstr(in, "\r\n\r\n") != NULL);
		if (strstr(in, "\r\n\r\n"))
			CHECK_U64(total - (size_t)(strstr(in, "\r\n\r\n") + 4 - in), sizeof(body));
	}
	CHECK_U64(h.requests[WHTTP_200], 3);

	/* the deadline closes the rest, each counted once */
	step(&h, &content, 2000 + 3 * HTTP_GRACE_MS + HTTP_TIMEOUT_MS);
	CHECK_U64(h.rejected[WREJECT_TIMEOUT], HTTP_MAX_CONN - 2 + 1);
	for (int i = 0; i < HTTP_MAX_CONN; i++)
		CHECK(h.conns[i].fd < 0);
	for (int i = 0; i < HTTP_MAX_CONN; i++)
		close(idle[i]);
	close(late[0]);
	close(late[1]);
	close(late[2]);
	http_close(&h);
}

int main(void)
{
	srand((unsigned)getpid());
	RUN(a_free_slot_is_taken_first_the_lowest);
	RUN(an_incomplete_request_is_evicted_after_its_grace_oldest_first);
	RUN(a_slot_being_answered_is_never_evicted);
	RUN(the_listener_is_left_out_while_no_slot_may_be_taken);
	RUN(waiting_connections_are_served_as_slots_free_and_idle_ones_make_way);
	return 0;
}
