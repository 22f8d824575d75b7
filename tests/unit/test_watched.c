// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's bounded cgroups: which a scan keeps (model/cgroup_pick.h), what the watched table carries
 * across scans and which entries a tick re-reads (watch/watched.h), and a kept limit brought up to date
 * (model/refresh.h). Checked against plain reference computations on random inputs.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "model/cgroup_pick.h"
#include "model/refresh.h"
#include "watch/watched.h"
#include "unit.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static struct cgroup_info pids_cgroup(uint64_t current, uint64_t max)
{
	struct cgroup_info c = { 0 };

	c.has_pids_max = true;
	c.pids_max = max;
	c.pids_current = (struct opt_u64){ true, current };
	return c;
}

static void the_use_is_the_nearest_limit(void)
{
	struct cgroup_info c = pids_cgroup(30, 100);

	CHECK(cgroup_use_pct(&c) == 30);
	c.has_mem_max = true;
	c.mem_max_bytes = 1000;
	c.mem_usage_bytes = (struct opt_u64){ true, 900 };
	CHECK(cgroup_use_pct(&c) == 90);
	/* the working set: page cache is reclaimed first */
	c.mem_inactive_file_bytes = (struct opt_u64){ true, 800 };
	CHECK(cgroup_use_pct(&c) == 30);
	c.pids_unlimited = true;
	CHECK(cgroup_use_pct(&c) == 10);
	c.mem_unlimited = true;
	CHECK(cgroup_use_pct(&c) == -1);
}

/* The reference: sort by use (highest first), the earlier on a tie, take max, list them in the order met. */
static int cmp_ref(const void *a, const void *b)
{
	const double *x = a, *y = b; /* { pct, seq } */

	if (x[0] != y[0])
		return x[0] > y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static int cmp_seq(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return (x[1] > y[1]) - (x[1] < y[1]);
}

static void the_pick_keeps_the_closest(void)
{
	struct arena a;

	CHECK(arena_init(&a, 64 << 20) == 0);
	for (int round = 0; round < 200; round++) {
		size_t n = 1 + rnd(3000), max = 1 + rnd(600);
		double *ref = calloc(n, 2 * sizeof(double)), *slot_seq = calloc(max, sizeof(double));
		size_t *order = calloc(max, sizeof(size_t));
		struct cgroup_pick p;
		size_t kept, left = 0;
		double left_max = -1;
		bool ok = true;

		arena_reset(&a);
		cgroup_pick_init(&p, &a, max);
		for (size_t i = 0; i < n; i++) {
			/* few distinct uses, so that ties are common; some without a percent */
			double pct = rnd(10) == 0 ? -1 : (double)rnd(round % 2 ? 5 : 1000);
			long s = cgroup_pick_slot(&p, pct);

			ref[2 * i] = pct;
			ref[2 * i + 1] = (double)i;
			if (s >= 0) {
				ok &= (size_t)s < max;
				slot_seq[s] = (double)i;
			}
		}
		CHECK(ok);
		qsort(ref, n, 2 * sizeof(double), cmp_ref);
		kept = n < max ? n : max;
		for (size_t i = kept; i < n; i++) {
			left++;
			if (ref[2 * i] > left_max)
				left_max = ref[2 * i];
		}
		qsort(ref, kept, 2 * sizeof(double), cmp_seq);
		CHECK_U64(p.n, kept);
		CHECK_U64(p.left_out, left);
		CHECK(p.left_out_max_pct == left_max);
		cgroup_pick_order(&p, order, &a);
		for (size_t i = 0; i < kept && ok; i++)
			ok = slot_seq[order[i]] == ref[2 * i + 1];
		CHECK(ok);
		free(ref);
		free(slot_seq);
		free(order);
	}
	arena_destroy(&a);
}

static void an_unbounded_pick_keeps_everything(void)
{
	struct cgroup_pick p;

	cgroup_pick_init(&p, NULL, 0);
	for (long i = 0; i < 5000; i++)
		CHECK_U64(cgroup_pick_slot(&p, (double)(i % 7)), i);
	CHECK_U64(p.left_out, 0);
}

/* A table of n cgroups "/c<i>" of hierarchy 0, each with a pids limit at use[i] percent. */
static void make_cgroups(struct cgroup_info *c, char (*names)[16], size_t n, const double *use)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "/c%zu", i);
		c[i] = pids_cgroup((uint64_t)use[i], 100);
		c[i].path = names[i];
		c[i].dir = names[i];
	}
}

