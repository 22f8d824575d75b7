// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom explain as JSON: the failure, its context, and every cause with its verdict, evidence and fix. */
#include <inttypes.h>
#include <string.h>

#include "core/json.h"
#include "diagnose/explain.h"
#include "diagnose/history.h"
#include "model/limits.h"
#include "render/render.h"

/* What the message itself says (documented in headroom(1) with the schema). */
static void render_message_says_json(struct json *j, const struct failure_msg *m)
{
	json_object_begin(j, "message_says");
	if (m->pid)
		json_i64(j, "pid", m->pid);
	else
		json_null(j, "pid");
	json_str(j, "cgroup", m->cgroup[0] ? m->cgroup : NULL);
	json_str(j, "unit", m->unit[0] ? m->unit : NULL);
	json_str(j, "limit", m->limit);
	json_bool(j, "limit_implied", m->limit_implied);
	if (m->limit_value)
		json_u64(j, "limit_value", m->limit_value);
	else
		json_null(j, "limit_value");
	if (m->limit_needed)
		json_u64(j, "limit_needed", m->limit_needed);
	else
		json_null(j, "limit_needed");
	json_bool(j, "also_thread", m->also_thread);
	json_bool(j, "oom_kill", m->oom_kill);
	json_bool(j, "oom_memcg", m->oom_memcg);
	if (m->oom_victim)
		json_i64(j, "oom_victim", m->oom_victim);
	else
		json_null(j, "oom_victim");
	json_object_end(j);
}

void render_explain_json(const struct explain_view *v, struct buf *out)
{
	const struct snapshot *snap = v->snap;
	const struct explanation *e = v->e;
	const struct explain_context *ctx = v->ctx;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "operation", e->op == OP_UNKNOWN ? NULL : failure_op_name(e->op));
	json_str(&j, "errno", e->err ? errno_name(e->err) : NULL);
	json_str(&j, "kernel", snap->sys.kernel.release);
	json_str(&j, "message", v->message);
	json_str(&j, "message_language", v->message_language);
	json_str(&j, "message_english", v->message_english);
	json_str(&j, "message_encoding", v->message_encoding);
	json_str(&j, "message_utf8", v->message_utf8);
	if (v->unread) {
		json_object_begin(&j, "message_unread");
		json_str(&j, "language", v->unread->code);
		json_str(&j, "name", v->unread->name);
		json_str(&j, "script", v->unread->script);
		json_bool(&j, "catalog_installed", v->unread_installed);
		json_str(&j, "package", v->unread_installed ? NULL : "libc-l10n");
		json_object_end(&j);
	} else {
		json_null(&j, "message_unread");
	}
	json_str(&j, "program", v->msg->program[0] ? v->msg->program : NULL);
	json_object_begin(&j, "context");
	if (ctx->pid)
		json_i64(&j, "pid", ctx->pid);
	else
		json_null(&j, "pid");
	if (ctx->has_uid)
		json_u64(&j, "uid", ctx->uid);
	else
		json_null(&j, "uid");
	json_str(&j, "cgroup", ctx->cgroup);
	json_str(&j, "memory_cgroup", ctx->memcg ? ctx->memcg : ctx->cgroup);
	if (ctx->pidns)
		json_u64(&j, "pidns", ctx->pidns);
	else
		json_null(&j, "pidns");
	json_object_end(&j);
	json_bool(&j, "kernel_log_read", v->log->read);
	render_message_says_json(&j, v->msg);
	if (v->kill)
		render_oom_kill_json(&j, "oom_kill", v->kill, v->log->boot_epoch);
	else
		json_null(&j, "oom_kill");
	if (v->history) {
		json_object_begin(&j, "history");
		json_u64(&j, "total", v->related_total);
		json_array_begin(&j, "events");
		for (size_t i = 0; i < v->nrelated; i++)
			render_hist_event_json(&j, NULL, v->history, &v->history->events[v->related[i]]);
		json_array_end(&j);
		json_object_end(&j);
	} else {
		json_null(&j, "history");
	}
	json_array_begin(&j, "causes");
	for (size_t i = 0; i < e->ncauses; i++) {
		const struct cause *c = &e->causes[i];

		json_object_begin(&j, NULL);
		json_str(&j, "id", limit_kinds[c->id].id);
		json_str(&j, "scope", c->scope);
		json_str(&j, "verdict", verdict_name(c->verdict));
		json_str(&j, "evidence", c->evidence);
		if (c->limit) {
			json_str(&j, "status", status_name(c->limit->status));
			json_u64(&j, "used", c->limit->used);
			if (c->limit->unlimited)
				json_null(&j, "max");
			else
				json_u64(&j, "max", c->limit->max);
			json_str(&j, "source", c->limit->source);
			json_object_begin(&j, "fix");
			render_fix_json(&j, "now", "now_commands", &c->limit->fix_now);
			render_fix_json(&j, "durable", "durable_commands", &c->limit->fix_durable);
			json_object_end(&j);
		} else {
			json_null(&j, "status");
			json_null(&j, "fix");
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(out, '\n');
}
