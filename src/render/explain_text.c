// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom explain as text: the failure, its context, and every cause with its verdict, evidence and fix. */
#include <inttypes.h>
#include <string.h>

#include "core/escape.h"
#include "diagnose/explain.h"
#include "diagnose/history.h"
#include "model/limits.h"
#include "model/scope.h"
#include "render/render.h"

/* What the message itself says of where and why: a process, a cgroup, a limit with its values, a kill. */
static void message_says(const struct failure_msg *m, struct buf *out)
{
	const char *sep = "From the message: ";

	if (m->oom_kill) {
		buf_printf(out, "%sthe OOM killer %s", sep, m->oom_victim ? "killed" : "was at work");
		if (m->oom_victim)
			buf_printf(out, " pid %d", m->oom_victim);
		buf_adds(out, m->oom_memcg ? ", at a memory cgroup's limit" : "");
		sep = "; ";
	}
	if (m->pid) {
		buf_printf(out, "%spid %d printed it", sep, m->pid);
		sep = "; ";
	}
	if (m->cgroup[0]) {
		buf_printf(out, "%scgroup ", sep);
		escape_text_str(out, m->cgroup);
		sep = "; ";
	}
	if (m->unit[0]) {
		buf_printf(out, "%ssystemd unit ", sep);
		escape_text_str(out, m->unit);
		sep = "; ";
	}
	if (m->limit) {
		int id = limit_id_find(m->limit);

		buf_printf(out, "%sthe limit it %s: %s", sep, m->limit_implied ? "implies" : "names",
			   id >= 0 ? limit_kinds[id].title : m->limit);
		if (m->limit_value)
			buf_printf(out, ", at %llu", (unsigned long long)m->limit_value);
		if (m->limit_needed)
			buf_printf(out, ", needing at least %llu", (unsigned long long)m->limit_needed);
		sep = "; ";
	}
	if (strcmp(sep, "; ") == 0)
		buf_adds(out, ".\n");
}

/* The kill an OOM-kill message is about, as headroom oom lists it, or why it is not shown. */
static void the_kill(const struct explain_view *v, struct buf *out)
{
	if (!v->msg->oom_kill)
		return;
	if (v->kill) {
		buf_adds(out, "The kill, from the kernel log: ");
		render_oom_kill_text(v->kill, v->log->boot_epoch, out);
	} else if (v->log->read) {
		buf_adds(out, v->msg->oom_victim || v->msg->cgroup[0] ?
				      "The kernel log no longer holds that kill (headroom oom lists those it holds).\n" :
			      v->msg->unit[0] ? "The kernel log holds no kill in a cgroup named as the unit (headroom oom "
						"lists those it holds).\n" :
				      "The line names no victim and no cgroup: headroom oom lists the kills the kernel log holds.\n");
	}
}

/* Where a cause applies, in words: its limit's subject, else its scope; a scope the message leaves open said so. */
static void cause_subject(const struct cause *c, struct buf *out)
{
	static const char *const open[] = { [SCOPE_USER] = "a user the message does not name",
					     [SCOPE_PID] = "a process the message does not name",
					     [SCOPE_PIDNS] = "a pid namespace the message does not name",
					     [SCOPE_CGROUP] = "a cgroup the message does not name" };
	struct scope s;

	if (c->limit)
		escape_text_str(out, c->limit->subject);
	else if (scope_parse(c->scope, &s) == 0 && s.unknown && s.kind < sizeof(open) / sizeof(open[0]) && open[s.kind])
		buf_adds(out, open[s.kind]);
	else
		escape_text_str(out, c->scope);
}

/* What the logs recorded of such failures: the newest related events, in history's words. */
static void related_history(const struct explain_view *v, struct buf *out)
{
	char t[48];

	if (!v->history)
		return;
	if (!v->related_total) {
		buf_adds(out, "\nThe logs hold no such failure before this one (headroom history lists what they hold).\n");
		return;
	}
	buf_printf(out, "\nIn the logs (headroom history): %zu such event%s, the newest first:\n", v->related_total,
		   v->related_total == 1 ? "" : "s");
	for (size_t i = 0; i < v->nrelated; i++) {
		const struct hist_event *ev = &v->history->events[v->related[i]];

		buf_adds(out, "  ");
		buf_adds(out, ev->has_time ? render_history_time(ev->time_usec, false, t, sizeof(t)) : "(time not logged)");
		buf_adds(out, "  ");
		render_hist_event_line(v->history, ev, out);
		buf_addc(out, '\n');
	}
	if (v->related_total > v->nrelated)
		buf_printf(out, "  ... and %zu older\n", v->related_total - v->nrelated);
}

