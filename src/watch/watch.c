// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom watch: the loop, its ticks and full scans (see watch.h). */
#include "watch/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
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
#include "model/refresh.h"
#include "parse/kernel_line.h"
#include "parse/oom_log.h"
#include "probe/kernel_log.h"
#include "probe/probe.h"
#include "render/render.h"
#include "version.h"
#include "watch/evidence.h"
#include "watch/http.h"
#include "watch/watched.h"

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
#define RENDER_ARENA_SIZE (HTTP_RESPONSE_MAX + (1u << 20))

/* Events kept for the next evidence scan; more in one scan_gap are counted and named as "N more". */
#define PENDING_EVENTS_MAX 16
/* Recent kills remembered to name the cgroup of a kill whose record was lost; kept KILL_NOTE_TICKS ticks. */
#define KILL_NOTES 32
#define KILL_NOTE_TICKS 5

/*
 * Incidents: a limit (its id and scope) past a threshold, or kernel events about it. Its first snapshot
 * opens it; a later one is written only when it tells something new (a worse status, a kind of event the
 * incident had not had), and the evidence files keep first snapshots over later ones. It ends this long
 * after its limit was last seen not ok and its last event. A table made at start-up: beyond it, the
 * incident quiet longest gives way.
 */
#define INCIDENTS_MAX 64
#define INCIDENT_QUIET_S 60
/* A snapshot that could not be written is tried again this often while its incident lasts. */
#define EVIDENCE_RETRY_S 2

struct incident {
	bool active;
	enum limit_id id;
	char scope[512];
	char started[40];                   /* when its first snapshot was taken ("2026-12-07T03:12:07+0000") */
	char snapshot[EVIDENCE_NAME_MAX];   /* its first snapshot's file; "" none (yet) */
	enum status worst;
	unsigned saw;                       /* SAW_* bits */
	double last_mono;                   /* last seen not ok, or its last event */
};

/* A writer's outage: failing since when, and how many failures before the first success. */
struct outage {
	bool failing;
	double since;
	uint64_t failures, count_at_start;
};

/*
 * The limits of an assessment by kind and scope, in an open-addressing table: each tick looks up its
 * limits in the previous tick's and in the scan's, which a linear search would make quadratic in the
 * number of cgroups.
 */
struct limit_index {
	const struct limit **slots;
	size_t mask;
};

/*
 * One tick's measurement: the machine-wide readings and the cgroups re-read this tick (entry[k] is the
 * watched entry of snap.cgroups[k]), assessed.
 */
struct tick_state {
	struct snapshot snap;
	struct assessment a;
	struct limit_index index;
	size_t *entry;
	bool valid;
};

/* An event that asks for an evidence scan: its words, and whose top consumer it names. */
struct pending_event {
	enum limit_id limit;
	char scope[512];
	char words[384];
};

/* A limit that calls for a scan (see consider), its words copied: it may live in an arena a scan resets. */
struct trigger {
	bool set;
	bool worse;        /* into warning or critical, or from warning to critical; else a jump */
	enum limit_id id;
	enum status status;
	char scope[512];
	char words[600];
};

struct watch {
	const struct hr_root *root;
	struct watch_config cfg;
	struct arena scan_arena, tick_arena[2], render_arena;
	int parity;                   /* which tick arena the current tick uses */
	struct snapshot scan;
	struct assessment scan_a;     /* kept current between scans (current_limits) */
	bool scan_unknown;            /* the scan's own verdict could not be trusted */
	struct limit_index scan_index; /* scan_a's limits, in the scan's arena */
	bool *hidden;                 /* per limit of scan_a: its cgroup or its limit is gone since the scan */
	uint64_t *hier_hash;          /* per hierarchy of the scan: watched_hier_hash of its mount point */
	struct cgroup_order scan_order; /* the scan's cgroups in subtree order, in the scan's arena */
	struct watched table;         /* the cgroups watched between scans (watch/watched.h) */
	size_t *picked;               /* the entries a tick re-reads: cfg.tick_cgroups at most */
	size_t tick_cgroups;          /* as at start-up: picked's size */
	bool rescan_soon;             /* a watched cgroup got a limit the scan did not have */
	struct tick_state ticks[2];   /* the current and the previous tick, by parity */
	struct http_server http;
	bool http_on;
	struct kernel_log klog;
	bool klog_on;
	int64_t boot_epoch;
	struct oom_line summary;      /* the last "oom-kill:" summary, for the kill line that follows it */
	bool have_summary;
	/* kernel and counter events since the last evidence scan, each with its own words and scope */
	struct pending_event events[PENDING_EVENTS_MAX];
	size_t nevents, events_more;
	struct trigger scan_trigger;  /* a crossing a full scan found (its readings are compared when it is built) */
	struct opt_u64 vmstat_oom_kill; /* at the last tick */
	/*
	 * The OOM kills /proc/vmstat counted and those the kernel log named, since the first tick: a kill counted
	 * a tick ago with no record by now lost its record (overwritten in an overrun, say), and is said all
	 * the same (reconcile_kills). Recent rises of watched cgroups' oom_kill counters and the cgroups of
	 * the kills the log named tell in which cgroup it was.
	 */
	uint64_t kills_counted, kills_counted_before, kills_named, kills_unnamed;
	bool kills_baseline;          /* set at the first tick: the log's records before it are not counted */
	struct kill_note {
		char path[OOM_PATH_MAX]; /* "" for a kill the log named without its cgroup */
		uint64_t n;
		uint64_t tick;
	} rises[KILL_NOTES], named[KILL_NOTES];
	size_t nrises, nnamed;        /* written round, the oldest overwritten */
	uint64_t klog_lost_said;      /* klog.lost as last logged */
	struct evidence_dir evidence;
	struct incident incidents[INCIDENTS_MAX];
	struct incident *pending_incident; /* whose snapshot waits to be written again */
	double evidence_retry_mono;
	struct outage evidence_outage, textfile_outage;
	int textfile_fd;
	double textfile_written_mono;
	int sigfd;
	struct watch_stats stats;
	double last_scan_mono, last_triggered_mono;
	double tick_wall;             /* epoch seconds the last tick started: what the metrics describe */
	const char *metrics;
	size_t metrics_len;
	uint64_t metrics_tick;        /* the tick the metrics were rendered at (stats.ticks) */
	bool metrics_valid;
	unsigned long allocs_at_start;
	const struct watch_view *view; /* headroom top's, or NULL */
	struct watch_frame frame;      /* the last frame handed to the view, for a redraw */
	bool view_quit;                /* the view asked to stop */
};

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
	if (!x->slots)
		return NULL;
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
	c->max_cgroups = WATCH_MAX_CGROUPS_DEFAULT;
	c->tick_cgroups = WATCH_TICK_CGROUPS_DEFAULT;
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

