/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_TOP_TREND_H
#define HEADROOM_TOP_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/limits.h"

/*
 * headroom top's memory of each limit: its use over the last minute, from which the change per minute
 * and, while it grows, the time until it is full at that rate; and whether its status rose since the
 * view opened. Tables made once (trends_init): noting a limit allocates nothing.
 */

#define TREND_SAMPLES 64     /* at most one a second: a minute and a little more */
#define TREND_WINDOW_S 60.0  /* the rate is taken over this much of the past, or all of it when younger */
#define TREND_MIN_SPAN_S 5.0 /* a trend is given from this many seconds of samples */
#define TREND_FORGET_S 120.0 /* a limit not seen for this long (a cgroup removed) gives up its slot */

struct trend_sample {
	double t;      /* monotonic seconds */
	uint64_t used;  /* the limit's basis: its use, or a memory cgroup's working set (what its status is judged on) */
};

struct trend_slot {
	uint64_t key;                /* the limit's id and scope, hashed; 0: empty */
	struct trend_sample s[TREND_SAMPLES];
	unsigned n, head;            /* samples held; the next to write */
	enum status first;           /* at the first sample */
	double crossed_at;           /* when its status first rose above that; 0 never */
	enum status crossed_to;      /* the worst status it has risen to */
	double seen;                 /* the last sample's time */
};

struct trends {
	struct trend_slot *slots, *spare; /* spare: the table a sweep copies the live slots into */
	size_t cap;                       /* a power of two */
	size_t used;
};

/* Makes the tables for cap limits (rounded up to a power of two). Returns 0 or -ENOMEM. */
int trends_init(struct trends *t, size_t cap);
void trends_free(struct trends *t);

/* Records l's use at now (monotonic seconds). Returns its slot, or NULL when the table is full. */
const struct trend_slot *trends_note(struct trends *t, const struct limit *l, double now);

/* The slot of l, or NULL when it was never noted (or forgotten). */
const struct trend_slot *trends_find(const struct trends *t, const struct limit *l);

struct trend {
	bool known;             /* samples over TREND_MIN_SPAN_S at least */
	double per_minute;      /* the change of use per minute over the window */
	double seconds_to_full; /* at that rate, while it grows and the limit has a maximum; < 0 otherwise */
};

/* The trend of a slot for l as it is now. */
void trend_of(const struct trend_slot *s, const struct limit *l, struct trend *ret);

#endif
