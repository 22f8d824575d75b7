// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report for people: a verdict line, then one line a limit (worst first), then evidence and fixes
 * for every limit that is not ok, the top consumers, and what could not be read.
 */
#include <stdio.h>
#include <string.h>

#include "core/escape.h"
#include "core/human.h"
#include "core/root.h"
#include "core/shell.h"
#include "render/render.h"


const char *render_amount(enum unit u, uint64_t v, char *out, size_t size)
{
	char n[32];

	const char *name = unit_name(u);

	if (u == UNIT_BYTES)
		return human_bytes(v, out, size);
	/* "1 task", "1 process" */
	if (v == 1)
		snprintf(out, size, "1 %.*s", (int)strlen(name) - (u == UNIT_PROCESSES ? 2 : 1), name);
	else
		snprintf(out, size, "%s %s", human_count(v, n, sizeof(n)), name);
	return out;
}

static void add_status(struct buf *out, enum status s, bool color, bool upper, int width)
{
	const char *name = upper ? (s == STATUS_CRITICAL ? "CRITICAL" : s == STATUS_WARNING ? "WARNING" : "OK") :
				   status_name(s);
	int pad = width - (int)strlen(name);

	if (color)
		buf_adds(out, s == STATUS_CRITICAL ? COLOR_CRITICAL : s == STATUS_WARNING ? COLOR_WARNING : COLOR_OK);
	buf_adds(out, name);
	if (color)
		buf_adds(out, COLOR_OFF);
	while (pad-- > 0)
		buf_addc(out, ' ');
}

/* Column widths of the limit table. */
enum { COL_STATUS = 9, COL_PCT = 5, COL_TITLE = 27, COL_USED = 29 };

static void add_percent(struct buf *out, const struct limit *l)
{
	double pct = limit_percent(l);

	if (pct < 0)
		buf_printf(out, "%*s", COL_PCT, "-");
	else if (pct >= 999.5)
		buf_printf(out, "%*s", COL_PCT, ">999%");
	else if (pct >= 10 || pct == 0)
		buf_printf(out, "%*.0f%%", COL_PCT - 1, pct);
	else
		buf_printf(out, "%*.1f%%", COL_PCT - 1, pct);
}

/* "64 / 64 tasks", "59 tasks, exempt", "1.2 GiB, not enforced" */
static void add_used_max(struct buf *out, const struct limit *l)
{
	char a[48], b[48], n[32];

	if (l->state) {
		escape_text_str(out, l->state);
	} else if (l->exempt) {
		buf_printf(out, "%s, exempt", render_amount(l->unit, l->used, a, sizeof(a)));
	} else if (!l->enforced) {
		buf_printf(out, "%s, not enforced", render_amount(l->unit, l->used, a, sizeof(a)));
	} else if (l->unlimited) {
		buf_printf(out, "%s, no limit", render_amount(l->unit, l->used, a, sizeof(a)));
	} else if (l->unit == UNIT_BYTES) {
		buf_printf(out, "%s / %s", render_amount(l->unit, l->used, a, sizeof(a)),
			   render_amount(l->unit, l->max, b, sizeof(b)));
	} else {
		buf_printf(out, "%s / %s", human_count(l->used, n, sizeof(n)), render_amount(l->unit, l->max, b, sizeof(b)));
	}
}

/* Pads the current line (which began at line_start) with blanks to col, and at least one. */
static void pad_to(struct buf *out, size_t line_start, size_t col)
{
	size_t w = out->len - line_start;

	do
		buf_addc(out, ' ');
	while (++w < col);
}

static void limit_header(struct buf *out)
{
	size_t start = out->len;

	buf_printf(out, "%-*s%*s  %s", COL_STATUS, "STATUS", COL_PCT, "USE", "LIMIT");
	pad_to(out, start, COL_STATUS + COL_PCT + 2 + COL_TITLE);
	buf_adds(out, "USED / MAX");
	pad_to(out, start, COL_STATUS + COL_PCT + 2 + COL_TITLE + COL_USED);
	buf_adds(out, "SCOPE\n");
}

static void limit_line(struct buf *out, const struct limit *l, bool color)
{
	size_t start = out->len, color_bytes;

	add_status(out, l->status, color, false, COL_STATUS);
	/* the colour codes take no columns */
	color_bytes = out->len - start - COL_STATUS;
	start += color_bytes;
	add_percent(out, l);
	buf_adds(out, "  ");
	buf_adds(out, limit_kinds[l->id].title);
	pad_to(out, start, COL_STATUS + COL_PCT + 2 + COL_TITLE);
	add_used_max(out, l);
	pad_to(out, start, COL_STATUS + COL_PCT + 2 + COL_TITLE + COL_USED);
	escape_text_str(out, l->subject);
	buf_addc(out, '\n');
}

static void detail_field(struct buf *out, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(out, "    %-9s", name);
	escape_text_str(out, value);
	buf_addc(out, '\n');
}

