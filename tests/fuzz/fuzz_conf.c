// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes sysctl_conf_parse() and limits_conf_parse() with sysctl.d(5) and limits.conf(5) text. */
#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "parse/conf.h"

/* The parsers' field bound (CONF_FIELD_MAX in parse/conf.c): a field must fit with its NUL. */
#define FIELD_MAX 128

struct walk {
	int lines;           /* lines in the input: the last line number a callback may see */
	const bool *has_nul; /* has_nul[n]: line n (1-based) holds a NUL byte */
	int last_line;
	size_t calls;
	size_t stop_at;      /* return -ECANCELED on this call (1-based); 0: never */
	bool *called;        /* called[n]: a callback saw line n (NULL: not kept) */
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A field is a C string of one line, shorter than the bound. */
static size_t check_field(const char *s)
{
	size_t n = strnlen(s, FIELD_MAX);

	FUZZ_CHECK(n < FIELD_MAX);
	FUZZ_CHECK(!memchr(s, '\n', n));
	return n;
}

/*
 * Line numbers are 1-based, within the input, and grow: one call per line at most. A line holding
 * a NUL byte is skipped (conf.h): a NUL would cut a field short ("kernel.pid_max\0junk = 5").
 */
static int next_call(struct walk *w, int line)
{
	FUZZ_CHECK(line >= 1 && line <= w->lines);
	FUZZ_CHECK(line > w->last_line);
	FUZZ_CHECK(!w->has_nul[line]);
	if (w->called)
		w->called[line] = true;
	w->last_line = line;
	w->calls++;
	return w->calls == w->stop_at ? -ECANCELED : 0;
}

/* sysctl.d: "key = value", key normalised to dots and both trimmed. */
static int on_sysctl(const char *key, const char *value, int line, void *ctx)
{
	size_t kn = check_field(key), vn = check_field(value);

	FUZZ_CHECK(kn > 0);
	FUZZ_CHECK(!memchr(key, '/', kn) && !memchr(key, '=', kn));
	FUZZ_CHECK(!is_blank(key[0]) && !is_blank(key[kn - 1]));
	if (vn)
		FUZZ_CHECK(!is_blank(value[0]) && !is_blank(value[vn - 1]));
	return next_call(ctx, line);
}

/* limits.conf: four blank-free fields, comments cut off. */
static int on_limit(const char *domain, const char *type, const char *item, const char *value, int line, void *ctx)
{
	const char *f[] = { domain, type, item, value };

	for (int i = 0; i < 4; i++) {
		size_t n = check_field(f[i]);

		FUZZ_CHECK(n > 0);
		for (size_t k = 0; k < n; k++)
			FUZZ_CHECK(!is_blank(f[i][k]) && f[i][k] != '#');
	}
	return next_call(ctx, line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	bool *has_nul = calloc(size + 2, sizeof(*has_nul)), *called = calloc(size + 2, sizeof(*called));
	struct walk w = { .has_nul = has_nul };
	size_t calls;
	int r, bad;

	if (!has_nul || !called)
		abort();
	/* next_line() yields a last line without '\n', and none after a final '\n' */
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\0')
			has_nul[w.lines + 1] = true;
		w.lines += buf[i] == '\n';
	}
	if (size && buf[size - 1] != '\n')
		w.lines++;

	w.called = called;
	r = sysctl_conf_parse(buf, size, on_sysctl, &w, &bad);
	FUZZ_CHECK(r == 0);
	/* the first line that is not configuration: within the input, never one that was called */
	FUZZ_CHECK(bad >= 0 && bad <= w.lines);
	FUZZ_CHECK(!bad || !called[bad]);
	for (int i = 1; i <= w.lines; i++)
		if (has_nul[i]) {
			FUZZ_CHECK(bad && bad <= i);
			break;
		}
	calls = w.calls;
	w = (struct walk){ .lines = w.lines, .has_nul = has_nul, .stop_at = 1 };
	r = sysctl_conf_parse(buf, size, on_sysctl, &w, NULL);
	FUZZ_CHECK(r == (calls ? -ECANCELED : 0) && w.calls == (calls ? 1 : 0));

	w = (struct walk){ .lines = w.lines, .has_nul = has_nul };
	r = limits_conf_parse(buf, size, on_limit, &w);
	FUZZ_CHECK(r == 0);
	calls = w.calls;
	w = (struct walk){ .lines = w.lines, .has_nul = has_nul, .stop_at = 1 };
	r = limits_conf_parse(buf, size, on_limit, &w);
	FUZZ_CHECK(r == (calls ? -ECANCELED : 0) && w.calls == (calls ? 1 : 0));
	free(has_nul);
	free(called);
	free(buf);
	return 0;
}
