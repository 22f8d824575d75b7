// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom watch: the loop, its ticks and full scans (see watch.h). */
#include "watch/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/human.h"
#include "core/oom_adj.h"
#include "core/replace.h"
#include "core/strtab.h"
#include "core/text.h"
#include "parse/kernel_line.h"
#include "parse/oom_log.h"
#include "probe/kernel_log.h"
#include "probe/probe.h"
#include "render/render.h"
#include "version.h"
#include "watch/evidence.h"
#include "watch/http.h"

/*
 * The calls to malloc and its kin so far, when something counts them: a test's interposer
 * (tests/shim/alloc_count.c) defines headroom_alloc_calls(), found through a weak reference; the
 * sanitizer build (make SANITIZE=1) counts through its allocator's hooks. NULL otherwise.
 */
typedef unsigned long (*alloc_counter_fn)(void);
#if defined(__SANITIZE_ADDRESS__)
/* As declared in compiler-rt's sanitizer/allocator_interface.h, which gcc does not install. */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
					      void (*free_hook)(const volatile void *));

static unsigned long sanitizer_allocs;

static void on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	__atomic_add_fetch(&sanitizer_allocs, 1, __ATOMIC_RELAXED);
}

static void on_free(const volatile void *p)
{
	(void)p;
}

static unsigned long sanitizer_alloc_calls(void)
{
	return __atomic_load_n(&sanitizer_allocs, __ATOMIC_RELAXED);
}

static alloc_counter_fn alloc_counter(void)
{
	return __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) ? sanitizer_alloc_calls : NULL;
}
#else
extern unsigned long headroom_alloc_calls(void) __attribute__((weak));

static alloc_counter_fn alloc_counter(void)
{
	alloc_counter_fn f = headroom_alloc_calls;

	return f;
}
#endif

#define TICK_ARENA_SIZE (16u << 20)

/*
 * The limits of an assessment by kind and scope, in an open-addressing table: each tick looks up its
 * limits in the previous tick's and in the scan's, which a linear search would make quadratic in the
 * number of cgroups.
 */
struct limit_index {
	const struct limit **slots;
	size_t mask;
};

/* One tick's measurement: the machine-wide readings and the watched cgroups, assessed. */
struct tick_state {
	struct snapshot snap;
	struct assessment a;
	struct limit_index index;
	bool valid;
};

struct watch {
	const struct hr_root *root;
	struct watch_config cfg;
	struct arena scan_arena, tick_arena[2];
	int parity;                   /* which tick arena the current tick uses */
	struct snapshot scan;
	struct assessment scan_a;
	size_t *watched;              /* indices in scan.cgroups, re-read each tick */
	size_t nwatched;
	struct tick_state ticks[2];   /* the current and the previous tick, by parity */
	struct http_server http;
	bool http_on;
	struct kernel_log klog;
	bool klog_on;
	int64_t boot_epoch;
	struct oom_line summary;      /* the last "oom-kill:" summary, for the kill line that follows it */
	bool have_summary;
	bool event_pending;           /* a kernel event since the last scan: scan at the next tick */
	char event_words[512];
	enum limit_id event_limit;    /* whose top consumer the event's evidence names */
	char event_scope[512];
	struct evidence_dir evidence;
	int textfile_fd;
	int sigfd;
	struct watch_stats stats;
	double last_scan_mono, last_triggered_mono;
	const char *metrics;
	size_t metrics_len;
	unsigned long allocs_at_start;
	const struct watch_view *view; /* headroom top's, or NULL */
	struct watch_frame frame;      /* the last frame handed to the view, for a redraw */
	struct assessment view_limits; /* its merged limits, in the tick's arena */
	bool view_quit;                /* the view asked to stop */
	/*
	 * The event counters of the last tick before a full scan, by cgroup (its path hashed: the tick's
	 * strings live in the scan's arena, which the scan reuses), so that a kill or a rejection between
	 * that tick and the scan is still seen when the tick is measured again after it.
	 */
	struct carried_counts {
		uint64_t path_hash;
		int hier;
		struct opt_u64 pids_events_max, mem_oom_kill, mem_max_hits;
	} *carry;
	size_t ncarry, carry_cap;
	bool carry_valid;
	struct opt_u64 carry_vmstat_oom_kill;
	/*
	 * Hits of a memory cgroup's limit (v2 memory.events max, v1 memory.failcnt) are logged once a minute
	 * a cgroup at most, with the hits in between: under steady pressure they rise every tick.
	 */
	struct max_hits_line {
		uint64_t path_hash;
		int hier;
		double logged_at;  /* monotonic; 0 never */
		uint64_t unlogged; /* hits since the last line */
	} *max_lines;
	size_t nmax_lines;
};

static uint64_t path_hash(const char *path)
{
	return hash_bytes(path, strlen(path));
}

static size_t limit_hash(enum limit_id id, const char *scope)
{
	return (size_t)(hash_bytes(scope, strlen(scope)) ^ ((uint64_t)id * 0x9E3779B97F4A7C15ULL));
}

/* Indexes a's limits, in mem. */
static void limit_index_build(struct limit_index *x, const struct assessment *a, struct arena *mem)
{
	size_t cap = 16;

	while (cap < 2 * a->nlimits)
		cap *= 2;
	x->slots = mem_calloc(mem, cap, sizeof(*x->slots));
	x->mask = cap - 1;
	for (size_t i = 0; i < a->nlimits; i++) {
		size_t h = limit_hash(a->limits[i].id, a->limits[i].scope) & x->mask;

		while (x->slots[h])
			h = (h + 1) & x->mask;
		x->slots[h] = &a->limits[i];
	}
}

