// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report as Prometheus metrics, in the text exposition format (version 0.0.4): one family per
 * unit, so that every name carries its unit; labels id and scope as in the JSON report. Only the
 * limits the report lists (every machine, namespace, cgroup and user limit; per-process ones that are
 * not ok and the closest of each kind), so that the number of series does not follow the processes.
 */
#include <stdio.h>
#include <string.h>

#include "render/render.h"

/* A label value: backslash, double quote and newline escaped; other control bytes dropped. */
static void label_value(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_printf(out, "\\%c", *s);
		else if (*s == '\n')
			buf_adds(out, "\\n");
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			buf_addc(out, *s);
	}
}

static void family_header(struct buf *out, const char *name, const char *help, const char *type)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void series_labels(struct buf *out, const struct limit *l)
{
	buf_printf(out, "{id=\"%s\",scope=\"", limit_kinds[l->id].id);
	label_value(out, l->scope);
	buf_adds(out, "\"}");
}

/* A counter family from a fact of one kind of limit, labelled with the limit's scope. */
static void fact_counter(struct buf *out, const struct assessment *a, enum limit_id id, const char *key,
			 const char *name, const char *help)
{
	family_header(out, name, help, "counter");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];
		const struct fact *f = l->id == id ? limit_fact(l, key) : NULL;

		if (!f)
			continue;
		buf_printf(out, "%s{scope=\"", name);
		label_value(out, l->scope);
		buf_printf(out, "\"} %llu\n", (unsigned long long)f->u);
	}
}

void render_report_prometheus(const struct snapshot *snap, const struct assessment *a, struct buf *out)
{
	static const enum unit units[] = { UNIT_TASKS, UNIT_PIDS, UNIT_BYTES, UNIT_MAPPINGS, UNIT_PROCESSES };
	char name[96];

	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		bool any = false;

		for (size_t i = 0; i < a->nlimits; i++)
			any |= limit_shown(a, i, false) && a->limits[i].unit == units[u];
		if (!any)
			continue;
		snprintf(name, sizeof(name), "headroom_limit_used_%s", unit_name(units[u]));
		family_header(out, name, "What a limit counts now (its usage), by limit id and scope.", "gauge");
		for (size_t i = 0; i < a->nlimits; i++) {
			const struct limit *l = &a->limits[i];

			if (!limit_shown(a, i, false) || l->unit != units[u])
				continue;
			buf_adds(out, name);
			series_labels(out, l);
			buf_printf(out, " %llu\n", (unsigned long long)l->used);
		}
		snprintf(name, sizeof(name), "headroom_limit_max_%s", unit_name(units[u]));
		family_header(out, name, "The maximum of a limit; absent when it is unlimited.", "gauge");
		for (size_t i = 0; i < a->nlimits; i++) {
			const struct limit *l = &a->limits[i];

			if (!limit_shown(a, i, false) || l->unit != units[u] || l->unlimited)
				continue;
			buf_adds(out, name);
			series_labels(out, l);
			buf_printf(out, " %llu\n", (unsigned long long)l->max);
		}
	}
	family_header(out, "headroom_limit_usage_ratio",
		      "Usage over maximum as judged (memory cgroups: working set), 0 to 1 or above; absent when "
		      "unlimited, exempt or not enforced.",
		      "gauge");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];
		double pct = limit_percent(l);

		if (!limit_shown(a, i, false) || pct < 0)
			continue;
		buf_adds(out, "headroom_limit_usage_ratio");
		series_labels(out, l);
		buf_printf(out, " %.6f\n", pct / 100.0);
	}
	family_header(out, "headroom_limit_status", "0 ok, 1 warning, 2 critical (thresholds as in the report).", "gauge");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];

		if (!limit_shown(a, i, false))
			continue;
		buf_adds(out, "headroom_limit_status");
		series_labels(out, l);
		buf_printf(out, " %d\n", (int)l->status);
	}
	fact_counter(out, a, LIMIT_CGROUP_PIDS, "rejected_forks", "headroom_cgroup_pids_rejected_forks_total",
		     "Forks a cgroup's pids.max rejected since the cgroup was created (pids.events max).");
	fact_counter(out, a, LIMIT_CGROUP_MEMORY, "oom_kill", "headroom_cgroup_oom_kills_total",
		     "Tasks the OOM killer killed in a memory cgroup since it was created (oom_kill).");
	family_header(out, "headroom_unreadable_items", "Things headroom could not read, by what (see the report).",
		      "gauge");
	buf_printf(out, "headroom_unreadable_items %zu\n", snap->nproblems);
	family_header(out, "headroom_assessment_unknown", "1 when an essential reading failed: the statuses cannot be trusted.",
		      "gauge");
	buf_printf(out, "headroom_assessment_unknown %d\n", a->unknown ? 1 : 0);
}
