/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_WATCH_WATCH_H
#define HEADROOM_WATCH_WATCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "model/limits.h"

/*
 * headroom watch: the report's pipeline run continuously by one process that never forks, starts no
 * thread and allocates only at start-up (core/arena.h), so that it keeps working when the machine or
 * its own cgroup is out of pids or memory.
 *
 * Each tick is a constant-cost pass: the machine-wide limits (/proc/loadavg, meminfo, vmstat, PSI)
 * and the cgroups with a limit re-read, assessed by the report's model. A full scan of every process
 * runs at start-up, every scan_interval, when a limit crosses a threshold or jumps, and after a
 * kernel event; when a threshold or an event started it, an evidence snapshot is logged and written.
 */
struct watch_config {
	double interval_s;        /* the tick when everything is ok (default 1) */
	double min_interval_s;    /* the fastest tick, at 100% of a limit (default 0.1, or --interval if lower) */
	bool min_interval_given;  /* set by the file or the command line, not the default */
	double scan_interval_s;   /* a full scan at least this often (default 60; 0: every tick) */
	double scan_gap_s;        /* triggered scans for a jump, at most one per this (default 5) */
	struct thresholds th;
	char listen[128];         /* "" none */
	char textfile_dir[PATH_MAX];
	char state_dir[PATH_MAX]; /* "" none */
	unsigned evidence_files;  /* kept in state_dir (default 20) */
	size_t evidence_bytes;    /* the most one evidence file holds (default 1 MiB) */
	unsigned max_cgroups;     /* watched: kept by each full scan, the closest to a limit (watch/watched.h) */
	unsigned tick_cgroups;    /* re-read a tick, those nearest a limit first */
	bool map_counts;          /* count memory mappings in full scans */
	size_t scan_memory;       /* address space reserved for a full scan (default 64 MiB) */
	uint64_t count;           /* stop after this many ticks; 0 never */
	char config_path[PATH_MAX]; /* "" none */
};

/*
 * The tables of watched cgroups, made at start-up: at most this many cgroups with a limit are watched
 * and served (those closest to a limit), and this many re-read a tick (see watch/watched.h).
 */
#define WATCH_MAX_CGROUPS_DEFAULT 512
#define WATCH_TICK_CGROUPS_DEFAULT 24

void watch_config_defaults(struct watch_config *c);

/*
 * Reloads the configuration on SIGHUP into *c (the fields that can change while running), reading
 * in mem (an arena of the daemon's loop); returns 0, or -errno after saying why, leaving *c as it was.
 */
typedef int (*watch_reload_fn)(struct watch_config *c, struct arena *mem, void *ctx);

/*
 * A live view driven by the daemon's loop (headroom top): each tick hands it the limits, its input is
 * polled with the loop's own descriptors, and the log lines (kernel events, crossings, warnings) go to
 * it instead of stderr. The view allocates nothing per frame: f->mem is the tick's arena.
 */
struct assessment;
struct snapshot;
struct watch_stats;
struct watch_frame {
	const struct assessment *limits;  /* this tick's, merged with the last full scan's (in the tick's arena) */
	const struct assessment *scan;    /* the last full scan's: each limit's hog, and the consumers */
	const struct snapshot *scan_snap; /* the last full scan's snapshot */
	const struct watch_stats *stats;
	struct arena *mem;                /* the tick's arena, for the frame's text */
	double now;                       /* monotonic seconds */
};
enum watch_view_action { VIEW_GO_ON, VIEW_REDRAW, VIEW_QUIT };
struct watch_view {
	int input_fd;                                /* polled with the loop's; -1 none */
	enum watch_view_action (*input)(void *ctx);  /* input_fd is readable */
	enum watch_view_action (*frame)(void *ctx, const struct watch_frame *f); /* VIEW_QUIT: its output is gone */
	void (*log)(void *ctx, const char *line);    /* a log line, stamped and escaped, without its newline */
	void *ctx;
};

/*
 * Runs until SIGTERM or SIGINT (or cfg->count ticks), or until the view asks to stop. With a view
 * (NULL for the daemon), SIGWINCH redraws, and nothing is served, written or logged to stderr.
 * Returns 0, or -errno when it cannot start.
 */
int watch_run(const struct hr_root *root, const struct watch_config *cfg, watch_reload_fn reload, void *ctx,
	      const struct watch_view *view);

/* A line to the daemon's log (stderr), stamped with the local time. */
void watch_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
