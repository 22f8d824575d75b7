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
 * The forks rejected in the subtree of cgroup c among snap's cgroups (the report's FACT_REJECTED_FORKS of
 * its pids limit): pids.events max of c itself where that count is hierarchical, else the sum over c and
 * the cgroups below it (v1, and v2 before pids.events.local, count a rejection in the forking task's cgroup).
 * *ret_known: some count was read.
 */
uint64_t cgroup_subtree_rejected(const struct snapshot *snap, const struct cgroup_info *c, bool *ret_known);

#endif
