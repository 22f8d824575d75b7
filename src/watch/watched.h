/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_WATCH_WATCHED_H
#define HEADROOM_WATCH_WATCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/limits.h"

/*
 * The cgroups headroom watch watches between full scans: those with a limit its last scan kept (at most
 * --max-cgroups, the closest to a limit: model/cgroup_pick.h), and what the daemon remembers of each
 * from one reading to the next and across scans:
 * - the counters of its last reading (pids.events max, oom_kill, the hits of its memory limit), so that a
 *   rise is seen however long ago that reading was, a full scan in between included;
 * - its limits' statuses and uses, so that a crossing is a change of status since its last reading, and
 *   neither a scan nor a reload looks like one;
 * - when it was read, and whether it is gone (removed: its series are no longer served).
 *
 * Each tick re-reads at most --tick-cgroups of them (watched_pick): those at half of a limit or more, or
 * not ok, first, the others in turn, so that a tick costs the same at 100 or 5,000 cgroups. A removal is
 * seen at once through inotify on their parents' directories (a cgroup directory gets no IN_DELETE_SELF
 * when removed, its parent gets IN_DELETE: measured on 6.18, cgroup v1 and v2), else at its next reading.
 *
 * Two tables of max entries, made at start-up, take turns: each scan builds one from its cgroups,
 * carrying over by key what the other remembers. Nothing here allocates after watched_init.
 */
enum watched_kind { WK_PIDS, WK_MEMORY, WK_N };

struct watched_cgroup {
	uint64_t key;              /* its hierarchy's mount point and its path, hashed (watched_key) */
	struct cgroup_info *info;  /* its latest reading, in the scan's snapshot, whose strings it uses */
	struct limit *limit[WK_N]; /* its limits in the scan's assessment, numbers kept current; NULL none */
	bool new_limit;            /* a reading found a limit the scan did not have: it is served after the next scan */
	/* remembered from its last reading */
	bool read;                 /* the counters are a reading's (false: first seen by this scan) */
	struct opt_u64 events_max, oom_kill, max_hits;
	bool has_status[WK_N];
	enum status status[WK_N];
	double pct[WK_N];          /* -1: no percent */
	double read_at;            /* monotonic seconds */
	bool gone;
	/* the hits of its memory limit are logged once a minute at most, with those in between */
	double hits_logged_at;     /* monotonic; 0 never */
	uint64_t hits_unlogged;
};

/* A directory watched for the removal of watched cgroups below it. */
struct watched_parent {
	int wd;
	int hier;
	const char *path;          /* its path in the hierarchy: the first len bytes of a child's path */
	size_t len;
	uint64_t hier_hash;
};

struct watched {
	size_t max;                     /* entries a table holds */
	struct watched_cgroup *cur, *old;
	size_t n, nold;
	uint32_t *index, *oindex;       /* cur's and old's entries by key: slot -> entry + 1, 0 empty */
	size_t mask;
	size_t cursor_near, cursor_far; /* where the next tick's re-reading goes on */
	int inotify_fd;                 /* -1 none */
	struct watched_parent *parents; /* max of them */
	size_t nparents;
	uint32_t *pindex;               /* parents by wd, like index */
	uint64_t watch_failures;        /* directories inotify refused (ENOSPC: fs.inotify.max_user_watches) */
	int last_watch_err;
};

/* Makes the tables for max entries (on the heap, at start-up). Returns 0 or -errno. */
int watched_init(struct watched *t, size_t max);
void watched_destroy(struct watched *t);

/* The key of a cgroup: hier_hash (watched_hier_hash of its hierarchy) with its path. */
uint64_t watched_hier_hash(const char *mount_point);
uint64_t watched_key(uint64_t hier_hash, const char *path, size_t len);

/*
 * Starts a table from a scan: entry i for cgroups[i] (n of them; beyond max they are not watched), each
 * with what the previous table remembered of the same cgroup, which watched_prior() also gives for the
 * caller to compare the scan's reading with. hier_hash[] by hierarchy index (cgroup_info.hier).
 */
void watched_rebuild(struct watched *t, struct cgroup_info *cgroups, size_t n, const uint64_t *hier_hash);
/* What the previous table remembered of entry i's cgroup, or NULL when it is new to the table. */
const struct watched_cgroup *watched_prior(const struct watched *t, size_t i);
/* The entry of key, or NULL. */
struct watched_cgroup *watched_find(const struct watched *t, uint64_t key);

/*
 * The entries to re-read this tick, at most budget, into ret: those near a limit (at 50% or more, or not
 * ok), in turn, then the others in turn, which keep a quarter of the budget however many are near.
 * Returns how many.
 */
size_t watched_pick(struct watched *t, size_t budget, size_t *ret);

/* Entries that are not gone. */
size_t watched_live(const struct watched *t);

/* The age in seconds of the oldest reading among the live entries at now (0 none). */
double watched_oldest_reading(const struct watched *t, double now);

/*
 * Watches the parents of the table's cgroups for removals (IN_DELETE) and creations (IN_CREATE), through
 * a new inotify instance, at the directories they are read from (cgroup_info.dir: the live root only).
 * hier_hash[] by hierarchy index; then marks gone the cgroups removed since the scan read them (before
 * their parents were watched). Without inotify the removals are seen at the next reading. Returns the
 * number of directories watched, or -errno when inotify cannot be used at all.
 */
int watched_watch_parents(struct watched *t, const uint64_t *hier_hash);

/*
 * Reads what inotify has (the instance is non-blocking): a removed watched cgroup is marked gone, and
 * one made again at the same path is read again as live. Returns the number of entries that changed.
 */
int watched_inotify_read(struct watched *t);

#endif
