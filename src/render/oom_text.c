// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom oom as text: the OOM configuration, each domain's candidates, the kills in the kernel log. */
#include <inttypes.h>
#include <string.h>

#include "core/escape.h"
#include "core/human.h"
#include "core/buf.h"
#include "diagnose/history.h"
#include "diagnose/oom.h"
#include "diagnose/oom_badness.h"
#include "model/scope.h"
#include "render/render.h"

/* What each setting does, in words. */
static const char *panic_on_oom_words(int64_t v)
{
	return v == 0 ? "no panic: the OOM killer kills a process" :
	       v == 1 ? "panic on a machine-wide OOM only; cgroup, cpuset and mempolicy OOMs still kill a process" :
			"panic on every OOM, memory cgroup OOMs included";
}

static void config_text(const struct sys_info *sys, struct buf *out)
{
	const struct oom_sysctls *c = &sys->oom;

	buf_adds(out, "What the kernel does when memory runs out:\n");
	if (c->panic_on_oom.known)
		buf_printf(out, "  vm.panic_on_oom = %" PRId64 ": %s\n", c->panic_on_oom.v, panic_on_oom_words(c->panic_on_oom.v));
	if (c->kill_allocating_task.known)
		buf_printf(out, "  vm.oom_kill_allocating_task = %" PRId64 ": %s\n", c->kill_allocating_task.v,
			   c->kill_allocating_task.v ? "a machine-wide OOM kills the task that ran into it, without choosing (not "
						"for cgroup OOMs)" :
						"the highest badness in the OOM domain is killed");
	if (c->dump_tasks.known)
		buf_printf(out, "  vm.oom_dump_tasks = %" PRId64 ": %s\n", c->dump_tasks.v,
			   c->dump_tasks.v ? "the kernel log lists every task at each OOM (in the log only: no file holds it)" :
					     "no task list in the log");
	if (c->panic.known)
		buf_printf(out, "  kernel.panic = %" PRId64 ": %s\n", c->panic.v,
			   c->panic.v > 0 ? "after a panic the machine reboots after this many seconds" :
			   c->panic.v < 0 ? "after a panic the machine reboots at once" :
					       "after a panic the machine stays down until reset");
	buf_adds(out, "  kernel.core_pattern = ");
	escape_text_str(out, c->core_pattern[0] ? c->core_pattern : "(unreadable)");
	buf_adds(out, ": an OOM kill is SIGKILL and leaves no core dump, whatever this says\n");
	if (c->panic_on_oom.known && c->panic_on_oom.v)
		buf_adds(out, "  a panic's lines seldom reach the disk: look in pstore (/var/lib/systemd/pstore) or kdump's\n"
			      "  /var/crash, not in the journal or syslog\n");
	if (sys->overcommit_memory.known)
		buf_printf(out, "  vm.overcommit_memory = %" PRIu64 ": %s\n", sys->overcommit_memory.v,
			   sys->overcommit_memory.v == 2 ? "allocations beyond CommitLimit fail with ENOMEM before any OOM" :
			   sys->overcommit_memory.v == 1 ? "every allocation succeeds; running out shows up only as OOM kills" :
						"only a single request larger than RAM + swap is refused (since 5.2)");
	buf_adds(out, "  Change one now with 'sysctl -w NAME=VALUE' (or by writing /proc/sys/...); only a line in a\n"
		      "  file under /etc/sysctl.d/ survives a reboot.\n");
}

static void candidate_text(const struct oom_candidate *c, bool victim, struct buf *out)
{
	char rss[32];

	buf_printf(out, "    %s pid %-7d ", victim ? "->" : "  ", c->pid);
	escape_text_str(out, c->comm);
	buf_printf(out, "  rss %s, oom_score_adj %d, badness ", human_bytes(c->rss_bytes + c->swap_bytes, rss, sizeof(rss)),
		   c->oom_score_adj);
	if (c->badness == OOM_BADNESS_NEVER)
		buf_adds(out, "never");
	else
		buf_printf(out, "%ld", c->badness);
	if (c->kernel_oom_score >= 0)
		buf_printf(out, ", oom_score %ld", c->kernel_oom_score);
	buf_addc(out, '\n');
}

void render_oom_kill_text(const struct oom_kill *k, int64_t boot_epoch, struct buf *out)
{
	char when[64], rss[32];
	struct scope s;

	human_log_time(k->usec, boot_epoch, when, sizeof(when));
	buf_printf(out, "%s  pid %d (", when, k->pid);
	escape_text_str(out, k->comm);
	buf_printf(out, "), rss %s, in ", human_bytes(k->rss_kib * 1024, rss, sizeof(rss)));
	escape_text_str(out, scope_parse(k->scope, &s) == 0 && s.kind == SCOPE_SYSTEM ? "a machine-wide OOM" : k->scope);
	if (k->trigger[0]) {
		buf_adds(out, ", triggered by ");
		escape_text_str(out, k->trigger);
	}
	buf_addc(out, '\n');
}

