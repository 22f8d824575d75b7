// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every line of tests/messages/corpus, captured from a real program made to fail in a sandbox
 * (tests/messages/capture), read by failure_msg_parse as its file's "# expect:" line says: the
 * operation (or an OOM kill), the errno, and what the line names of where it failed.
 *
 * The lines of a file, pasted together, must read exactly as expected. Each line alone must not
 * contradict it (a line may not determine everything: Node.js prints "Error: EAGAIN" and, lines later,
 * "code: 'ERR_WORKER_INIT_FAILED'"), and a field the file expects (a cgroup, a victim, a limit) must be
 * read the same from every line that has it, and from one line at least.
 *
 * The lines of tests/messages/corpus/l10n, captured the same way under other locales ("# locale:"), are
 * read back to English through the machine's message catalogs (probe/catalogs.h), in the locale's
 * language, and each must then read as its file expects; a file whose language has no glibc catalog
 * here (libc-l10n not installed) is skipped with the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/limits.h"
#include "core/root.h"
#include "parse/failure_msg.h"
#include "probe/catalogs.h"
#include "unit.h"

#define CORPUS "tests/messages/corpus"

struct expect {
	char op[16];       /* fork, thread, alloc or kill */
	int err;           /* 0: the lines may not give one */
	char cgroup[512];  /* "" none */
	int victim;        /* kill: the victim's pid; 0 none */
	char limit[32];    /* "" none */
	char unit[256];    /* a systemd unit; "" none */
	unsigned long long needed;
};

static int errno_by_name(const char *s)
{
	for (int e = 1; e < 256; e++)
		if (strcmp(errno_name(e), s) == 0)
			return e;
	return -1;
}

/* "op=fork errno=EAGAIN cgroup=/a victim=12 limit=map_count needed=262144 unit=app.service" */
static int expect_parse(const char *line, struct expect *x)
{
	char buf[FAILURE_MSG_MAX + 2], *save = NULL;

	memset(x, 0, sizeof(*x));
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		if (strncmp(t, "op=", 3) == 0)
			snprintf(x->op, sizeof(x->op), "%s", t + 3);
		else if (strncmp(t, "errno=", 6) == 0 && (x->err = errno_by_name(t + 6)) < 0)
			return -1;
		else if (strncmp(t, "cgroup=", 7) == 0)
			snprintf(x->cgroup, sizeof(x->cgroup), "%s", t + 7);
		else if (strncmp(t, "victim=", 7) == 0)
			x->victim = atoi(t + 7);
		else if (strncmp(t, "limit=", 6) == 0)
			snprintf(x->limit, sizeof(x->limit), "%s", t + 6);
		else if (strncmp(t, "unit=", 5) == 0)
			snprintf(x->unit, sizeof(x->unit), "%s", t + 5);
		else if (strncmp(t, "needed=", 7) == 0)
			x->needed = strtoull(t + 7, NULL, 10);
		else if (strncmp(t, "op=", 3) != 0 && strncmp(t, "errno=", 6) != 0)
			return -1;
	}
	return x->op[0] ? 0 : -1;
}

struct seen {
	bool cgroup, victim, limit, unit;
};

/*
 * One captured line, or all of them (exact): what it reads must be what the file expects, where it reads
 * anything. Notes in *seen the context fields it gave.
 */
static bool reads_as(const char *file, const char *text, const struct expect *x, bool exact, struct seen *seen)
{
	struct failure_msg m;
	bool kill = strcmp(x->op, "kill") == 0, ok;

	ok = failure_msg_parse(text, strlen(text), &m) == 0 || !exact;
	if (kill)
		ok &= m.oom_kill || (!exact && m.op == OP_UNKNOWN);
	else
		ok &= !m.oom_kill && (strcmp(failure_op_name(m.op), x->op) == 0 || (!exact && m.op == OP_UNKNOWN));
	ok &= !x->err || m.err == x->err || (!exact && m.err == 0);
	if (m.cgroup[0])
		ok &= strcmp(m.cgroup, x->cgroup) == 0, seen->cgroup = true;
	if (m.oom_victim)
		ok &= m.oom_victim == x->victim, seen->victim = true;
	if (m.unit[0])
		ok &= strcmp(m.unit, x->unit) == 0, seen->unit = true;
	if (m.limit) {
		ok &= limit_id_find(m.limit) >= 0 && (!x->limit[0] || strcmp(m.limit, x->limit) == 0);
		seen->limit |= x->limit[0] && strcmp(m.limit, x->limit) == 0 && m.limit_needed == x->needed;
	}
	if (!ok)
		fprintf(stdout, "    %s: %s'%.160s' read as op %s%s, errno %d, cgroup '%s', victim %d, limit %s (%llu)\n",
			file, exact ? "all its lines, " : "", text, failure_op_name(m.op), m.oom_kill ? " (an OOM kill)" : "",
			m.err, m.cgroup, m.oom_victim, m.limit ? m.limit : "none", (unsigned long long)m.limit_needed);
	if (!ok && m.unit[0])
		fprintf(stdout, "    %s: ... and unit '%s'\n", file, m.unit);
	return ok;
}

/* Opens the capture dir/name for reading; NULL (a failed check) when it cannot. */
static FILE *open_capture(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	CHECK(f != NULL);
	return f;
}

