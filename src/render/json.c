// SPDX-License-Identifier: GPL-2.0-or-later
/* The report as one JSON object: its schema is in headroom(1), JSON OUTPUT. */
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/root.h"
#include "render/render.h"
#include "version.h"

void render_fix_json(struct json *j, const char *key, const char *commands_key, const struct fix *f)
{
	json_str(j, key, f->text);
	json_array_begin(j, commands_key);
	for (int i = 0; i < f->ncommands; i++)
		json_str(j, NULL, f->commands[i]);
	json_array_end(j);
}

void render_limit_json(struct json *j, const char *key, const struct limit *l)
{
	const struct limit_kind *k = &limit_kinds[l->id];
	double pct = limit_percent(l);

	json_object_begin(j, key);
	json_str(j, "id", k->id);
	json_str(j, "scope", l->scope);
	json_str(j, "subject", l->subject);
	json_str(j, "title", k->title);
	json_str(j, "status", status_name(l->status));
	json_str(j, "unit", unit_name(l->unit));
	json_u64(j, "used", l->used);
	if (l->unlimited || l->exempt) {
		json_null(j, "max");
		json_null(j, "headroom");
		json_null(j, "percent");
	} else {
		json_u64(j, "max", l->max);
		json_i64(j, "headroom", (int64_t)l->capacity - (int64_t)l->basis);
		if (pct >= 0)
			json_fixed(j, "percent", pct, 1);
		else
			json_null(j, "percent");
	}
	json_bool(j, "enforced", l->enforced);
	json_bool(j, "exempt", l->exempt);
	json_str(j, "errno", errno_name(l->err));
	json_str(j, "fails", k->fails);
	json_str(j, "source", l->source);
	json_str(j, "meaning", l->meaning);
	render_fix_json(j, "fix_now", "fix_now_commands", &l->fix_now);
	render_fix_json(j, "fix_durable", "fix_durable_commands", &l->fix_durable);
	if (l->has_top) {
		json_object_begin(j, "top");
		json_str(j, "kind", top_kind_name(l->top.kind));
		json_u64(j, "count", l->top.count);
		json_u64(j, "tasks", l->top.tasks);
		json_u64(j, "pid", (uint64_t)l->top.pid);
		json_str(j, "comm", l->top.comm);
		json_object_end(j);
	}
	for (int f = 0; f < l->nfacts; f++) {
		const struct fact *fa = &l->facts[f];
		const struct fact_kind *fk = &fact_kinds[fa->id];

		switch (fk->type) {
		case FACT_TYPE_U64: json_u64(j, fk->key, fa->u); break;
		case FACT_TYPE_BOOL: json_bool(j, fk->key, fa->b); break;
		case FACT_TYPE_STR: json_str(j, fk->key, fa->s); break;
		}
	}
	json_object_end(j);
}

void render_report_json(const struct snapshot *snap, const struct assessment *a, const struct render_opts *o,
			struct buf *out)
{
	const struct consumers *c = &a->consumers;
	size_t top = o->top;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "headroom_version", HEADROOM_VERSION);
	json_str(&j, "kernel", snap->sys.kernel.release[0] ? snap->sys.kernel.release : NULL);
	json_str(&j, "status", assessment_unknown(a) ? "unknown" : status_name(a->worst));
	json_u64(&j, "exit_status", (uint64_t)assessment_exit_status(a));
	json_object_begin(&j, "thresholds");
	json_number(&j, "warning_percent", a->th.warning_pct);
	json_number(&j, "critical_percent", a->th.critical_pct);
	json_object_end(&j);

	json_array_begin(&j, "limits");
	for (size_t i = 0; i < a->nlimits; i++)
		if (limit_shown(a, i, o->all))
			render_limit_json(&j, NULL, &a->limits[i]);
	json_array_end(&j);

	json_object_begin(&j, "consumers");
	json_array_begin(&j, "processes");
	for (size_t i = 0; i < c->nprocs && i < top; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "pid", (uint64_t)c->procs[i].pid);
		json_str(&j, "comm", c->procs[i].comm);
		json_u64(&j, "threads", c->procs[i].threads);
		json_u64(&j, "uid", c->procs[i].uid);
		json_str(&j, "cgroup", c->procs[i].cgroup);
		json_bool(&j, "kernel_thread", c->procs[i].kernel_thread);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "users");
	for (size_t i = 0; i < c->nusers && i < top; i++) {
		const char *name = snapshot_user_name(snap, c->users[i].uid);

		json_object_begin(&j, NULL);
		json_u64(&j, "uid", c->users[i].uid);
		json_str(&j, "user", name);
		json_u64(&j, "tasks", c->users[i].tasks);
		json_u64(&j, "processes", c->users[i].processes);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "cgroups");
	for (size_t i = 0; i < c->ncgroups && i < top; i++) {
		json_object_begin(&j, NULL);
		json_str(&j, "path", c->cgroups[i].path);
		json_u64(&j, "tasks", c->cgroups[i].tasks);
		json_u64(&j, "processes", c->cgroups[i].processes);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "parents");
	for (size_t i = 0; i < c->nparents && i < top; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "pid", (uint64_t)c->parents[i].pid);
		json_str(&j, "comm", c->parents[i].comm);
		json_u64(&j, "children", c->parents[i].children);
		json_u64(&j, "zombies", c->parents[i].zombies);
		json_u64(&j, "tasks", c->parents[i].tasks);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "commands");
	for (size_t i = 0; i < c->ncommands && i < top; i++) {
		json_object_begin(&j, NULL);
		json_str(&j, "comm", c->commands[i].comm);
		json_u64(&j, "processes", c->commands[i].processes);
		json_u64(&j, "tasks", c->commands[i].tasks);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);

	json_array_begin(&j, "unreadable");
	for (size_t i = 0; i < snap->nproblems; i++) {
		const struct problem *p = &snap->problems[i];

		json_object_begin(&j, NULL);
		json_str(&j, "what", p->what);
		json_str(&j, "path", p->path[0] ? p->path : NULL);
		json_str(&j, "errno", errno_name(p->err));
		json_str(&j, "error", p->malformed ? "malformed content" : root_strerror(p->err));
		json_u64(&j, "count", p->count);
		json_bool(&j, "essential", p->essential);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
}