static void the_table_carries_what_it_remembers(void)
{
	static struct cgroup_info c[64];
	static char names[64][16];
	double use[64];
	struct watched t;
	uint64_t hier[1] = { watched_hier_hash("/sys/fs/cgroup/pids") };

	for (int i = 0; i < 64; i++)
		use[i] = i;
	make_cgroups(c, names, 64, use);
	CHECK(watched_init(&t, 40) == 0);
	watched_rebuild(&t, c, 64, hier);
	CHECK_U64(t.n, 40); /* beyond max, not watched */
	CHECK(watched_prior(&t, 0) == NULL);
	t.cur[5].read = true;
	t.cur[5].oom_kill = (struct opt_u64){ true, 7 };
	t.cur[5].status[WK_PIDS] = STATUS_CRITICAL;
	t.cur[9].gone = true;
	/* the next scan lists them in another order, without /c3 */
	{
		static struct cgroup_info d[40];
		size_t n = 0;

		for (int i = 39; i >= 0; i--)
			if (i != 3)
				d[n++] = c[i];
		watched_rebuild(&t, d, n, hier);
		CHECK_U64(t.n, 39);
		for (size_t i = 0; i < n; i++) {
			const struct watched_cgroup *o = watched_prior(&t, i);

			if (d[i].path == names[5]) {
				CHECK(o != NULL && o->read && o->oom_kill.v == 7);
				CHECK(t.cur[i].read && t.cur[i].oom_kill.v == 7 && t.cur[i].status[WK_PIDS] == STATUS_CRITICAL);
			} else if (d[i].path == names[9]) {
				/* gone, then found again by a scan: a cgroup of its own, nothing carried */
				CHECK(o == NULL && !t.cur[i].read && !t.cur[i].gone);
			} else {
				CHECK(o != NULL && !o->read);
			}
			CHECK(t.cur[i].info == &d[i]);
		}
		CHECK(watched_find(&t, watched_key(hier[0], "/c5", 3)) != NULL);
		CHECK(watched_find(&t, watched_key(hier[0], "/c3", 3)) == NULL);
		/* another hierarchy's cgroup of the same path is another cgroup */
		CHECK(watched_find(&t, watched_key(watched_hier_hash("/sys/fs/cgroup/memory"), "/c5", 3)) == NULL);
	}
	watched_destroy(&t);
}

/* Ticks of budget re-readings: every live entry is re-read within ceil(far / share) ticks, near ones each tick. */
static void a_tick_rereads_the_near_first_and_the_others_in_turn(void)
{
	static struct cgroup_info c[500];
	static char names[500][16];
	double use[500];
	struct watched t;
	uint64_t hier[1] = { 42 };
	size_t picked[24];
	unsigned last[500] = { 0 };
	bool ok = true;

	for (int i = 0; i < 500; i++)
		use[i] = 0;
	make_cgroups(c, names, 500, use);
	CHECK(watched_init(&t, 500) == 0);
	watched_rebuild(&t, c, 500, hier);
	for (int i = 0; i < 500; i++)
		t.cur[i].pct[WK_PIDS] = i % 10 == 0 ? 60 : 10; /* 50 near */
	t.cur[7].gone = true;
	for (unsigned tick = 1; tick <= 200; tick++) {
		size_t n = watched_pick(&t, 24, picked), near = 0;

		ok &= n == 24;
		for (size_t k = 0; k < n; k++) {
			ok &= picked[k] != 7;
			for (size_t j = 0; j < k; j++)
				ok &= picked[j] != picked[k];
			near += t.cur[picked[k]].pct[WK_PIDS] >= 50;
			last[picked[k]] = tick;
		}
		/* 18 near a tick (the others keep a quarter), so each near one every third tick */
		ok &= near == 18;
		if (tick >= 100)
			for (int i = 0; i < 500; i++)
				if (i != 7)
					ok &= tick - last[i] < (i % 10 == 0 ? 3u : 76u);
	}
	CHECK(ok);
	CHECK_U64(last[7], 0);
	/* with few near, they are all read every tick, and the rest take the remainder */
	for (int i = 0; i < 500; i++)
		t.cur[i].pct[WK_PIDS] = i < 5 ? 90 : 10;
	for (int tick = 0; tick < 3; tick++) {
		size_t n = watched_pick(&t, 24, picked), near = 0;

		for (size_t k = 0; k < n; k++)
			near += picked[k] < 5;
		CHECK_U64(n, 24);
		CHECK_U64(near, 5);
	}
	CHECK_U64(watched_live(&t), 499);
	watched_destroy(&t);
}

