/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_REFRESH_H
#define HEADROOM_MODEL_REFRESH_H

#include "model/limits.h"

/*
 * Brings a limit up to date with a fresh assessment of the same limit (same id and scope): its numbers,
 * status and number facts. Its words (meaning, source, fixes) and its top consumer stay those of the
 * assessment that made it. For the daemon, which keeps the full scan's limits of the cgroups it watches
 * and re-reads a few of them each tick: what the metrics and the live view show comes from the numbers;
 * the words are made anew by every full scan, and an evidence snapshot always follows one.
 */
void limit_refresh(struct limit *dst, const struct limit *fresh);

/*
 * snap's cgroups in subtree order: by hierarchy, then by path with '/' before every other byte, so that
 * the cgroups below one follow it (cgroup_path_cmp). sorted[k] is an index in snap->cgroups, pos[i]
 * where cgroup i is in sorted. Valid while snap's cgroups and their paths are those it was built from.
 */
struct cgroup_order {
	size_t *sorted, *pos;
	size_t n;
};
void cgroup_order_build(struct cgroup_order *o, const struct snapshot *snap, struct arena *mem);
/* Frees an order built with no arena (mem NULL); one built in an arena goes with it. */
void cgroup_order_free(struct cgroup_order *o);

/*
 * The forks rejected in the subtree of cgroup c among snap's cgroups (the report's FACT_REJECTED_FORKS of
 * its pids limit): pids.events max of c itself where that count is hierarchical, else the sum over c and
 * the cgroups below it (v1, and v2 before pids.events.local, count a rejection in the forking task's cgroup),
 * found from c's place in o (built from snap): a subtree's cgroups, not all of them, are visited.
 * *ret_known: some count was read.
 */
uint64_t cgroup_subtree_rejected(const struct snapshot *snap, const struct cgroup_order *o, const struct cgroup_info *c,
				 bool *ret_known);

#endif