static const struct limit *limit_index_find(const struct limit_index *x, enum limit_id id, const char *scope)
{
	for (size_t h = limit_hash(id, scope) & x->mask; x->slots[h]; h = (h + 1) & x->mask)
		if (x->slots[h]->id == id && strcmp(x->slots[h]->scope, scope) == 0)
			return x->slots[h];
	return NULL;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void watch_config_defaults(struct watch_config *c)
{
	memset(c, 0, sizeof(*c));
	c->interval_s = 1;
	c->min_interval_s = 0.1;
	c->scan_interval_s = 60;
	c->scan_gap_s = 5;
	c->th = THRESHOLDS_DEFAULT;
	c->evidence_files = 20;
	c->evidence_bytes = 1u << 20;
	c->max_cgroups = 512;
	c->map_counts = true;
	c->scan_memory = 64u << 20;
}

/* Where the log goes: stderr, or a view's pane while one runs (one loop a process). */
static const struct watch_view *log_view;

void watch_log(const char *fmt, ...)
{
	char msg[2048], line[4096];
	struct tm tm;
	time_t t = time(NULL);
	size_t n;
	va_list ap;

	localtime_r(&t, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S%z ", &tm);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the one escaping, at the sink: names from the kernel log, cgroups and options reach no log raw */
	n += escape_text_fixed(line + n, sizeof(line) - n - 1, msg, strlen(msg));
	if (log_view) {
		log_view->log(log_view->ctx, line);
		return;
	}
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}

/* ---- the constant-cost pass ---- */

/* Measures the machine and the watched cgroups into t, in mem (the tick's arena). Cost: the cgroups, not the processes. */
static void measure(struct watch *w, struct tick_state *t, struct arena *mem)
{
	struct snapshot *s = &t->snap;

	memset(t, 0, sizeof(*t));
	snapshot_init(s, mem);
	s->live = w->root->live;
	probe_system(w->root, s);
	s->hiers = w->scan.hiers;
	s->nhiers = w->scan.nhiers;
	s->cgroups = mem_calloc(mem, w->nwatched ? w->nwatched : 1, sizeof(*s->cgroups));
	for (size_t i = 0; i < w->nwatched; i++) {
		const struct cgroup_info *old = &w->scan.cgroups[w->watched[i]];
		struct cgroup_info *c = &s->cgroups[s->ncgroups];

		if (probe_cgroup_reread(w->root, s, old, c) < 0)
			continue; /* removed since the scan */
		/* own copies: the scan's memory is reused by the next scan */
		c->path = mem_strdup(mem, old->path);
		c->dir = mem_strdup(mem, old->dir);
		s->ncgroups++;
	}
	assess(s, &w->cfg.th, NULL, &t->a);
	limit_index_build(&t->index, &t->a, mem);
	t->valid = true;
}

/*
 * The cgroup of s at path. Both ticks list the cgroups in the scan's order, less those removed since:
 * the same position is tried first.
 */
static const struct cgroup_info *find_cgroup(const struct snapshot *s, size_t pos, const char *path, int hier)
{
	if (pos < s->ncgroups && s->cgroups[pos].hier == hier && strcmp(s->cgroups[pos].path, path) == 0)
		return &s->cgroups[pos];
	for (size_t i = 0; i < s->ncgroups; i++)
		if (s->cgroups[i].hier == hier && strcmp(s->cgroups[i].path, path) == 0)
			return &s->cgroups[i];
	return NULL;
}

/* Asks for an evidence scan at the next tick; its top consumer is looked for in the cgroup (or the machine). */
static void __attribute__((format(printf, 4, 5)))
note_event(struct watch *w, enum limit_id id, const char *cgroup, const char *fmt, ...)
{
	va_list ap;

	w->event_pending = true;
	w->event_limit = id;
	scope_format(cgroup ? scope_cgroup(cgroup) : scope_system(), w->event_scope, sizeof(w->event_scope));
	va_start(ap, fmt);
	vsnprintf(w->event_words, sizeof(w->event_words), fmt, ap);
	va_end(ap);
}

static uint64_t delta(struct opt_u64 now, const struct opt_u64 *before)
{
	return before && before->known && now.known && now.v > before->v ? now.v - before->v : 0;
}

/* A memory cgroup's hits of its limit: memory.events max (v2), else memory.failcnt (v1). */
static struct opt_u64 max_hits(const struct cgroup_info *c)
{
	return c->mem_events_max.known ? c->mem_events_max : c->mem_failcnt;
}

/* d more hits of c's memory limit: a line when the cgroup had none in the last minute (see struct watch). */
static void max_hits_event(struct watch *w, const struct cgroup_info *c, uint64_t d)
{
	uint64_t h = path_hash(c->path);
	double now = mono_now();
	struct max_hits_line *m = NULL, *oldest = NULL;
	char b1[32];

	for (size_t i = 0; i < w->nmax_lines && !m; i++) {
		if (w->max_lines[i].path_hash == h && w->max_lines[i].hier == c->hier)
			m = &w->max_lines[i];
		else if (!oldest || w->max_lines[i].logged_at < oldest->logged_at)
			oldest = &w->max_lines[i];
	}
	if (!m) {
		/* the table is made at start: when full, the cgroup logged longest ago gives way */
		m = w->nmax_lines < w->carry_cap ? &w->max_lines[w->nmax_lines++] : oldest;
		*m = (struct max_hits_line){ h, c->hier, 0, 0 };
	}
	m->unlogged += d;
	if (m->logged_at && now - m->logged_at < 60)
		return;
	watch_log("memory: cgroup %s reached its memory limit %s time(s) %s (%s now %llu): the kernel reclaimed to stay "
		  "under it, and OOM-kills when it cannot",
		  c->path, human_count(m->unlogged, b1, sizeof(b1)), m->logged_at ? "in the last minute" : "since the last tick",
		  c->mem_events_max.known ? "memory.events max" : "memory.failcnt", (unsigned long long)max_hits(c).v);
	m->logged_at = now;
	m->unlogged = 0;
}

/*
 * Logs the increases of one cgroup's event counters (before: their earlier values), and asks for a scan
 * for a rejected fork or an OOM kill; the hits of a memory limit are logged only.
 */
static void cgroup_events(struct watch *w, const struct cgroup_info *c, const struct opt_u64 *events_before,
			  const struct opt_u64 *kills_before, const struct opt_u64 *max_hits_before)
{
	char b1[32], b2[32];
	uint64_t d = delta(c->pids_events_max, events_before);

	if (d) {
		watch_log("fork-rejected: %s fork(s) failed in cgroup %s: pids.max %s reached (pids.events max now %llu)",
			  human_count(d, b1, sizeof(b1)), c->path,
			  c->pids_unlimited ? "of an ancestor" : human_count(c->pids_max, b2, sizeof(b2)),
			  (unsigned long long)c->pids_events_max.v);
		note_event(w, LIMIT_CGROUP_PIDS, c->path, "forks rejected in cgroup %s", c->path);
	}
	d = delta(c->mem_oom_kill, kills_before);
	if (d) {
		watch_log("oom: %s OOM kill(s) in memory cgroup %s (its oom_kill counter, now %llu)",
			  human_count(d, b1, sizeof(b1)), c->path, (unsigned long long)c->mem_oom_kill.v);
		note_event(w, LIMIT_CGROUP_MEMORY, c->path, "OOM kill in cgroup %s", c->path);
	}
	d = delta(max_hits(c), max_hits_before);
	if (d)
		max_hits_event(w, c, d);
}

static void vmstat_events(struct watch *w, const struct opt_u64 *now, const struct opt_u64 *before)
{
	uint64_t d = delta(*now, before);

	if (d && !w->klog_on) {
		watch_log("oom: %llu OOM kill(s) since the last tick (/proc/vmstat oom_kill); the kernel log cannot be "
			  "read for the victims",
			  (unsigned long long)d);
		note_event(w, LIMIT_MEMORY, NULL, "OOM kills counted in /proc/vmstat");
	}
}

/* Before a full scan: the counters of the last measured tick, kept by value (see struct watch). */
static void carry_save(struct watch *w, const struct tick_state *t)
{
	w->carry_valid = t->valid;
	w->ncarry = 0;
	if (!t->valid)
		return;
	w->carry_vmstat_oom_kill = t->snap.sys.vmstat_oom_kill;
	for (size_t i = 0; i < t->snap.ncgroups && w->ncarry < w->carry_cap; i++) {
		const struct cgroup_info *c = &t->snap.cgroups[i];

		w->carry[w->ncarry++] = (struct carried_counts){ path_hash(c->path), c->hier, c->pids_events_max,
								 c->mem_oom_kill, max_hits(c) };
	}
}

/* After a full scan, the tick measured again: what rose since the tick before the scan. */
static void carried_events(struct watch *w, const struct tick_state *cur)
{
	if (!w->carry_valid)
		return;
	w->carry_valid = false;
	vmstat_events(w, &cur->snap.sys.vmstat_oom_kill, &w->carry_vmstat_oom_kill);
	for (size_t i = 0; i < cur->snap.ncgroups; i++) {
		const struct cgroup_info *c = &cur->snap.cgroups[i];
		uint64_t h = path_hash(c->path);

		for (size_t k = 0; k < w->ncarry; k++)
			if (w->carry[k].path_hash == h && w->carry[k].hier == c->hier) {
				cgroup_events(w, c, &w->carry[k].pids_events_max, &w->carry[k].mem_oom_kill,
					      &w->carry[k].mem_max_hits);
				break;
			}
	}
}

/* Counter increases since the previous tick: logged, and a scan asked for. */
static void counter_events(struct watch *w, const struct tick_state *cur, const struct tick_state *prev)
{
	if (!prev->valid)
		return;
	vmstat_events(w, &cur->snap.sys.vmstat_oom_kill, &prev->snap.sys.vmstat_oom_kill);
	for (size_t i = 0; i < cur->snap.ncgroups; i++) {
		const struct cgroup_info *c = &cur->snap.cgroups[i];
		const struct cgroup_info *p = find_cgroup(&prev->snap, i, c->path, c->hier);

		if (p) {
			struct opt_u64 before = max_hits(p);

			cgroup_events(w, c, &p->pids_events_max, &p->mem_oom_kill, &before);
		}
	}
}

/*
 * A limit that calls for a full scan: one that got worse (into warning or critical), or that moved by
 * 10 points of its maximum in one tick above half of it. Returns it, with the reason in words in out,
 * or NULL.
 */
/* "cgroup_pids cgroup:/a is critical: 16 of 16 tasks (100.0%)" */
static void status_words(const struct limit *l, char *out, size_t size)
{
	char u[32], m[32];

	snprintf(out, size, "%s %s is %s: %s of %s (%.1f%%)", limit_kinds[l->id].id, l->scope, status_name(l->status),
		 l->unit == UNIT_BYTES ? render_amount(l->unit, l->used, u, sizeof(u)) : human_count(l->used, u, sizeof(u)),
		 l->unlimited ? "unlimited" : render_amount(l->unit, l->max, m, sizeof(m)), limit_percent(l));
}

static const struct limit *threshold_trigger(const struct tick_state *cur, const struct tick_state *prev,
					     bool *ret_worse, char *out, size_t size)
{
	const struct limit *found = NULL;

	*ret_worse = false;
	for (size_t i = 0; i < cur->a.nlimits; i++) {
		const struct limit *l = &cur->a.limits[i];
		const struct limit *p = prev->valid ? limit_index_find(&prev->index, l->id, l->scope) : NULL;
		double pct = limit_percent(l), ppct = p ? limit_percent(p) : -1;

		if (l->status > STATUS_OK && (!p || l->status > p->status)) {
			status_words(l, out, size);
			*ret_worse = true;
			return l;
		}
		if (!found && p && pct >= 50 && ppct >= 0 && fabs(pct - ppct) >= 10) {
			snprintf(out, size, "%s %s moved from %.1f%% to %.1f%% in one tick", limit_kinds[l->id].id, l->scope,
				 ppct, pct);
			found = l;
		}
	}
	return found;
}

/* ---- the full scan ---- */

static void full_scan(struct watch *w, enum watch_scan_reason reason)
{
	struct probe_opts po = { .no_fork = true, .no_threads = true, .map_counts = w->cfg.map_counts,
				 .map_count_min_pct = w->cfg.th.warning_pct, .memcg = true, .fold = &w->cfg.th };
	double t0 = mono_now();
	size_t n = 0;

	/* the last measured tick's counters, by value: its strings are in the arena about to be reused */
	carry_save(w, &w->ticks[w->parity]);
	arena_reset(&w->scan_arena);
	snapshot_init(&w->scan, &w->scan_arena);
	probe_snapshot(w->root, &po, &w->scan);
	assess(&w->scan, &w->cfg.th, NULL, &w->scan_a);
	w->watched = mem_calloc(&w->scan_arena, w->scan.ncgroups ? w->scan.ncgroups : 1, sizeof(*w->watched));
	for (size_t i = 0; i < w->scan.ncgroups && n < w->cfg.max_cgroups; i++)
		w->watched[n++] = i;
	w->nwatched = n;
	w->stats.scans[reason]++;
	w->stats.scan_seconds = mono_now() - t0;
	w->stats.last_scan_time = wall_now();
	w->stats.watched_cgroups = n;
	w->last_scan_mono = mono_now();
	/* every tick before this scan refers to the old one: the next comparison starts afresh */
	w->ticks[0].valid = w->ticks[1].valid = false;
}

/* The biggest consumer within the limit's scope, in words, as the report says it: "java (pid 4242) with 31,208 threads in cgroup /a". */
static void top_words(const struct watch *w, enum limit_id id, const char *scope, char *out, size_t size)
{
	const struct limit *l = assessment_limit(&w->scan_a, id, scope);
	const struct tally *t = &w->scan.tally;
	const struct tally_leaf *best = NULL;
	char n1[32];

	out[0] = '\0';
	if (l && l->has_top) {
		/* the words of the report; for one process, where it runs */
		const char *cg = l->top.kind == TOP_THREADS || l->top.kind == TOP_COMMAND ? l->top.cgroup : NULL;
		char words[256];

		snprintf(out, size, "%s%s%s", task_top_words(&l->top, words, sizeof(words)), cg ? " in cgroup " : "",
			 cg ? cg : "");
		return;
	}
	if (limit_kinds[id].unit == UNIT_BYTES) {
		struct scope where;
		const char *cg = scope_parse(scope, &where) == 0 && where.kind == SCOPE_CGROUP ? where.path : NULL;

		/* the largest resident process of each leaf is in the tally */
		for (size_t i = 0; i < t->leaves.n; i++) {
			const struct tally_leaf *x = tally_leaf_at(t, i);
			const char *pcg = x->memcg ? x->memcg : x->cgroup;

			if (!x->rss_pid || (cg && (!pcg || !cgroup_path_within(pcg, cg))))
				continue;
			if (!best || x->rss_kib > best->rss_kib || (x->rss_kib == best->rss_kib && x->rss_pid < best->rss_pid))
				best = x;
		}
		if (best) {
			const char *bcg = best->memcg ? best->memcg : best->cgroup;

			snprintf(out, size, "%s (pid %d) held %s resident%s%s", best->rss_comm, best->rss_pid,
				 human_bytes(best->rss_kib * 1024, n1, sizeof(n1)), bcg ? " in cgroup " : "", bcg ? bcg : "");
		}
		return;
	}
	if (w->scan_a.consumers.nprocs) {
		const struct proc_consumer *c = &w->scan_a.consumers.procs[0];

		snprintf(out, size, "%s (pid %d) with %s threads%s%s", c->comm, c->pid, human_count(c->threads, n1, sizeof(n1)),
			 c->cgroup ? " in cgroup " : "", c->cgroup ? c->cgroup : "");
	}
}

/* A scan for a threshold or an event: its evidence to the log and the state directory. */
static void evidence_scan(struct watch *w, enum watch_scan_reason reason, const char *why, enum limit_id id,
			  const char *scope)
{
	char top[512], path[PATH_MAX + 64], when[32];
	struct tm tm;
	time_t t = time(NULL);
	int r;

	full_scan(w, reason);
	w->last_triggered_mono = mono_now();
	top_words(w, id, scope, top, sizeof(top));
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (!w->evidence.on) {
		watch_log("evidence: at %s %s%s%s", when, why, top[0] ? "; top consumer: " : "", top);
		return;
	}
	r = evidence_write(&w->evidence, &w->scan, &w->scan_a, reason == SCAN_EVENT ? "event" : "threshold", why, top,
			   &w->scan_arena, path, sizeof(path));
	if (r < 0) {
		w->stats.evidence_failed++;
		watch_log("evidence: at %s %s%s%s; cannot write it to '%s': %s", when, why, top[0] ? "; top consumer: " : "",
			  top, w->cfg.state_dir, strerror(-r));
		return;
	}
	w->stats.evidence_written++;
	watch_log("evidence: at %s %s%s%s; snapshot in %s", when, why, top[0] ? "; top consumer: " : "", top, path);
}

/* ---- the kernel log ---- */

static void kernel_events(struct watch *w)
{
	char text[1024], when[64], path[sizeof(text)];
	struct kmsg_record r;
	struct kernel_line kl;
	const struct oom_line *ol = &kl.oom;

	/* bounded per call: a flood of records cannot hold the loop */
	for (int i = 0; i < 256 && kernel_log_next(&w->klog, &r, text, sizeof(text)) > 0; i++) {
		human_log_time(r.usec, w->boot_epoch, when, sizeof(when));
		enum kernel_line_kind kind = kernel_line_classify(text, strlen(text), &kl);

		if (kind == KLINE_FORK_REJECTED) {
			snprintf(path, sizeof(path), "%.*s", (int)kl.path_len, kl.path);
			w->stats.kernel_events[WEVENT_FORK_REJECTED]++;
			watch_log("fork-rejected: kernel log at %s: the pids controller rejected a fork in cgroup %s (the "
				  "kernel logs only a cgroup's first)",
				  when, path);
			note_event(w, LIMIT_CGROUP_PIDS, path, "forks rejected in cgroup %s", path);
			continue;
		}
		if (kind != KLINE_OOM)
			continue;
		if (ol->kind == OOM_LINE_SUMMARY) {
			w->summary = *ol;
			w->have_summary = true;
		} else if (ol->kind == OOM_LINE_KILLED) {
			bool s = w->have_summary && w->summary.pid == ol->pid;
			char rss[32], uid[24];

			w->stats.kernel_events[WEVENT_OOM_KILL]++;
			if (ol->has_uid)
				snprintf(uid, sizeof(uid), ", uid %u", ol->uid);
			else
				uid[0] = '\0';
			watch_log("oom: kernel log at %s: killed %s (pid %d%s) with %s anonymous memory resident%s%s%s%s%s",
				  when, ol->comm, ol->pid, uid, human_bytes(ol->anon_rss_kib * 1024, rss, sizeof(rss)),
				  s ? " in cgroup " : "", s ? w->summary.task_memcg : "", s ? " (" : "", s ? w->summary.constraint : "",
				  s ? ")" : "");
			note_event(w, s ? LIMIT_CGROUP_MEMORY : LIMIT_MEMORY, s ? w->summary.oom_memcg : NULL,
				   "the OOM killer killed %s (pid %d)", ol->comm, ol->pid);
			w->have_summary = false;
		}
	}
}

/* ---- metrics ---- */

/* The daemon's resident size (statm's second field, in pages); read in the tick, in its arena (mem). */
static uint64_t resident_bytes(struct arena *mem)
{
	struct buf b;
	uint64_t size, rss = 0;

	buf_init_in(&b, mem);
	if (read_file_at(NULL, AT_FDCWD, "/proc/self/statm", &b) > 0) {
		const char *p = b.data, *end = b.data + b.len;

		if (parse_u64(&p, end, &size) < 0 || parse_u64(&p, end, &rss) < 0)
			rss = 0;
	}
	buf_free(&b);
	return rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

/*
 * The report's limits as of this tick: the machine and the watched cgroups from the tick, everything
 * else (users, processes, namespaces, cgroups beyond max_cgroups) from the last full scan.
 */
static void merged(const struct watch *w, const struct tick_state *t, struct arena *mem, struct assessment *ret)
{
	size_t n = 0;

	*ret = t->a;
	ret->limits = mem_calloc(mem, t->a.nlimits + w->scan_a.nlimits + 1, sizeof(*ret->limits));
	for (size_t i = 0; i < t->a.nlimits; i++)
		ret->limits[n++] = t->a.limits[i];
	for (size_t i = 0; i < w->scan_a.nlimits; i++) {
		const struct limit *l = &w->scan_a.limits[i];

		if (limit_index_find(&t->index, l->id, l->scope))
			continue;
		ret->limits[n++] = *l;
		if (l->listed && l->status > ret->worst)
			ret->worst = l->status;
	}
	ret->nlimits = n;
	ret->unknown = t->a.unknown || w->scan_a.unknown;
}

/* The metrics of this tick, in its arena (mem): served until the tick after next reuses it. */
static void render_metrics(struct watch *w, const struct tick_state *t, struct arena *mem)
{
	struct assessment m;
	struct buf out;
	const struct psi *psi = &t->snap.sys.psi_memory;

	merged(w, t, mem, &m);
	w->stats.have_oom_kill = t->snap.sys.vmstat_oom_kill.known;
	w->stats.oom_kill = t->snap.sys.vmstat_oom_kill.v;
	w->stats.have_psi = t->snap.sys.have_psi_memory && psi->some.present;
	w->stats.psi_some_us = psi->some.total_us;
	w->stats.have_psi_full = psi->full.present;
	w->stats.psi_full_us = psi->full.total_us;
	w->stats.resident_bytes = resident_bytes(mem);
	w->stats.scan_memory_peak_bytes = w->scan_arena.peak;
	w->stats.heap_fallbacks = w->scan_arena.overflows + w->tick_arena[0].overflows + w->tick_arena[1].overflows;
	w->stats.kernel_log_open = w->klog_on;
	memcpy(w->stats.http_requests, w->http.requests, sizeof(w->stats.http_requests));
	memcpy(w->stats.http_rejected, w->http.rejected, sizeof(w->stats.http_rejected));
	buf_init_in(&out, mem);
	buf_grow(&out, 64 << 10);
	/* what could not be read: the scan's and this tick's */
	render_report_prometheus(&m, w->scan.nproblems + t->snap.nproblems, &out);
	render_watch_prometheus(&w->stats, &out);
	w->metrics = out.data;
	w->metrics_len = out.len;
}

/* Writes the metrics for node_exporter's textfile collector: a temporary file renamed over headroom.prom. */
static void write_textfile(struct watch *w)
{
	int r = replace_file_at(w->textfile_fd, "headroom.prom", w->metrics, w->metrics_len, 0644, false);

	if (r < 0 && w->stats.textfile_failed++ == 0)
		watch_log("textfile: cannot write '%s/headroom.prom': %s (said once)", w->cfg.textfile_dir, strerror(-r));
}

/* The next interval: the configured one while all is ok, shorter as the worst limit nears its maximum. */
static double next_interval(const struct watch *w, const struct tick_state *t)
{
	double worst = 0, base = w->cfg.interval_s, min = w->cfg.min_interval_s, warn = w->cfg.th.warning_pct;

	for (size_t i = 0; i < t->a.nlimits; i++) {
		double p = limit_percent(&t->a.limits[i]);

		if (p > worst)
			worst = p;
	}
	if (min > base)
		min = base;
	if (worst <= warn || warn >= 100)
		return base;
	if (worst >= 100)
		return min;
	return min + (base - min) * (100 - worst) / (100 - warn);
}

/* The view's frame of this tick: the merged limits, kept with it for a redraw before the next tick. */
static void view_frame(struct watch *w, const struct tick_state *t, struct arena *mem)
{
	merged(w, t, mem, &w->view_limits);
	w->stats.resident_bytes = resident_bytes(mem);
	w->stats.scan_memory_peak_bytes = w->scan_arena.peak;
	w->frame = (struct watch_frame){ &w->view_limits, &w->scan_a, &w->scan, &w->stats, mem, mono_now() };
	w->view_quit |= w->view->frame(w->view->ctx, &w->frame) == VIEW_QUIT;
}

/* ---- the loop ---- */

static void tick(struct watch *w)
{
	double t0 = mono_now();
	struct tick_state *cur, *prev;
	const struct limit *l;
	struct arena *a;
	char why[1100], trig[512], scope[512];
	bool worse;

	w->parity ^= 1;
	cur = &w->ticks[w->parity];
	prev = &w->ticks[w->parity ^ 1];
	a = &w->tick_arena[w->parity];
	arena_reset(a);
	measure(w, cur, a);
	counter_events(w, cur, prev);
	l = threshold_trigger(cur, prev, &worse, trig, sizeof(trig));
	if (w->event_pending && t0 - w->last_triggered_mono >= w->cfg.scan_gap_s) {
		/*
		 * An event and a crossing in the same tick make one evidence snapshot that names both. Events
		 * are logged as they come; their scans, at most one per scan_gap, so that a storm of kills or
		 * rejections cannot keep the daemon scanning.
		 */
		w->event_pending = false;
		/*
		 * Without a crossing in this tick (it may have come during the last evidence scan, whose
		 * re-measure takes the new state as its base), the event's own limit says where it stands.
		 */
		if (!l) {
			l = limit_index_find(&cur->index, w->event_limit, w->event_scope);
			if (l && l->status > STATUS_OK)
				status_words(l, trig, sizeof(trig));
			else
				l = NULL;
		}
		snprintf(why, sizeof(why), "%s%s%s", w->event_words, l ? "; " : "", l ? trig : "");
		snprintf(scope, sizeof(scope), "%s", l ? l->scope : w->event_scope);
		evidence_scan(w, SCAN_EVENT, why, l ? l->id : w->event_limit, scope);
	} else if (l && t0 - w->last_triggered_mono >= (worse ? w->cfg.min_interval_s : w->cfg.scan_gap_s)) {
		/* the limit lives in this tick's arena, which a scan does not touch; copied all the same */
		snprintf(scope, sizeof(scope), "%s", l->scope);
		evidence_scan(w, SCAN_THRESHOLD, trig, l->id, scope);
	} else if (t0 - w->last_scan_mono >= w->cfg.scan_interval_s) {
		full_scan(w, SCAN_PERIODIC);
	}
	if (!cur->valid) {
		/* a scan ran: measure again against its cgroups, and see what rose since the measure before it */
		arena_reset(a);
		measure(w, cur, a);
		carried_events(w, cur);
	}
	w->stats.ticks++;
	w->stats.interval_seconds = next_interval(w, cur);
	if (w->view) {
		view_frame(w, cur, a);
	} else {
		render_metrics(w, cur, a);
		if (w->textfile_fd >= 0)
			write_textfile(w);
	}
	w->stats.tick_seconds = mono_now() - t0;
}

static int setup_signals(bool view)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (view)
		sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* oom_score_adj -999: not -1000, so that a cgroup OOM can still stop the daemon. */
static void protect_from_oom(struct watch *w)
{
	int r = oom_adj_write(0, -999), adj;

	if (r < 0)
		watch_log("warning: cannot set oom_score_adj to -999: %s (it needs CAP_SYS_RESOURCE; with systemd, "
			  "OOMScoreAdjust=-999): the OOM killer may choose headroom watch",
			  strerror(-r));
	if (oom_adj_read(0, &adj) == 0)
		w->stats.oom_score_adj = adj;
}

static void lock_memory(struct watch *w)
{
	/* MCL_ONFAULT (4.4+): pages are locked as they are touched, so the reserved space costs nothing until used */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0) {
		w->stats.memory_locked = true;
		return;
	}
	watch_log("warning: cannot lock memory (mlockall): %s (it needs CAP_IPC_LOCK or a large enough RLIMIT_MEMLOCK; "
		  "with systemd, LimitMEMLOCK=infinity): under memory pressure headroom watch may be paged out",
		  strerror(errno));
}

static int start(struct watch *w)
{
	int r;

	r = arena_init(&w->scan_arena, w->cfg.scan_memory);
	if (r == 0)
		r = arena_init(&w->tick_arena[0], TICK_ARENA_SIZE);
	if (r == 0)
		r = arena_init(&w->tick_arena[1], TICK_ARENA_SIZE);
	if (r < 0) {
		watch_log("error: cannot reserve memory: %s", strerror(-r));
		return r;
	}
	w->stats.scan_memory_reserved_bytes = w->scan_arena.size;
	/* the watched cgroups are at most max_cgroups; a larger value after a reload carries that many */
	w->carry_cap = w->cfg.max_cgroups ? w->cfg.max_cgroups : 1;
	w->carry = xcalloc(w->carry_cap, sizeof(*w->carry));
	w->max_lines = xcalloc(w->carry_cap, sizeof(*w->max_lines));
	if (w->cfg.listen[0]) {
		r = http_listen(&w->http, w->cfg.listen);
		if (r < 0) {
			watch_log("error: cannot listen on '%s': %s", w->cfg.listen,
				  r == -EINVAL ? "expected ADDRESS:PORT, [ADDRESS6]:PORT or PORT" : strerror(-r));
			return r;
		}
		w->http_on = true;
	}
	if (w->cfg.state_dir[0]) {
		r = evidence_open(&w->evidence, w->cfg.state_dir, w->cfg.evidence_files, w->cfg.evidence_bytes);
		if (r < 0) {
			watch_log("error: cannot use the state directory '%s': %s", w->cfg.state_dir, strerror(-r));
			return r;
		}
	}
	w->textfile_fd = -1;
	if (w->cfg.textfile_dir[0]) {
		w->textfile_fd = open(w->cfg.textfile_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w->textfile_fd < 0) {
			r = -errno;
			watch_log("error: cannot open the textfile directory '%s': %s", w->cfg.textfile_dir, strerror(errno));
			return r;
		}
		/* found now, not at the first tick: the daemon exits 3 as for the state directory */
		r = dir_takes_files(w->textfile_fd);
		if (r < 0) {
			watch_log("error: cannot write in the textfile directory '%s': %s", w->cfg.textfile_dir, strerror(-r));
			return r;
		}
	}
	w->sigfd = setup_signals(w->view != NULL);
	if (w->sigfd < 0) {
		watch_log("error: cannot set up signals: %s", strerror(-w->sigfd));
		return w->sigfd;
	}
	w->klog.fd = -1;
	if (w->root->live) {
		r = kernel_log_open(&w->klog, true);
		if (r < 0)
			watch_log("warning: cannot follow the kernel log (/dev/kmsg): %s; OOM kills are still counted from "
				  "/proc/vmstat and cgroup counters, without their victims",
				  strerror(-r));
		else
			w->klog_on = true;
		w->boot_epoch = kernel_log_boot_epoch();
		/* the daemon's; a view is the user's, as their shell is */
		if (!w->view) {
			protect_from_oom(w);
			lock_memory(w);
		}
	}
	w->stats.version = HEADROOM_VERSION;
	w->stats.start_time = wall_now();
	return 0;
}

static void stop(struct watch *w)
{
	if (w->http_on)
		http_close(&w->http);
	if (w->klog_on)
		kernel_log_close(&w->klog);
	evidence_close(&w->evidence);
	if (w->textfile_fd >= 0) {
		/* stale numbers would read as current: the file goes with the daemon */
		unlinkat(w->textfile_fd, "headroom.prom", 0);
		close(w->textfile_fd);
	}
	if (w->sigfd >= 0)
		close(w->sigfd);
	arena_destroy(&w->scan_arena);
	arena_destroy(&w->tick_arena[0]);
	arena_destroy(&w->tick_arena[1]);
	xfree(w->carry);
	xfree(w->max_lines);
	w->max_lines = NULL;
	w->carry = NULL;
}

/* Applies a reloaded configuration; what cannot change while running is kept, with a word. */
static void reload(struct watch *w, watch_reload_fn fn, void *ctx)
{
	struct watch_config c = w->cfg;
	/* the file is read in this tick's arena: a reload calls no malloc either */
	int r = fn ? fn(&c, &w->tick_arena[w->parity], ctx) : -ENOTSUP;

	if (r < 0) {
		watch_log("reload: kept the running configuration");
		return;
	}
	if (strcmp(c.listen, w->cfg.listen) || strcmp(c.state_dir, w->cfg.state_dir) ||
	    strcmp(c.textfile_dir, w->cfg.textfile_dir) || c.scan_memory != w->cfg.scan_memory)
		watch_log("reload: --listen, --state-dir, --textfile and --scan-memory change only on a restart");
	memcpy(c.listen, w->cfg.listen, sizeof(c.listen));
	memcpy(c.state_dir, w->cfg.state_dir, sizeof(c.state_dir));
	memcpy(c.textfile_dir, w->cfg.textfile_dir, sizeof(c.textfile_dir));
	c.scan_memory = w->cfg.scan_memory;
	w->cfg = c;
	w->evidence.max_files = c.evidence_files;
	w->evidence.max_bytes = c.evidence_bytes;
	watch_log("reload: interval %gs (fastest %gs), full scan every %gs, warning %g%%, critical %g%%, %u cgroups at most",
		  c.interval_s, c.min_interval_s, c.scan_interval_s, c.th.warning_pct, c.th.critical_pct, c.max_cgroups);
	full_scan(w, SCAN_RELOAD);
}

int watch_run(const struct hr_root *root, const struct watch_config *cfg, watch_reload_fn reload_fn, void *ctx,
	      const struct watch_view *view)
{
	static struct watch w; /* large (the HTTP slots): not on the stack */
	struct pollfd fds[4 + HTTP_MAX_CONN];
	double next_tick;
	bool running = true;
	int r;

	alloc_counter_fn count_allocs = alloc_counter();

	memset(&w, 0, sizeof(w));
	w.root = root;
	w.cfg = *cfg;
	w.sigfd = -1;
	w.view = view;
	if (view) {
		/* a view serves and writes nothing: only its own screen */
		w.cfg.listen[0] = w.cfg.state_dir[0] = w.cfg.textfile_dir[0] = '\0';
		log_view = view;
	}
	r = start(&w);
	if (r < 0) {
		stop(&w);
		log_view = NULL;
		return r;
	}
	full_scan(&w, SCAN_STARTUP);
	if (!view)
		watch_log("started: headroom %s, pid %d; %zu cgroup(s) watched each tick; %s%s%s%s%s; memory %s, "
		  "oom_score_adj %d",
		  HEADROOM_VERSION, (int)getpid(), w.nwatched, w.http_on ? "serving http://" : "no --listen",
		  w.http_on ? w.http.address : "", w.http_on ? "/metrics" : "", w.evidence.on ? "; evidence in " : "",
		  w.evidence.on ? w.cfg.state_dir : "", w.stats.memory_locked ? "locked" : "not locked",
		  w.stats.oom_score_adj);
	tick(&w);
	if (count_allocs)
		w.allocs_at_start = count_allocs();
	next_tick = mono_now() + w.stats.interval_seconds;
	while (running && !w.view_quit && (!w.cfg.count || w.stats.ticks < w.cfg.count)) {
		size_t nfds = 0, nhttp;
		double now = mono_now();
		int timeout = now >= next_tick ? 0 : (int)ceil((next_tick - now) * 1000);

		fds[nfds++] = (struct pollfd){ .fd = w.sigfd, .events = POLLIN };
		fds[nfds++] = (struct pollfd){ .fd = w.klog_on ? w.klog.fd : -1, .events = POLLIN };
		fds[nfds++] = (struct pollfd){ .fd = view ? view->input_fd : -1, .events = POLLIN };
		nhttp = w.http_on ? http_poll_fds(&w.http, fds + nfds) : 0;
		if (w.http_on) {
			int ht = http_next_timeout(&w.http, (uint64_t)(now * 1000));

			if (ht >= 0 && ht < timeout)
				timeout = ht;
		}
		if (poll(fds, nfds + nhttp, timeout) < 0 && errno != EINTR) {
			watch_log("error: poll: %s", strerror(errno));
			break;
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(w.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					reload(&w, reload_fn, ctx);
				} else if (si.ssi_signo == SIGWINCH) {
					w.view_quit |= view->frame(view->ctx, &w.frame) == VIEW_QUIT;
				} else {
					if (!view)
						watch_log("stopping on %s", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
					running = false;
				}
			}
		}
		if (w.klog_on && (fds[1].revents & POLLIN))
			kernel_events(&w);
		if (view && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			enum watch_view_action act = view->input(view->ctx);

			if (act == VIEW_QUIT)
				running = false;
			else if (act == VIEW_REDRAW)
				w.view_quit |= view->frame(view->ctx, &w.frame) == VIEW_QUIT;
		}
		if (w.http_on) {
			struct http_content c = { w.metrics, w.metrics_len };

			http_handle(&w.http, fds + nfds, nhttp, &c, (uint64_t)(mono_now() * 1000));
		}
		if (running && mono_now() >= next_tick) {
			tick(&w);
			next_tick = mono_now() + w.stats.interval_seconds;
		}
	}
	/* the last line to stderr in any case: a view has drawn its last frame (tests read the allocations) */
	log_view = NULL;
	if (count_allocs)
		watch_log("stopped after %llu ticks and %llu full scans; heap allocations at start-up: %lu, after: %lu",
			  (unsigned long long)w.stats.ticks,
			  (unsigned long long)(w.stats.scans[0] + w.stats.scans[1] + w.stats.scans[2] + w.stats.scans[3] +
					       w.stats.scans[4]),
			  w.allocs_at_start, count_allocs() - w.allocs_at_start);
	else if (!view)
		watch_log("stopped after %llu ticks", (unsigned long long)w.stats.ticks);
	stop(&w);
	return 0;
}
