// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define READ_CHUNK (64 * 1024)

/* Only the fields struct journal_entry holds; the "__" ones and _BOOT_ID come anyway (journal.h). */
#define OUTPUT_FIELDS                                                                                \
	"--output-fields=__REALTIME_TIMESTAMP,__MONOTONIC_TIMESTAMP,_SOURCE_MONOTONIC_TIMESTAMP,_BOOT_ID," \
	"_TRANSPORT,PRIORITY,_PID,MESSAGE,SYSLOG_IDENTIFIER,_COMM,UNIT,USER_UNIT,_SYSTEMD_UNIT,"       \
	"_SYSTEMD_CGROUP,MESSAGE_ID,UNIT_RESULT,N_PROCESSES"

/* The first line of what journalctl wrote on stderr, its control characters made '?'. */
struct first_line {
	char *buf;
	size_t size, len;
	bool done;  /* the line ended (or buf is full): the rest is read and dropped */
};

static void first_line_add(struct first_line *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !l->done; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			/* an empty first line ("\n" alone) is skipped */
			l->done = l->len > 0;
			continue;
		}
		if (l->len + 1 >= l->size) {
			l->done = true;
			break;
		}
		l->buf[l->len++] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
		l->buf[l->len] = '\0';
	}
}

static void stats_take(struct journal_read_stats *stats, const struct journal_export_parser *p)
{
	stats->entries = p->entries;
	stats->malformed = p->malformed;
	stats->truncated = p->truncated_fields;
}

/* Waits for pid (EINTR retried); returns its exit status, 128 + signal, or -errno. */
static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -ECHILD;
}

/*
 * Runs argv and feeds its stdout to the parser, its stderr's first line to errline. Returns 0 or
 * fn's negative value (the child killed), or -errno; *ret_status is the child's exit status, or -1.
 */
static int run_and_parse(char *const argv[], struct journal_export_parser *p, char *chunk, journal_entry_fn *fn,
			 void *ctx, struct first_line *errline, int *ret_status)
{
	const char *path = getenv("HEADROOM_JOURNALCTL");
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	sigset_t none, deflt;
	pid_t pid;
	int r, status;

	*ret_status = -1;
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto close_out;
	}
	r = -posix_spawn_file_actions_init(&fa);
	if (r < 0)
		goto close_err;
	r = -posix_spawnattr_init(&attr);
	if (r < 0)
		goto destroy_fa;
	/* the child's ends become its stdout and stderr (dup2 clears O_CLOEXEC); stdin is /dev/null */
	r = -posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (r == 0)
		r = -posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (r == 0)
		r = -posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	/* whatever headroom blocks or ignores (SIGPIPE), journalctl starts with the defaults */
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGINT);
	if (r == 0)
		r = -posix_spawnattr_setsigmask(&attr, &none);
	if (r == 0)
		r = -posix_spawnattr_setsigdefault(&attr, &deflt);
	if (r == 0)
		r = -posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (r < 0)
		goto destroy_attr;
	if (path && *path)
		r = -posix_spawn(&pid, path, &fa, &attr, argv, environ);
	else
		r = -posix_spawnp(&pid, "journalctl", &fa, &attr, argv, environ);
	if (r < 0)
		goto destroy_attr;
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;

	/* both pipes until both end: a full stderr pipe would block journalctl, and so us */
	struct pollfd pfd[2] = { { .fd = out[0], .events = POLLIN }, { .fd = err[0], .events = POLLIN } };
	int open_fds = 2;

	while (open_fds > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(pfd[i].fd, chunk, READ_CHUNK);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				/* the end, or a read error: that stream is over */
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 1) {
				first_line_add(errline, chunk, (size_t)n);
				continue;
			}
			r = journal_export_feed(p, chunk, (size_t)n, fn, ctx);
			if (r < 0)
				goto stop;
		}
	}
	if (r == 0)
		r = journal_export_finish(p, fn, ctx);
	if (r < 0)
		goto stop;
	status = reap(pid);
	if (status < 0)
		r = status;
	else
		*ret_status = status;
	goto destroy_attr;

stop:
	/* fn stopped (or poll failed): journalctl has nothing more to say that we want */
	kill(pid, SIGKILL);
	status = reap(pid);
	if (status >= 0)
		*ret_status = status;
destroy_attr:
	posix_spawnattr_destroy(&attr);
destroy_fa:
	posix_spawn_file_actions_destroy(&fa);
close_err:
	if (err[0] >= 0)
		close(err[0]);
	if (err[1] >= 0)
		close(err[1]);
close_out:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	return r;
}

