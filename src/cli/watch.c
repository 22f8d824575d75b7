// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom watch: options, the configuration file and its reload on SIGHUP. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/root.h"
#include "core/text.h"
#include "parse/conf.h"
#include "watch/evidence.h"
#include "watch/watch.h"

static const char usage_text[] =
	"Usage: headroom watch [OPTION]...\n"
	"Watch every limit continuously, in one process that never forks, starts no thread and allocates\n"
	"nothing after start-up: serve Prometheus metrics, log kernel events, and write evidence of who\n"
	"consumed a limit when it crossed a threshold.\n"
	"\n"
	"  -l, --listen ADDR:PORT       serve GET /metrics there (PORT alone: 127.0.0.1:PORT)\n"
	"  -s, --state-dir DIR          write evidence snapshots (JSON) to DIR\n"
	"  -t, --textfile DIR           write DIR/headroom.prom for node_exporter's textfile collector\n"
	"  -i, --interval SECONDS       the tick while every limit is ok (default 1)\n"
	"      --min-interval SECONDS   the fastest tick, reached at 100% of a limit (default 0.1)\n"
	"      --scan-interval SECONDS  a full scan of every process at least this often (default 60; 0: each tick)\n"
	"      --scan-gap SECONDS       at most one scan for a limit's jump per SECONDS (default 5)\n"
	"  -w, --warning PCT            warning at PCT percent of a limit (default 80)\n"
	"  -c, --critical PCT           critical at PCT percent of a limit (default 95)\n"
	"      --evidence-files N       evidence files kept in the state directory (default 20, at most 1000)\n"
	"      --evidence-bytes N       the most one evidence file holds (default 1048576)\n"
	"      --max-cgroups N          cgroups with a limit watched, the closest to it first (default 512)\n"
	"      --tick-cgroups N         watched cgroups re-read a tick, the nearest a limit first (default 24)\n"
	"      --scan-memory MIB        memory reserved for a full scan (default 64)\n"
	"      --no-maps                do not count memory mappings in full scans\n"
	"      --count N                stop after N ticks (default: run until SIGTERM)\n"
	"  -f, --config FILE          read settings from FILE (\"option = value\" lines); reread on SIGHUP\n"
	"  -r, --root DIR               read DIR/proc, DIR/sys and DIR/etc instead of /proc, /sys and /etc\n"
	"  -h, --help                   show this help and exit\n"
	"  -V, --version                show the version and exit\n"
	"\n"
	"Options given on the command line override the file. SIGHUP rereads both; SIGTERM stops.\n"
	"Exit status: 0 stopped by a signal or after --count ticks, 3 could not start (see the message).\n";

enum {
	OPT_MIN_INTERVAL = 256,
	OPT_SCAN_INTERVAL,
	OPT_SCAN_GAP,
	OPT_EVIDENCE_FILES,
	OPT_EVIDENCE_BYTES,
	OPT_MAX_CGROUPS,
	OPT_TICK_CGROUPS,
	OPT_SCAN_MEMORY,
	OPT_NO_MAPS,
	OPT_COUNT,
};

