// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as Prometheus metrics, in the text exposition format (version 0.0.4): one family per
 * unit, so that every name carries its unit; labels id and scope as in the JSON report. Only the
 * limits the report lists (every machine, namespace, cgroup and user limit; per-process ones that are
 * not ok and the closest of each kind), so that the number of series does not follow the processes.
 */
#include <stdio.h>
#include <string.h>

#include "core/escape.h"
#include "render/render.h"

/*
 * A label value: the display escaping of the name (core/escape.h: valid UTF-8, no control or bidi
 * character, and reversible, so that two names never share a series), then the exposition format's
 * own escaping of backslash, double quote and newline.
 */
static void label_value(struct buf *out, const char *s)
{
	size_t start = out->len, extra = 0, src, dst;

	if (!s)
		return;
	escape_text_str(out, s);
	for (size_t i = start; i < out->len; i++)
		extra += out->data[i] == '\\' || out->data[i] == '"';
	if (!extra)
		return;
	/* in place, from the end: the daemon renders this every tick and allocates nothing */
	buf_grow(out, extra);
	src = out->len;
	dst = out->len + extra;
	out->len = dst;
	out->data[dst] = '\0';
	while (src > start) {
		char c = out->data[--src];

		out->data[--dst] = c;
		if (c == '\\' || c == '"')
			out->data[--dst] = '\\';
	}
}

static void family_header(struct buf *out, const char *name, const char *help, const char *type)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void series_labels(struct buf *out, const struct limit *l)
{
	buf_printf(out, "{id=\"%s\",scope=\"", limit_kinds[l->id].id);
	label_value(out, l->scope);
	buf_adds(out, "\"}");
}

/* A counter family from a fact of one kind of limit, labelled with the limit's scope. */
static void fact_counter(struct buf *out, const struct assessment *a, enum limit_id id, enum fact_id fact,
			 const char *name, const char *help)
{
	family_header(out, name, help, "counter");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];
		const struct fact *f = l->id == id && l->listed ? limit_fact(l, fact) : NULL;

		if (!f)
			continue;
		buf_printf(out, "%s{scope=\"", name);
		label_value(out, l->scope);
		buf_printf(out, "\"} %llu\n", (unsigned long long)f->u);
	}
}

void render_report_prometheus(const struct assessment *a, size_t unreadable, struct buf *out)
{
	static const enum unit units[] = { UNIT_TASKS, UNIT_PIDS, UNIT_BYTES, UNIT_MAPPINGS, UNIT_PROCESSES };
	char name[96];

	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		bool any = false;

		for (size_t i = 0; i < a->nlimits; i++)
			any |= limit_shown(a, i, false) && a->limits[i].unit == units[u];
		if (!any)
			continue;
		snprintf(name, sizeof(name), "headroom_limit_used_%s", unit_name(units[u]));
		family_header(out, name, "What a limit counts now (its usage), by limit id and scope.", "gauge");
		for (size_t i = 0; i < a->nlimits; i++) {
			const struct limit *l = &a->limits[i];

			if (!limit_shown(a, i, false) || l->unit != units[u])
				continue;
			buf_adds(out, name);
			series_labels(out, l);
			buf_printf(out, " %llu\n", (unsigned long long)l->used);
		}
		snprintf(name, sizeof(name), "headroom_limit_max_%s", unit_name(units[u]));
		family_header(out, name, "The maximum of a limit; absent when it is unlimited.", "gauge");
		for (size_t i = 0; i < a->nlimits; i++) {
			const struct limit *l = &a->limits[i];

			if (!limit_shown(a, i, false) || l->unit != units[u] || l->unlimited)
				continue;
			buf_adds(out, name);
			series_labels(out, l);
			buf_printf(out, " %llu\n", (unsigned long long)l->max);
		}
	}
	family_header(out, "headroom_limit_usage_ratio",
		      "Usage over maximum as judged (memory cgroups: working set), 0 to 1 or above; absent when "
		      "unlimited, exempt or not enforced.",
		      "gauge");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];
		double pct = limit_percent(l);

		if (!limit_shown(a, i, false) || pct < 0)
			continue;
		buf_adds(out, "headroom_limit_usage_ratio");
		series_labels(out, l);
		buf_printf(out, " %.6f\n", pct / 100.0);
	}
	family_header(out, "headroom_limit_status", "0 ok, 1 warning, 2 critical (thresholds as in the report).", "gauge");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];

		if (!limit_shown(a, i, false))
			continue;
		buf_adds(out, "headroom_limit_status");
		series_labels(out, l);
		buf_printf(out, " %d\n", (int)l->status);
	}
	fact_counter(out, a, LIMIT_CGROUP_PIDS, FACT_REJECTED_FORKS, "headroom_cgroup_pids_rejected_forks_total",
		     "Forks a cgroup's pids.max rejected since the cgroup was created (pids.events max).");
	fact_counter(out, a, LIMIT_CGROUP_MEMORY, FACT_OOM_KILL, "headroom_cgroup_oom_kills_total",
		     "Tasks the OOM killer killed in a memory cgroup since it was created (oom_kill).");
	family_header(out, "headroom_unreadable_items", "Things headroom could not read, by what (see the report).",
		      "gauge");
	buf_printf(out, "headroom_unreadable_items %zu\n", unreadable);
	family_header(out, "headroom_assessment_unknown", "1 when an essential reading failed: the statuses cannot be trusted.",
		      "gauge");
	buf_printf(out, "headroom_assessment_unknown %d\n", a->unknown ? 1 : 0);
}

