// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: a burst of concurrent scrapes. Opens N TCP connections to ADDRESS:PORT at once (every
 * socket made, then every connect issued back to back, non-blocking), sends "GET PATH HTTP/1.1" on each
 * as soon as it is connected, and reads each to EOF, all in one poll loop with an overall deadline.
 *
 *   scrapers [-t SECONDS] [-p PATH] [-s] ADDRESS PORT N
 *
 * -t: the overall deadline (default 30 s, at most 3600); what is still open then is closed and counted
 *     as unfinished. -p: the path (default /metrics). -s: silent, a slowloris: send nothing, print
 *     "ready" once every connection is made, and hold each one until the server closes it or the deadline.
 *
 * Output, one line of "key value" pairs:
 *   connections N answered A errors E resets R unfinished U median_ms M max_ms X elapsed_ms T
 * answered: status 200 and exactly Content-Length bytes of body before EOF. resets: ECONNRESET or EPIPE
 * (the server closed with unread data, or aborted). errors: anything else that ended it (connect
 * failed, EOF before a complete response, another status, a malformed head). median_ms / max_ms: from
 * the connect to EOF, of the answered ones. With -s: connections N closed_by_server C held H ... where
 * the times are those of the closes.
 * SIGTERM or SIGINT ends the run early, as the deadline does: the summary is printed all the same.
 * Exit status: 0 when every connection was answered (with -s: when the run ended), 1 when some were not,
 * 2 on bad arguments or when the sockets cannot be made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 60000
#define HEAD_MAX 8192

enum state { CONNECTING, SENDING, READING, DONE };
enum outcome { ANSWERED, ERROR, RESET, UNFINISHED };

struct conn {
	int fd;
	enum state state;
	enum outcome outcome;
	size_t sent, head_len;
	bool head_done;
	int status;
	long long content_length; /* -1: none given */
	unsigned long long body;
	double start_ms, end_ms;
	char head[HEAD_MAX];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr, "usage: scrapers [-t SECONDS] [-p PATH] [-s] ADDRESS PORT N\n"
			"  opens N connections to ADDRESS:PORT at once, sends GET PATH on each (not with -s),\n"
			"  reads each to EOF within SECONDS (default 30); N from 1 to %d\n", MAX_CONNS);
}

static bool parse_long(const char *s, long lo, long hi, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*ret = v;
	return true;
}

static void finish(struct conn *c, enum outcome o, double t)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = DONE;
	c->outcome = o;
	c->end_ms = t;
}

