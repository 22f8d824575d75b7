// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom oom as JSON: the OOM configuration, each domain's candidates, the kills in the kernel log. */
#include <inttypes.h>
#include <string.h>

#include "core/human.h"
#include "core/json.h"
#include "diagnose/history.h"
#include "diagnose/oom.h"
#include "diagnose/oom_badness.h"
#include "render/render.h"

static const char *action_id(enum oom_action a)
{
	return a == OOM_PANIC ? "panic" : a == OOM_KILL_ALLOCATING ? "kill_allocating_task" : "kill_victim";
}

static void candidate_json(struct json *j, const struct oom_candidate *cd)
{
	json_object_begin(j, NULL);
	json_i64(j, "pid", cd->pid);
	json_str(j, "comm", cd->comm);
	json_u64(j, "uid", cd->uid);
	json_i64(j, "oom_score_adj", cd->oom_score_adj);
	json_u64(j, "rss_bytes", cd->rss_bytes);
	json_u64(j, "swap_bytes", cd->swap_bytes);
	json_u64(j, "pgtables_bytes", cd->pgtables_bytes);
	if (cd->badness == OOM_BADNESS_NEVER)
		json_null(j, "badness");
	else
		json_i64(j, "badness", cd->badness);
	if (cd->kernel_oom_score >= 0)
		json_i64(j, "oom_score", cd->kernel_oom_score);
	else
		json_null(j, "oom_score");
	if (cd->model_oom_score >= 0)
		json_i64(j, "oom_score_model", cd->model_oom_score);
	json_object_end(j);
}

void render_oom_kill_json(struct json *j, const char *key, const struct oom_kill *k, int64_t boot_epoch)
{
	char when[64];

	human_log_time(k->usec, boot_epoch, when, sizeof(when));
	json_object_begin(j, key);
	json_str(j, "time", when);
	json_i64(j, "pid", k->pid);
	json_str(j, "comm", k->comm);
	if (k->has_uid)
		json_u64(j, "uid", k->uid);
	else
		json_null(j, "uid");
	json_str(j, "scope", k->scope);
	json_u64(j, "rss_bytes", k->rss_kib * 1024);
	json_str(j, "constraint", k->constraint[0] ? k->constraint : NULL);
	json_str(j, "victim_cgroup", k->victim_cgroup[0] ? k->victim_cgroup : NULL);
	json_str(j, "trigger", k->trigger[0] ? k->trigger : NULL);
	if (k->has_adj)
		json_i64(j, "oom_score_adj", k->oom_score_adj);
	json_object_end(j);
}

void render_oom_json(const struct oom_view *v, struct buf *out)
{
	const struct oom_sysctls *c = &v->snap->sys.oom;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "kernel", v->snap->sys.kernel.release);
	json_object_begin(&j, "config");
	if (c->panic_on_oom.known)
		json_i64(&j, "panic_on_oom", c->panic_on_oom.v);
	if (c->kill_allocating_task.known)
		json_i64(&j, "oom_kill_allocating_task", c->kill_allocating_task.v);
	if (c->dump_tasks.known)
		json_i64(&j, "oom_dump_tasks", c->dump_tasks.v);
	if (c->panic.known)
		json_i64(&j, "panic", c->panic.v);
	json_str(&j, "core_pattern", c->core_pattern);
	if (v->snap->sys.overcommit_memory.known)
		json_i64(&j, "overcommit_memory", (int64_t)v->snap->sys.overcommit_memory.v);
	json_object_end(&j);
	json_array_begin(&j, "domains");
	for (size_t i = 0; i < v->ndoms; i++) {
		const struct oom_domain *d = &v->doms[i];

		json_object_begin(&j, NULL);
		json_str(&j, "scope", d->scope);
		json_u64(&j, "usage", d->usage_bytes);
		json_u64(&j, "limit", d->limit_bytes);
		json_u64(&j, "totalpages", d->totalpages);
		json_str(&j, "action", action_id(d->action));
		json_bool(&j, "oom_group", d->group_kill);
		if (d->has_oom_kills)
			json_u64(&j, "oom_kills", d->oom_kills);
		else
			json_null(&j, "oom_kills");
		if (d->victim >= 0) {
			json_object_begin(&j, "victim");
			json_i64(&j, "pid", d->cands[d->victim].pid);
			json_str(&j, "comm", d->cands[d->victim].comm);
			json_i64(&j, "badness", d->cands[d->victim].badness);
			json_object_end(&j);
		} else {
			json_null(&j, "victim");
		}
		json_array_begin(&j, "candidates");
		for (size_t k = 0; k < d->ncands && k < v->top; k++)
			candidate_json(&j, &d->cands[k]);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_bool(&j, "kernel_log_read", v->log_read);
	if (v->snap->sys.vmstat_oom_kill.known)
		json_u64(&j, "vmstat_oom_kill", v->snap->sys.vmstat_oom_kill.v);
	json_array_begin(&j, "kills");
	if (v->events) {
		for (size_t i = 0; i < v->events->n; i++)
			if (oom_view_shows(v, &v->events->events[i]))
				render_hist_event_json(&j, NULL, v->events, &v->events->events[i]);
	} else {
		for (size_t i = 0; i < v->hist.n; i++)
			render_oom_kill_json(&j, NULL, &v->hist.kills[i], v->boot_epoch);
	}
	json_array_end(&j);
	if (v->events) {
		json_array_begin(&j, "sources");
		for (unsigned i = 0; i < v->events->nsources; i++) {
			const struct hist_source *s = &v->events->sources[i];

			json_object_begin(&j, NULL);
			json_str(&j, "name", s->name);
			json_bool(&j, "read", s->read);
			json_str(&j, "error", s->err ? strerror(-s->err) : NULL);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	buf_addc(out, '\n');
}