void render_explain_text(const struct explain_view *v, bool color, struct buf *out)
{
	const struct snapshot *snap = v->snap;
	const struct explanation *e = v->e;
	const struct failure_msg *m = v->msg;
	const struct explain_context *ctx = v->ctx;
	const struct proc_info *p = v->proc;
	static const char *const words[] = { "CONFIRMED", "likely", "possible", "ruled out" };
	static const char *const colors[] = { COLOR_CRITICAL, COLOR_WARNING, "", COLOR_DIM };

	if (m->oom_kill)
		buf_adds(out, "headroom explain: an OOM kill; the causes of an allocation that failed follow");
	else
		buf_printf(out, "headroom explain: %s failed", e->op == OP_UNKNOWN ? "an operation" : failure_op_name(e->op));
	if (e->err)
		buf_printf(out, " with %s (%s)", errno_name(e->err), strerror(e->err));
	if (m->program[0] && !m->oom_kill) {
		buf_adds(out, ", as ");
		escape_text_str(out, m->program);
		buf_adds(out, " prints it");
	}
	buf_addc(out, '\n');
	buf_adds(out, "Context:");
	if (p) {
		buf_printf(out, " pid %d (", p->pid);
		escape_text_str(out, p->comm);
		buf_adds(out, ")");
	}
	if (ctx->has_uid)
		buf_printf(out, "%s uid %" PRIu32, p ? "," : "", ctx->uid);
	if (ctx->cgroup) {
		buf_adds(out, p || ctx->has_uid ? ", cgroup " : " cgroup ");
		escape_text_str(out, ctx->cgroup);
	}
	if (ctx->memcg && (!ctx->cgroup || strcmp(ctx->memcg, ctx->cgroup))) {
		buf_adds(out, ", memory cgroup ");
		escape_text_str(out, ctx->memcg);
	}
	if (ctx->pidns)
		buf_printf(out, ", new processes in pid namespace %" PRIu64, ctx->pidns);
	if (!p && !ctx->has_uid && !ctx->cgroup && !ctx->memcg && !ctx->pidns)
		buf_adds(out, " none known (give --pid, --user or --cgroup)");
	buf_adds(out, "; kernel ");
	escape_text_str(out, snap->sys.kernel.release);
	buf_addc(out, '\n');
	if (v->message_english) {
		buf_adds(out, "The message says: ");
		escape_text_str(out, v->message_english);
		if (e->err)
			buf_printf(out, " (%s)", errno_name(e->err));
		buf_adds(out, ", translated from ");
		escape_text_str(out, v->message_language);
		buf_adds(out, " through its message catalogs.\n");
	}
	if (v->message_encoding && !v->message_utf8) {
		buf_adds(out, "The message is not UTF-8, and no legacy encoding its bytes fit converts it (iconv): "
			      "paste it in UTF-8, or convert it first with iconv -f ENCODING -t UTF-8.\n");
	} else if (v->message_encoding) {
		buf_adds(out, "The message is not UTF-8: read as ");
		escape_text_str(out, v->message_encoding);
		buf_adds(out, ", it says: ");
		escape_text_str(out, v->message_utf8);
		buf_adds(out, "\n");
	}
	if (v->unread) {
		buf_adds(out, "The message seems to be in ");
		escape_text_str(out, v->unread->name);
		buf_adds(out, " (");
		escape_text_str(out, v->unread->code);
		if (v->unread_installed)
			buf_adds(out, "), but no message catalog installed here reads it: the program's own catalogs are "
				      "missing (they come with its package), or it words its messages itself.\n");
		else
			buf_adds(out, "), and no message catalog of that language is installed here: install libc-l10n "
				      "(apt-get install libc-l10n) and the program's package to read it.\n");
	}
	message_says(m, out);
	the_kill(v, out);
	if (!v->log->read && snap->live)
		buf_adds(out, "The kernel log (/dev/kmsg) could not be read: run as root for the evidence it keeps.\n");
	if (m->also_thread && e->op == OP_ALLOC)
		buf_adds(out, "The runtime says this also when it could not create a thread: the causes of both are weighed.\n");
	if (e->op == OP_UNKNOWN && !e->err && v->unread)
		buf_adds(out, "What failed could not be read: the causes of a failed fork and of a failed allocation are "
			      "weighed; give --op and --errno when you know them.\n");
	else if (e->op == OP_UNKNOWN)
		buf_adds(out, "The message does not say what failed: the causes of a failed fork are listed; give --op "
			      "thread or --op alloc for the others.\n");
	buf_addc(out, '\n');
	for (size_t i = 0; i < e->ncauses; i++) {
		const struct cause *c = &e->causes[i];

		if (color && colors[c->verdict][0])
			buf_adds(out, colors[c->verdict]);
		buf_printf(out, "%-10s", words[c->verdict]);
		if (color && colors[c->verdict][0])
			buf_adds(out, COLOR_OFF);
		buf_adds(out, " ");
		buf_adds(out, limit_kinds[c->id].title);
		buf_adds(out, " of ");
		cause_subject(c, out);
		buf_addc(out, '\n');
		buf_adds(out, "           ");
		escape_text_str(out, c->evidence);
		buf_addc(out, '\n');
		if (c->limit && c->verdict <= VERDICT_LIKELY) {
			render_fix_text(out, "           ", "fix now", &c->limit->fix_now);
			render_fix_text(out, "           ", "durable", &c->limit->fix_durable);
			if (c->limit->source) {
				buf_adds(out, "           set by   ");
				escape_text_str(out, c->limit->source);
				buf_addc(out, '\n');
			}
		}
	}
	if (!e->ncauses)
		buf_adds(out, "No limit on this kernel gives that errno for that operation.\n");
	related_history(v, out);
}
