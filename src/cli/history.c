// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom history: every OOM kill (by the kernel, systemd-oomd, earlyoom, nohang), eviction, rejected
 * fork and fork failure the logs kept, across boots, oldest first, in incidents.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/root.h"
#include "core/text.h"
#include "diagnose/history.h"
#include "parse/when.h"
#include "probe/history_sources.h"
#include "render/render.h"

static const char usage_text[] =
	"Usage: headroom history [OPTION]...\n"
	"Every OOM kill, eviction, rejected fork and fork failure the logs kept, across reboots, oldest first,\n"
	"grouped into incidents, with who did the killing (the kernel, systemd-oomd, earlyoom, nohang, the\n"
	"kubelet) and the log lines that say so. Reads the kernel log, the journal (every boot it keeps) and\n"
	"/var/log/messages, syslog and kern.log with their rotations; or only the logs given with --log.\n"
	"\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -l, --log FILE       read FILE instead (repeatable; - is standard input): dmesg in any form,\n"
	"                       journalctl's text, export or a journal file, a syslog file, a pasted ticket;\n"
	"                       a directory: a machine's tree (a mounted disk, an unpacked sosreport)\n"
	"  -r, --root DIR       read DIR/var/log and DIR/var/log/journal (a dead machine's disk)\n"
	"  -S, --since TIME     only events from TIME: 2026-12-07, \"2026-12-07 03:00\", -2h, yesterday ...\n"
	"  -U, --until TIME     only events up to TIME\n"
	"  -b, --boot N         only boot N: 0 the current (or newest), -1 the one before, as journalctl counts\n"
	"      --color[=WHEN]   colour the incidents: auto (default), always, never\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 nothing found, 1 a kill, eviction, panic or fork failure is in the range asked, 3 bad\n"
	"usage or nothing could be read.\n";

enum { OPT_COLOR = 256 };

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },        { "log", required_argument, NULL, 'l' },
	{ "root", required_argument, NULL, 'r' },  { "since", required_argument, NULL, 'S' },
	{ "until", required_argument, NULL, 'U' }, { "boot", required_argument, NULL, 'b' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },        { "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":jl:r:S:U:b:hV";

#define MAX_LOGS 256

int cli_history_range_option(int c, const char *v, int64_t now, struct history_filter *f)
{
	const char *name = c == 'S' ? "since" : "until";
	int64_t t;

	if (c == 'b') {
		const char *p = v;

		if (parse_i64(&p, v + strlen(v), &t) < 0 || *p || t > 0 || t < -100000) {
			cli_error("invalid --boot value '%s': expected 0, -1, -2 ... (0 the current boot)", v);
			return -EINVAL;
		}
		f->has_boot = true;
		f->boot = (int)t;
		return 0;
	}
	if (when_parse(v, strlen(v), now, &t) < 0) {
		cli_error("invalid --%s value '%s': expected a date and time (2026-12-07 03:00), a relative time "
			  "(-2h, 3 days ago), today, yesterday or @SECONDS",
			  name, v);
		return -EINVAL;
	}
	if (c == 'S') {
		f->has_since = true;
		f->since_usec = t;
	} else {
		f->has_until = true;
		f->until_usec = t;
	}
	return 0;
}

/* The renderers' flush: the output so far to standard output (the first error kept in *ctx). */
static void write_out(struct buf *out, void *ctx)
{
	int *err = ctx;

	if (!*err && out->len)
		*err = cli_write_all(STDOUT_FILENO, out->data, out->len);
	buf_reset(out);
}

int cmd_history(int argc, char **argv)
{
	const char *logs[MAX_LOGS], *root_path = NULL, *color_when = NULL;
	size_t nlogs = 0;
	struct history_filter f = { 0 };
	struct history h;
	struct hr_root root;
	struct timespec ts;
	struct buf out;
	bool json = false, any_read = false, found = false;
	int64_t now;
	int c, status, werr = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': root_path = optarg; break;
		case 'l':
			if (nlogs == MAX_LOGS) {
				cli_error("too many --log files: at most %d", MAX_LOGS);
				return EXIT_UNKNOWN;
			}
			logs[nlogs++] = optarg;
			break;
		case 'S':
		case 'U':
		case 'b':
			if (cli_history_range_option(c, optarg, now, &f) < 0)
				return EXIT_UNKNOWN;
			break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &color_when) < 0)
				return EXIT_UNKNOWN;
			break;
		default:
			return cli_common_option(c, argv, "headroom history", usage_text);
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s'; see 'headroom history --help'", argv[optind]);
		return EXIT_UNKNOWN;
	}
	/* a dead machine's disk has logs, and no proc to open */
	if ((c = root_open(&root, root_path ? root_path : "/")) < 0) {
		cli_error("cannot open root '%s': %s", root_path ? root_path : "/", root_strerror(-c));
		return EXIT_UNKNOWN;
	}
	history_init(&h);
	history_read_all(&h, &root, logs, nlogs, true);
	for (unsigned i = 0; i < h.nsources; i++)
		any_read |= h.sources[i].read;
	for (size_t i = 0; i < h.n; i++)
		found |= history_event_selected(&h, &h.events[i], &f) && h.events[i].kind != HIST_EVIDENCE_FILE;
	buf_init(&out);
	if (json)
		render_history_json(&h, &f, &out, write_out, &werr);
	else
		render_history_text(&h, &f, cli_use_color(color_when, STDOUT_FILENO), &out, write_out, &werr);
	status = !any_read ? EXIT_UNKNOWN : found ? EXIT_WARNING : EXIT_OK;
	if (!any_read) {
		for (unsigned i = 0; i < h.nsources; i++)
			if (h.sources[i].err)
				cli_error("could not read '%s': %s", h.sources[i].name,
					  h.sources[i].problem ? h.sources[i].problem : strerror(-h.sources[i].err));
		cli_error("no log could be read%s", h.nsources ? "" : ": none was found (give one with --log)");
	}
	if (werr < 0) {
		cli_error("cannot write the history: %s", strerror(-werr));
		status = EXIT_UNKNOWN;
	}
	buf_free(&out);
	history_free(&h);
	root_close(&root);
	return status;
}

const struct cli_command cli_history = {
	.name = "history",
	.summary = "every OOM kill and fork failure the logs kept, across reboots",
	.run = cmd_history,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_NONE,
};