static void a_kept_limit_takes_the_fresh_numbers(void)
{
	struct limit kept = { 0 }, fresh = { 0 };

	kept.id = fresh.id = LIMIT_CGROUP_MEMORY;
	kept.meaning = "1 GiB used of 2 GiB";
	kept.used = 1;
	kept.max = 2;
	kept.nfacts = 2;
	kept.facts[0] = (struct fact){ .id = FACT_OOM_KILL, .u = 1 };
	kept.facts[1] = (struct fact){ .id = FACT_DIR, .s = "/sys/fs/cgroup/memory/a" };
	kept.has_top = true;
	kept.top.pid = 42;
	fresh.used = 5;
	fresh.max = 6;
	fresh.capacity = 6;
	fresh.basis = 4;
	fresh.has_basis = true;
	fresh.status = STATUS_CRITICAL;
	fresh.nfacts = 3;
	fresh.facts[0] = (struct fact){ .id = FACT_DIR, .s = "elsewhere" };
	fresh.facts[1] = (struct fact){ .id = FACT_OOM_KILL, .u = 3 };
	fresh.facts[2] = (struct fact){ .id = FACT_FAILCNT, .u = 9 };
	limit_refresh(&kept, &fresh);
	CHECK_U64(kept.used, 5);
	CHECK_U64(kept.max, 6);
	CHECK_U64(kept.basis, 4);
	CHECK(kept.status == STATUS_CRITICAL);
	CHECK_U64(limit_fact_u64(&kept, FACT_OOM_KILL), 3);
	CHECK_U64(limit_fact_u64(&kept, FACT_FAILCNT), 9);
	CHECK_STR(limit_fact(&kept, FACT_DIR)->s, "/sys/fs/cgroup/memory/a");
	CHECK_STR(kept.meaning, "1 GiB used of 2 GiB");
	CHECK(kept.has_top && kept.top.pid == 42);
	CHECK_U64(kept.nfacts, 3);
}

/*
 * A cgroup removed after the scan read it and before its parent was watched: marked gone by
 * watched_watch_parents; one removed after it: by the inotify event. Real directories stand for cgroups.
 */
static void a_removal_around_the_watch_is_seen(void)
{
	static struct cgroup_info c[3];
	static char paths[3][16], dirs[3][PATH_MAX];
	char top[] = "/tmp/headroom-test-watched-XXXXXX";
	struct watched t;
	uint64_t hier[1] = { watched_hier_hash("/tmp") };
	int changed = 0;

	CHECK(mkdtemp(top) != NULL);
	for (int i = 0; i < 3; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/c%d", i);
		snprintf(dirs[i], sizeof(dirs[i]), "%s/c%d", top, i);
		CHECK(mkdir(dirs[i], 0700) == 0);
		c[i] = pids_cgroup(1, 100);
		c[i].path = paths[i];
		c[i].dir = dirs[i];
	}
	CHECK(watched_init(&t, 8) == 0);
	watched_rebuild(&t, c, 3, hier);
	CHECK(rmdir(dirs[1]) == 0); /* between the scan and the watch */
	CHECK(watched_watch_parents(&t, hier) == 1);
	CHECK(!t.cur[0].gone && t.cur[1].gone && !t.cur[2].gone);
	CHECK_U64(watched_live(&t), 2);
	CHECK(rmdir(dirs[2]) == 0); /* after it */
	for (int i = 0; i < 100 && !changed; i++) {
		changed = watched_inotify_read(&t);
		if (!changed)
			usleep(10000);
	}
	CHECK(changed == 1 && t.cur[2].gone && !t.cur[0].gone);
	CHECK_U64(watched_live(&t), 1);
	watched_destroy(&t);
	rmdir(dirs[0]);
	rmdir(top);
}

int main(void)
{
	RUN(the_use_is_the_nearest_limit);
	RUN(the_pick_keeps_the_closest);
	RUN(an_unbounded_pick_keeps_everything);
	RUN(the_table_carries_what_it_remembers);
	RUN(a_tick_rereads_the_near_first_and_the_others_in_turn);
	RUN(a_kept_limit_takes_the_fresh_numbers);
	RUN(a_removal_around_the_watch_is_seen);
	return 0;
}
