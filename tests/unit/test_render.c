// SPDX-License-Identifier: GPL-2.0-or-later
/* The Prometheus renderer: families, units in names, escaped label values, unlimited maxima left out. */
#include <errno.h>

#include "model/limits.h"
#include "model/snapshot.h"
#include "render/render.h"
#include "unit.h"

static void prometheus_exposition(void)
{
	struct snapshot snap;
	struct assessment a = { 0 };
	struct limit l[2];
	struct buf out;

	snapshot_init(&snap, NULL);
	memset(l, 0, sizeof(l));
	l[0].id = LIMIT_CGROUP_PIDS;
	l[0].scope = (char *)"cgroup:/a\"b\\c\nd";
	l[0].unit = UNIT_TASKS;
	l[0].used = 64;
	l[0].max = 64;
	l[0].capacity = 64;
	l[0].basis = 64;
	l[0].enforced = true;
	l[0].status = STATUS_CRITICAL;
	l[0].listed = true;
	l[0].nfacts = 1;
	l[0].facts[0] = (struct fact){ .id = FACT_REJECTED_FORKS, .u = 7 };
	l[1].id = LIMIT_RLIMIT_AS;
	l[1].scope = (char *)"pid:42";
	l[1].where = scope_pid(42);
	l[1].unit = UNIT_BYTES;
	l[1].used = 1000;
	l[1].unlimited = true;
	l[1].enforced = true;
	l[1].listed = true;
	a.limits = l;
	a.nlimits = 2;
	buf_init(&out);
	render_report_prometheus(&a, snap.nproblems, &out);
	CHECK(strstr(out.data, "# TYPE headroom_limit_used_tasks gauge\n") != NULL);
	/*
	 * the label value is the display escaping of a"b\c<newline>d (a"b\\c\nd: reversible, printable),
	 * then the exposition format's escaping of its quote and backslashes
	 */
	CHECK(strstr(out.data, "headroom_limit_used_tasks{id=\"cgroup_pids\",scope=\"cgroup:/a\\\"b\\\\\\\\c\\\\nd\"} 64\n") != NULL);
	CHECK(strstr(out.data, "headroom_limit_usage_ratio{id=\"cgroup_pids\",scope=\"cgroup:/a\\\"b\\\\\\\\c\\\\nd\"} 1.000000\n") != NULL);
	CHECK(strstr(out.data, "headroom_limit_status{id=\"cgroup_pids\",") != NULL);
	CHECK(strstr(out.data, "headroom_cgroup_pids_rejected_forks_total{scope=\"cgroup:/a\\\"b\\\\\\\\c\\\\nd\"} 7\n") != NULL);
	/* an unlimited limit has a usage but no maximum and no ratio */
	CHECK(strstr(out.data, "headroom_limit_used_bytes{id=\"rlimit_as\",scope=\"pid:42\"} 1000\n") != NULL);
	CHECK(strstr(out.data, "headroom_limit_max_bytes{id=\"rlimit_as\"") == NULL);
	CHECK(strstr(out.data, "headroom_limit_usage_ratio{id=\"rlimit_as\"") == NULL);
	/* no raw newline inside a series line: every line is a comment or "name{...} value" */
	for (const char *p = out.data; *p;) {
		const char *nl = strchr(p, '\n');

		CHECK(nl != NULL);
		if (!nl)
			break;
		CHECK(*p == '#' || strncmp(p, "headroom_", 9) == 0);
		p = nl + 1;
	}
	buf_free(&out);
	snapshot_free(&snap);
}

int main(void)
{
	RUN(prometheus_exposition);
	return unit_failures ? 1 : 0;
}
