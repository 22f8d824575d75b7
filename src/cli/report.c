// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom [report]: the one-shot report of every limit that can make fork, threads or allocation fail. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/root.h"
#include "core/text.h"
#include "model/limits.h"
#include "probe/probe.h"
#include "render/render.h"

static const char usage_text[] =
	"Usage: headroom [report] [OPTION]...\n"
	"       headroom explain [OPTION]... MESSAGE   (the cause of a failure; see headroom explain --help)\n"
	"       headroom oom [OPTION]...               (the OOM killer: victims, history; see headroom oom --help)\n"
	"       headroom repro [OPTION]... MODE        (reproduce a failure in a sandbox; see headroom repro --help)\n"
	"       headroom watch [OPTION]...             (watch continuously: metrics, events, evidence; see headroom watch --help)\n"
	"       headroom top [OPTION]...               (a live view of every limit, its trend and hog; see headroom top --help)\n"
	"       headroom completion SHELL              (the completion script for bash, zsh or fish)\n"
	"Report every limit that can make fork, thread creation or memory allocation fail:\n"
	"how close each is, who consumes it, and how to raise it now and durably.\n"
	"\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -m, --metrics        print Prometheus metrics (text exposition format; headroom(1), METRICS)\n"
	"  -a, --all            list every per-process limit, not only the closest of each kind\n"
	"  -d, --details        show evidence and fixes for ok limits too\n"
	"  -n, --top N          list N top consumers of each kind (default 10; 0 hides them)\n"
	"  -w, --warning PCT    warning at PCT percent of a limit (default 80)\n"
	"  -c, --critical PCT   critical at PCT percent of a limit (default 95)\n"
	"  -r, --root DIR       read DIR/proc, DIR/sys and DIR/etc instead of /proc, /sys and /etc\n"
	"      --no-fork        never fork: skip reading the pid_max of child pid namespaces\n"
	"      --no-maps        do not count memory mappings (skips the map_count limits)\n"
	"      --color[=WHEN]   colour status words: auto (default), always or never\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 all ok, 1 a warning, 2 a critical, 3 could not assess.\n"
	"From a shell that cannot fork, run: exec headroom --no-fork\n";

enum { OPT_NO_FORK = 256, OPT_NO_MAPS, OPT_COLOR };

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "metrics", no_argument, NULL, 'm' },
	{ "all", no_argument, NULL, 'a' },
	{ "details", no_argument, NULL, 'd' },
	{ "top", required_argument, NULL, 'n' },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "root", required_argument, NULL, 'r' },
	{ "no-fork", no_argument, NULL, OPT_NO_FORK },
	{ "no-maps", no_argument, NULL, OPT_NO_MAPS },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":jmadn:w:c:r:hV";

int cmd_report(int argc, char **argv)
{
	struct probe_opts popts = { .no_fork = false, .map_counts = true };
	struct render_opts ropts = { .top = 10 };
	struct thresholds th = THRESHOLDS_DEFAULT;
	const char *root_path = "/", *color = "auto";
	bool json = false, metrics = false;
	struct hr_root root;
	struct snapshot snap;
	struct assessment a;
	struct buf out;
	int c, r, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'm': metrics = true; break;
		case 'a': ropts.all = true; break;
		case 'd': ropts.details = true; break;
		case 'n': {
			uint64_t v;

			if (parse_u64_str(optarg, strlen(optarg), &v) < 0 || v > 1000000) {
				cli_error("invalid --top value '%s': expected a number from 0 to 1000000", optarg);
				return EXIT_UNKNOWN;
			}
			ropts.top = (size_t)v;
			break;
		}
		case 'w':
			if (cli_parse_percent(optarg, &th.warning_pct) < 0) {
				cli_error("invalid --warning value '%s': expected a percentage above 0 and at most 100", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'c':
			if (cli_parse_percent(optarg, &th.critical_pct) < 0) {
				cli_error("invalid --critical value '%s': expected a percentage above 0 and at most 100", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'r': root_path = optarg; break;
		case OPT_NO_FORK: popts.no_fork = true; break;
		case OPT_NO_MAPS: popts.map_counts = false; break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &color) < 0)
				return EXIT_UNKNOWN;
			break;
		default:
			return cli_common_option(c, argv, "headroom", usage_text);
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s'; see 'headroom --help'", argv[optind]);
		return EXIT_UNKNOWN;
	}
	if (th.warning_pct > th.critical_pct) {
		cli_error("--warning (%g) must not be above --critical (%g)", th.warning_pct, th.critical_pct);
		return EXIT_UNKNOWN;
	}
	if (json && metrics) {
		cli_error("--json and --metrics are two output formats: give one");
		return EXIT_UNKNOWN;
	}

	if (cli_open_root(&root, root_path) < 0)
		return EXIT_UNKNOWN;
	/* maps that cannot reach the warning threshold are not counted, unless every limit is listed */
	popts.map_count_min_pct = ropts.all ? 0 : th.warning_pct;
	snapshot_init(&snap, NULL);
	probe_snapshot(&root, &popts, &snap);
	assess(&snap, &th, &(struct assess_opts){ .every_process = ropts.all }, &a);

	ropts.color = !json && !metrics && cli_use_color(color, STDOUT_FILENO);
	buf_init(&out);
	if (metrics)
		render_report_prometheus(&a, snap.nproblems, &out);
	else if (json)
		render_report_json(&snap, &a, &ropts, &out);
	else
		render_report_text(&snap, &a, &ropts, &out);
	status = assessment_exit_status(&a);
	r = cli_write_all(STDOUT_FILENO, out.data, out.len);
	if (r < 0) {
		cli_error("cannot write the report: %s", strerror(-r));
		status = EXIT_UNKNOWN;
	}
	buf_free(&out);
	assessment_free(&a);
	snapshot_free(&snap);
	root_close(&root);
	return status;
}

const struct cli_command cli_report = {
	.name = "report",
	.summary = "report every limit, how close it is and who consumes it",
	.run = cmd_report,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_NONE,
};