void render_fix_text(struct buf *out, const char *indent, const char *label, const struct fix *f)
{
	bool first = true;

	if ((!f->text || !*f->text) && !f->ncommands)
		return;
	buf_printf(out, "%s%-9s", indent, label);
	if (f->text && *f->text) {
		escape_text_str(out, f->text);
		buf_addc(out, '\n');
		first = false;
	}
	for (int i = 0; i < f->ncommands; i++) {
		if (!first)
			buf_printf(out, "%s%-9s", indent, "");
		first = false;
		buf_adds(out, "  ");
		/* shell_commandf makes printable ASCII; anything else would be a bug, and is not shown raw */
		buf_adds(out, shell_command_showable(f->commands[i]) ? f->commands[i] :
								     "(command not shown: it holds characters that are unsafe "
								     "on a terminal)");
		buf_addc(out, '\n');
	}
}

static void limit_details(struct buf *out, const struct limit *l, bool color)
{
	const struct limit_kind *k = &limit_kinds[l->id];
	struct buf t;

	buf_adds(out, "  ");
	add_status(out, l->status, color, false, 0);
	buf_adds(out, ": ");
	if (color)
		buf_adds(out, COLOR_BOLD);
	buf_adds(out, k->title);
	buf_adds(out, " of ");
	escape_text_str(out, l->subject);
	if (color)
		buf_adds(out, COLOR_OFF);
	buf_addc(out, '\n');
	detail_field(out, "what", l->meaning);
	buf_init_in(&t, out->mem);
	buf_printf(&t, "%s, with %s (\"%s\")", k->fails, errno_name(l->err), strerror(l->err));
	detail_field(out, "fails", t.data);
	detail_field(out, "from", l->source);
	if (l->has_top) {
		char words[256];

		detail_field(out, "top", task_top_words(&l->top, words, sizeof(words)));
	}
	render_fix_text(out, "    ", "fix now", &l->fix_now);
	render_fix_text(out, "    ", "durable", &l->fix_durable);
	buf_free(&t);
}

void render_limit_text(const struct limit *l, bool color, struct buf *out)
{
	limit_header(out);
	limit_line(out, l, color);
	buf_addc(out, '\n');
	limit_details(out, l, color);
}

static void verdict(struct buf *out, const struct snapshot *snap, const struct assessment *a, bool color)
{
	size_t ncrit, nwarn;
	const struct limit *worst = assessment_headline(a, &ncrit, &nwarn);
	char used[48], max[48];

	buf_adds(out, "headroom: ");
	if (assessment_unknown(a)) {
		const struct problem *p = NULL;

		for (size_t i = 0; i < snap->nproblems && !p; i++)
			if (snap->problems[i].essential)
				p = &snap->problems[i];
		if (color)
			buf_adds(out, COLOR_CRITICAL);
		buf_adds(out, "UNKNOWN");
		if (color)
			buf_adds(out, COLOR_OFF);
		buf_adds(out, ": could not read ");
		escape_text_str(out, p ? p->what : "the system");
		buf_printf(out, ": %s", p ? (p->malformed ? "malformed content" : root_strerror(p->err)) : "");
		if (p && p->path[0]) {
			buf_adds(out, " ('");
			escape_text_str(out, p->path);
			buf_adds(out, "')");
		}
		buf_addc(out, '\n');
		return;
	}
	add_status(out, a->worst, color, true, 0);
	if (a->worst == STATUS_OK) {
		buf_printf(out, ": no limit is near (warning at %g%%, critical at %g%%)", a->th.warning_pct,
			   a->th.critical_pct);
		if (worst) {
			buf_printf(out, "; the closest is %s at %.1f%% (", limit_kinds[worst->id].title, limit_percent(worst));
			escape_text_str(out, worst->subject);
			buf_addc(out, ')');
		}
		buf_addc(out, '\n');
		return;
	}
	if (ncrit)
		buf_printf(out, ": %zu critical", ncrit);
	if (nwarn)
		buf_printf(out, "%s %zu warning", ncrit ? "," : ":", nwarn);
	buf_adds(out, "; worst: ");
	buf_adds(out, limit_kinds[worst->id].title);
	buf_adds(out, " of ");
	escape_text_str(out, worst->subject);
	if (worst->unlimited || !worst->enforced) {
		buf_printf(out, ": %s fail with %s\n", limit_kinds[worst->id].fails, errno_name(worst->err));
	} else {
		char pct[16];

		snprintf(pct, sizeof(pct), "%.1f%%", limit_percent(worst));
		if (worst->unit == UNIT_BYTES)
			buf_printf(out, " at %s of %s (%s)", render_amount(worst->unit, worst->basis, used, sizeof(used)),
				   render_amount(worst->unit, worst->max, max, sizeof(max)), pct);
		else
			buf_printf(out, " at %s of %s (%s)", human_count(worst->basis, used, sizeof(used)),
				   render_amount(worst->unit, worst->max, max, sizeof(max)), pct);
		buf_printf(out, ": %s fail with %s\n", limit_kinds[worst->id].fails, errno_name(worst->err));
	}
}

