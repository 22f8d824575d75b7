// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom top: the daemon's loop (watch/watch.c) with a view instead of a server: each tick's limits
 * drawn on the terminal, keys read between ticks. The terminal is put back on q, Ctrl-C, SIGTERM and on
 * a crash. Hand-written ANSI sequences, not ncurses: the binary stays static and self-contained, draws
 * into the tick's arena (no allocation per frame), and needs no terminfo from a machine in trouble.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/root.h"
#include "core/text.h"
#include "render/render.h"
#include "top/view.h"
#include "watch/watch.h"

static const char usage_text[] =
	"Usage: headroom top [OPTION]...\n"
	"Every limit that can make fork, thread creation or memory allocation fail, live: sorted by use, with\n"
	"its trend and the time until full at that rate, its hog, the consumers, and the kernel's events.\n"
	"\n"
	"  -d, --delay SECONDS    refresh every SECONDS (default 1; 0.1 to 3600)\n"
	"  -b, --batch            plain frames to standard output, for a pipe or a log (like top -b)\n"
	"  -n, --iterations N     stop after N frames (default: until q, or forever with -b)\n"
	"  -a, --all              every limit, not only those the report lists (the key a toggles it)\n"
	"  -j, --json             with -b, one JSON object a frame (schema in headroom(1))\n"
	"      --scan-interval SECONDS  a full scan of the processes at least this often (default 30)\n"
	"  -w, --warning PCT      warning at PCT percent of a limit (default 80)\n"
	"  -c, --critical PCT     critical at PCT percent of a limit (default 95)\n"
	"      --no-fork          accepted for symmetry: headroom top never forks\n"
	"      --color[=WHEN]     colour: auto (default), always or never\n"
	"  -r, --root DIR         read DIR/proc and DIR/sys instead (a fixture tree)\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n"
	"\n"
	"Keys: q quit; Up/Down, PgUp/PgDn, Home/End scroll; s sort; c consumers pane; a every limit;\n"
	"h or ? help. From a shell that cannot fork: exec headroom top --no-fork\n"
	"Exit status: 0 on q, a signal or after N frames; 3 bad option or not a terminal (see -b).\n";

enum { OPT_NO_FORK = 256, OPT_COLOR, OPT_SCAN_INTERVAL };

static const struct option long_options[] = {
	{ "delay", required_argument, NULL, 'd' },
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "scan-interval", required_argument, NULL, OPT_SCAN_INTERVAL },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "no-fork", no_argument, NULL, OPT_NO_FORK },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "root", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":d:bn:ajw:c:r:hV";

struct top_args {
	struct watch_config cfg;
	bool batch, all, json;
	const char *color;
	const char *root;
};