static const struct option long_options[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "state-dir", required_argument, NULL, 's' },
	{ "textfile", required_argument, NULL, 't' },
	{ "interval", required_argument, NULL, 'i' },
	{ "min-interval", required_argument, NULL, OPT_MIN_INTERVAL },
	{ "scan-interval", required_argument, NULL, OPT_SCAN_INTERVAL },
	{ "scan-gap", required_argument, NULL, OPT_SCAN_GAP },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "evidence-files", required_argument, NULL, OPT_EVIDENCE_FILES },
	{ "evidence-bytes", required_argument, NULL, OPT_EVIDENCE_BYTES },
	{ "max-cgroups", required_argument, NULL, OPT_MAX_CGROUPS },
	{ "tick-cgroups", required_argument, NULL, OPT_TICK_CGROUPS },
	{ "scan-memory", required_argument, NULL, OPT_SCAN_MEMORY },
	{ "no-maps", no_argument, NULL, OPT_NO_MAPS },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "config", required_argument, NULL, 'f' },
	{ "root", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":l:s:t:i:w:c:f:r:hV";

/* "--listen" for 'l', for messages. */
static const char *option_name(int opt)
{
	static char name[40];

	for (const struct option *o = long_options; o->name; o++)
		if (o->val == opt) {
			snprintf(name, sizeof(name), "--%s", o->name);
			return name;
		}
	return "option";
}

/* Set while the daemon rereads its configuration: what is wrong goes to its log, stamped like every line. */
static bool reloading;

static void __attribute__((format(printf, 1, 2))) config_error(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (reloading)
		watch_log("reload: %s", msg);
	else
		cli_error("%s", msg);
}

static int parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *ret)
{
	uint64_t v;

	if (parse_u64_str(s, strlen(s), &v) < 0 || v < lo || v > hi)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int copy_path(char *dst, size_t size, const char *s)
{
	if (!*s || strlen(s) >= size)
		return -EINVAL;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/*
 * Applies one setting, from the command line or the file (where says which, for the message).
 * Returns 0, or -EINVAL after saying why.
 */
static int set_option(struct watch_config *c, int opt, const char *name, const char *v, const char *where)
{
	uint64_t n;
	int r = 0;

	switch (opt) {
	case 'l': r = copy_path(c->listen, sizeof(c->listen), v); break;
	case 's': r = copy_path(c->state_dir, sizeof(c->state_dir), v); break;
	case 't': r = copy_path(c->textfile_dir, sizeof(c->textfile_dir), v); break;
	case 'f': r = copy_path(c->config_path, sizeof(c->config_path), v); break;
	case 'i': r = cli_parse_decimal(v, 0.01, 3600, &c->interval_s); break;
	case OPT_MIN_INTERVAL:
		r = cli_parse_decimal(v, 0.01, 3600, &c->min_interval_s);
		c->min_interval_given = r == 0;
		break;
	case OPT_SCAN_INTERVAL: r = cli_parse_decimal(v, 0, 86400, &c->scan_interval_s); break;
	case OPT_SCAN_GAP: r = cli_parse_decimal(v, 0, 86400, &c->scan_gap_s); break;
	case 'w': r = cli_parse_percent(v, &c->th.warning_pct); break;
	case 'c': r = cli_parse_percent(v, &c->th.critical_pct); break;
	case OPT_EVIDENCE_FILES:
		r = parse_count(v, 1, EVIDENCE_FILES_MAX, &n);
		c->evidence_files = r ? c->evidence_files : (unsigned)n;
		break;
	case OPT_EVIDENCE_BYTES:
		r = parse_count(v, 1024, 1u << 30, &n);
		c->evidence_bytes = r ? c->evidence_bytes : (size_t)n;
		break;
	case OPT_MAX_CGROUPS:
		r = parse_count(v, 1, 100000, &n);
		c->max_cgroups = r ? c->max_cgroups : (unsigned)n;
		break;
	case OPT_TICK_CGROUPS:
		r = parse_count(v, 1, 100000, &n);
		c->tick_cgroups = r ? c->tick_cgroups : (unsigned)n;
		break;
	case OPT_SCAN_MEMORY:
		r = parse_count(v, 4, 65536, &n);
		c->scan_memory = r ? c->scan_memory : (size_t)n << 20;
		break;
	case OPT_NO_MAPS:
		/* on the command line it takes no value; in the file "no-maps = yes" or "no" */
		if (!v || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			c->map_counts = false;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			c->map_counts = true;
		else
			r = -EINVAL;
		break;
	case OPT_COUNT: r = parse_count(v, 1, UINT64_MAX, &c->count); break;
	default: r = -EINVAL; break;
	}
	if (r < 0)
		config_error("invalid %s value '%s'%s%s; see 'headroom watch --help'", name, v ? v : "", where ? " in " : "",
			  where ? where : "");
	return r;
}

struct file_ctx {
	struct watch_config *c;
	const char *path;
	int err;
};

static int on_setting(const char *key, const char *value, int line, void *ctx_)
{
	struct file_ctx *ctx = ctx_;
	char where[PATH_MAX + 32], name[72];

	snprintf(where, sizeof(where), "%s:%d", ctx->path, line);
	for (const struct option *o = long_options; o->name; o++) {
		if (strcmp(o->name, key) != 0)
			continue;
		if (o->val == 'f' || o->val == 'r' || o->val == 'h' || o->val == 'V' || o->val == OPT_COUNT)
			break; /* command-line only */
		snprintf(name, sizeof(name), "'%s'", key);
		if (set_option(ctx->c, o->val, name, value, where) < 0)
			ctx->err = -EINVAL;
		return 0;
	}
	config_error("unknown setting '%s' in %s", key, where);
	ctx->err = -EINVAL;
	return 0;
}

/* Reads the configuration file in mem: the heap at start-up, the daemon's tick arena on a reload. */
static int read_config(struct watch_config *c, const char *path, struct arena *mem)
{
	struct file_ctx ctx = { c, path, 0 };
	struct buf b;
	ssize_t n;
	int bad;

	buf_init_in(&b, mem);
	n = read_file_at(NULL, AT_FDCWD, path, &b);
	if (n < 0) {
		config_error("cannot read '%s': %s", path, root_strerror((int)-n));
		buf_free(&b);
		return (int)n;
	}
	sysctl_conf_parse(b.data, b.len, on_setting, &ctx, &bad);
	buf_free(&b);
	if (bad) {
		config_error("'%s' line %d is not a 'setting = value' line", path, bad);
		return -EINVAL;
	}
	return ctx.err;
}

struct args {
	int argc;
	char **argv;
	char root[PATH_MAX];
	int exit_now; /* >= 0: --help, --version or a bad option ended the parse with this status */
};

/* Defaults, then the file named by --config, then the command line. Returns 0 or -EINVAL after saying why. */
static int load(struct watch_config *c, struct args *a, struct arena *mem)
{
	int opt, r = 0;

	watch_config_defaults(c);
	snprintf(a->root, sizeof(a->root), "/");
	a->exit_now = -1;
	/* first pass: only where the file is */
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(a->argc, a->argv, short_options, long_options, NULL)) != -1)
		if (opt == 'f' && set_option(c, 'f', "--config", optarg, NULL) < 0)
			return -EINVAL;
	if (c->config_path[0] && read_config(c, c->config_path, mem) < 0)
		return -EINVAL;
	optind = 0;
	while ((opt = getopt_long(a->argc, a->argv, short_options, long_options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (copy_path(a->root, sizeof(a->root), optarg) < 0)
				r = set_option(c, -1, "--root", optarg, NULL);
			break;
		case 'h': case 'V': case ':': case '?':
			a->exit_now = cli_common_option(opt, a->argv, "headroom watch", usage_text);
			return -EINVAL;
		default:
			if (set_option(c, opt, option_name(opt), optarg, NULL) < 0)
				r = -EINVAL;
			break;
		}
		if (r < 0)
			return r;
	}
	if (optind < a->argc) {
		config_error("unexpected argument '%s'; see 'headroom watch --help'", a->argv[optind]);
		return -EINVAL;
	}
	if (c->th.warning_pct > c->th.critical_pct) {
		config_error("--warning (%g) must not be above --critical (%g)", c->th.warning_pct, c->th.critical_pct);
		return -EINVAL;
	}
	if (c->min_interval_s > c->interval_s && !c->min_interval_given)
		c->min_interval_s = c->interval_s; /* the default follows a faster --interval */
	if (c->min_interval_s > c->interval_s) {
		config_error("--min-interval (%g s) must not be above --interval (%g s)", c->min_interval_s, c->interval_s);
		return -EINVAL;
	}
	return 0;
}

static int reload(struct watch_config *c, struct arena *mem, void *ctx)
{
	struct watch_config n;
	int r;

	reloading = true;
	r = load(&n, ctx, mem); /* the same command line: the same --root */
	reloading = false;
	if (r < 0)
		return r;
	*c = n;
	return 0;
}

int cmd_watch(int argc, char **argv)
{
	static struct args a;
	struct watch_config c;
	struct hr_root root;
	int r;

	a.argc = argc;
	a.argv = argv;
	if (load(&c, &a, NULL) < 0)
		return a.exit_now >= 0 ? a.exit_now : EXIT_UNKNOWN;
	if (cli_open_root(&root, a.root) < 0)
		return EXIT_UNKNOWN;
	r = watch_run(&root, &c, reload, &a, NULL);
	root_close(&root);
	return r < 0 ? EXIT_UNKNOWN : EXIT_OK;
}

const struct cli_command cli_watch = {
	.name = "watch",
	.summary = "watch continuously: metrics, events, evidence",
	.run = cmd_watch,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_NONE,
};