/* Parses the status line and Content-Length of a complete head (head[0..len), ending in CRLF CRLF). */
static void parse_head(struct conn *c)
{
	const char *p = c->head, *end = c->head + c->head_len;

	c->status = -1;
	c->content_length = -1;
	if (c->head_len < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
		return;
	c->status = atoi(p + 9);
	while ((p = memchr(p, '\n', (size_t)(end - p))) && ++p < end) {
		static const char key[] = "content-length:";

		if ((size_t)(end - p) > sizeof(key) && strncasecmp(p, key, sizeof(key) - 1) == 0) {
			char *e;
			long long v = strtoll(p + sizeof(key) - 1, &e, 10);

			c->content_length = (e == p + sizeof(key) - 1 || v < 0) ? -1 : v;
		}
	}
}

/* Reads what there is; decides at EOF. */
static void on_readable(struct conn *c, char *scratch, size_t scratch_size, double t)
{
	/* bounded: at most a few reads a wake, so that one fast connection cannot hold the others */
	for (int i = 0; i < 16; i++) {
		ssize_t n;

		if (!c->head_done) {
			char *crlf;

			n = recv(c->fd, c->head + c->head_len, sizeof(c->head) - 1 - c->head_len, 0);
			if (n > 0) {
				c->head_len += (size_t)n;
				c->head[c->head_len] = '\0';
				crlf = strstr(c->head, "\r\n\r\n");
				if (crlf) {
					size_t head = (size_t)(crlf + 4 - c->head);

					c->body = c->head_len - head;
					c->head_len = head;
					c->head_done = true;
					parse_head(c);
				} else if (c->head_len == sizeof(c->head) - 1) {
					finish(c, ERROR, t);
					return;
				}
				continue;
			}
		} else {
			n = recv(c->fd, scratch, scratch_size, 0);
			if (n > 0) {
				c->body += (unsigned long long)n;
				continue;
			}
		}
		if (n == 0) {
			bool ok = c->head_done && c->status == 200 && c->content_length >= 0 &&
				  c->body == (unsigned long long)c->content_length;

			finish(c, ok ? ANSWERED : ERROR, t);
			return;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		finish(c, errno == ECONNRESET || errno == EPIPE ? RESET : ERROR, t);
		return;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long seconds = 30, port, n;
	const char *path = "/metrics";
	bool silent = false, ready = false;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct rlimit rl;
	struct conn *conns;
	struct pollfd *fds;
	size_t *idx;
	double *times;
	static char scratch[1 << 16];
	char request[512];
	size_t request_len, open_conns;
	unsigned long counts[4] = { 0 };
	double start, deadline;
	sigset_t waitmask;
	int opt;

	while ((opt = getopt(argc, argv, "t:p:s")) != -1) {
		switch (opt) {
		case 't':
			if (!parse_long(optarg, 1, 3600, &seconds)) {
				usage();
				return 2;
			}
			break;
		case 'p':
			path = optarg;
			break;
		case 's':
			silent = true;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (argc - optind != 3 || !parse_long(argv[optind + 1], 1, 65535, &port) ||
	    !parse_long(argv[optind + 2], 1, MAX_CONNS, &n) || path[0] != '/' || strpbrk(path, " \r\n") ||
	    strlen(path) > 400) {
		usage();
		return 2;
	}
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[optind], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[optind], &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "scrapers: '%s' is not an IPv4 or IPv6 address\n", argv[optind]);
		usage();
		return 2;
	}
	/* blocked but while in ppoll: a signal cannot slip in between the check of stop and the wait */
	{
		struct sigaction sa = { .sa_handler = on_signal };
		sigset_t block;

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGINT);
		sigprocmask(SIG_BLOCK, &block, &waitmask);
	}
	request_len = (size_t)snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);

	/* N descriptors and a few more: raise the soft limit as far as the hard one allows */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)n + 16 ? (rlim_t)n + 16 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < (rlim_t)n + 16) {
			fprintf(stderr, "scrapers: %ld connections need %ld descriptors; RLIMIT_NOFILE allows %llu\n", n,
				n + 16, (unsigned long long)rl.rlim_cur);
			return 2;
		}
	}
	conns = calloc((size_t)n, sizeof(*conns));
	fds = calloc((size_t)n, sizeof(*fds));
	idx = calloc((size_t)n, sizeof(*idx));
	times = calloc((size_t)n, sizeof(*times));
	if (!conns || !fds || !idx || !times) {
		fprintf(stderr, "scrapers: out of memory for %ld connections\n", n);
		return 2;
	}
	/* every socket first, then the connects back to back: as close together as one thread can */
	for (long i = 0; i < n; i++) {
		conns[i].fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (conns[i].fd < 0) {
			fprintf(stderr, "scrapers: socket %ld: %s\n", i, strerror(errno));
			for (long j = 0; j < i; j++)
				close(conns[j].fd);
			return 2;
		}
	}
	start = now_ms();
	deadline = start + (double)seconds * 1e3;
	for (long i = 0; i < n; i++) {
		struct conn *c = &conns[i];

		c->start_ms = now_ms();
		if (connect(c->fd, (struct sockaddr *)&ss, sslen) == 0 || errno == EINPROGRESS || errno == EINTR)
			c->state = CONNECTING;
		else
			finish(c, errno == ECONNRESET ? RESET : ERROR, now_ms());
	}
	open_conns = 0;
	for (long i = 0; i < n; i++)
		open_conns += conns[i].state != DONE;

	while (open_conns > 0) {
		double t = now_ms();
		size_t nfds = 0;
		bool connecting = false;
		int r;

		if (t >= deadline || stop)
			break;
		for (long i = 0; i < n; i++) {
			struct conn *c = &conns[i];

			if (c->state == DONE)
				continue;
			connecting |= c->state == CONNECTING;
			fds[nfds] = (struct pollfd){ .fd = c->fd, .events = c->state == READING ? POLLIN : POLLOUT };
			idx[nfds++] = (size_t)i;
		}
		if (silent && !connecting && !ready) {
			printf("ready\n");
			fflush(stdout);
			ready = true;
		}
		{
			double left = deadline - t + 1;
			struct timespec ts = { .tv_sec = (time_t)(left / 1e3),
					       .tv_nsec = (long)((left - (double)(time_t)(left / 1e3) * 1e3) * 1e6) };

			r = ppoll(fds, nfds, &ts, &waitmask);
		}
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "scrapers: poll: %s\n", strerror(errno));
			break;
		}
		t = now_ms();
		for (size_t k = 0; r > 0 && k < nfds; k++) {
			struct conn *c = &conns[idx[k]];
			short ev = fds[k].revents;

			if (!ev)
				continue;
			if (c->state == CONNECTING) {
				int err = 0;
				socklen_t len = sizeof(err);

				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
					err = errno;
				if (err) {
					finish(c, err == ECONNRESET ? RESET : ERROR, t);
					continue;
				}
				c->state = silent ? READING : SENDING;
				if (silent)
					continue;
			}
			if (c->state == SENDING) {
				ssize_t w = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);

				if (w < 0) {
					if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
						finish(c, errno == ECONNRESET || errno == EPIPE ? RESET : ERROR, t);
					continue;
				}
				c->sent += (size_t)w;
				if (c->sent == request_len)
					c->state = READING;
				continue;
			}
			if (silent) {
				/* anything from the server ends it: a close, a reset or a response */
				ssize_t m = recv(c->fd, scratch, sizeof(scratch), 0);

				if (m >= 0 || (errno != EAGAIN && errno != EINTR))
					finish(c, m < 0 && (errno == ECONNRESET || errno == EPIPE) ? RESET : ERROR, t);
				continue;
			}
			on_readable(c, scratch, sizeof(scratch), t);
		}
		open_conns = 0;
		for (long i = 0; i < n; i++)
			open_conns += conns[i].state != DONE;
	}
	if (silent && !ready) {
		printf("ready\n");
		fflush(stdout);
	}
	for (long i = 0; i < n; i++)
		if (conns[i].state != DONE)
			finish(&conns[i], UNFINISHED, now_ms());

	{
		size_t nt = 0;
		double median = 0, max = 0;

		for (long i = 0; i < n; i++) {
			counts[conns[i].outcome]++;
			if (silent ? conns[i].outcome != UNFINISHED : conns[i].outcome == ANSWERED)
				times[nt++] = conns[i].end_ms - conns[i].start_ms;
		}
		if (nt) {
			qsort(times, nt, sizeof(*times), cmp_double);
			median = nt % 2 ? times[nt / 2] : (times[nt / 2 - 1] + times[nt / 2]) / 2;
			max = times[nt - 1];
		}
		if (silent)
			printf("connections %ld closed_by_server %lu resets %lu held %lu median_ms %.1f max_ms %.1f "
			       "elapsed_ms %.0f\n",
			       n, counts[ERROR] + counts[ANSWERED], counts[RESET], counts[UNFINISHED], median, max,
			       now_ms() - start);
		else
			printf("connections %ld answered %lu errors %lu resets %lu unfinished %lu median_ms %.1f max_ms %.1f "
			       "elapsed_ms %.0f\n",
			       n, counts[ANSWERED], counts[ERROR], counts[RESET], counts[UNFINISHED], median, max,
			       now_ms() - start);
	}
	free(conns);
	free(fds);
	free(idx);
	free(times);
	return silent || counts[ANSWERED] == (unsigned long)n ? 0 : 1;
}
