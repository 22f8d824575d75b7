// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom repro MODE: builds a sandbox, makes one failure happen inside it, shows what the failing
 * program saw and what the report says while the failure is held, then removes everything.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/text.h"
#include "render/render.h"
#include "repro/repro.h"
#include "repro/run.h"
#include "repro/sandbox.h"

/* Exit statuses of repro (headroom(1), EXIT STATUS). */
enum {
	REPRO_EXIT_NAMED = 0,       /* the failure happened and the report named its limit critical */
	REPRO_EXIT_NOT_NAMED = 1,   /* the failure happened; the report did not name it as expected */
	REPRO_EXIT_NO_FAILURE = 2,  /* nothing failed within the bounds */
	REPRO_EXIT_ERROR = 3,       /* a bad option, or the sandbox could not be set up */
	REPRO_EXIT_NOT_ROOT = 4,    /* refused: needs root */
	REPRO_EXIT_UNSUPPORTED = 5, /* refused: the kernel or the system lacks what the mode needs */
};

static const char usage_text[] =
	"Usage: headroom repro [OPTION]... MODE\n"
	"Reproduce one failure mode inside a sandbox that is removed afterwards: show the error the\n"
	"failing call got, and headroom's report of the limit while the failure is held.\n"
	"\n"
	"  -l, --list           list the modes\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -n, --count N        the small limit to fill: pids.max, RLIMIT_NPROC, the namespace's pid_max\n"
	"  -s, --size SIZE      rlimit-as, rlimit-data: the room left under the limit; oom-cgroup: the\n"
	"                       cgroup's memory limit (default 64M; suffixes K, M, G)\n"
	"  -u, --uid UID        nproc: the unprivileged uid (default: a free uid from 64000)\n"
	"  -H, --hold SEC       keep the failure held SEC seconds after the report (for alerts and other\n"
	"                       tools to see it; Ctrl-C ends it early), then remove the sandbox\n"
	"  -t, --timeout SEC    every process of the sandbox exits by itself after SEC seconds (default 60,\n"
	"                       and at least --hold + 30)\n"
	"      --color[=WHEN]   colour status words: auto (default), always or never\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 reproduced and named by the report, 1 reproduced but not named, 2 nothing failed,\n"
	"3 bad usage or set-up error, 4 needs root, 5 the kernel or system lacks what the mode needs.\n";

enum { OPT_COLOR = 256 };

