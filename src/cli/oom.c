// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom oom: what the kernel does when memory runs out (its configuration), who dies in each OOM
 * domain, and who died; headroom oom protect|prefer|adj: set oom_score_adj.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/oom_adj.h"
#include "core/root.h"
#include "core/text.h"
#include "diagnose/history.h"
#include "diagnose/oom.h"
#include "diagnose/oom_badness.h"
#include "probe/history_sources.h"
#include "probe/probe.h"
#include "render/render.h"

static const char usage_text[] =
	"Usage: headroom oom [OPTION]...\n"
	"       headroom oom protect PID...      oom_score_adj -1000: never chosen (needs CAP_SYS_RESOURCE)\n"
	"       headroom oom prefer PID...       oom_score_adj 1000: chosen first\n"
	"       headroom oom adj PID VALUE       oom_score_adj VALUE (-1000 to 1000)\n"
	"What the kernel does when memory runs out, which process dies in each OOM domain (the machine and\n"
	"every memory cgroup with a limit), and every OOM kill the logs kept, by every killer, across boots\n"
	"(the kernel log, the journal, syslog files: as headroom history reads them).\n"
	"\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -n, --top N          candidates listed per domain (default 5)\n"
	"  -r, --root DIR       read DIR/proc, DIR/sys and DIR/var/log instead (a fixture tree, a disk)\n"
	"  -l, --log FILE       the kills of FILE instead of the machine's logs (repeatable; - stdin)\n"
	"  -S, --since TIME     only kills from TIME (2026-12-07 03:00, -2h, yesterday ...)\n"
	"  -U, --until TIME     only kills up to TIME\n"
	"  -b, --boot N         only kills of boot N (0 this boot, -1 the one before)\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 shown or set, 1 a kill is in the logs (in the range), 3 bad usage or could not read;\n"
	"adj: 4 not permitted, 5 no such process.\n";

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },   { "top", required_argument, NULL, 'n' },
	{ "root", required_argument, NULL, 'r' }, { "log", required_argument, NULL, 'l' },
	{ "since", required_argument, NULL, 'S' }, { "until", required_argument, NULL, 'U' },
	{ "boot", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },   { "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":jn:r:l:S:U:b:hV";

#define MAX_LOGS 256

static int show(int argc, char **argv)
{
	struct probe_opts popts = { .no_fork = true, .oom_scores = true, .oom_config = true, .memcg = true };
	struct oom_view v;
	struct hr_root root;
	struct snapshot snap;
	struct buf out;
	struct history h;
	struct history_filter f = { 0 };
	const char *logs[MAX_LOGS];
	size_t nlogs = 0;
	uint64_t top = 5;
	bool json = false;
	const char *root_path = "/";
	int64_t now = (int64_t)time(NULL) * 1000000;
	int c, status, kills = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': root_path = optarg; break;
		case 'n':
			if (parse_u64_str(optarg, strlen(optarg), &top) < 0 || top > 100000) {
				cli_error("invalid --top value '%s': expected a number", optarg);
				return EXIT_UNKNOWN;
			}
			break;
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
		default:
			return cli_common_option(c, argv, "headroom oom", usage_text);
		}
	}
	if (optind < argc) {
		cli_error("unknown subcommand '%s'; see 'headroom oom --help'", argv[optind]);
		return EXIT_UNKNOWN;
	}
	if (cli_open_root(&root, root_path) < 0)
		return EXIT_UNKNOWN;
	snapshot_init(&snap, NULL);
	probe_snapshot(&root, &popts, &snap);
	oom_view_build(&snap, sysconf(_SC_PAGESIZE), top, &v);
	/* the kills of every log, as headroom history reads them; the kernel's ring buffer only when live */
	history_init(&h);
	v.log_read = history_read_all(&h, &root, logs, nlogs, false);
	v.events = &h;
	v.filter = &f;
	for (size_t i = 0; i < h.n; i++)
		kills += oom_view_shows(&v, &h.events[i]);
	buf_init(&out);
	if (json)
		render_oom_json(&v, &out);
	else
		render_oom_text(&v, &out);
	status = kills ? EXIT_WARNING : EXIT_OK;
	if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0)
		status = EXIT_UNKNOWN;
	buf_free(&out);
	oom_view_free(&v);
	history_free(&h);
	snapshot_free(&snap);
	root_close(&root);
	return status;
}

/* Sets oom_score_adj of pid. Returns 0, or an exit status (headroom(1), oom) after saying why. */
static int set_adj(const char *pid_s, int adj)
{
	uint64_t pid;
	int r;

	if (parse_u64_str(pid_s, strlen(pid_s), &pid) < 0 || pid == 0 || pid > INT32_MAX) {
		cli_error("invalid pid '%s'", pid_s);
		return EXIT_UNKNOWN;
	}
	r = oom_adj_write((int)pid, adj);
	if (r == -ENOENT || r == -ESRCH) {
		cli_error("no process %d", (int)pid);
		return 5;
	}
	if (r == -EACCES || r == -EPERM) {
		cli_error("cannot set oom_score_adj of %d to %d: %s (lowering it below the value the process was "
			  "given needs CAP_SYS_RESOURCE; another user's process needs root)",
			  (int)pid, adj, strerror(-r));
		return 4;
	}
	if (r < 0) {
		cli_error("cannot write '/proc/%d/oom_score_adj': %s", (int)pid, strerror(-r));
		return EXIT_UNKNOWN;
	}
	printf("pid %d: oom_score_adj %d (legacy oom_adj %d%s)\n", (int)pid, adj, oom_adj_from_score_adj(adj),
	       adj <= -1000 ? ": never chosen" : adj >= 1000 ? ": chosen first" : "");
	return 0;
}

int cmd_oom(int argc, char **argv)
{
	int worst = 0;

	if (argc > 1 && (strcmp(argv[1], "protect") == 0 || strcmp(argv[1], "prefer") == 0)) {
		if (argc < 3) {
			cli_error("%s: which process? headroom oom %s PID...", argv[1], argv[1]);
			return EXIT_UNKNOWN;
		}
		for (int i = 2; i < argc; i++) {
			int r = set_adj(argv[i], strcmp(argv[1], "protect") == 0 ? -1000 : 1000);

			if (r > worst)
				worst = r;
		}
		return worst;
	}
	if (argc > 1 && strcmp(argv[1], "adj") == 0) {
		int64_t v;
		const char *p;

		if (argc != 4) {
			cli_error("adj: headroom oom adj PID VALUE");
			return EXIT_UNKNOWN;
		}
		p = argv[3];
		if (parse_i64(&p, argv[3] + strlen(argv[3]), &v) < 0 || *p || v < -1000 || v > 1000) {
			cli_error("invalid oom_score_adj '%s': expected -1000 to 1000", argv[3]);
			return EXIT_UNKNOWN;
		}
		return set_adj(argv[2], (int)v);
	}
	return show(argc, argv);
}

const struct cli_command cli_oom = {
	.name = "oom",
	.summary = "the OOM killer: victims, history, oom_score_adj",
	.run = cmd_oom,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_OOM_ACTION,
};
