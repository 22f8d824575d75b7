// SPDX-License-Identifier: GPL-2.0-or-later
#include "diagnose/oom_badness.h"

/*
 * Since 5.9 (9066e5cfb73c), and in 5.4.y from a backport of September 2021 (present in 5.4.214; the
 * first 5.4.y with it is not verified: 5.4.150 is taken): points may be negative and ineligible tasks
 * are LONG_MIN.
 */
static bool long_badness(const struct kversion *k)
{
	return kversion_at_least(k, 5, 9) || (k->major == 5 && k->minor == 4 && k->patch >= 150);
}

long oom_badness(const struct oom_task *t, uint64_t totalpages, const struct kversion *k)
{
	long long points, adj_term;

	if (t->unkillable || t->oom_score_adj <= -1000)
		return OOM_BADNESS_NEVER;
	points = (long long)(t->rss_pages + t->swap_pages + t->pgtables_pages);
	/* 3% off for CAP_SYS_ADMIN until 4.17 (d46078b28889) */
	if (t->cap_sys_admin && !kversion_at_least(k, 4, 17))
		points -= points * 3 / 100;
	adj_term = (long long)t->oom_score_adj * (long long)(totalpages / 1000);
	points += adj_term;
	if (long_badness(k))
		return (long)points;
	/* before: clamped to at least 1 for an eligible task */
	return points > 0 ? (long)points : 1;
}

long oom_score_from_badness(long badness, uint64_t totalpages, const struct kversion *k)
{
	if (!totalpages)
		return 0;
	if (long_badness(k)) {
		if (badness == OOM_BADNESS_NEVER)
			return 0;
		return (1000 + (long)((long long)badness * 1000 / (long long)totalpages)) * 2 / 3;
	}
	if (badness == OOM_BADNESS_NEVER)
		return 0;
	return (long)((unsigned long long)badness * 1000 / totalpages);
}

int oom_adj_from_score_adj(int adj)
{
	int v;

	if (adj >= 1000)
		return 15;
	v = adj * 17 / 1000;
	return v > 15 ? 15 : v;
}