static const struct option long_options[] = {
	{ "list", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ "count", required_argument, NULL, 'n' },
	{ "size", required_argument, NULL, 's' },
	{ "uid", required_argument, NULL, 'u' },
	{ "timeout", required_argument, NULL, 't' },
	{ "hold", required_argument, NULL, 'H' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":ljn:s:u:t:H:hV";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* "64M", "1G", "65536": bytes. */
static int parse_size(const char *s, uint64_t *ret)
{
	size_t len = strlen(s);
	uint64_t v, mult = 1;

	if (len && strchr("kKmMgG", s[len - 1])) {
		mult = strchr("kK", s[len - 1]) ? 1ull << 10 : strchr("mM", s[len - 1]) ? 1ull << 20 : 1ull << 30;
		len--;
	}
	if (!len || parse_u64_str(s, len, &v) < 0 || v > UINT64_MAX / mult)
		return -EINVAL;
	*ret = v * mult;
	return 0;
}

/* Sleeps up to seconds, in short slices, until a signal asks to stop. */
static void hold_for(uint64_t seconds)
{
	struct timespec slice = { 0, 100 * 1000 * 1000 };

	for (uint64_t i = 0; i < seconds * 10 && !interrupted; i++)
		nanosleep(&slice, NULL);
}

static int list_modes(void)
{
	for (size_t i = 0; i < REPRO_NMODES; i++)
		printf("%-16s %s\n", repro_modes[i].name, repro_modes[i].summary);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_UNKNOWN;
}

/* What the command line asks for. */
struct repro_args {
	const struct repro_mode *m;
	const char *color;
	bool json, have_count, have_size, have_uid;
	uint64_t count, size, timeout, uid, hold;
};

/* Reads and checks the options. Returns -1 to go on, or the exit status to end with (after saying why). */
static int parse_args(int argc, char **argv, struct repro_args *ret)
{
	const struct repro_mode *m;
	const char *color = "auto";
	bool json = false, have_count = false, have_size = false, have_uid = false;
	uint64_t count = 0, size = 0, timeout = 60, uid = 0, hold = 0;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'l': return list_modes();
		case 'j': json = true; break;
		case 'n':
			if (parse_u64_str(optarg, strlen(optarg), &count) < 0) {
				cli_error("invalid --count value '%s': expected a number", optarg);
				return REPRO_EXIT_ERROR;
			}
			have_count = true;
			break;
		case 's':
			if (parse_size(optarg, &size) < 0) {
				cli_error("invalid --size value '%s': expected bytes, or a number with K, M or G", optarg);
				return REPRO_EXIT_ERROR;
			}
			have_size = true;
			break;
		case 'u':
			if (parse_u64_str(optarg, strlen(optarg), &uid) < 0 || uid == 0 || uid >= 0xffffffffu) {
				cli_error("invalid --uid value '%s': expected a uid above 0", optarg);
				return REPRO_EXIT_ERROR;
			}
			have_uid = true;
			break;
		case 't':
			if (parse_u64_str(optarg, strlen(optarg), &timeout) < 0 || timeout < 5 || timeout > 3600) {
				cli_error("invalid --timeout value '%s': expected seconds from 5 to 3600", optarg);
				return REPRO_EXIT_ERROR;
			}
			break;
		case 'H':
			if (parse_u64_str(optarg, strlen(optarg), &hold) < 0 || hold > 3600) {
				cli_error("invalid --hold value '%s': expected seconds from 0 to 3600", optarg);
				return REPRO_EXIT_ERROR;
			}
			break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &color) < 0)
				return REPRO_EXIT_ERROR;
			break;
		default:
			return cli_common_option(c, argv, "headroom repro", usage_text);
		}
	}
	if (optind >= argc) {
		cli_error("which mode? 'headroom repro --list' lists them");
		return REPRO_EXIT_ERROR;
	}
	if (optind + 1 < argc) {
		cli_error("unexpected argument '%s'; see 'headroom repro --help'", argv[optind + 1]);
		return REPRO_EXIT_ERROR;
	}

	m = repro_mode_find(argv[optind]);
	if (!m) {
		cli_error("unknown mode '%s'; 'headroom repro --list' lists them", argv[optind]);
		return REPRO_EXIT_ERROR;
	}
	if (have_count && !m->count_what) {
		cli_error("--count does not apply to mode %s", m->name);
		return REPRO_EXIT_ERROR;
	}
	if (have_count && (count < m->count_min || count > m->count_max)) {
		cli_error("--count for %s (%s) must be from %llu to %llu", m->name, m->count_what,
			  (unsigned long long)m->count_min, (unsigned long long)m->count_max);
		return REPRO_EXIT_ERROR;
	}
	if (have_size && !m->uses_size) {
		cli_error("--size does not apply to mode %s", m->name);
		return REPRO_EXIT_ERROR;
	}
	if (have_size && (size < m->size_min || size > (1ull << 30))) {
		cli_error("--size for %s must be from %lluM to 1G", m->name, (unsigned long long)(m->size_min >> 20));
		return REPRO_EXIT_ERROR;
	}
	if (have_uid && !m->takes_uid) {
		cli_error("--uid applies to mode nproc only");
		return REPRO_EXIT_ERROR;
	}
	if (geteuid() != 0) {
		cli_error("repro %s needs root: it creates cgroups%s", m->name,
			  m->takes_uid ? " and changes to another uid" : "");
		return REPRO_EXIT_NOT_ROOT;
	}
	*ret = (struct repro_args){ m, color, json, have_count, have_size, have_uid, count, size, timeout, uid, hold };
	return -1;
}