int journal_read(const struct journal_source *src, journal_entry_fn *fn, void *ctx, struct journal_read_stats *stats)
{
	char dir_arg[4096 + 16], file_arg[4096 + 16], since_arg[64];
	struct journal_export_parser *p;
	char *chunk;
	int r, status;

	memset(stats, 0, sizeof(*stats));
	stats->exit_status = -1;
	if (src->has_since && src->since_usec < 0)
		return -EINVAL;

	char *argv[16 + JOURNAL_MATCHES_MAX];
	size_t argc = 0;
	size_t fields_at, grep_at = 0;

	argv[argc++] = (char *)"journalctl";
	argv[argc++] = (char *)"-o";
	argv[argc++] = (char *)"export";
	argv[argc++] = (char *)"--no-pager";
	fields_at = argc;
	argv[argc++] = (char *)OUTPUT_FIELDS;
	if (src->directory) {
		if ((size_t)snprintf(dir_arg, sizeof(dir_arg), "--directory=%s", src->directory) >= sizeof(dir_arg))
			return -ENAMETOOLONG;
		argv[argc++] = dir_arg;
	}
	if (src->file) {
		if ((size_t)snprintf(file_arg, sizeof(file_arg), "--file=%s", src->file) >= sizeof(file_arg))
			return -ENAMETOOLONG;
		argv[argc++] = file_arg;
	}
	if (src->has_since) {
		/* "@" a time since the epoch (parse_timestamp(), seconds with a fraction) */
		snprintf(since_arg, sizeof(since_arg), "--since=@%" PRId64 ".%06" PRId64, src->since_usec / 1000000,
			 src->since_usec % 1000000);
		argv[argc++] = since_arg;
	}
	if (src->grep) {
		grep_at = argc;
		argv[argc++] = (char *)"--case-sensitive=true";
		argv[argc++] = (char *)"--grep";
		argv[argc++] = (char *)src->grep;
	}
	for (size_t i = 0; src->matches && src->matches[i]; i++) {
		if (i == JOURNAL_MATCHES_MAX)
			return -E2BIG;
		argv[argc++] = (char *)src->matches[i];
	}
	argv[argc] = NULL;

	p = malloc(sizeof(*p));
	chunk = malloc(READ_CHUNK);
	if (!p || !chunk) {
		r = -ENOMEM;
		goto free_bufs;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		struct first_line errline = { .buf = stats->error, .size = sizeof(stats->error) };

		stats->error[0] = '\0';
		journal_export_init(p);
		r = run_and_parse(argv, p, chunk, fn, ctx, &errline, &status);
		stats->exit_status = status;
		stats_take(stats, p);
		if (r < 0)
			break;
		if (status == 0) {
			/* what it said while succeeding is a warning, not an error */
			memcpy(stats->warning, stats->error, sizeof(stats->warning));
			stats->error[0] = '\0';
			break;
		}
		r = -EPROTO;
		/* journalctl before v236: run again without --output-fields */
		if (!stats->no_output_fields && p->entries == 0 && strstr(stats->error, "output-fields")) {
			for (size_t i = fields_at; i < argc; i++)
				argv[i] = argv[i + 1];
			argc--;
			if (grep_at)
				grep_at--;
			stats->no_output_fields = true;
			continue;
		}
		/* without pattern matching (no PCRE2, before v237): every entry, the caller's words decide */
		if (grep_at && !stats->no_grep && p->entries == 0) {
			for (size_t i = grep_at; i + 3 <= argc; i++)
				argv[i] = argv[i + 3];
			argc -= 3;
			grep_at = 0;
			stats->no_grep = true;
			continue;
		}
		break;
	}
free_bufs:
	free(chunk);
	free(p);
	return r;
}

/* Text in the export format, fed to the parser from fd. */
static int read_export_fd(int fd, const char *head, size_t head_len, journal_entry_fn *fn, void *ctx,
			  struct journal_read_stats *stats)
{
	struct journal_export_parser *p = malloc(sizeof(*p));
	char *chunk = malloc(READ_CHUNK);
	int r;

	if (!p || !chunk) {
		r = -ENOMEM;
		goto out;
	}
	journal_export_init(p);
	r = journal_export_feed(p, head, head_len, fn, ctx);
	while (r == 0) {
		ssize_t n = read(fd, chunk, READ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0) {
			r = journal_export_finish(p, fn, ctx);
			break;
		}
		r = journal_export_feed(p, chunk, (size_t)n, fn, ctx);
	}
	stats_take(stats, p);
out:
	free(chunk);
	free(p);
	return r;
}

int journal_read_file(const char *path, journal_entry_fn *fn, void *ctx, struct journal_read_stats *stats)
{
	char head[4096];
	size_t head_len = 0;
	int fd, r;

	memset(stats, 0, sizeof(*stats));
	stats->exit_status = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (head_len < sizeof(head)) {
		ssize_t n = read(fd, head + head_len, sizeof(head) - head_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto close_fd;
		}
		if (n == 0)
			break;
		head_len += (size_t)n;
	}
	if (head_len >= 8 && memcmp(head, "LPKSHHRH", 8) == 0) {
		struct journal_source src = { .file = path };

		close(fd);
		return journal_read(&src, fn, ctx, stats);
	}
	if (!journal_export_looks_like(head, head_len)) {
		r = -EMEDIUMTYPE;
		goto close_fd;
	}
	r = read_export_fd(fd, head, head_len, fn, ctx, stats);
close_fd:
	close(fd);
	return r;
}
