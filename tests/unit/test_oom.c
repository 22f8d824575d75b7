// SPDX-License-Identifier: GPL-2.0-or-later
/* The OOM killer's badness and oom_score by kernel version (kernel-facts.md 5.1-5.3). */
#include <errno.h>

#include "diagnose/oom_badness.h"
#include "parse/kversion.h"
#include "unit.h"

static struct kversion kv(const char *s)
{
	struct kversion k;

	kversion_parse(s, strlen(s), &k);
	return k;
}

static void badness_by_version(void)
{
	struct kversion k618 = kv("6.18.44"), k419 = kv("4.19.72"), k310 = kv("3.10.0-1160.el7.x86_64");
	struct oom_task t = { .rss_pages = 1000, .swap_pages = 20, .pgtables_pages = 10 };
	uint64_t machine = 6000000, memcg = 16384; /* pages: 23 GiB; a 64 MiB cgroup */

	CHECK(oom_badness(&t, machine, &k618) == 1030);
	/* an idle task with adj 0 reads about 666 since 5.9, about 0 before */
	CHECK(oom_score_from_badness(oom_badness(&t, machine, &k618), machine, &k618) == 666);
	CHECK(oom_score_from_badness(oom_badness(&t, machine, &k419), machine, &k419) == 0);
	/* the adj term scales with the domain: 1000 x (totalpages / 1000) */
	t.oom_score_adj = 1000;
	CHECK(oom_badness(&t, memcg, &k618) == 1030 + 16 * 1000);
	CHECK(oom_badness(&t, machine, &k618) == 1030 + 6000 * 1000);
	CHECK(oom_score_from_badness(oom_badness(&t, machine, &k618), machine, &k618) == (1000 + 1000) * 2 / 3);
	/* negative points since 5.9; clamped to 1 before */
	t.oom_score_adj = -999;
	CHECK(oom_badness(&t, machine, &k618) == 1030 - 999LL * 6000);
	CHECK(oom_badness(&t, machine, &k419) == 1);
	/* -1000 and unkillable tasks are never chosen, and read 0 */
	t.oom_score_adj = -1000;
	CHECK(oom_badness(&t, machine, &k618) == OOM_BADNESS_NEVER);
	CHECK(oom_score_from_badness(OOM_BADNESS_NEVER, machine, &k618) == 0);
	t.oom_score_adj = 0;
	t.unkillable = true;
	CHECK(oom_badness(&t, machine, &k419) == OOM_BADNESS_NEVER);
	/* the 3% bonus of CAP_SYS_ADMIN until 4.17 */
	t.unkillable = false;
	t.cap_sys_admin = true;
	CHECK(oom_badness(&t, machine, &k310) == 1030 - 1030 * 3 / 100);
	CHECK(oom_badness(&t, machine, &k419) == 1030);
}

static void legacy_oom_adj(void)
{
	CHECK(oom_adj_from_score_adj(1000) == 15);
	CHECK(oom_adj_from_score_adj(-1000) == -17);
	CHECK(oom_adj_from_score_adj(0) == 0);
	CHECK(oom_adj_from_score_adj(500) == 8);
	CHECK(oom_adj_from_score_adj(-500) == -8);
}

int main(void)
{
	RUN(badness_by_version);
	RUN(legacy_oom_adj);
	return unit_failures ? 1 : 0;
}