void render_oom_text(const struct oom_view *v, struct buf *out)
{
	char b1[32], b2[32];

	config_text(&v->snap->sys, out);
	for (size_t i = 0; i < v->ndoms; i++) {
		const struct oom_domain *d = &v->doms[i];

		buf_adds(out, "\nOOM domain: ");
		escape_text_str(out, d->subject);
		buf_printf(out, ", %s used of %s%s\n", human_bytes(d->usage_bytes, b1, sizeof(b1)),
			   human_bytes(d->limit_bytes, b2, sizeof(b2)), i == 0 ? " (RAM + swap)" : "");
		if (d->action == OOM_PANIC)
			buf_adds(out, "  when it runs out the kernel PANICS (vm.panic_on_oom): no process is chosen\n");
		else if (d->action == OOM_KILL_ALLOCATING)
			buf_adds(out, "  when it runs out the task that ran into it is killed (vm.oom_kill_allocating_task);\n"
				       "  the ranking below applies when that task cannot be killed\n");
		if (d->group_kill)
			buf_adds(out, "  memory.oom.group is set: every task of the cgroup is killed with the victim\n");
		if (d->has_oom_kills && d->oom_kills)
			buf_printf(out, "  %" PRIu64 " OOM kill%s here since the cgroup was created\n", d->oom_kills,
				   d->oom_kills == 1 ? "" : "s");
		if (d->victim < 0)
			buf_adds(out, "  nothing here can be killed\n");
		for (size_t k = 0; k < d->ncands && k < v->top; k++)
			candidate_text(&d->cands[k], (int)k == d->victim, out);
	}
	if (v->events) {
		size_t n = 0, kernel_now = 0;
		bool kmsg = false;

		buf_adds(out, "\nOOM kills in the logs:");
		for (size_t i = 0; i < v->events->n; i++)
			n += oom_view_shows(v, &v->events->events[i]);
		buf_adds(out, n ? "\n" : " none\n");
		for (size_t i = 0; i < v->events->n; i++) {
			const struct hist_event *e = &v->events->events[i];
			char t[48];

			if (!oom_view_shows(v, e))
				continue;
			if (e->has_time)
				buf_printf(out, "  %s", render_history_time(e->time_usec, false, t, sizeof(t)));
			else
				buf_printf(out, "  %" PRIu64 ".%06" PRIu64 " s after boot", e->mono_usec / 1000000,
					   e->mono_usec % 1000000);
			if (e->boot >= 0)
				buf_printf(out, " (boot %d)", v->events->boots[e->boot].number);
			buf_adds(out, "  ");
			render_hist_event_line(v->events, e, out);
			buf_adds(out, "  [");
			escape_text_str(out, v->events->sources[e->source].name);
			buf_adds(out, "]\n");
			kernel_now += e->killer == HIST_KILLER_KERNEL && e->kind == HIST_OOM_KILL && e->boot >= 0 &&
				      v->events->boots[e->boot].current;
		}
		for (unsigned i = 0; i < v->events->nsources; i++) {
			const struct hist_source *s = &v->events->sources[i];

			kmsg |= s->read && strcmp(s->name, "/dev/kmsg") == 0;
			if (!s->read && s->err) {
				buf_adds(out, "  (could not read ");
				escape_text_str(out, s->name);
				buf_printf(out, ": %s)\n", s->problem ? s->problem : strerror(-s->err));
			}
		}
		if (v->snap->live && !kmsg)
			buf_adds(out, "  (the kernel log, /dev/kmsg, could not be read: run as root)\n");
		if (v->snap->sys.vmstat_oom_kill.known && kmsg && !v->filter->has_boot && !v->filter->has_since &&
		    v->snap->sys.vmstat_oom_kill.v > kernel_now)
			buf_printf(out, "  (/proc/vmstat counts %" PRIu64 " OOM kills since boot; the logs hold %zu of them)\n",
				   v->snap->sys.vmstat_oom_kill.v, kernel_now);
		return;
	}
	buf_adds(out, "\nOOM kills in the kernel log:");
	if (!v->snap->live)
		buf_adds(out, " not read: the kernel log is the running machine's, not the tree's\n");
	else if (!v->log_read)
		buf_adds(out, " the log (/dev/kmsg) could not be read: run as root\n");
	else if (!v->hist.n)
		buf_adds(out, " none\n");
	else
		buf_addc(out, '\n');
	for (size_t i = 0; i < v->hist.n; i++) {
		buf_adds(out, "  ");
		render_oom_kill_text(&v->hist.kills[i], v->boot_epoch, out);
	}
	if (v->snap->sys.vmstat_oom_kill.known && v->log_read && v->snap->sys.vmstat_oom_kill.v > v->hist.n)
		buf_printf(out, "  (/proc/vmstat counts %" PRIu64 " OOM kills since boot; the log no longer holds the "
				 "other %" PRIu64 ")\n",
			   v->snap->sys.vmstat_oom_kill.v, v->snap->sys.vmstat_oom_kill.v - v->hist.n);
}