/* A row of the cgroups and commands tables: TASKS, PROCESSES, then the name, escaped. */
static void tasks_row(struct buf *out, uint64_t tasks, uint64_t processes, const char *name)
{
	char n1[32], n2[32];

	buf_printf(out, "  %7s  %9s  ", human_count(tasks, n1, sizeof(n1)), human_count(processes, n2, sizeof(n2)));
	escape_text_str(out, name);
	buf_addc(out, '\n');
}

static void consumers(struct buf *out, const struct snapshot *snap, const struct assessment *a, size_t top)
{
	const struct consumers *c = &a->consumers;
	char n[32];

	if (!top)
		return;
	buf_adds(out, "\nProcesses with the most threads\n  THREADS      PID    UID  COMMAND           CGROUP\n");
	for (size_t i = 0; i < c->nprocs && i < top; i++) {
		const struct proc_consumer *p = &c->procs[i];
		size_t w;

		buf_printf(out, "  %7s %8d %6u  ", human_count(p->threads, n, sizeof(n)), p->pid, p->uid);
		/* kernel threads in brackets, as ps shows them */
		if (p->kernel_thread)
			buf_addc(out, '[');
		escape_text_str(out, p->comm);
		if (p->kernel_thread)
			buf_addc(out, ']');
		w = escape_text_width(p->comm, strlen(p->comm)) + (p->kernel_thread ? 2 : 0);
		while (w++ < 17)
			buf_addc(out, ' ');
		buf_addc(out, ' ');
		escape_text_str(out, p->cgroup ? p->cgroup : "-");
		buf_addc(out, '\n');
	}
	buf_adds(out, "\nUsers with the most tasks\n    TASKS  PROCESSES    UID  USER\n");
	for (size_t i = 0; i < c->nusers && i < top; i++) {
		const struct user_consumer *u = &c->users[i];
		const char *name = snapshot_user_name(snap, u->uid);
		char n2[32];

		buf_printf(out, "  %7s  %9s %6u  ", human_count(u->tasks, n, sizeof(n)),
			   human_count(u->processes, n2, sizeof(n2)), u->uid);
		escape_text_str(out, name ? name : "-");
		buf_addc(out, '\n');
	}
	if (c->ncgroups) {
		buf_adds(out, "\nCgroups with the most tasks (their own, not their children's)\n    TASKS  PROCESSES  CGROUP\n");
		for (size_t i = 0; i < c->ncgroups && i < top; i++) {
			tasks_row(out, c->cgroups[i].tasks, c->cgroups[i].processes, c->cgroups[i].path);
		}
	}
	if (c->nparents) {
		buf_adds(out, "\nParents with the most children (zombies: exited, not yet reaped by the parent)\n"
			      " CHILDREN  ZOMBIES      PID  COMMAND\n");
		for (size_t i = 0; i < c->nparents && i < top; i++) {
			const struct parent_consumer *p = &c->parents[i];
			char n2[32];

			buf_printf(out, "  %7s  %7s %8d  ", human_count(p->children, n, sizeof(n)),
				   human_count(p->zombies, n2, sizeof(n2)), p->pid);
			escape_text_str(out, p->comm ? p->comm : "-");
			buf_addc(out, '\n');
		}
	}
	if (c->ncommands) {
		buf_adds(out, "\nCommands with the most tasks\n    TASKS  PROCESSES  COMMAND\n");
		for (size_t i = 0; i < c->ncommands && i < top; i++) {
			tasks_row(out, c->commands[i].tasks, c->commands[i].processes, c->commands[i].comm);
		}
	}
}

void render_report_text(const struct snapshot *snap, const struct assessment *a, const struct render_opts *o,
			struct buf *out)
{
	size_t hidden = 0;
	bool any_details = false;

	verdict(out, snap, a, o->color);
	buf_addc(out, '\n');
	limit_header(out);
	for (size_t i = 0; i < a->nlimits; i++) {
		if (!limit_shown(a, i, o->all)) {
			hidden++;
			continue;
		}
		limit_line(out, &a->limits[i], o->color);
	}
	hidden += a->unbuilt;
	if (hidden)
		buf_printf(out, "(%zu more per-process limits are ok: --all lists them)\n", hidden);

	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];

		if (!limit_shown(a, i, o->all) || (l->status == STATUS_OK && !o->details))
			continue;
		if (!any_details)
			buf_adds(out, "\nWhat it means and what to do\n");
		any_details = true;
		limit_details(out, l, o->color);
	}

	consumers(out, snap, a, o->top);

	if (snap->nproblems) {
		buf_adds(out, "\nCould not read\n");
		for (size_t i = 0; i < snap->nproblems; i++) {
			const struct problem *p = &snap->problems[i];

			buf_adds(out, "  ");
			escape_text_str(out, p->what);
			buf_printf(out, ": %s", p->malformed ? "malformed content" : root_strerror(p->err));
			if (p->path[0]) {
				buf_adds(out, p->count > 1 ? " (" : " (");
				if (p->count > 1)
					buf_printf(out, "%u times, first ", p->count);
				escape_text_str(out, p->path);
				buf_addc(out, ')');
			} else if (p->count > 1) {
				buf_printf(out, " (%u times)", p->count);
			}
			buf_addc(out, '\n');
		}
	}
}