/* ---- events ---- */

/*
 * An event that asks for an evidence scan at the next tick (at most one per scan_gap): its top consumer
 * is looked for in the cgroup (or the machine). Events until then each keep their words and scope; the
 * snapshot names them all (beyond PENDING_EVENTS_MAX, how many more).
 */
static void __attribute__((format(printf, 4, 5)))
note_event(struct watch *w, enum limit_id id, const char *cgroup, const char *fmt, ...)
{
	struct pending_event n;
	va_list ap;

	n.limit = id;
	scope_format(cgroup ? scope_cgroup(cgroup) : scope_system(), n.scope, sizeof(n.scope));
	va_start(ap, fmt);
	vsnprintf(n.words, sizeof(n.words), fmt, ap);
	va_end(ap);
	/* the same words twice (the kernel log's line and the counter's rise of one rejection) are one event */
	for (size_t i = 0; i < w->nevents; i++)
		if (w->events[i].limit == id && strcmp(w->events[i].scope, n.scope) == 0 &&
		    strcmp(w->events[i].words, n.words) == 0)
			return;
	if (w->nevents == PENDING_EVENTS_MAX) {
		w->events_more++;
		return;
	}
	w->events[w->nevents++] = n;
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

/* d more hits of c's memory limit: a line when the cgroup had none logged in the last minute. */
static void max_hits_event(struct watched_cgroup *e, const struct cgroup_info *c, uint64_t d)
{
	double now = mono_now();
	char b1[32];

	e->hits_unlogged += d;
	if (e->hits_logged_at && now - e->hits_logged_at < 60)
		return;
	watch_log("memory: cgroup %s reached its memory limit %s time(s) %s (%s now %llu): the kernel reclaimed to stay "
		  "under it, and OOM-kills when it cannot",
		  c->path, human_count(e->hits_unlogged, b1, sizeof(b1)),
		  e->hits_logged_at ? "in the last minute" : "since it was read before",
		  c->mem_events_max.known ? "memory.events max" : "memory.failcnt", (unsigned long long)max_hits(c).v);
	e->hits_logged_at = now;
	e->hits_unlogged = 0;
}

/* Remembers n kills in cgroup path (NULL: not known) at tick, in a ring of KILL_NOTES. */
static void kill_note(struct kill_note *ring, size_t *n, const char *path, uint64_t kills, uint64_t tick)
{
	struct kill_note *k = &ring[*n % KILL_NOTES];

	snprintf(k->path, sizeof(k->path), "%s", path ? path : "");
	k->n = kills;
	k->tick = tick;
	(*n)++;
}

/*
 * The rises of a watched cgroup's event counters since its last reading (e's): logged, and a scan asked
 * for a rejected fork or an OOM kill; the hits of a memory limit are logged only.
 */
static void cgroup_events(struct watch *w, struct watched_cgroup *e, const struct cgroup_info *c)
{
	char b1[32], b2[32];
	uint64_t d;

	if (!e->read)
		return; /* the first reading: nothing to compare with */
	d = delta(c->pids_events_max, &e->events_max);
	if (d) {
		watch_log("fork-rejected: %s fork(s) failed in cgroup %s: pids.max %s reached (pids.events max now %llu)",
			  human_count(d, b1, sizeof(b1)), c->path,
			  c->pids_unlimited ? "of an ancestor" : human_count(c->pids_max, b2, sizeof(b2)),
			  (unsigned long long)c->pids_events_max.v);
		note_event(w, LIMIT_CGROUP_PIDS, c->path, "forks rejected in cgroup %s", c->path);
	}
	d = delta(c->mem_oom_kill, &e->oom_kill);
	if (d) {
		watch_log("oom: %s OOM kill(s) in memory cgroup %s (its oom_kill counter, now %llu)",
			  human_count(d, b1, sizeof(b1)), c->path, (unsigned long long)c->mem_oom_kill.v);
		note_event(w, LIMIT_CGROUP_MEMORY, c->path, "OOM kill in cgroup %s", c->path);
		kill_note(w->rises, &w->nrises, c->path, d, w->stats.ticks);
	}
	d = delta(max_hits(c), &e->max_hits);
	if (d)
		max_hits_event(e, c, d);
}

static void vmstat_events(struct watch *w, struct opt_u64 now)
{
	uint64_t d = delta(now, &w->vmstat_oom_kill);

	w->kills_counted_before = w->kills_counted;
	w->kills_counted += d;

	if (d && !w->klog_on) {
		watch_log("oom: %llu OOM kill(s) since the last tick (/proc/vmstat oom_kill); the kernel log cannot be "
			  "read for the victims",
			  (unsigned long long)d);
		note_event(w, LIMIT_MEMORY, NULL, "OOM kills counted in /proc/vmstat");
	}
	if (now.known)
		w->vmstat_oom_kill = now;
}

/* ---- crossings ---- */

/* "cgroup_pids cgroup:/a is critical: 16 of 16 tasks (100.0%)" */
static void status_words(const struct limit *l, char *out, size_t size)
{
	char u[32], m[32];

	snprintf(out, size, "%s %s is %s: %s of %s (%.1f%%)", limit_kinds[l->id].id, l->scope, status_name(l->status),
		 l->unit == UNIT_BYTES ? render_amount(l->unit, l->used, u, sizeof(u)) : human_count(l->used, u, sizeof(u)),
		 l->unlimited ? "unlimited" : render_amount(l->unit, l->max, m, sizeof(m)), limit_percent(l));
}

/*
 * Whether limit l, against its state at the last reading (had: there was one), calls for a full scan:
 * it got worse (into warning or critical), or it moved by 10 points of its maximum since then, above
 * half of it. A trigger already set by a worse limit is kept; a jump gives way to a worse one.
 */
static void consider(struct trigger *t, const struct limit *l, bool had, enum status was, double was_pct)
{
	double pct = limit_percent(l);

	if (t->set && t->worse)
		return;
	if (l->status > STATUS_OK && (!had || l->status > was)) {
		t->set = t->worse = true;
		t->id = l->id;
		t->status = l->status;
		snprintf(t->scope, sizeof(t->scope), "%s", l->scope);
		status_words(l, t->words, sizeof(t->words));
		return;
	}
	if (!t->set && had && pct >= 50 && was_pct >= 0 && fabs(pct - was_pct) >= 10) {
		t->set = true;
		t->id = l->id;
		t->status = l->status;
		snprintf(t->scope, sizeof(t->scope), "%s", l->scope);
		snprintf(t->words, sizeof(t->words), "%s %s moved from %.1f%% to %.1f%% since it was read before",
			 limit_kinds[l->id].id, l->scope, was_pct, pct);
	}
}

static bool watched_kind_of(enum limit_id id, enum watched_kind *ret)
{
	if (id == LIMIT_CGROUP_PIDS)
		*ret = WK_PIDS;
	else if (id == LIMIT_CGROUP_MEMORY)
		*ret = WK_MEMORY;
	else
		return false;
	return true;
}

static const enum limit_id watched_limit_ids[WK_N] = { [WK_PIDS] = LIMIT_CGROUP_PIDS, [WK_MEMORY] = LIMIT_CGROUP_MEMORY };

/* The machine-wide limits of this tick against the previous tick's. */
static void system_crossings(const struct tick_state *cur, const struct tick_state *prev, struct trigger *t)
{
	for (size_t i = 0; i < cur->a.nlimits; i++) {
		const struct limit *l = &cur->a.limits[i];
		const struct limit *p;
		enum watched_kind k;

		if (watched_kind_of(l->id, &k))
			continue;
		p = prev->valid ? limit_index_find(&prev->index, l->id, l->scope) : NULL;
		consider(t, l, p != NULL, p ? p->status : STATUS_OK, p ? limit_percent(p) : -1);
	}
}

/*
 * A reading of watched cgroup e: c, whose limits (pids, memory; NULL none) were assessed in `fresh`.
 * Logs what rose since e's last reading, notes a crossing in t, brings the scan's limits of the
 * cgroup up to date (or hides one that is gone), and remembers the reading in e.
 */
static void cgroup_reading(struct watch *w, struct watched_cgroup *e, const struct cgroup_info *c,
			   const struct limit *const *fresh, struct trigger *t, double now)
{
	cgroup_events(w, e, c);
	for (int k = 0; k < WK_N; k++) {
		const struct limit *l = fresh[k];

		if (l)
			consider(t, l, e->read && e->has_status[k], e->status[k], e->pct[k]);
		if (e->limit[k] && l) {
			limit_refresh(e->limit[k], l);
		} else if (e->limit[k]) {
			/* pids.max back to "max", or the memory limit lifted: its series go */
			w->hidden[e->limit[k] - w->scan_a.limits] = true;
			e->limit[k] = NULL;
		} else if (l && e->info != c) {
			e->new_limit = true; /* served from the next scan, which comes soon */
			w->rescan_soon = true;
		}
		e->has_status[k] = l != NULL;
		e->status[k] = l ? l->status : STATUS_OK;
		e->pct[k] = l ? limit_percent(l) : -1;
	}
	e->events_max = c->pids_events_max;
	e->oom_kill = c->mem_oom_kill;
	e->max_hits = max_hits(c);
	e->read_at = now;
	e->read = true;
}

/* ---- the constant-cost pass ---- */

/*
 * Measures the machine and the cgroups picked for this tick into t, in mem (the tick's arena). Cost: the
 * machine's few files and at most tick_cgroups cgroups, not the processes nor the other cgroups.
 */
static void measure(struct watch *w, struct tick_state *t, struct arena *mem)
{
	struct snapshot *s = &t->snap;
	size_t npicked = watched_pick(&w->table, w->tick_cgroups, w->picked);

	memset(t, 0, sizeof(*t));
	snapshot_init(s, mem);
	s->live = w->root->live;
	probe_system(w->root, s);
	s->hiers = w->scan.hiers;
	s->nhiers = w->scan.nhiers;
	s->cgroups = mem_calloc(mem, npicked ? npicked : 1, sizeof(*s->cgroups));
	t->entry = mem_calloc(mem, npicked ? npicked : 1, sizeof(*t->entry));
	for (size_t k = 0; k < npicked; k++) {
		struct watched_cgroup *e = &w->table.cur[w->picked[k]];
		int r = probe_cgroup_reread(w->root, s, e->info, &s->cgroups[s->ncgroups]);

		if (r == -ENOENT || r == -ENOTDIR) {
			e->gone = true; /* removed since the scan */
			continue;
		}
		if (r < 0)
			continue;
		t->entry[s->ncgroups++] = w->picked[k];
	}
	assess(s, &w->cfg.th, NULL, &t->a);
	limit_index_build(&t->index, &t->a, mem);
	t->valid = true;
}

/*
 * The readings of this tick's cgroups: compared with what each entry remembers, then kept as the
 * entry's latest (in the scan's snapshot, so that a subtree's rejected forks add up its cgroups' latest).
 */
static void tick_readings(struct watch *w, const struct tick_state *t, struct trigger *trig, double now)
{
	char scope[PATH_MAX + 16];

	for (size_t k = 0; k < t->snap.ncgroups; k++) {
		struct watched_cgroup *e = &w->table.cur[t->entry[k]];
		const struct cgroup_info *c = &t->snap.cgroups[k];
		const struct limit *fresh[WK_N];

		scope_format(scope_cgroup(c->path), scope, sizeof(scope));
		for (int kind = 0; kind < WK_N; kind++)
			fresh[kind] = limit_index_find(&t->index, watched_limit_ids[kind], scope);
		cgroup_reading(w, e, c, fresh, trig, now);
		/* the reading's numbers, in the scan's entry: its strings are the scan's already */
		*e->info = *c;
	}
	/* forks rejected add up a subtree: the pids limits read this tick, over every watched cgroup's latest */
	for (size_t k = 0; k < t->snap.ncgroups; k++) {
		struct watched_cgroup *e = &w->table.cur[t->entry[k]];
		struct limit *l = e->limit[WK_PIDS];
		bool known;
		uint64_t rejected;

		if (!l)
			continue;
		rejected = cgroup_subtree_rejected(&w->scan, &w->scan_order, e->info, &known);
		for (int f = 0; known && f < l->nfacts; f++)
			if (l->facts[f].id == FACT_REJECTED_FORKS && rejected > l->facts[f].u)
				l->facts[f].u = rejected;
	}
}

/* ---- the full scan ---- */

static void full_scan(struct watch *w, enum watch_scan_reason reason);

/*
 * After a full scan: the watched table built from its cgroups, each compared with what the previous
 * table remembered of it (the scan is a reading like a tick's: a kill or a crossing since then is seen,
 * a scan or a reload alone is none), and the parents' directories watched for removals.
 */
static void rebuild_table(struct watch *w, double now)
{
	struct arena *mem = &w->scan_arena;
	char scope[PATH_MAX + 16];
	struct trigger t = { 0 };

	w->hier_hash = mem_calloc(mem, w->scan.nhiers ? w->scan.nhiers : 1, sizeof(*w->hier_hash));
	for (size_t i = 0; i < w->scan.nhiers; i++)
		w->hier_hash[i] = watched_hier_hash(w->scan.hiers[i].mount_point);
	limit_index_build(&w->scan_index, &w->scan_a, mem);
	cgroup_order_build(&w->scan_order, &w->scan, mem);
	w->hidden = mem_calloc(mem, w->scan_a.nlimits ? w->scan_a.nlimits : 1, sizeof(*w->hidden));
	watched_rebuild(&w->table, w->scan.cgroups, w->scan.ncgroups, w->hier_hash);
	for (size_t i = 0; i < w->table.n; i++) {
		struct watched_cgroup *e = &w->table.cur[i];
		const struct limit *fresh[WK_N];

		scope_format(scope_cgroup(e->info->path), scope, sizeof(scope));
		for (int k = 0; k < WK_N; k++) {
			fresh[k] = limit_index_find(&w->scan_index, watched_limit_ids[k], scope);
			/* the scan's own limits: cgroup_reading refreshes them with themselves */
			e->limit[k] = (struct limit *)fresh[k];
		}
		cgroup_reading(w, e, e->info, fresh, &t, now);
	}
	if (t.set && (!w->scan_trigger.set || (t.worse && !w->scan_trigger.worse)))
		w->scan_trigger = t;
	w->rescan_soon = false;
	if (w->root->live && w->table.n) {
		int r = watched_watch_parents(&w->table, w->hier_hash);

		if (r < 0 && w->stats.cgroup_watch_failed++ == 0)
			watch_log("warning: cannot watch cgroup directories for removals (inotify): %s; a removed cgroup's "
				  "series go at its next reading",
				  strerror(-r));
	}
}

static void full_scan(struct watch *w, enum watch_scan_reason reason)
{
	struct probe_opts po = { .no_fork = true, .no_threads = true, .map_counts = w->cfg.map_counts,
				 .map_count_min_pct = w->cfg.th.warning_pct, .memcg = true, .fold = &w->cfg.th,
				 .max_cgroups = w->table.max };
	double t0 = mono_now();

	arena_reset(&w->scan_arena);
	snapshot_init(&w->scan, &w->scan_arena);
	probe_snapshot(w->root, &po, &w->scan);
	assess(&w->scan, &w->cfg.th, NULL, &w->scan_a);
	w->scan_unknown = w->scan_a.unknown;
	rebuild_table(w, mono_now());
	w->stats.scans[reason]++;
	w->stats.scan_seconds = mono_now() - t0;
	w->stats.last_scan_time = wall_now();
	w->stats.watched_cgroups = watched_live(&w->table);
	w->stats.cgroups_left_out = w->scan.cgroups_left_out;
	w->stats.cgroups_left_out_max_pct = w->scan.cgroups_left_out_max_pct;
	w->last_scan_mono = mono_now();
	/* the ticks' snapshots pointed at the old scan's hierarchies */
	for (int i = 0; i < 2; i++) {
		w->ticks[i].snap.hiers = w->scan.hiers;
		w->ticks[i].snap.nhiers = w->scan.nhiers;
		w->ticks[i].snap.ncgroups = 0; /* their cgroups' strings were the old scan's */
	}
	w->metrics_valid = false;
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

/* ---- incidents and their evidence ---- */

/* What a snapshot told of an incident, a bit each: a crossing, rejected forks, OOM kills. */
enum { SAW_CROSSING = 1u << 0, SAW_FORK_REJECTED = 1u << 1, SAW_OOM_KILL = 1u << 2 };

static unsigned event_saw(enum limit_id id)
{
	return id == LIMIT_CGROUP_PIDS ? SAW_FORK_REJECTED : SAW_OOM_KILL;
}

static struct incident *incident_find(struct watch *w, enum limit_id id, const char *scope)
{
	for (size_t i = 0; i < INCIDENTS_MAX; i++)
		if (w->incidents[i].active && w->incidents[i].id == id && strcmp(w->incidents[i].scope, scope) == 0)
			return &w->incidents[i];
	return NULL;
}

/* A slot for a new incident: a free one, else the one quiet longest (the table is made at start-up). */
static struct incident *incident_new(struct watch *w, enum limit_id id, const char *scope, const char *started)
{
	struct incident *best = &w->incidents[0];

	for (size_t i = 0; i < INCIDENTS_MAX; i++) {
		struct incident *x = &w->incidents[i];

		if (!x->active) {
			best = x;
			break;
		}
		if (x->last_mono < best->last_mono)
			best = x;
	}
	if (w->pending_incident == best)
		w->pending_incident = NULL;
	memset(best, 0, sizeof(*best));
	best->active = true;
	best->id = id;
	snprintf(best->scope, sizeof(best->scope), "%s", scope);
	snprintf(best->started, sizeof(best->started), "%s", started);
	return best;
}

/* The status of a limit now (the scan's, kept current); STATUS_OK when there is none. */
static enum status status_now(const struct watch *w, enum limit_id id, const char *scope)
{
	const struct limit *l = limit_index_find(&w->scan_index, id, scope);

	return l && l->listed ? l->status : STATUS_OK;
}

/* Whether (id, scope) at status st, as seen, tells something its incident does not know yet. */
static bool incident_news(struct watch *w, enum limit_id id, const char *scope, enum status st, unsigned saw)
{
	const struct incident *x = incident_find(w, id, scope);

	return !x || st > x->worst || (saw & ~x->saw);
}

/* Notes (id, scope) at status st, as seen, in its incident (made when there is none). */
static struct incident *incident_note(struct watch *w, enum limit_id id, const char *scope, enum status st,
				      unsigned saw, const char *stamp, const char *snapshot, double now)
{
	struct incident *x = incident_find(w, id, scope);

	if (!x)
		x = incident_new(w, id, scope, stamp);
	if (st > x->worst)
		x->worst = st;
	x->saw |= saw;
	x->last_mono = now;
	if (snapshot && !x->snapshot[0])
		snprintf(x->snapshot, sizeof(x->snapshot), "%s", snapshot);
	return x;
}

/*
 * Incidents end INCIDENT_QUIET_S after their limit was last seen not ok and their last event; a
 * snapshot still waiting to be written is given up with its incident.
 */
static void incidents_age(struct watch *w, double now)
{
	for (size_t i = 0; i < INCIDENTS_MAX; i++) {
		struct incident *x = &w->incidents[i];

		if (!x->active)
			continue;
		if (status_now(w, x->id, x->scope) > STATUS_OK)
			x->last_mono = now;
		if (now - x->last_mono < INCIDENT_QUIET_S)
			continue;
		x->active = false;
		if (w->pending_incident == x && evidence_pending(&w->evidence)) {
			watch_log("evidence: gave up the snapshot of %s, never written to '%s' (%s): its incident (%s %s) is "
				  "over",
				  w->evidence.pending_when, w->cfg.state_dir, strerror(-w->evidence.last_err),
				  limit_kinds[x->id].id, x->scope);
			evidence_drop_pending(&w->evidence);
		}
		if (w->pending_incident == x)
			w->pending_incident = NULL;
	}
}

/* A writer's outage (the state directory, the textfile): said when it starts and when it ends. */
static void outage_failed(struct outage *o, const char *what, const char *where, int err)
{
	o->failures++;
	if (o->failing)
		return;
	o->failing = true;
	o->since = mono_now();
	o->count_at_start = o->failures;
	watch_log("%s: cannot write to '%s' from now: %s", what, where, strerror(-err));
}

static void outage_worked(struct outage *o, const char *what, const char *where)
{
	if (!o->failing)
		return;
	o->failing = false;
	watch_log("%s: writing to '%s' works again, after %llu failure(s) over %.0f s", what, where,
		  (unsigned long long)(o->failures - o->count_at_start + 1), mono_now() - o->since);
}

/* The words of a list of events, "E1; E2; and 3 more", into out. */
static void events_words(const struct pending_event *ev, size_t n, size_t more, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(out + len, size - len, "%s%s", i ? "; " : "", ev[i].words);

		if (k < 0 || (size_t)k >= size - len)
			return;
		len += (size_t)k;
	}
	if (more)
		snprintf(out + len, size - len, "; and %zu more", more);
}

/*
 * The evidence of a crossing (t, may be unset) and of the pending events, one snapshot an incident:
 * a full scan and a snapshot when they open an incident or tell it something new (a worse status, a kind
 * of event it had not had); otherwise one log line pointing at its first snapshot, without a scan.
 * Each event keeps its own words, limit, scope and top consumer in the snapshot.
 */
static void evidence(struct watch *w, enum watch_scan_reason reason, struct trigger *t)
{
	struct pending_event ev[PENDING_EVENTS_MAX];
	struct evidence_event eev[PENDING_EVENTS_MAX];
	char tops[PENDING_EVENTS_MAX][256], top[512], why[3072], path[PATH_MAX + 64], when[16], stamp[40];
	size_t nev = w->nevents, more = w->events_more, n;
	enum limit_id id;
	const char *scope;
	enum status st;
	bool news = false;
	struct incident *x;
	struct tm tm;
	time_t now_t = time(NULL);
	double now = mono_now();
	int r;

	memcpy(ev, w->events, nev * sizeof(*ev));
	w->nevents = w->events_more = 0;
	if (!t->set && nev) {
		/* without a crossing now, the first event's own limit says where it stands */
		const struct limit *l = limit_index_find(&w->scan_index, ev[0].limit, ev[0].scope);

		if (l && l->listed && l->status > STATUS_OK) {
			t->set = t->worse = true;
			t->id = l->id;
			t->status = l->status;
			snprintf(t->scope, sizeof(t->scope), "%s", l->scope);
			status_words(l, t->words, sizeof(t->words));
		}
	}
	id = t->set ? t->id : ev[0].limit;
	scope = t->set ? t->scope : ev[0].scope;
	st = t->set ? t->status : status_now(w, id, scope);
	events_words(ev, nev, more, why, sizeof(why));
	n = strlen(why);
	if (t->set)
		snprintf(why + n, sizeof(why) - n, "%s%s", n ? "; " : "", t->words);
	localtime_r(&now_t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
	news = incident_news(w, id, scope, st, t->set ? SAW_CROSSING : 0);
	for (size_t i = 0; i < nev; i++)
		news |= incident_news(w, ev[i].limit, ev[i].scope, status_now(w, ev[i].limit, ev[i].scope),
				      event_saw(ev[i].limit));
	w->last_triggered_mono = now;
	if (!news) {
		/* a repeat: said, and counted in its incident, without a scan or a file */
		x = incident_note(w, id, scope, st, t->set ? SAW_CROSSING : 0, stamp, NULL, now);
		for (size_t i = 0; i < nev; i++)
			incident_note(w, ev[i].limit, ev[i].scope, STATUS_OK, event_saw(ev[i].limit), stamp, NULL, now);
		w->stats.evidence_repeats++;
		if (x->snapshot[0])
			snprintf(path, sizeof(path), " (its first is %s/%s)", w->cfg.state_dir, x->snapshot);
		else
			path[0] = '\0';
		watch_log("evidence: at %s %s; part of the incident of %s %s since %s, nothing new: no snapshot%s", when, why,
			  limit_kinds[x->id].id, x->scope, x->started, path);
		return;
	}
	x = incident_find(w, id, scope);
	full_scan(w, reason);
	w->last_triggered_mono = mono_now();
	top_words(w, id, scope, top, sizeof(top));
	for (size_t i = 0; i < nev; i++) {
		top_words(w, ev[i].limit, ev[i].scope, tops[i], sizeof(tops[i]));
		eev[i] = (struct evidence_event){ ev[i].words, limit_kinds[ev[i].limit].id, ev[i].scope, tops[i] };
	}
	if (!w->evidence.on) {
		incident_note(w, id, scope, st, t->set ? SAW_CROSSING : 0, stamp, NULL, now);
		for (size_t i = 0; i < nev; i++)
			incident_note(w, ev[i].limit, ev[i].scope, STATUS_OK, event_saw(ev[i].limit), stamp, NULL, now);
		watch_log("evidence: at %s %s%s%s", when, why, top[0] ? "; top consumer: " : "", top);
		return;
	}
	{
		struct evidence_note note = { reason == SCAN_EVENT ? "event" : "threshold", why, top, eev, nev, more,
					      limit_kinds[id].id, scope, x ? x->started : NULL, x == NULL, now_t };
		bool was_pending = evidence_pending(&w->evidence);

		r = evidence_write(&w->evidence, &w->scan, &w->scan_a, &note, &w->scan_arena, path, sizeof(path));
		x = incident_note(w, id, scope, st, t->set ? SAW_CROSSING : 0, stamp,
				  r == 0 ? path + strlen(w->evidence.path) + 1 : NULL, now);
		for (size_t i = 0; i < nev; i++)
			incident_note(w, ev[i].limit, ev[i].scope, STATUS_OK, event_saw(ev[i].limit), stamp, NULL, now);
		if (r < 0) {
			w->stats.evidence_failed++;
			outage_failed(&w->evidence_outage, "evidence", w->cfg.state_dir, r);
			if (!was_pending && evidence_pending(&w->evidence))
				w->pending_incident = x;
			watch_log("evidence: at %s %s%s%s; cannot write it to '%s': %s%s", when, why,
				  top[0] ? "; top consumer: " : "", top, w->cfg.state_dir, strerror(-r),
				  !was_pending && evidence_pending(&w->evidence) ?
					  " (kept, and written when it can be while its incident lasts)" : "");
			return;
		}
		outage_worked(&w->evidence_outage, "evidence", w->cfg.state_dir);
		w->stats.evidence_written++;
		watch_log("evidence: at %s %s%s%s; snapshot in %s", when, why, top[0] ? "; top consumer: " : "", top, path);
	}
}

/* The snapshot kept after a failed write, tried again every EVIDENCE_RETRY_S while its incident lasts. */
static void evidence_try_again(struct watch *w, double now)
{
	char path[PATH_MAX + 64], when[16];
	unsigned tries;
	int r;

	if (!evidence_pending(&w->evidence) || now - w->evidence_retry_mono < EVIDENCE_RETRY_S)
		return;
	w->evidence_retry_mono = now;
	snprintf(when, sizeof(when), "%s", w->evidence.pending_when);
	tries = w->evidence.pending_tries + 1;
	r = evidence_retry(&w->evidence, path, sizeof(path));
	if (r < 0) {
		w->stats.evidence_failed++;
		w->evidence_outage.failures++;
		return;
	}
	outage_worked(&w->evidence_outage, "evidence", w->cfg.state_dir);
	w->stats.evidence_written++;
	if (w->pending_incident && !w->pending_incident->snapshot[0])
		snprintf(w->pending_incident->snapshot, sizeof(w->pending_incident->snapshot), "%s",
			 path + strlen(w->evidence.path) + 1);
	w->pending_incident = NULL;
	watch_log("evidence: the snapshot of %s is written at last, at attempt %u: %s", when, tries, path);
}

/* ---- the kernel log ---- */

static void kernel_events(struct watch *w)
{
	char text[1024], when[64], path[sizeof(text)];
	struct kmsg_record r;
	struct kernel_line kl;
	const struct oom_line *ol = &kl.oom;

	uint64_t gap_first = 0, gap_last = 0;

	/* bounded per call: a flood of records cannot hold the loop */
	for (int i = 0; i < 256 && kernel_log_next(&w->klog, &r, text, sizeof(text)) > 0; i++) {
		if (w->klog.gap_lost) {
			if (!gap_first)
				gap_first = w->klog.gap_first;
			gap_last = w->klog.gap_last;
		}
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
			w->kills_named++;
			kill_note(w->named, &w->nnamed, s ? w->summary.task_memcg : NULL, 1, w->stats.ticks);
			w->have_summary = false;
		}
	}
	if (w->klog.lost > w->klog_lost_said) {
		/* the sequence gap: records the ring buffer dropped before this reader got to them */
		char range[80] = "";

		if (gap_first)
			snprintf(range, sizeof(range), " (sequence %llu to %llu)", (unsigned long long)gap_first,
				 (unsigned long long)gap_last);
		watch_log("kernel-log: %llu record(s) overwritten before headroom read them%s, %llu since start: the OOM "
			  "kills among them are still counted (vmstat, cgroup counters) and said, without their victims",
			  (unsigned long long)(w->klog.lost - w->klog_lost_said), range, (unsigned long long)w->klog.lost);
		w->klog_lost_said = w->klog.lost;
	}
	w->stats.kernel_log_lost = w->klog.lost;
	w->stats.kernel_log_user_records = w->klog.user_records;
}

/* Whether a kill the log named (in path, "" unknown) may be one counted in cgroup top's counter. */
static bool named_within(const char *path, const char *top)
{
	return !path[0] || cgroup_path_within(path, top);
}

/*
 * The kills /proc/vmstat counted by the tick before this one that the kernel log has not named by now
 * (a record is printed right after the count): their records were lost. Each is said, in the deepest
 * watched cgroup whose oom_kill counter rose more than the log's kills in it, and asks for evidence.
 */
static void reconcile_kills(struct watch *w)
{
	const char *where = NULL;
	uint64_t missing, best_depth = 0;

	if (!w->klog_on || w->kills_counted_before <= w->kills_named + w->kills_unnamed)
		return;
	missing = w->kills_counted_before - w->kills_named - w->kills_unnamed;
	w->kills_unnamed += missing;
	for (size_t i = 0; i < KILL_NOTES && i < w->nrises; i++) {
		const struct kill_note *r = &w->rises[i];
		uint64_t named = 0, depth = 0;

		if (r->tick + KILL_NOTE_TICKS < w->stats.ticks)
			continue;
		for (size_t k = 0; k < KILL_NOTES && k < w->nnamed; k++)
			if (w->named[k].tick + KILL_NOTE_TICKS >= w->stats.ticks && named_within(w->named[k].path, r->path))
				named += w->named[k].n;
		if (named >= r->n)
			continue;
		for (const char *p = r->path; *p; p++)
			depth += *p == '/';
		if (!where || depth > best_depth) {
			where = r->path;
			best_depth = depth;
		}
	}
	if (where) {
		watch_log("oom: %llu OOM kill(s) in memory cgroup %s whose kernel record was not read (%s): counted by "
			  "/proc/vmstat oom_kill and the cgroup's oom_kill",
			  (unsigned long long)missing, where,
			  w->klog.lost ? "overwritten before headroom read it" : "not in the kernel log");
		note_event(w, LIMIT_CGROUP_MEMORY, where, "an OOM kill in cgroup %s; its kernel record was %s", where,
			   w->klog.lost ? "overwritten" : "not seen");
	} else {
		watch_log("oom: %llu OOM kill(s) whose kernel record was not read (%s): counted by /proc/vmstat oom_kill; "
			  "the cgroup is not known (a machine-wide OOM, or a cgroup not watched)",
			  (unsigned long long)missing, w->klog.lost ? "overwritten before headroom read it" : "not in the kernel log");
		note_event(w, LIMIT_MEMORY, NULL, "an OOM kill; its kernel record was %s", w->klog.lost ? "overwritten" : "not seen");
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
 * The heap's blocks in use, small and large (mallinfo2: uordblks, hblkhd): what a leak would grow. The
 * arenas are mappings of their own, reset as they are reused, and not in it.
 */
static bool heap_in_use(uint64_t *bytes)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 m = mallinfo2();

	*bytes = (uint64_t)m.uordblks + (uint64_t)m.hblkhd;
	return true;
#else
	*bytes = 0;
	return false;
#endif
}

/*
 * The report's limits as of this tick are the scan's, kept current: the machine's by each tick, the
 * watched cgroups' by their readings; users, processes and namespaces are the scan's. The series of a
 * watched cgroup found gone since (or whose limit was lifted) are no longer listed, and the verdict is
 * the listed limits' worst.
 */
static void current_limits(struct watch *w, const struct tick_state *t)
{
	for (size_t i = 0; i < w->table.n; i++) {
		struct watched_cgroup *e = &w->table.cur[i];

		for (int k = 0; k < WK_N; k++)
			if (e->limit[k] && e->gone)
				w->hidden[e->limit[k] - w->scan_a.limits] = true;
	}
	w->scan_a.worst = STATUS_OK;
	for (size_t i = 0; i < w->scan_a.nlimits; i++) {
		struct limit *l = &w->scan_a.limits[i];

		if (w->hidden[i])
			l->listed = false;
		if (l->listed && l->status > w->scan_a.worst)
			w->scan_a.worst = l->status;
	}
	w->scan_a.unknown = w->scan_unknown || t->a.unknown;
}

/* The machine's limits of this tick into the scan's (cgroups are brought up to date by their readings). */
static void refresh_system(struct watch *w, const struct tick_state *t)
{
	enum watched_kind k;

	for (size_t i = 0; i < t->a.nlimits; i++) {
		const struct limit *l = &t->a.limits[i];
		struct limit *s;

		if (watched_kind_of(l->id, &k))
			continue;
		s = (struct limit *)limit_index_find(&w->scan_index, l->id, l->scope);
		if (s)
			limit_refresh(s, l);
	}
}

/*
 * The metrics as of the last tick, rendered when asked for (a scrape, the textfile), not at every tick:
 * rendering every watched cgroup's series costs more than the tick itself. In an arena of their own,
 * kept until the next rendering (a response is copied as it is started, the textfile written at once).
 */
static void ensure_metrics(struct watch *w)
{
	struct tick_state *t = &w->ticks[w->parity];
	struct arena *mem = &w->render_arena;
	const struct psi *psi = &t->snap.sys.psi_memory;
	struct buf out;

	if (w->metrics_valid && w->metrics_tick == w->stats.ticks)
		return;
	arena_reset(mem);
	current_limits(w, t);
	w->stats.have_oom_kill = t->snap.sys.vmstat_oom_kill.known;
	w->stats.oom_kill = t->snap.sys.vmstat_oom_kill.v;
	w->stats.have_psi = t->snap.sys.have_psi_memory && psi->some.present;
	w->stats.psi_some_us = psi->some.total_us;
	w->stats.have_psi_full = psi->full.present;
	w->stats.psi_full_us = psi->full.total_us;
	w->stats.resident_bytes = resident_bytes(mem);
	w->stats.have_heap = heap_in_use(&w->stats.heap_bytes);
	w->stats.scan_memory_peak_bytes = w->scan_arena.peak;
	w->stats.heap_fallbacks = w->scan_arena.overflows + w->tick_arena[0].overflows + w->tick_arena[1].overflows +
				  w->render_arena.overflows;
	w->stats.kernel_log_open = w->klog_on;
	w->stats.watched_cgroups = watched_live(&w->table);
	w->stats.cgroup_reading_age_seconds = watched_oldest_reading(&w->table, mono_now());
	w->stats.metrics_time = w->tick_wall;
	memcpy(w->stats.http_requests, w->http.requests, sizeof(w->stats.http_requests));
	memcpy(w->stats.http_rejected, w->http.rejected, sizeof(w->stats.http_rejected));
	buf_init_in(&out, mem);
	buf_grow(&out, 64 << 10);
	/* what could not be read: the scan's and this tick's */
	render_report_prometheus(&w->scan_a, w->scan.nproblems + t->snap.nproblems, &out);
	render_watch_prometheus(&w->stats, &out);
	w->metrics = out.data;
	w->metrics_len = out.len;
	w->metrics_tick = w->stats.ticks;
	w->metrics_valid = true;
}

/* Writes the metrics for node_exporter's textfile collector: a temporary file renamed over headroom.prom. */
static void write_textfile(struct watch *w)
{
	int r;

	ensure_metrics(w);
	r = replace_file_at(w->textfile_fd, "headroom.prom", w->metrics, w->metrics_len, 0644, false);
	w->textfile_written_mono = mono_now();
	if (r < 0) {
		/* node_exporter serves the last file as it is: headroom_watch_metrics_timestamp_seconds in it tells its age */
		w->stats.textfile_failed++;
		outage_failed(&w->textfile_outage, "textfile", w->cfg.textfile_dir, r);
		return;
	}
	outage_worked(&w->textfile_outage, "textfile", w->cfg.textfile_dir);
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
	/* the watched cgroups as last read, whether read this tick or not */
	for (size_t i = 0; i < w->table.n; i++)
		for (int k = 0; k < WK_N; k++)
			if (!w->table.cur[i].gone && w->table.cur[i].pct[k] > worst)
				worst = w->table.cur[i].pct[k];
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
	current_limits(w, t);
	w->stats.resident_bytes = resident_bytes(mem);
	w->stats.scan_memory_peak_bytes = w->scan_arena.peak;
	w->stats.watched_cgroups = watched_live(&w->table);
	w->frame = (struct watch_frame){ &w->scan_a, &w->scan_a, &w->scan, &w->stats, mem, mono_now() };
	w->view_quit |= w->view->frame(w->view->ctx, &w->frame) == VIEW_QUIT;
}

/* ---- the loop ---- */

static void tick(struct watch *w)
{
	double t0 = mono_now();
	struct tick_state *cur, *prev;
	struct trigger trig = { 0 };
	struct arena *a;

	w->tick_wall = wall_now();
	w->parity ^= 1;
	cur = &w->ticks[w->parity];
	prev = &w->ticks[w->parity ^ 1];
	a = &w->tick_arena[w->parity];
	arena_reset(a);
	w->metrics_valid = false;
	measure(w, cur, a);
	/* the records printed by now, before the counters are compared with them */
	if (w->klog_on)
		kernel_events(w);
	if (!w->kills_baseline) {
		/* kills before the first tick are in vmstat's baseline: their records are not counted either */
		w->kills_baseline = true;
		w->kills_named = 0;
		w->nnamed = 0;
	}
	vmstat_events(w, cur->snap.sys.vmstat_oom_kill);
	if (w->scan_trigger.set) {
		/* a crossing the last full scan found */
		trig = w->scan_trigger;
		w->scan_trigger.set = false;
	}
	system_crossings(cur, prev, &trig);
	refresh_system(w, cur);
	tick_readings(w, cur, &trig, t0);
	reconcile_kills(w);
	incidents_age(w, t0);
	if (w->nevents && t0 - w->last_triggered_mono >= w->cfg.scan_gap_s) {
		/*
		 * Events and a crossing in the same tick make one evidence snapshot that names them all. Events
		 * are logged as they come; their scans, at most one per scan_gap, so that a storm of kills or
		 * rejections cannot keep the daemon scanning.
		 */
		if (trig.set && !trig.worse)
			trig.set = false; /* a jump gives way to the events' own limit */
		evidence(w, SCAN_EVENT, &trig);
	} else if (trig.set && t0 - w->last_triggered_mono >= (trig.worse ? w->cfg.min_interval_s : w->cfg.scan_gap_s)) {
		evidence(w, SCAN_THRESHOLD, &trig);
	} else if (t0 - w->last_scan_mono >= w->cfg.scan_interval_s ||
		   (w->rescan_soon && t0 - w->last_scan_mono >= w->cfg.scan_gap_s)) {
		full_scan(w, SCAN_PERIODIC);
	}
	if (w->evidence.on)
		evidence_try_again(w, mono_now());
	w->stats.ticks++;
	w->stats.interval_seconds = next_interval(w, cur);
	w->stats.tick_cgroups_read = cur->snap.ncgroups;
	if (w->view) {
		view_frame(w, cur, a);
	} else if (w->textfile_fd >= 0 && mono_now() - w->textfile_written_mono >= w->cfg.interval_s * 0.999) {
		/* at the configured interval at most: node_exporter reads it at its scrapes, not at each tick */
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
	if (r == 0)
		r = arena_init(&w->render_arena, RENDER_ARENA_SIZE);
	if (r < 0) {
		watch_log("error: cannot reserve memory: %s", strerror(-r));
		return r;
	}
	w->stats.scan_memory_reserved_bytes = w->scan_arena.size;
	/* the tables are made now: a reload may lower --max-cgroups and --tick-cgroups, not raise them */
	r = watched_init(&w->table, w->cfg.max_cgroups);
	if (r < 0) {
		watch_log("error: cannot make the table of watched cgroups: %s", strerror(-r));
		return r;
	}
	w->tick_cgroups = w->cfg.tick_cgroups ? w->cfg.tick_cgroups : 1;
	w->picked = xcalloc(w->tick_cgroups, sizeof(*w->picked));
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
	w->textfile_written_mono = -1e9;
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
		if (unlinkat(w->textfile_fd, "headroom.prom", 0) < 0 && errno != ENOENT)
			watch_log("textfile: cannot remove '%s/headroom.prom' at stop: %s; node_exporter serves it until it "
				  "is removed (its headroom_watch_metrics_timestamp_seconds tells its age)",
				  w->cfg.textfile_dir, strerror(errno));
		close(w->textfile_fd);
	}
	if (w->sigfd >= 0)
		close(w->sigfd);
	arena_destroy(&w->scan_arena);
	arena_destroy(&w->tick_arena[0]);
	arena_destroy(&w->tick_arena[1]);
	arena_destroy(&w->render_arena);
	watched_destroy(&w->table);
	xfree(w->picked);
	w->picked = NULL;
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
	if (c.max_cgroups > w->table.max || c.tick_cgroups > w->tick_cgroups) {
		watch_log("reload: --max-cgroups and --tick-cgroups rise above their start-up values (%zu, %zu) only on a "
			  "restart: their tables are made at start-up",
			  w->table.max, w->tick_cgroups);
		if (c.max_cgroups > w->table.max)
			c.max_cgroups = (unsigned)w->table.max;
		if (c.tick_cgroups > w->tick_cgroups)
			c.tick_cgroups = (unsigned)w->tick_cgroups;
	}
	memcpy(c.listen, w->cfg.listen, sizeof(c.listen));
	memcpy(c.state_dir, w->cfg.state_dir, sizeof(c.state_dir));
	memcpy(c.textfile_dir, w->cfg.textfile_dir, sizeof(c.textfile_dir));
	c.scan_memory = w->cfg.scan_memory;
	w->cfg = c;
	w->evidence.max_files = c.evidence_files;
	w->evidence.max_bytes = c.evidence_bytes;
	watch_log("reload: interval %gs (fastest %gs), full scan every %gs, warning %g%%, critical %g%%, %u cgroups "
		  "watched at most, %u re-read a tick",
		  c.interval_s, c.min_interval_s, c.scan_interval_s, c.th.warning_pct, c.th.critical_pct, c.max_cgroups,
		  c.tick_cgroups);
	full_scan(w, SCAN_RELOAD);
}

int watch_run(const struct hr_root *root, const struct watch_config *cfg, watch_reload_fn reload_fn, void *ctx,
	      const struct watch_view *view)
{
	static struct watch w; /* large (the HTTP slots): not on the stack */
	struct pollfd fds[5 + HTTP_MAX_CONN];
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
		watch_log("started: headroom %s, pid %d; %zu cgroup(s) with a limit watched (%zu left out), %zu re-read a "
			  "tick; %s%s%s%s%s; memory %s, oom_score_adj %d",
		  HEADROOM_VERSION, (int)getpid(), watched_live(&w.table), w.scan.cgroups_left_out, w.tick_cgroups,
		  w.http_on ? "serving http://" : "no --listen",
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
		fds[nfds++] = (struct pollfd){ .fd = w.table.inotify_fd, .events = POLLIN };
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
		if (fds[3].revents & POLLIN && watched_inotify_read(&w.table) > 0)
			w.metrics_valid = false; /* a watched cgroup went: its series go at the next scrape */
		/* before anything is served: after a stall (SIGSTOP, a long scan) the metrics catch up first */
		if (running && mono_now() >= next_tick) {
			tick(&w);
			next_tick = mono_now() + w.stats.interval_seconds;
		}
		if (w.http_on) {
			struct http_content c;
			bool asked = true; /* the listener left out of the poll: queued connections may be served */

			for (size_t i = 0; i < nhttp; i++)
				if (fds[nfds + i].fd == w.http.fd)
					asked = false;
			for (size_t i = 0; i < nhttp && !asked; i++)
				asked = fds[nfds + i].revents != 0;
			/* rendered when a client may be answered, as of the last tick: not at every tick */
			if (asked)
				ensure_metrics(&w);
			c = (struct http_content){ w.metrics, w.metrics_len };
			http_handle(&w.http, fds + nfds, nhttp, &c, (uint64_t)(mono_now() * 1000));
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