/* A one-series gauge of seconds, to the microsecond. */
static void single(struct buf *out, const char *name, const char *help, double v)
{
	family_header(out, name, help, "gauge");
	buf_printf(out, "%s %.6f\n", name, v);
}

static void single_u64(struct buf *out, const char *name, const char *help, const char *type, uint64_t v)
{
	family_header(out, name, help, type);
	buf_printf(out, "%s %llu\n", name, (unsigned long long)v);
}

/* A family with one label whose values are names[i] for counts[i]. */
static void labelled(struct buf *out, const char *name, const char *help, const char *type, const char *label,
		     const char *const *names, const uint64_t *counts, size_t n)
{
	family_header(out, name, help, type);
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%s{%s=\"%s\"} %llu\n", name, label, names[i], (unsigned long long)counts[i]);
}

void render_watch_prometheus(const struct watch_stats *s, struct buf *out)
{
	static const char *const reasons[SCAN_NREASONS] = { "startup", "periodic", "threshold", "event", "reload" };
	static const char *const events[WEVENT_N] = { "oom_kill", "fork_rejected" };
	static const char *const codes[WHTTP_N] = { "200", "400", "404", "405", "414", "431", "500", "505" };
	static const char *const rejects[WREJECT_N] = { "busy", "evicted", "timeout" };

	if (s->have_oom_kill)
		single_u64(out, "headroom_oom_kills_total",
			   "OOM kills on the machine since boot, machine-wide and in memory cgroups (/proc/vmstat oom_kill).",
			   "counter", s->oom_kill);
	if (s->have_psi) {
		family_header(out, "headroom_memory_pressure_stall_seconds_total",
			      "Time tasks were stalled on memory (PSI /proc/pressure/memory): some, or full (all at once).",
			      "counter");
		buf_printf(out, "headroom_memory_pressure_stall_seconds_total{kind=\"some\"} %.6f\n", s->psi_some_us / 1e6);
		if (s->have_psi_full)
			buf_printf(out, "headroom_memory_pressure_stall_seconds_total{kind=\"full\"} %.6f\n",
				   s->psi_full_us / 1e6);
	}
	labelled(out, "headroom_kernel_events_total",
		 "Kernel log records seen since headroom watch started: OOM kills, and forks the pids controller rejected "
		 "(the kernel logs only a cgroup's first).",
		 "counter", "event", events, s->kernel_events, WEVENT_N);
	single_u64(out, "headroom_watch_kernel_log_open", "1 when headroom watch follows the kernel log (/dev/kmsg).",
		   "gauge", s->kernel_log_open);
	single_u64(out, "headroom_kernel_log_lost_records_total",
		   "Kernel log records overwritten before headroom watch read them (the gaps in their sequence numbers): "
		   "kills among them are still said, from the counters.",
		   "counter", s->kernel_log_lost);
	single_u64(out, "headroom_kernel_log_user_records_total",
		   "Records written into /dev/kmsg from user space (a facility other than the kernel's): never taken for "
		   "kernel events.",
		   "counter", s->kernel_log_user_records);
	single_u64(out, "headroom_watch_ticks_total", "Constant-cost passes (ticks) since start.", "counter", s->ticks);
	labelled(out, "headroom_watch_full_scans_total", "Full scans of every process, by what started them.", "counter",
		 "reason", reasons, s->scans, SCAN_NREASONS);
	single(out, "headroom_watch_tick_duration_seconds", "How long the last tick took.", s->tick_seconds);
	single(out, "headroom_watch_scan_duration_seconds", "How long the last full scan took.", s->scan_seconds);
	single(out, "headroom_watch_tick_interval_seconds", "The interval until the next tick: shorter as headroom shrinks (adaptive).", s->interval_seconds);
	single(out, "headroom_watch_start_time_seconds", "When headroom watch started, in seconds since the epoch.", s->start_time);
	single(out, "headroom_watch_last_scan_timestamp_seconds", "When the last full scan ran, in seconds since the epoch.", s->last_scan_time);
	single_u64(out, "headroom_watch_memory_locked", "1 when headroom watch's memory is locked (mlockall).", "gauge",
		   s->memory_locked);
	family_header(out, "headroom_watch_oom_score_adj", "headroom watch's own oom_score_adj (it asks for -999).",
		      "gauge");
	buf_printf(out, "headroom_watch_oom_score_adj %d\n", s->oom_score_adj);
	single_u64(out, "headroom_watch_resident_bytes", "headroom watch's resident memory (/proc/self/statm).", "gauge",
		   s->resident_bytes);
	if (s->have_heap)
		single_u64(out, "headroom_watch_heap_bytes",
			   "headroom watch's heap blocks in use (mallinfo2); its reserved spaces are not in it.", "gauge",
			   s->heap_bytes);
	single_u64(out, "headroom_watch_scan_memory_peak_bytes",
		   "The most memory a full scan has used of the space reserved at start-up.", "gauge",
		   s->scan_memory_peak_bytes);
	single_u64(out, "headroom_watch_scan_memory_reserved_bytes",
		   "Address space reserved at start-up for full scans (--scan-memory).", "gauge",
		   s->scan_memory_reserved_bytes);
	single_u64(out, "headroom_watch_heap_fallbacks_total",
		   "Blocks a scan took from the heap because its reserved space was full: raise --scan-memory.",
		   "counter", s->heap_fallbacks);
	labelled(out, "headroom_watch_http_requests_total", "Requests answered, by HTTP status code.", "counter", "code",
		 codes, s->http_requests, WHTTP_N);
	labelled(out, "headroom_watch_http_rejected_total",
		 "Connections closed unanswered: evicted while slow to send a request, or timed out (busy: no longer "
		 "happens, a connection waits for a slot).",
		 "counter", "reason", rejects, s->http_rejected, WREJECT_N);
	single_u64(out, "headroom_watch_evidence_files_written_total", "Evidence snapshots written to the state directory.",
		   "counter", s->evidence_written);
	single_u64(out, "headroom_watch_evidence_failures_total",
		   "Attempts to write an evidence snapshot that failed, retries included.", "counter", s->evidence_failed);
	single_u64(out, "headroom_watch_evidence_repeats_total",
		   "Evidence of an incident that told nothing new: logged, without a scan or a snapshot.", "counter",
		   s->evidence_repeats);
	single_u64(out, "headroom_watch_textfile_failures_total", "Writes of the --textfile file that failed.", "counter",
		   s->textfile_failed);
	single_u64(out, "headroom_watch_watched_cgroups",
		   "Cgroups with a limit watched (kept by the last full scan, the closest to a limit, less those removed "
		   "since): their series are served.",
		   "gauge", s->watched_cgroups);
	single_u64(out, "headroom_watch_cgroups_left_out",
		   "Cgroups with a limit the last full scan found beyond --max-cgroups: not watched, their series not "
		   "served.",
		   "gauge", s->cgroups_left_out);
	if (s->cgroups_left_out_max_pct >= 0)
		single(out, "headroom_watch_cgroups_left_out_max_usage_ratio",
		       "The use of the closest to its limit of the cgroups left out, 0 to 1: near the thresholds, raise "
		       "--max-cgroups.",
		       s->cgroups_left_out_max_pct / 100.0);
	single_u64(out, "headroom_watch_tick_cgroups_read", "Watched cgroups the last tick re-read (--tick-cgroups at most).",
		   "gauge", s->tick_cgroups_read);
	single(out, "headroom_watch_cgroup_reading_age_seconds",
	       "The age of the oldest reading among the watched cgroups: how old a cgroup's series may be.",
	       s->cgroup_reading_age_seconds);
	single(out, "headroom_watch_metrics_timestamp_seconds",
	       "When the tick these metrics describe ran, in seconds since the epoch: in a textfile that could not be "
	       "rewritten, it tells its age.",
	       s->metrics_time);
	family_header(out, "headroom_watch_info", "The version of headroom serving these metrics.", "gauge");
	buf_adds(out, "headroom_watch_info{version=\"");
	label_value(out, s->version);
	buf_adds(out, "\"} 1\n");
}
