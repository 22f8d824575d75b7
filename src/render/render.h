/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_RENDER_RENDER_H
#define HEADROOM_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "model/limits.h"
#include "model/snapshot.h"

/* Renderers print an assessment; they decide nothing. Every string from outside goes through core/escape. */

/*
 * The colours of the status words, the same in every command (used only when cli_use_color() says so:
 * a terminal, and no NO_COLOR). A "likely" cause of explain is a warning; a ruled-out one is dim.
 */
#define COLOR_CRITICAL "\033[1;31m"
#define COLOR_WARNING "\033[1;33m"
#define COLOR_OK "\033[32m"
#define COLOR_BOLD "\033[1m"
#define COLOR_DIM "\033[2m"
#define COLOR_OFF "\033[0m"

struct render_opts {
	bool all;       /* every limit, not only the selection of limit_shown() */
	size_t top;     /* consumers listed per table */
	bool color;     /* ANSI colour for the status words */
	bool details;   /* the evidence and fix block for ok limits too */
};

void render_report_text(const struct snapshot *snap, const struct assessment *a, const struct render_opts *o,
			struct buf *out);
void render_report_json(const struct snapshot *snap, const struct assessment *a, const struct render_opts *o,
			struct buf *out);

/* headroom explain (the schema is in headroom(1), explain). */
struct explain_view;
void render_explain_text(const struct explain_view *v, bool color, struct buf *out);
void render_explain_json(const struct explain_view *v, struct buf *out);

/* headroom repro: the run as text (then, once the sandbox is gone, what was removed), or as JSON. */
struct repro_run;
void render_repro_text(const struct repro_run *run, bool color, struct buf *out);
void render_repro_removed(const struct repro_run *run, struct buf *out);
void render_repro_json(const struct repro_run *run, int exit_status, struct buf *out);

/* headroom oom (the schema is in headroom(1), oom). */
struct oom_view;
void render_oom_text(const struct oom_view *v, struct buf *out);
void render_oom_json(const struct oom_view *v, struct buf *out);
/* One OOM kill of the kernel log, as headroom oom lists it (also in explain): a line, or an object (key: NULL in an array). */
struct oom_kill;
struct json;
void render_oom_kill_text(const struct oom_kill *k, int64_t boot_epoch, struct buf *out);
void render_oom_kill_json(struct json *j, const char *key, const struct oom_kill *k, int64_t boot_epoch);

/* headroom history (the schema is in headroom(1), history). */
struct history;
struct history_filter;
struct hist_event;
struct hist_incident;
/*
 * flush (NULL: none) is called with out whenever it holds more than RENDER_FLUSH_BYTES and at the end: it
 * writes and empties it, so that a history of any length is printed in bounded memory.
 */
typedef void render_flush_fn(struct buf *out, void *ctx);
#define RENDER_FLUSH_BYTES 65536
void render_history_text(const struct history *h, const struct history_filter *f, bool color, struct buf *out,
			 render_flush_fn *flush, void *ctx);
void render_history_json(const struct history *h, const struct history_filter *f, struct buf *out,
			 render_flush_fn *flush, void *ctx);
/* One event as a JSON object (key: NULL in an array); also headroom oom's kills. */
void render_hist_event_json(struct json *j, const char *key, const struct history *h, const struct hist_event *e);
/* One event in one line of words, no newline ("the kernel killed java (pid 42) ..."). */
void render_hist_event_line(const struct history *h, const struct hist_event *e, struct buf *out);
/* An incident's cause in one line (its first event's words, and how many followed). */
void render_history_cause(const struct history *h, const struct hist_incident *x, struct buf *out);
/* usec since the epoch as "2026-12-07T03:12:01.000000Z" (utc) or local "2026-12-07 03:12:01". */
const char *render_history_time(int64_t usec, bool utc, char *out, size_t size);

/* The report as Prometheus metrics, text exposition format 0.0.4 (headroom(1), METRICS). */
/* unreadable: how many things could not be read (snapshot.nproblems). */
void render_report_prometheus(const struct assessment *a, size_t unreadable, struct buf *out);