/* Calls fn with each capture file's name (NAME.txt) in dir. Returns how many there were. */
static unsigned each_capture(const char *dir, void (*fn)(const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned files = 0;

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0) {
			fn(e->d_name, ctx);
			files++;
		}
	}
	if (d)
		closedir(d);
	return files;
}

static void check_file(const char *name, void *ctx)
{
	unsigned *ret_lines = ctx;
	char line[FAILURE_MSG_MAX + 2];
	char *all = NULL;
	struct expect x;
	struct seen seen = { 0 }, ignored = { 0 };
	bool have_expect = false;
	unsigned lines = 0;
	FILE *f;

	f = open_capture(CORPUS, name);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "# expect: ", 10) == 0) {
			have_expect = expect_parse(line + 10, &x) == 0;
			if (!have_expect)
				fprintf(stdout, "    %s: a bad expect line: %s\n", name, line);
			CHECK(have_expect);
		} else if (strncmp(line, "| ", 2) == 0 && have_expect) {
			if (!reads_as(name, line + 2, &x, false, &seen))
				unit_failures++;
			str_appendf(NULL, &all, "%s%s", all ? "\n" : "", line + 2);
			lines++;
		}
	}
	fclose(f);
	CHECK(have_expect && lines > 0);
	if (have_expect && all && !reads_as(name, all, &x, true, &ignored))
		unit_failures++;
	xfree(all);
	if (x.cgroup[0] && !seen.cgroup)
		fprintf(stdout, "    %s: no line gave the cgroup %s\n", name, x.cgroup), unit_failures++;
	if (x.victim && !seen.victim)
		fprintf(stdout, "    %s: no line gave the victim %d\n", name, x.victim), unit_failures++;
	if (x.unit[0] && !seen.unit)
		fprintf(stdout, "    %s: no line gave the unit %s\n", name, x.unit), unit_failures++;
	if (x.limit[0] && !seen.limit)
		fprintf(stdout, "    %s: no line gave the limit %s (%llu)\n", name, x.limit, x.needed), unit_failures++;
	*ret_lines += lines;
}

static void every_captured_line_is_read(void)
{
	unsigned lines = 0, files = each_capture(CORPUS, check_file, &lines);

	printf("    %u captured lines in %u files\n", lines, files);
	CHECK(files >= 15);
}

/* The locale's language as the catalogs name it: "zh_CN" for zh_CN.UTF-8, "ru" or "ru_RU" for ru_RU.UTF-8. */
static bool same_language(const char *catalog, const char *locale)
{
	size_t a = strcspn(catalog, "_@."), b = strcspn(locale, "_@.");

	if (a != b || strncmp(catalog, locale, a) != 0)
		return false;
	/* Chinese: the script is in the country */
	if (strncmp(locale, "zh", 2) == 0)
		return strncmp(catalog, locale, 5) == 0;
	return true;
}

/* What the localized files are read with, and what they counted. */
struct localized {
	struct hr_root root;
	unsigned lines, skipped;
};

static void check_localized_file(const char *name, void *ctx)
{
	static struct message_translation t;
	struct localized *lz = ctx;
	const struct hr_root *root = &lz->root;
	char line[FAILURE_MSG_MAX + 2], locale[FAILURE_MSG_MAX + 2] = "";
	struct expect x;
	bool have_expect = false;
	unsigned lines = 0;
	FILE *f;

	f = open_capture(CORPUS "/l10n", name);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct failure_msg m;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "# expect: ", 10) == 0) {
			have_expect = expect_parse(line + 10, &x) == 0;
			CHECK(have_expect);
			continue;
		}
		if (strncmp(line, "# locale: ", 10) == 0) {
			snprintf(locale, sizeof(locale), "%s", line + 10);
			if (!catalogs_language_installed(root, locale)) {
				printf("skip - %s: no glibc catalog of %s is installed (apt-get install libc-l10n)\n", name, locale);
				lz->skipped++;
				fclose(f);
				return;
			}
			continue;
		}
		if (strncmp(line, "| ", 2) != 0 || !have_expect || !locale[0])
			continue;
		lines++;
		memset(&t, 0, sizeof(t));
		if (catalogs_back_translate(root, line + 2, strlen(line + 2), &t) != 1 || !same_language(t.lang, locale)) {
			printf("    %s: '%s' not read in %s (read as '%s')\n", name, line + 2, locale, t.lang);
			unit_failures++;
			continue;
		}
		failure_msg_parse(t.bt.text, t.bt.len, &m);
		if (strcmp(failure_op_name(m.op), x.op) != 0 || (x.err && m.err != x.err)) {
			printf("    %s: '%s', in English '%s', read as op %s, errno %d\n", name, line + 2, t.bt.text,
			       failure_op_name(m.op), m.err);
			unit_failures++;
		}
	}
	fclose(f);
	CHECK(have_expect && locale[0] && lines > 0);
	lz->lines += lines;
}

static void every_localized_line_is_read(void)
{
	struct localized lz = { 0 };
	unsigned files;

	CHECK(root_open(&lz.root, "/") == 0);
	files = each_capture(CORPUS "/l10n", check_localized_file, &lz);
	root_close(&lz.root);
	printf("    %u localized lines read through the catalogs, in %u files (%u skipped)\n", lz.lines, files, lz.skipped);
	CHECK(files >= 60);
}

int main(void)
{
	RUN(every_captured_line_is_read);
	RUN(every_localized_line_is_read);
	return 0;
}
