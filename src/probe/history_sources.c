// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/history_sources.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "core/buf.h"
#include "core/dirlist.h"
#include "parse/journal_export.h"
#include "parse/kernel_line.h"
#include "parse/log_text.h"
#include "probe/journal.h"
#include "probe/kernel_log.h"

bool history_current_boot_id(char ret[33])
{
	char buf[64];
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t k = 0;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	for (ssize_t i = 0; i < n && k < 32; i++)
		if ((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f'))
			ret[k++] = buf[i];
	ret[k] = '\0';
	return k == 32;
}

/* ---- /dev/kmsg ---- */

struct kmsg_ctx {
	struct history *h;
	int64_t epoch_usec;
	const char *boot_id;
};

static void kmsg_line(void *ctx, const struct kmsg_record *r, const char *text)
{
	struct kmsg_ctx *c = ctx;
	struct hist_line l = {
		.msg = text, .msg_len = strlen(text), .raw = text, .raw_len = strlen(text),
		.writer = HIST_WRITER_KERNEL, .has_mono = true, .mono_usec = r->usec, .boot_id = c->boot_id,
	};

	if (c->epoch_usec) {
		l.has_time = true;
		l.time_usec = c->epoch_usec + (int64_t)r->usec;
	}
	history_add_line(c->h, &l);
}

int history_read_kmsg(struct history *h)
{
	char id[33];
	struct kmsg_ctx c = { h, kernel_log_boot_epoch() * 1000000, history_current_boot_id(id) ? id : NULL };
	unsigned s = history_source_begin(h, "/dev/kmsg");
	long n = kernel_log_read_all(kmsg_line, &c, KERNEL_LOG_DRAIN_MAX);

	if (n < 0) {
		history_source_problem(h, s, (int)n,
				       n == -EPERM || n == -EACCES ? "not permitted: run as root (or with kernel.dmesg_restrict = 0)" : NULL);
		return (int)n;
	}
	h->sources[s].read = true;
	return 0;
}

/* ---- text files, plain or gzip ---- */

struct text_src {
	int fd;
#ifdef HAVE_ZLIB
	gzFile gz;
#endif
	bool gzip;
	char *buf;          /* HISTORY_LINE_MAX + chunk */
	size_t len, off;
	bool eof;
	int err;
	char problem[160];
};

#define CHUNK 65536

static ssize_t src_read(struct text_src *s, char *into, size_t n)
{
#ifdef HAVE_ZLIB
	if (s->gzip) {
		int r = gzread(s->gz, into, (unsigned)n);

		if (r < 0 || (r == 0 && !gzeof(s->gz))) {
			int zerr;
			const char *msg = gzerror(s->gz, &zerr);

			snprintf(s->problem, sizeof(s->problem), "%s", msg && *msg ? msg : "gzip error");
			s->err = -EIO;
			return -1;
		}
		if (r == 0) {
			int zerr;
			const char *msg = gzerror(s->gz, &zerr);

			/* zlib says a member was cut short with Z_BUF_ERROR at the end */
			if (zerr == Z_BUF_ERROR) {
				snprintf(s->problem, sizeof(s->problem), "truncated gzip (%s) after %lld bytes of text", msg,
					 (long long)gzoffset(s->gz) >= 0 ? (long long)gztell(s->gz) : 0LL);
				s->err = -EIO;
			}
		}
		return r;
	}
#endif
	for (;;) {
		ssize_t r = read(s->fd, into, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			s->err = -errno;
		return r;
	}
}

/*
 * The next line into *ret (not NUL-terminated, without '\n'); a line longer than HISTORY_LINE_MAX comes
 * cut there (*ret_cut) and the rest of it is skipped. False at the end or on an error.
 */
static bool src_line(struct text_src *s, const char **ret, size_t *ret_len, bool *ret_cut)
{
	*ret_cut = false;
	for (;;) {
		char *nl = memchr(s->buf + s->off, '\n', s->len - s->off);
		ssize_t r;

		if (nl) {
			*ret = s->buf + s->off;
			*ret_len = (size_t)(nl - (s->buf + s->off));
			s->off = (size_t)(nl - s->buf) + 1;
			return true;
		}
		if (s->eof) {
			if (s->off < s->len) {
				*ret = s->buf + s->off;
				*ret_len = s->len - s->off;
				s->off = s->len;
				return true;
			}
			return false;
		}
		if (s->off) {
			memmove(s->buf, s->buf + s->off, s->len - s->off);
			s->len -= s->off;
			s->off = 0;
		}
		if (s->len >= HISTORY_LINE_MAX) {
			/* too long: this much is the line; what follows up to its newline is dropped */
			char skip[4096];

			*ret = s->buf;
			*ret_len = HISTORY_LINE_MAX;
			*ret_cut = true;
			s->off = s->len = 0;
			for (;;) {
				char *e;

				r = src_read(s, skip, sizeof(skip));
				if (r <= 0) {
					s->eof = true;
					break;
				}
				if ((e = memchr(skip, '\n', (size_t)r))) {
					memcpy(s->buf, e + 1, (size_t)(r - (e + 1 - skip)));
					s->len = (size_t)(r - (e + 1 - skip));
					break;
				}
			}
			return true;
		}
		r = src_read(s, s->buf + s->len, HISTORY_LINE_MAX + CHUNK - s->len);
		if (r <= 0)
			s->eof = true;
		else
			s->len += (size_t)r;
	}
}

/* The newlines in [p, end): eight bytes at a time, each byte that is '\n' counted exactly. */
static uint64_t count_newlines(const char *p, const char *end)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL, nl = 0x0a0a0a0a0a0a0a0aULL;
	uint64_t n = 0;

	for (; end - p >= 8; p += 8) {
		uint64_t x, y;

		memcpy(&x, p, 8);
		x ^= nl;
		y = ~(((x & low7) + low7) | x | low7);
		n += ((y >> 7) * 0x0101010101010101ULL) >> 56; /* one bit per '\n' byte, summed */
	}
	for (; p < end; p++)
		n += *p == '\n';
	return n;
}

/*
 * The next line that holds a word history_scan looks for, as src_line() gives it; the lines before it
 * are skipped unread and counted in *ret_skipped. The buffer is scanned whole, not line by line: most
 * of a log holds none of the words.
 */
static bool src_line_of_interest(struct text_src *s, const char **ret, size_t *ret_len, bool *ret_cut,
				 uint64_t *ret_skipped)
{
	for (;;) {
		const char *start = s->buf + s->off, *end = s->buf + s->len, *hit, *nl;
		ssize_t r;

		hit = history_scan(start, end);
		if (hit) {
			const char *ls = memrchr(start, '\n', (size_t)(hit - start));

			ls = ls ? ls + 1 : start;
			*ret_skipped += count_newlines(start, ls);
			s->off = (size_t)(ls - s->buf);
			return src_line(s, ret, ret_len, ret_cut);
		}
		/* no word here: every whole line is skipped; a part line waits for the rest of it */
		nl = memrchr(start, '\n', (size_t)(end - start));
		if (nl) {
			*ret_skipped += count_newlines(start, nl + 1);
			s->off = (size_t)(nl + 1 - s->buf);
		} else if (s->len - s->off >= HISTORY_LINE_MAX) {
			/* a line longer than is kept: cut as src_line() cuts it, and looked at like any other */
			if (!src_line(s, ret, ret_len, ret_cut))
				return false;
			if (history_scan(*ret, *ret + *ret_len))
				return true;
			(*ret_skipped)++;
			continue;
		}
		if (s->eof) {
			if (s->off < s->len) {
				(*ret_skipped)++;
				s->off = s->len;
			}
			return false;
		}
		if (s->off) {
			memmove(s->buf, s->buf + s->off, s->len - s->off);
			s->len -= s->off;
			s->off = 0;
		}
		r = src_read(s, s->buf + s->len, HISTORY_LINE_MAX + CHUNK - s->len);
		if (r <= 0)
			s->eof = true;
		else
			s->len += (size_t)r;
	}
}

/* The reader's state across the lines of one text source. */
struct text_ctx {
	struct history *h;
	/* a kill line cut in two by a mail's or a ticket's wrapping, held for the next line */
	char *held;
	size_t held_len;
	struct tm ref;            /* the file's last change: the year of its year-less stamps */
	bool have_ref;
	uint64_t last_mono;
	bool have_mono;
	uint64_t lines_in_boot;
	char boot_id[33];
};

/* The year of a syslog stamp without one: the file's year, or the year before for a later date. */
static int resolve_year(const struct text_ctx *c, int month, int day)
{
	if (!c->have_ref)
		return 0;
	if (month > c->ref.tm_mon + 1 || (month == c->ref.tm_mon + 1 && day > c->ref.tm_mday + 1))
		return c->ref.tm_year + 1900 - 1;
	return c->ref.tm_year + 1900;
}

static bool wall_time(const struct text_ctx *c, const struct log_text_line *t, int64_t *ret)
{
	struct tm tm = { 0 };
	time_t secs;
	int year = t->year;

	switch (t->wall) {
	case LOG_WALL_NONE:
		return false;
	case LOG_WALL_ZONED:
		*ret = log_text_zoned_usec(t);
		return true;
	case LOG_WALL_NOYEAR:
		if (t->month == 0 || (year = resolve_year(c, t->month, t->day)) == 0)
			return false;
		break;
	case LOG_WALL_LOCAL:
		break;
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = t->month - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->minute;
	tm.tm_sec = t->second;
	tm.tm_isdst = -1;
	secs = mktime(&tm);
	if (secs == (time_t)-1)
		return false;
	*ret = (int64_t)secs * 1000000 + t->usec;
	return true;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

static void text_line_whole(struct text_ctx *c, const char *line, size_t len);

/* A kernel kill line the OOM parser cannot read as it is: perhaps wrapped. */
static bool kill_line_cut(const struct log_text_line *t)
{
	struct kernel_line kl;

	return t->msg_len > 15 && memmem(t->msg, t->msg_len < 64 ? t->msg_len : 64, "Killed process ", 15) &&
	       kernel_line_classify(t->msg, t->msg_len, &kl) != KLINE_OOM;
}

/*
 * Lines as a text log holds them, with one repair: a kill line wrapped onto the next line (a pasted
 * ticket, a mail) is joined with it when the two read as one kill and the next has no prefix of its own.
 */
static void text_line(struct text_ctx *c, const char *line, size_t len)
{
	struct log_text_line t;

	if (c->held) {
		char *held = c->held;
		size_t held_len = c->held_len;

		c->held = NULL;
		log_text_parse(line, len, &t);
		if (t.form == LOG_FORM_MESSAGE && t.msg_len && held_len + 1 + t.msg_len < HISTORY_LINE_MAX) {
			char *joined = xmalloc(held_len + 1 + t.msg_len + 1);
			struct log_text_line j;

			memcpy(joined, held, held_len);
			joined[held_len] = ' ';
			memcpy(joined + held_len + 1, t.msg, t.msg_len);
			joined[held_len + 1 + t.msg_len] = '\0';
			log_text_parse(joined, held_len + 1 + t.msg_len, &j);
			if (!kill_line_cut(&j)) {
				text_line_whole(c, joined, held_len + 1 + t.msg_len);
				xfree(joined);
				xfree(held);
				return;
			}
			xfree(joined);
		}
		text_line_whole(c, held, held_len);
		xfree(held);
	}
	if (len) {
		log_text_parse(line, len, &t);
		if (t.form != LOG_FORM_MESSAGE && kill_line_cut(&t)) {
			c->held = xstrndup(line, len);
			c->held_len = len;
			return;
		}
	}
	text_line_whole(c, line, len);
}

/* The end of a text source: a held line goes as it is. */
static void text_end(struct text_ctx *c)
{
	if (c->held) {
		char *held = c->held;

		c->held = NULL;
		text_line_whole(c, held, c->held_len);
		xfree(held);
	}
}

static void text_line_whole(struct text_ctx *c, const char *line, size_t len)
{
	struct log_text_line t;
	struct hist_line l = { 0 };
	bool start = false;

	if (len == 0)
		return;
	log_text_parse(line, len, &t);
	if (t.form == LOG_FORM_NOTE)
		return;
	if (t.form != LOG_FORM_BOOT && t.msg_len == 0)
		return;
	history_line_from_text(&t, line, len, &l);
	if (t.wall != LOG_WALL_ZONED)
		l.has_time = wall_time(c, &t, &l.time_usec);
	/* where the kernel starts again: journalctl's separator, its banner, or its clock going back */
	if (t.form == LOG_FORM_BOOT) {
		start = true;
		snprintf(c->boot_id, sizeof(c->boot_id), "%s", t.boot_id);
		l.msg_len = 0;
	} else if (l.writer != HIST_WRITER_PROGRAM && starts_with(t.msg, t.msg_len, "Linux version ")) {
		start = true;
	} else if (l.writer == HIST_WRITER_KERNEL && t.has_mono && c->have_mono && t.mono_usec + 1000000 < c->last_mono) {
		start = true;
	}
	if (start && c->lines_in_boot == 0 && t.form != LOG_FORM_BOOT)
		start = false; /* "-- Boot --" then "Linux version": one start */
	if (start && t.form != LOG_FORM_BOOT)
		c->boot_id[0] = '\0';
	if (start) {
		c->lines_in_boot = 0;
		c->have_mono = false;
	}
	if (l.writer == HIST_WRITER_KERNEL && t.has_mono) {
		c->last_mono = t.mono_usec;
		c->have_mono = true;
	}
	l.boot_start = start;
	l.boot_id = c->boot_id[0] ? c->boot_id : NULL;
	if (t.form != LOG_FORM_BOOT)
		c->lines_in_boot++;
	history_add_line(c->h, &l);
}

/* ---- export-format text (a saved journalctl -o export) ---- */

static int journal_entry_line(void *ctx, const struct journal_entry *e);
static bool journal_file_is_binary(int fd);
static int history_read_journal_file(struct history *h, unsigned s, const char *path);

struct journal_ctx {
	struct history *h;
	bool second;            /* the second pass: what the first took is not fed again */
};

/* The writers whose every line the first pass reads (by the journal's index), besides the kernel. */
static const char *const journal_matches[] = {
	"_TRANSPORT=kernel", "+", "SYSLOG_IDENTIFIER=systemd", "SYSLOG_IDENTIFIER=systemd-oomd",
	"SYSLOG_IDENTIFIER=earlyoom", "SYSLOG_IDENTIFIER=nohang", "SYSLOG_IDENTIFIER=kubelet",
	"SYSLOG_IDENTIFIER=containerd", NULL,
};

/* The second pass: every other program's failure lines, by failure_line's words (parse/failure_msg.h). */
static const char journal_grep[] = "fork|Fork|thread|emory|lloc|orarily|rrno|pawn|lone|ENOMEM|EAGAIN|map_count";

static bool taken_by_first_pass(const struct journal_entry *e)
{
	if (e->kernel)
		return true;
	for (size_t i = 2; journal_matches[i]; i++) {
		const char *v = journal_matches[i] + strlen("SYSLOG_IDENTIFIER=");

		if (e->identifier && e->identifier_len == strlen(v) && memcmp(e->identifier, v, e->identifier_len) == 0)
			return true;
	}
	return false;
}

/* A text source at fd: lines, or export-format entries when it starts like them. */
static int read_text_fd(struct history *h, unsigned source, int fd, bool is_gzip)
{
	struct text_src s = { .fd = fd, .gzip = is_gzip };
	struct text_ctx c = { .h = h };
	struct stat st;
	const char *line;
	size_t len;
	bool cut;
	struct journal_export_parser *jp = NULL;
	struct journal_ctx jc = { h };
	time_t ref = time(NULL);

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		ref = st.st_mtime;
	c.have_ref = localtime_r(&ref, &c.ref) != NULL;
#ifdef HAVE_ZLIB
	if (is_gzip) {
		s.gz = gzdopen(dup(fd), "rb");
		if (!s.gz)
			return -ENOMEM;
		gzbuffer(s.gz, 131072);
	}
#else
	if (is_gzip) {
		history_source_problem(h, source, -ENOTSUP, "a gzip file: this headroom was built without zlib");
		return -ENOTSUP;
	}
#endif
	s.buf = xmalloc(HISTORY_LINE_MAX + CHUNK);
	/* the first chunk says which: export-format text is fed whole (a binary field holds any byte, newlines too) */
	while (s.len < 4096 && !s.eof) {
		ssize_t r = src_read(&s, s.buf + s.len, HISTORY_LINE_MAX + CHUNK - s.len);

		if (r <= 0)
			s.eof = true;
		else
			s.len += (size_t)r;
	}
	if (journal_export_looks_like(s.buf, s.len)) {
		jp = xmalloc(sizeof(*jp));
		journal_export_init(jp);
		while (s.len) {
			ssize_t r;

			journal_export_feed(jp, s.buf, s.len, journal_entry_line, &jc);
			s.len = 0;
			if (s.eof || (r = src_read(&s, s.buf, CHUNK)) <= 0)
				break;
			s.len = (size_t)r;
		}
		journal_export_finish(jp, journal_entry_line, &jc);
		xfree(jp);
	} else {
		uint64_t skipped = 0;

		/* most lines hold none of the words any line of interest holds: counted, not parsed */
		for (;;) {
			/* until the boot's start is known, each line is looked at: a kernel line with both clocks gives it */
			bool line_by_line = c.held || h->cur_boot < 0 || !h->boots[h->cur_boot].has_start;
			bool got = line_by_line ? src_line(&s, &line, &len, &cut) : src_line_of_interest(&s, &line, &len, &cut, &skipped);

			if (got && line_by_line && !c.held &&
			    !history_line_wanted(h, line, line + len, memmem(line, len < 256 ? len : 256, " kernel: [", 10) != NULL)) {
				skipped++;
				got = true;
				history_skip_lines(h, skipped, c.boot_id[0] ? c.boot_id : NULL);
				skipped = 0;
				continue;
			}
			if (skipped) {
				history_skip_lines(h, skipped, c.boot_id[0] ? c.boot_id : NULL);
				skipped = 0;
			}
			if (!got)
				break;
			text_line(&c, line, len);
		}
		text_end(&c);
	}
	if (s.err)
		history_source_problem(h, source, s.err, s.problem[0] ? s.problem : NULL);
#ifdef HAVE_ZLIB
	if (is_gzip)
		gzclose(s.gz);
#endif
	xfree(s.buf);
	h->sources[source].read = h->sources[source].lines > 0 || !s.err;
	return s.err;
}

static bool fd_is_gzip(int fd)
{
	unsigned char magic[2];
	ssize_t n = pread(fd, magic, 2, 0);

	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

int history_read_file(struct history *h, const struct hr_root *root, int dirfd, const char *path, const char *name)
{
	unsigned s = history_source_begin(h, name);
	int fd, r;
	struct stat st;

	if (strcmp(path, "-") == 0)
		return read_text_fd(h, s, STDIN_FILENO, false);
	fd = root ? root_openat(root, dirfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK)
		  : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = fd;
		if (!root)
			r = -errno;
		history_source_problem(h, s, r, NULL);
		return r;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		history_source_problem(h, s, -EISDIR, NULL);
		return -EISDIR;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (journal_file_is_binary(fd)) {
		/* journalctl reads it by its name: a user's path as given, a root's below it */
		char full[PATH_MAX];

		close(fd);
		if (root && !root->live)
			snprintf(full, sizeof(full), "%s", name);
		else
			snprintf(full, sizeof(full), "%s", root ? name : path);
		return history_read_journal_file(h, s, full);
	}
	r = read_text_fd(h, s, fd, fd_is_gzip(fd));
	close(fd);
	return r;
}

/* ---- the journal ---- */

/* Up to n bytes of a field, NUL-terminated, into out. */
static const char *field(char *out, size_t size, const char *s, size_t n)
{
	if (!s)
		return NULL;
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

static int journal_entry_line(void *ctx, const struct journal_entry *e)
{
	struct journal_ctx *c = ctx;
	struct hist_line l = { 0 };
	char boot[33];

	if (!e->message || (c->second && taken_by_first_pass(e)))
		return 0;
	if (!history_line_wanted(c->h, e->message, e->message + e->message_len,
				 e->kernel && e->has_realtime && e->has_source_monotonic)) {
		char id[33];

		history_skip_lines(c->h, 1, e->boot_id[0] ? field(id, sizeof(id), e->boot_id, strlen(e->boot_id)) : NULL);
		return 0;
	}
	l.msg = e->message;
	l.msg_len = e->message_len;
	l.raw = e->message;
	l.raw_len = e->message_len;
	l.writer = e->kernel ? HIST_WRITER_KERNEL : HIST_WRITER_PROGRAM;
	l.ident = e->identifier;
	l.ident_len = e->identifier_len;
	l.pid = e->pid;
	/* the unit PID1 speaks of; for another program's line, the unit it runs in */
	l.unit = e->unit ? e->unit : e->systemd_unit;
	l.unit_len = e->unit ? e->unit_len : e->systemd_unit_len;
	l.has_time = e->has_realtime;
	l.time_usec = (int64_t)e->realtime_usec;
	/* the kernel's lines carry their printk time; journald's own stamp is when it read them */
	if (e->kernel && e->has_source_monotonic) {
		l.has_mono = true;
		l.mono_usec = e->source_monotonic_usec;
	} else if (e->has_monotonic) {
		l.has_mono = !e->kernel;
		l.mono_usec = e->monotonic_usec;
	}
	if (e->boot_id[0])
		l.boot_id = field(boot, sizeof(boot), e->boot_id, strlen(e->boot_id));
	/* the boot's start: realtime less monotonic, journald's own pair */
	if (e->has_realtime && e->has_monotonic && e->kernel && !e->has_source_monotonic) {
		l.has_mono = true;
		l.mono_usec = e->monotonic_usec;
	}
	history_add_line(c->h, &l);
	return 0;
}

static bool journal_file_is_binary(int fd)
{
	char magic[8];

	return pread(fd, magic, 8, 0) == 8 && memcmp(magic, "LPKSHHRH", 8) == 0;
}

/*
 * The journal in two passes, so that journalctl reads what matters and not every entry: the kernel's
 * and the killers' and PID1's lines through the journal's index, then the other programs' lines that
 * hold a failure's words (--grep; without it, every entry, which the words then sort).
 */
static int read_journal(struct history *h, unsigned s, const struct journal_source *src, bool failures)
{
	struct journal_ctx c = { h, false };
	struct journal_read_stats st = { 0 };
	struct journal_source first = *src, second = *src;
	int r;

	first.matches = journal_matches;
	second.grep = journal_grep;
	r = journal_read(&first, journal_entry_line, &c, &st);
	if (r >= 0 && failures) {
		c.second = true;
		r = journal_read(&second, journal_entry_line, &c, &st);
	}
	if (r < 0)
		history_source_problem(h, s, r, st.error[0] ? st.error : NULL);
	else
		h->sources[s].read = true;
	if (st.truncated && r >= 0)
		history_source_problem(h, s, 0, "some fields were longer than headroom keeps, and were cut");
	/* "Hint: You are currently not seeing messages from other users and the system." and the like */
	if (r >= 0 && st.warning[0])
		history_source_problem(h, s, 0, st.warning);
	return r;
}

static int history_read_journal_file(struct history *h, unsigned s, const char *path)
{
	struct journal_source src = { .file = path };

	return read_journal(h, s, &src, true);
}

int history_read_journal(struct history *h, const struct hr_root *root, int64_t since_usec, bool failures)
{
	struct journal_source src = { .has_since = since_usec != 0, .since_usec = since_usec };
	char dir[PATH_MAX];
	unsigned s;
	struct stat st;

	if (!root->live) {
		/* a dead machine's disk: its persistent journal (the volatile one did not survive) */
		snprintf(dir, sizeof(dir), "%s/var/log/journal", root->path);
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return -ENOENT;
		src.directory = dir;
		s = history_source_begin(h, dir);
	} else {
		if (stat("/var/log/journal", &st) < 0 && stat("/run/log/journal", &st) < 0)
			return -ENOENT;
		s = history_source_begin(h, "journal");
	}
	return read_journal(h, s, &src, failures);
}

/* ---- syslog files and their rotations ---- */

struct rotation {
	char name[256];
	long order; /* larger is older */
};

static int cmp_rotation(const void *a, const void *b)
{
	const struct rotation *x = a, *y = b;

	return x->order > y->order ? -1 : x->order < y->order;
}

/*
 * How old a rotation of base is: "base" 0, "base.1" 1, "base.2.gz" 2, "base-20261207[.gz]" by its date
 * (older dates are older); -1 when name is not one of base's.
 */
static long rotation_order(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *p = name + n;
	char *end;
	long v;

	if (strncmp(name, base, n) != 0)
		return -1;
	if (*p == '\0')
		return 0;
	if (*p != '.' && *p != '-')
		return -1;
	v = strtol(p + 1, &end, 10);
	if (end == p + 1 || v < 0 || (*end && strcmp(end, ".gz") != 0))
		return -1;
	/* dates: newer is larger, so older must sort later: 99999999 - date */
	return *p == '-' ? 100000000L - v : v;
}

int history_read_syslog(struct history *h, const struct hr_root *root, bool rotations)
{
	static const char *const bases[] = { "messages", "syslog", "kern.log" };
	int dir = root_openat(root, root->fd, "var/log", O_RDONLY | O_DIRECTORY);
	int nread = 0;

	if (dir < 0)
		return 0;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		struct rotation *rot = NULL;
		size_t n = 0, cap = 0;
		struct dir_list *l = xmalloc(sizeof(*l));
		const char *name;
		unsigned char type;
		int err;

		lseek(dir, 0, SEEK_SET);
		dir_list_start(l, dir);
		while ((name = dir_list_next(l, &type, &err))) {
			long order = rotation_order(name, bases[b]);

			if (order < 0 || (order > 0 && !rotations) || strlen(name) >= sizeof(rot[0].name))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				rot = xreallocarray(rot, cap, sizeof(*rot));
			}
			snprintf(rot[n].name, sizeof(rot[n].name), "%s", name);
			rot[n++].order = order;
		}
		xfree(l);
		if (n)
			qsort(rot, n, sizeof(*rot), cmp_rotation);
		for (size_t i = 0; i < n; i++) {
			char shown[PATH_MAX];

			snprintf(shown, sizeof(shown), "%s%svar/log/%s", root->path,
				 root->path[strlen(root->path) - 1] == '/' ? "" : "/", rot[i].name);
			history_read_file(h, root, dir, rot[i].name, shown);
			nread++;
		}
		xfree(rot);
	}
	close(dir);
	return nread;
}

/* The files under dir/<each subdirectory> whose names match (prefix, or the exact name), read as text. */
static int read_crash_dir(struct history *h, const struct hr_root *root, const char *dir, const char *prefix,
			  const char *exact)
{
	int fd = root_openat(root, root->fd, dir, O_RDONLY | O_DIRECTORY), n = 0;
	struct dir_list *l, *l2;
	const char *name, *file;
	unsigned char type;
	int err;

	if (fd < 0)
		return 0;
	l = xmalloc(sizeof(*l));
	l2 = xmalloc(sizeof(*l2));
	dir_list_start(l, fd);
	while ((name = dir_list_next(l, &type, &err)) && n < 64) {
		char sub[256];
		int sfd;

		if (strlen(name) >= sizeof(sub))
			continue;
		snprintf(sub, sizeof(sub), "%s", name);
		sfd = root_openat(root, fd, sub, O_RDONLY | O_DIRECTORY);
		if (sfd < 0)
			continue;
		dir_list_start(l2, sfd);
		while ((file = dir_list_next(l2, &type, &err)) && n < 64) {
			char shown[PATH_MAX], fname[256];

			if (strlen(file) >= sizeof(fname) || (exact ? strcmp(file, exact) != 0 : strncmp(file, prefix, strlen(prefix)) != 0))
				continue;
			snprintf(fname, sizeof(fname), "%s", file);
			snprintf(shown, sizeof(shown), "%s%s%s/%s/%s", root->path, root->path[strlen(root->path) - 1] == '/' ? "" : "/",
				 dir, sub, fname);
			history_read_file(h, root, sfd, fname, shown);
			n++;
		}
		close(sfd);
	}
	xfree(l2);
	xfree(l);
	close(fd);
	return n;
}

int history_read_crash_logs(struct history *h, const struct hr_root *root)
{
	return read_crash_dir(h, root, "var/lib/systemd/pstore", "dmesg", NULL) +
	       read_crash_dir(h, root, "var/crash", NULL, "vmcore-dmesg.txt");
}

/* The files of root's dir whose names start with prefix, read as text. */
static int read_dir_files(struct history *h, const struct hr_root *root, const char *dir, const char *prefix)
{
	int fd = root_openat(root, root->fd, dir, O_RDONLY | O_DIRECTORY), n = 0;
	struct dir_list *l;
	const char *name;
	unsigned char type;
	int err;

	if (fd < 0)
		return 0;
	l = xmalloc(sizeof(*l));
	dir_list_start(l, fd);
	while ((name = dir_list_next(l, &type, &err)) && n < 64) {
		char shown[PATH_MAX], fname[256];

		if (strlen(name) >= sizeof(fname) || strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(fname, sizeof(fname), "%s", name);
		snprintf(shown, sizeof(shown), "%s/%s/%s", root->path, dir, fname);
		history_read_file(h, root, fd, fname, shown);
		n++;
	}
	xfree(l);
	close(fd);
	return n;
}

int history_read_dir(struct history *h, const char *path)
{
	struct hr_root root;
	int r = root_open(&root, path), n = 0;

	if (r < 0)
		return r;
	/* the tree of another machine, or of this one read as a tree: never the running kernel's log */
	root.live = false;
	n += history_read_journal(h, &root, 0, true) == 0;
	n += history_read_syslog(h, &root, true);
	n += history_read_crash_logs(h, &root);
	n += read_dir_files(h, &root, "sos_commands/logs", "journalctl_");
	root_close(&root);
	return n;
}

bool history_read_all(struct history *h, const struct hr_root *root, const char *const *logs, size_t nlogs,
		      bool failures)
{
	char boot_id[33];
	bool kmsg = false;

	for (size_t i = 0; i < nlogs; i++) {
		struct stat st;

		/* a directory is a machine's tree: a mounted disk, an unpacked sosreport */
		if (strcmp(logs[i], "-") != 0 && stat(logs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			int r = history_read_dir(h, logs[i]);

			if (r == 0)
				history_source_problem(h, history_source_begin(h, logs[i]), -ENOENT,
						       "a directory without var/log, a journal or a sosreport's logs");
			else if (r < 0)
				history_source_problem(h, history_source_begin(h, logs[i]), r, NULL);
			continue;
		}
		history_read_file(h, NULL, AT_FDCWD, logs[i], strcmp(logs[i], "-") == 0 ? "standard input" : logs[i]);
	}
	if (!nlogs) {
		if (root->live)
			kmsg = history_read_kmsg(h) == 0;
		history_read_journal(h, root, 0, failures);
		history_read_syslog(h, root, true);
		history_read_crash_logs(h, root);
	}
	history_finish(h, root->live && !nlogs && history_current_boot_id(boot_id) ? boot_id : NULL,
		       root->live && !nlogs ? kernel_log_boot_epoch() * 1000000 : 0);
	return kmsg;
}