/* Returns -1 to go on, or the exit status to end with (after saying why). */
static int parse_args(int argc, char **argv, struct top_args *a)
{
	uint64_t n;
	int c;

	watch_config_defaults(&a->cfg);
	a->cfg.scan_interval_s = 30;
	a->cfg.map_counts = true;
	/* someone is looking: every watched cgroup at each refresh, not the daemon's few in turn */
	a->cfg.tick_cgroups = a->cfg.max_cgroups;
	a->color = "auto";
	a->root = "/";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (cli_parse_decimal(optarg, 0.1, 3600, &a->cfg.interval_s) < 0) {
				cli_error("invalid --delay value '%s': expected seconds from 0.1 to 3600", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'b': a->batch = true; break;
		case 'a': a->all = true; break;
		case 'j': a->json = true; break;
		case 'n':
			if (parse_u64_str(optarg, strlen(optarg), &n) < 0 || n == 0 || n > 100000000) {
				cli_error("invalid --iterations value '%s': expected a count from 1", optarg);
				return EXIT_UNKNOWN;
			}
			a->cfg.count = n;
			break;
		case OPT_SCAN_INTERVAL:
			if (cli_parse_decimal(optarg, 1, 86400, &a->cfg.scan_interval_s) < 0) {
				cli_error("invalid --scan-interval value '%s': expected seconds from 1 to 86400", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'w':
		case 'c':
			if (cli_parse_percent(optarg, c == 'w' ? &a->cfg.th.warning_pct : &a->cfg.th.critical_pct) < 0) {
				cli_error("invalid --%s value '%s': expected a percentage above 0, at most 100",
					  c == 'w' ? "warning" : "critical", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case OPT_NO_FORK: break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &a->color) < 0)
				return EXIT_UNKNOWN;
			break;
		case 'r': a->root = optarg; break;
		default:
			return cli_common_option(c, argv, "headroom top", usage_text);
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s'; see 'headroom top --help'", argv[optind]);
		return EXIT_UNKNOWN;
	}
	if (a->json && !a->batch) {
		cli_error("--json needs -b: a terminal gets the view");
		return EXIT_UNKNOWN;
	}
	if (a->cfg.th.warning_pct > a->cfg.th.critical_pct) {
		cli_error("--warning (%g) must not be above --critical (%g)", a->cfg.th.warning_pct, a->cfg.th.critical_pct);
		return EXIT_UNKNOWN;
	}
	/* the refresh is the one asked for, not faster near a limit as the daemon's */
	a->cfg.min_interval_s = a->cfg.interval_s;
	return -1;
}

/* ---- the terminal ---- */

static struct termios saved_termios;
static volatile sig_atomic_t terminal_changed;
static const char leave_screen[] = "\033[?25h\033[?1049l";

/* Async-signal-safe: from the crash handlers too. */
static void terminal_restore(void)
{
	if (!terminal_changed)
		return;
	terminal_changed = 0;
	(void)!write(STDOUT_FILENO, leave_screen, sizeof(leave_screen) - 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
}

static void on_crash(int sig)
{
	terminal_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Keys one at a time, no echo, no flow control, Ctrl-Z off (a stopped view would keep the screen); Ctrl-C stays SIGINT. */
static int terminal_enter(void)
{
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
		return -errno;
	t = saved_termios;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;
	for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		signal(crashes[i], on_crash);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0)
		return -errno;
	terminal_changed = 1;
	atexit(terminal_restore);
	/* the alternate screen, cursor hidden */
	static const char enter_screen[] = "\033[?1049h\033[?25l\033[H\033[2J";

	return cli_write_all(STDOUT_FILENO, enter_screen, sizeof(enter_screen) - 1);
}

static void terminal_size(unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* ---- the view ---- */

struct top {
	struct top_view view;
	struct top_frame_opts opts;
	uint64_t noted_tick; /* the last tick whose limits the trends have */
	bool batch, json;
};

static enum watch_view_action on_frame(void *ctx, const struct watch_frame *f)
{
	struct top *t = ctx;
	struct buf out;

	/* a redraw of the same tick (a key, a resize): a log gets each frame once */
	if (t->batch && f->stats->ticks == t->noted_tick)
		return VIEW_GO_ON;
	/* a new tick: its limits into the trends (a redraw adds nothing) */
	if (f->stats->ticks != t->noted_tick) {
		t->noted_tick = f->stats->ticks;
		for (size_t i = 0; i < f->limits->nlimits; i++)
			trends_note(&t->view.trends, &f->limits->limits[i], f->now);
	}
	if (!t->batch)
		terminal_size(&t->opts.rows, &t->opts.cols);
	buf_init_in(&out, f->mem);
	buf_grow(&out, 16 << 10);
	if (t->json)
		render_top_json(&t->view, f, &out);
	else
		render_top_text(&t->view, &t->opts, f, &out);
	if (t->batch) {
		if (!t->json)
			buf_addc(&out, '\n');
		/* each frame's events once: the pane starts empty again */
		t->view.nevents = 0;
	}
	return cli_write_all(STDOUT_FILENO, out.data, out.len) < 0 ? VIEW_QUIT : VIEW_GO_ON;
}

static enum watch_view_action on_input(void *ctx)
{
	struct top *t = ctx;
	char keys[64];
	ssize_t n = read(STDIN_FILENO, keys, sizeof(keys));

	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		return VIEW_QUIT; /* the terminal is gone */
	if (n < 0)
		return VIEW_GO_ON;
	switch (top_view_keys(&t->view, keys, (size_t)n)) {
	case TOP_KEY_QUIT: return VIEW_QUIT;
	case TOP_KEY_REDRAW: return VIEW_REDRAW;
	case TOP_KEY_NONE: break;
	}
	return VIEW_GO_ON;
}

static void on_log(void *ctx, const char *line)
{
	struct top *t = ctx;

	top_view_event(&t->view, line);
}

static double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_top(int argc, char **argv)
{
	static struct top t;
	struct top_args a = { 0 };
	struct watch_view view;
	struct hr_root root;
	const char *cols;
	int status, r;

	status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	if (!a.batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		cli_error("not a terminal: headroom top -b prints plain frames for a pipe or a log");
		return EXIT_UNKNOWN;
	}
	if (cli_open_root(&root, a.root) < 0)
		return EXIT_UNKNOWN;
	memset(&t, 0, sizeof(t));
	top_view_init(&t.view, mono_seconds());
	t.batch = a.batch;
	t.json = a.json;
	t.view.all = a.all;
	t.opts = (struct top_frame_opts){ 24, 80, !a.batch, cli_use_color(a.color, STDOUT_FILENO) };
	if (a.batch) {
		/* a log's lines are not cut to a terminal: COLUMNS when set, else wide */
		unsigned long w = (cols = getenv("COLUMNS")) ? strtoul(cols, NULL, 10) : 0;

		t.opts.cols = w >= 40 && w <= 4096 ? (unsigned)w : 250;
	}
	view = (struct watch_view){ a.batch ? -1 : STDIN_FILENO, on_input, on_frame, on_log, &t };
	if (!a.batch && (r = terminal_enter()) < 0) {
		terminal_restore();
		cli_error("cannot set up the terminal: %s", strerror(-r));
		top_view_free(&t.view);
		root_close(&root);
		return EXIT_UNKNOWN;
	}
	r = watch_run(&root, &a.cfg, NULL, NULL, &view);
	terminal_restore();
	top_view_free(&t.view);
	root_close(&root);
	if (r < 0) {
		/* the loop's own words went to the view's log: the last of them says why */
		const char *why = top_view_event_at(&t.view, 0);

		cli_error("cannot start: %s", why ? why : strerror(-r));
		return EXIT_UNKNOWN;
	}
	return EXIT_OK;
}

const struct cli_command cli_top = {
	.name = "top",
	.summary = "a live view of every limit, its trend and hog",
	.run = cmd_top,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_NONE,
};