/* What headroom watch adds to the report's metrics: kernel counters and its own health. */
enum watch_scan_reason { SCAN_STARTUP, SCAN_PERIODIC, SCAN_THRESHOLD, SCAN_EVENT, SCAN_RELOAD, SCAN_NREASONS };
enum watch_event { WEVENT_OOM_KILL, WEVENT_FORK_REJECTED, WEVENT_N };
enum watch_http_code { WHTTP_200, WHTTP_400, WHTTP_404, WHTTP_405, WHTTP_414, WHTTP_431, WHTTP_500, WHTTP_505, WHTTP_N };
enum watch_reject { WREJECT_BUSY, WREJECT_EVICTED, WREJECT_TIMEOUT, WREJECT_N };

struct watch_stats {
	const char *version;
	bool have_oom_kill;           /* /proc/vmstat oom_kill (4.13+) */
	uint64_t oom_kill;
	bool have_psi;
	uint64_t psi_some_us, psi_full_us;
	bool have_psi_full;
	uint64_t kernel_events[WEVENT_N];
	bool kernel_log_open;
	uint64_t kernel_log_lost;         /* records overwritten before they were read (sequence gaps) */
	uint64_t kernel_log_user_records; /* records written from user space: never taken for kernel events */
	uint64_t ticks;
	uint64_t scans[SCAN_NREASONS];
	double tick_seconds, scan_seconds, interval_seconds;
	double start_time, last_scan_time; /* epoch seconds */
	bool memory_locked;
	int oom_score_adj;
	uint64_t resident_bytes;
	bool have_heap;
	uint64_t heap_bytes; /* malloc's blocks in use (mallinfo2); the arenas are not in it */
	uint64_t scan_memory_peak_bytes, scan_memory_reserved_bytes, heap_fallbacks;
	uint64_t http_requests[WHTTP_N];
	uint64_t http_rejected[WREJECT_N];
	uint64_t evidence_written, evidence_failed;
	uint64_t evidence_repeats;    /* evidence of an incident that told nothing new: logged, no snapshot */
	uint64_t textfile_failed;
	size_t watched_cgroups;       /* live entries of the watched table */
	size_t cgroups_left_out;      /* cgroups with a limit the last scan did not keep (--max-cgroups) */
	double cgroups_left_out_max_pct; /* the closest of them, percent; -1 none */
	size_t tick_cgroups_read;     /* cgroups the last tick re-read */
	double cgroup_reading_age_seconds; /* the oldest reading among the watched cgroups */
	uint64_t cgroup_watch_failed; /* scans whose inotify instance could not be made */
	double metrics_time;          /* epoch seconds of the tick the metrics describe */
};

void render_watch_prometheus(const struct watch_stats *s, struct buf *out);

/* One limit as the report prints it: the table header and line, then its evidence and fixes. */
void render_limit_text(const struct limit *l, bool color, struct buf *out);

/* One limit as a JSON object of the report's "limits" array, under key (NULL inside an array). */
struct json;
void render_limit_json(struct json *j, const char *key, const struct limit *l);

/*
 * A fix in text: indent, label padded to 9 columns, its words (escaped), then each command on a line
 * of its own, two columns further in. Commands are printed as they are (never escaped: that would
 * break their quoting), after checking that they are printable ASCII as shell_commandf makes them.
 */
void render_fix_text(struct buf *out, const char *indent, const char *label, const struct fix *f);

/* A fix in JSON: key holds its words (null when none), commands_key the array of its commands. */
void render_fix_json(struct json *j, const char *key, const char *commands_key, const struct fix *f);

/* "31,208 tasks", "1.5 GiB", for a value in a limit's unit. */
const char *render_amount(enum unit u, uint64_t v, char *out, size_t size);

/* headroom top's frame: on a terminal of rows x cols (screen: cursor home, lines cleared), or plain for a pipe. */
struct top_frame_opts {
	unsigned rows, cols;
	bool screen;
	bool color;
};
struct top_view;
struct watch_frame;
/* Also notes in v how many limit rows there were and how many fit (for the scroll keys). */
void render_top_text(struct top_view *v, const struct top_frame_opts *o, const struct watch_frame *f, struct buf *out);
/* One frame as a JSON object (the schema is in headroom(1), THE LIVE VIEW). */
void render_top_json(struct top_view *v, const struct watch_frame *f, struct buf *out);

/* The JSON document's schema version, bumped on incompatible change (headroom(1), JSON OUTPUT). */
#define REPORT_SCHEMA_VERSION 2

#endif