/* Makes the failure happen, shows it, removes everything. Returns the exit status. */
static int run_mode(const struct repro_args *args)
{
	static const int exit_status_of[] = {
		[REPRO_NAMED] = REPRO_EXIT_NAMED, [REPRO_NOT_NAMED] = REPRO_EXIT_NOT_NAMED,
		[REPRO_NO_FAILURE] = REPRO_EXIT_NO_FAILURE, [REPRO_SETUP_FAILED] = REPRO_EXIT_ERROR,
	};
	const struct repro_mode *m = args->m;
	struct sigaction sa = { .sa_handler = on_signal };
	struct repro_run *run;
	uint64_t hold = args->hold;
	struct buf out;
	char why[600];
	int r, status;

	run = xcalloc(1, sizeof(*run));
	repro_run_init(run, m, &interrupted);
	run->o.count = args->have_count ? args->count : m->count_default;
	run->o.size = args->have_size ? args->size : m->size_default;
	run->o.timeout_s = (unsigned)(args->timeout > hold + 30 ? args->timeout : hold + 30);
	if (repro_run_check_support(run, why, sizeof(why)) < 0) {
		cli_error("cannot run mode %s here: %s", m->name, why);
		status = REPRO_EXIT_UNSUPPORTED;
		goto out;
	}
	if (m->takes_uid) {
		uint32_t u = (uint32_t)args->uid;

		if (!args->have_uid && repro_free_uid(&u) < 0) {
			cli_error("no free uid from 64000 to 64999 for mode nproc; give one with --uid");
			status = REPRO_EXIT_ERROR;
			goto out;
		}
		run->o.uid = u;
	}

	/* orphans of the workload come to this process, which reaps them (sandbox_remove) */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* from here on, everything made is removed on any exit */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = repro_run_sandbox(run, why, sizeof(why));
	if (r < 0) {
		cli_error("cannot run mode %s: %s", m->name, why);
		sandbox_remove(&run->sb);
		status = r == -ENOTSUP ? REPRO_EXIT_UNSUPPORTED : REPRO_EXIT_ERROR;
		goto out;
	}
	r = repro_run_workload(run, 30, why, sizeof(why));
	if (r < 0)
		cli_error("%s", why);
	status = REPRO_EXIT_ERROR;
	if (r == 0 && !interrupted)
		status = exit_status_of[repro_run_observe(run)];
	buf_init(&out);
	if (!args->json && !interrupted) {
		render_repro_text(run, cli_use_color(args->color, STDOUT_FILENO), &out);
		if (hold)
			buf_printf(&out, "\nHolding the failure for %llu s (Ctrl-C ends it early)\n", (unsigned long long)hold);
		if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0)
			status = REPRO_EXIT_ERROR;
		buf_reset(&out);
	}
	hold_for(hold);
	sandbox_remove(&run->sb);
	if (interrupted) {
		/* said on stderr: the output a script reads stays one document, or nothing */
		cli_error("interrupted by %s; removed %u process%s and %u cgroup%s%s%s",
			strsignal(interrupted), run->sb.removed_procs, run->sb.removed_procs == 1 ? "" : "es",
			run->sb.removed_cgroups, run->sb.removed_cgroups == 1 ? "" : "s",
			run->sb.leftover[0] ? "; could not remove " : "", run->sb.leftover);
		status = 128 + interrupted;
	} else {
		if (args->json)
			render_repro_json(run, status, &out);
		else
			render_repro_removed(run, &out);
		if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0)
			status = REPRO_EXIT_ERROR;
	}
	buf_free(&out);
out:
	repro_run_free(run);
	xfree(run);
	return status;
}

int cmd_repro(int argc, char **argv)
{
	struct repro_args args;
	int status = parse_args(argc, argv, &args);

	return status >= 0 ? status : run_mode(&args);
}

const struct cli_command cli_repro = {
	.name = "repro",
	.summary = "reproduce a failure mode in a sandbox",
	.run = cmd_repro,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_REPRO_MODE,
};
