/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_CGROUP_PICK_H
#define HEADROOM_MODEL_CGROUP_PICK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * Which cgroups a bounded walk keeps (the daemon's: --max-cgroups): the max closest to one of their
 * limits, so that its memory is a table sized at start-up whatever the number of cgroups a node has.
 * Pure: the walk hands each cgroup's use and gets back the slot of the table to write it in, or none.
 *
 * Closeness is a cgroup's use in percent of its nearest limit (cgroup_use_pct). On a tie the cgroup met
 * first stays, so that with room for all, or with every cgroup at the same use, the table holds the
 * walk's first max cgroups in the walk's order. The slots that lose are counted, with the closest of
 * them, for the daemon's metrics.
 */
struct cgroup_pick {
	size_t max;          /* slots; 0: keep every cgroup (the report) */
	size_t n;            /* slots in use */
	double *pct;         /* per slot: its cgroup's use */
	uint64_t *seq;       /* per slot: the order its cgroup was met in */
	size_t *heap;        /* slots, the least close on top (once the table is full) */
	uint64_t next_seq;
	size_t left_out;     /* cgroups with a limit that did not keep a slot */
	double left_out_max_pct; /* the closest of them; -1 none */
};

/* The percent of its nearest limit a cgroup uses (pids.current, or the working set of memory); -1 without one. */
double cgroup_use_pct(const struct cgroup_info *c);

/* Starts a pick of at most max slots (0: unbounded), its tables in mem. */
void cgroup_pick_init(struct cgroup_pick *p, struct arena *mem, size_t max);

/*
 * The slot for the next cgroup, whose use is pct: a new one (== p->n before the call, then p->n grows),
 * or the slot of a less close cgroup it replaces; -1 when it is not kept.
 */
long cgroup_pick_slot(struct cgroup_pick *p, double pct);

/* The slots in the order their cgroups were met: order[0..p->n), written by the call (mem for scratch). */
void cgroup_pick_order(const struct cgroup_pick *p, size_t *order, struct arena *mem);

#endif
