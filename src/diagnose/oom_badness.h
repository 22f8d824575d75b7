/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_DIAGNOSE_OOM_BADNESS_H
#define HEADROOM_DIAGNOSE_OOM_BADNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse/kversion.h"

/*
 * The OOM killer's score of a task, by the running kernel's rules (mm/oom_kill.c:oom_badness and
 * fs/proc/base.c:proc_oom_score; the 3% root bonus removed by d46078b28889 in 4.17, the signed score
 * and the 2/3 scaling of oom_score since 9066e5cfb73c in 5.9, in 5.4.y too), from
 * what /proc shows of it. totalpages is the OOM domain's size: RAM + swap for the whole machine, the
 * cgroup's limit (plus its swap limit) for a cgroup OOM, so the ranking inside a cgroup can differ
 * from /proc/PID/oom_score, which always uses the machine's.
 */

struct oom_task {
	uint64_t rss_pages;      /* RssAnon + RssFile + RssShmem (VmRSS) */
	uint64_t swap_pages;     /* VmSwap */
	uint64_t pgtables_pages; /* VmPTE (+ VmPMD on old kernels) in pages */
	int oom_score_adj;       /* -1000 .. 1000 */
	bool unkillable;         /* init, a kernel thread, no mm */
	bool cap_sys_admin;      /* the 3% bonus before 4.17 */
};

/* Never chosen: the kernel's LONG_MIN (5.9+) or 0 (before). */
#define OOM_BADNESS_NEVER LONG_MIN

/* The badness points, or OOM_BADNESS_NEVER for an ineligible task (adj -1000, unkillable). */
long oom_badness(const struct oom_task *t, uint64_t totalpages, const struct kversion *k);

/* /proc/PID/oom_score as the kernel computes it from the badness over the machine's totalpages. */
long oom_score_from_badness(long badness, uint64_t totalpages, const struct kversion *k);

/* The legacy /proc/PID/oom_adj value for an oom_score_adj (-17 means never). */
int oom_adj_from_score_adj(int adj);

#endif
