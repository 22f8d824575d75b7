/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PROBE_PROBE_H
#define HEADROOM_PROBE_PROBE_H

#include <stdbool.h>

#include "core/root.h"
#include "model/limits.h"
#include "model/snapshot.h"

/*
 * The readers: file I/O under a root, no decisions. Each fills its part of a snapshot and records
 * what it could not read as a problem; none fails the whole run.
 */

struct probe_opts {
	bool no_fork;     /* never fork: skip probes into pid namespaces */
	bool map_counts;  /* count the lines of /proc/PID/maps */
	bool oom_scores;  /* read /proc/PID/oom_score_adj and oom_score (headroom oom) */
	bool oom_config;  /* read the OOM sysctls into sys.oom (headroom oom) */
	bool no_threads;  /* count maps in the calling thread (the daemon starts no thread) */
	/*
	 * Count the maps of a process only when they could reach this percent of vm.max_map_count: each
	 * mapping spans a page at least, so VmSize in pages bounds the count. The process with the largest
	 * VmSize of the walk so far is counted whatever its bound, so the closest is among those counted.
	 * 0: count every process (--all).
	 */
	double map_count_min_pct;
	int focus_pid;    /* its maps are counted whatever the bound (explain's context) */
	/*
	 * Each process's v1 memory cgroup (explain, oom, watch). The report does not need it, and on a v1
	 * machine it costs a second reading of the cgroups' cgroup.procs (some 25 ms at 26,000 processes).
	 */
	bool memcg;
	/*
	 * Fold each process into the snapshot's tally as it is read and keep only those tally_retain() picks
	 * (the daemon: its scan does not grow with processes). Needs no_threads; reads each process's cgroup
	 * from /proc/PID/cgroup.
	 */
	const struct thresholds *fold;
	/*
	 * Keep at most this many cgroups with a limit, those closest to one (model/cgroup_pick.h), so that the
	 * daemon's scan does not grow with the cgroups of a node; 0: every one (the report).
	 */
	size_t max_cgroups;
};

/* Reads everything. Returns 0, or -errno when even the root's proc cannot be used. */
int probe_snapshot(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap);

/* The parts, in the order probe_snapshot runs them. */
void probe_system(const struct hr_root *root, struct snapshot *snap);
void probe_oom_sysctls(const struct hr_root *root, struct snapshot *snap);
void probe_cgroup_hiers(const struct hr_root *root, struct snapshot *snap);
/*
 * The process scan returns with the worker still counting the largest maps files; the other readers
 * run meanwhile, and probe_procs_finish() waits for the counts and stores them (before anything forks).
 */
struct procs_scan;
struct procs_scan *probe_procs(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap);
void probe_procs_finish(struct procs_scan *ps);
void probe_cgroups(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap);
/*
 * After probe_cgroups: the cgroups of the processes its walk did not find in a cgroup.procs, from their
 * /proc/PID/cgroup, and each zombie's from its parent's.
 */
void probe_procs_cgroups(const struct hr_root *root, struct snapshot *snap);
/*
 * Reads one cgroup found by probe_cgroups again, into *ret (a copy of old with fresh numbers): the
 * daemon's per-tick pass. It reads the limits, the usages and the event counters; the peaks and what
 * does not change stay old's, and a memory cgroup's page cache is read again only at half of its limit
 * or more. Problems go to snap. Returns 0, or -errno when the cgroup is gone.
 */
int probe_cgroup_reread(const struct hr_root *root, struct snapshot *snap, const struct cgroup_info *old,
			struct cgroup_info *ret);
/* Whether the cgroup path (as in /proc/PID/cgroup) is a directory of one of snap's hierarchies. */
bool probe_cgroup_exists(const struct hr_root *root, const struct snapshot *snap, const char *path);
struct buf;
/*
 * The first cgroup called name (one component: a systemd unit's, "app.service") in snap's hierarchies,
 * its path into ret; a bounded walk. Returns 0, -ENOENT when there is none, -EINVAL for a name that is
 * not one component.
 */
int probe_cgroup_named(const struct hr_root *root, const struct snapshot *snap, const char *name, struct buf *ret);
void probe_users(const struct hr_root *root, struct snapshot *snap);
/* The uid of a user name, from the root's /etc/passwd (no NSS). Returns 0, -ENOENT, or the read's error. */
int probe_user_uid(const struct hr_root *root, const char *name, uint32_t *uid);
void probe_config(const struct hr_root *root, struct snapshot *snap);
void probe_pidns(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap);

/*
 * Reads a namespace link such as "pid:[4026531836]" at dirfd/rel and returns its inode, or 0 with
 * *ret_err (may be NULL) set to -errno.
 */
uint64_t probe_ns_inode(const struct hr_root *root, int dirfd, const char *rel, int *ret_err);

/*
 * Records what could not be read: the path (printf-style, relative to the root) is shown as seen on
 * the system; err is -errno, or -EINVAL for content that could not be parsed ("malformed content").
 */
void probe_problem(const struct hr_root *root, struct snapshot *snap, const char *what, int err, bool essential,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Reads an unsigned sysctl-like file (one number) at dirfd/rel into *ret (see read_file_at). Returns 0 or -errno. */
int read_u64_at(const struct hr_root *root, int dirfd, const char *rel, struct buf *scratch, uint64_t *ret);
/* The same with a scratch buffer of its own, for a one-off read. */
int read_u64_once(const struct hr_root *root, int dirfd, const char *rel, uint64_t *ret);
/* The same for a signed number (kernel.panic may be negative). */
int read_i64_at(const struct hr_root *root, int dirfd, const char *rel, struct buf *scratch, int64_t *ret);

#endif
