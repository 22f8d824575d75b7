// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom history as text: the timeline, oldest first, in incidents; each event's lines below it. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/escape.h"
#include "core/human.h"
#include "diagnose/history.h"
#include "model/limits.h"
#include "render/render.h"

static void esc(struct buf *out, const char *s)
{
	escape_text_str(out, s ? s : "?");
}

/* "java (pid 42, uid 1000, rss 1.2 GiB)" */
static void victim(const struct hist_event *e, struct buf *out)
{
	char rss[32];
	bool open = false;

	esc(out, e->comm ? e->comm : e->pid ? "pid" : "a process");
	if (e->pid) {
		buf_printf(out, " (pid %d", e->pid);
		open = true;
	}
	if (e->has_uid) {
		buf_printf(out, "%suid %" PRIu32, open ? ", " : " (", e->uid);
		open = true;
	}
	if (e->has_rss) {
		buf_printf(out, "%srss %s", open ? ", " : " (", human_bytes(e->rss_bytes, rss, sizeof(rss)));
		open = true;
	}
	if (open)
		buf_addc(out, ')');
}

void render_hist_event_line(const struct history *h, const struct hist_event *e, struct buf *out)
{
	(void)h;
	switch (e->kind) {
	case HIST_OOM_KILL:
		if (e->partial) {
			buf_adds(out, "a kill line that could not be read whole (shown below)");
			return;
		}
		if (e->killer == HIST_KILLER_OOMD) {
			buf_adds(out, "systemd-oomd killed ");
			if (e->cgroup) {
				buf_adds(out, "the cgroup ");
				esc(out, e->cgroup);
			} else {
				buf_adds(out, "the processes of ");
				esc(out, e->unit);
			}
			if (e->count > 1)
				buf_printf(out, " (%" PRIu64 " processes)", e->count);
			if (e->reason) {
				buf_adds(out, ": ");
				esc(out, e->reason);
			}
			return;
		}
		if (e->killer == HIST_KILLER_EARLYOOM || e->killer == HIST_KILLER_NOHANG) {
			buf_adds(out, hist_killer_name(e->killer));
			buf_adds(out, e->reason ? " " : " signalled ");
			if (e->reason)
				esc(out, strncmp(e->reason, "sent ", 5) == 0 ? e->reason : "signalled");
			buf_adds(out, e->reason ? " to " : "");
			victim(e, out);
			buf_adds(out, ", as memory ran low (a user-space killer, by its own rules)");
			return;
		}
		if (e->killer == HIST_KILLER_NONE) {
			esc(out, e->unit);
			buf_adds(out, " failed with result 'oom-kill': no line in the log says whether the kernel or "
				      "systemd-oomd killed it");
			return;
		}
		buf_adds(out, "the kernel's OOM killer killed ");
		if (!e->comm && !e->pid && e->unit) {
			buf_adds(out, "a process of ");
			esc(out, e->unit);
		} else if (!e->comm && !e->pid && e->container) {
			buf_adds(out, "a process of container ");
			escape_text(out, e->container, strlen(e->container) > 12 ? 12 : strlen(e->container));
		} else {
			victim(e, out);
		}
		switch (e->domain) {
		case HIST_DOMAIN_MEMCG:
			buf_adds(out, ": memory cgroup ");
			esc(out, e->oom_cgroup ? e->oom_cgroup : e->cgroup ? e->cgroup : "(not logged)");
			buf_adds(out, " reached its limit");
			break;
		case HIST_DOMAIN_CPUSET:
			buf_adds(out, ": the memory nodes of the allocating task's cpuset ran out");
			break;
		case HIST_DOMAIN_MEMPOLICY:
			buf_adds(out, ": the nodes of a NUMA memory policy (mbind, set_mempolicy) ran out");
			break;
		case HIST_DOMAIN_GLOBAL:
			buf_adds(out, ": the machine ran out of memory (RAM and swap)");
			break;
		case HIST_DOMAIN_NONE:
			break;
		}
		if (e->reason && (strcmp(e->reason, "earlyoom") == 0 || strcmp(e->reason, "nohang") == 0)) {
			buf_adds(out, "; ");
			esc(out, e->reason);
			buf_adds(out, " had signalled it first");
		}
		return;
	case HIST_EVICTION:
		buf_adds(out, "the kubelet evicted pod ");
		if (e->pod_namespace) {
			esc(out, e->pod_namespace);
			buf_addc(out, '/');
		}
		esc(out, e->pod);
		if (e->reason) {
			buf_adds(out, " to reclaim ");
			esc(out, e->reason);
		}
		buf_adds(out, " (node pressure: an eviction, not an OOM kill)");
		return;
	case HIST_FORK_REJECTED:
		buf_adds(out, "the kernel refused forks in ");
		esc(out, e->cgroup);
		buf_adds(out, ": its pids.max was reached (fork and clone fail with EAGAIN)");
		if (e->count > 1)
			buf_printf(out, "; said %" PRIu64 " times: the cgroup was made again each time", e->count);
		return;
	case HIST_FAILURE_MESSAGE: {
		const char *en = e->err ? errno_name(e->err) : NULL;

		esc(out, e->program ? e->program : "a program");
		buf_printf(out, ": %" PRIu64 " line%s", e->count, e->count == 1 ? "" : "s");
		if (e->reason) {
			buf_adds(out, " '");
			esc(out, e->reason);
			buf_addc(out, '\'');
		}
		if (e->has_time && e->last_usec > e->time_usec) {
			char t1[48], t2[48];

			buf_printf(out, " from %s to %s", render_history_time(e->time_usec, false, t1, sizeof(t1)) + 11,
				   render_history_time(e->last_usec, false, t2, sizeof(t2)) + 11);
		}
		buf_printf(out, ": %s failed", e->op == OP_FORK ? "fork" : e->op == OP_THREAD ? "thread creation" : "an allocation");
		if (en)
			buf_printf(out, " (%s)", en);
		else if (e->err)
			buf_printf(out, " (errno %d)", e->err);
		if (e->unit) {
			buf_adds(out, " in ");
			esc(out, e->unit);
		}
		return;
	}
	case HIST_PANIC:
		buf_adds(out, "the kernel panicked: ");
		esc(out, e->reason);
		return;
	case HIST_EVIDENCE_FILE:
		buf_adds(out, "headroom watch kept a snapshot: ");
		esc(out, e->reason);
		return;
	}
}

void render_history_cause(const struct history *h, const struct hist_incident *x, struct buf *out)
{
	const struct hist_event *e = &h->events[x->first];
	uint64_t kills = 0;

	render_hist_event_line(h, e, out);
	for (size_t i = x->first; i < x->first + x->n; i++)
		kills += h->events[i].kind == HIST_OOM_KILL;
	if (x->n > 1)
		buf_printf(out, "; %zu events in all%s", x->n, kills > 1 ? ", " : "");
	if (x->n > 1 && kills > 1)
		buf_printf(out, "%" PRIu64 " kills", kills);
}

static void when(const struct history *h, const struct hist_event *e, struct buf *out)
{
	char t[48];

	if (e->has_time)
		buf_adds(out, render_history_time(e->time_usec, false, t, sizeof(t)));
	else if (e->has_mono)
		buf_printf(out, "%" PRIu64 ".%06" PRIu64 " s after boot", e->mono_usec / 1000000, e->mono_usec % 1000000);
	else
		buf_adds(out, "(time not logged)");
	if (e->boot >= 0)
		buf_printf(out, "  boot %d", h->boots[e->boot].number);
}

void render_history_text(const struct history *h, const struct history_filter *f, bool color, struct buf *out,
			 render_flush_fn *flush, void *ctx)
{
	size_t shown = 0, incidents = 0;
	char t1[48], t2[48];

	for (size_t k = 0; k < h->nincidents; k++) {
		const struct hist_incident *x = &h->incidents[k];
		bool header = false;

		for (size_t i = x->first; i < x->first + x->n; i++) {
			const struct hist_event *e = &h->events[i];

			if (!history_event_selected(h, e, f))
				continue;
			if (!header) {
				header = true;
				incidents++;
				buf_adds(out, shown ? "\n" : "");
				if (color)
					buf_adds(out, COLOR_BOLD);
				if (x->has_time && x->end_usec > x->start_usec + 1000000)
					buf_printf(out, "%s to %s: ", render_history_time(x->start_usec, false, t1, sizeof(t1)),
						   render_history_time(x->end_usec, false, t2, sizeof(t2)));
				else if (x->has_time)
					buf_printf(out, "%s: ", render_history_time(x->start_usec, false, t1, sizeof(t1)));
				render_history_cause(h, x, out);
				if (color)
					buf_adds(out, COLOR_OFF);
				buf_addc(out, '\n');
			}
			shown++;
			buf_adds(out, "  ");
			when(h, e, out);
			buf_adds(out, "  ");
			render_hist_event_line(h, e, out);
			buf_addc(out, '\n');
			if (e->kind == HIST_OOM_KILL && (e->unit || e->container || e->pod || (e->cgroup && e->domain != HIST_DOMAIN_MEMCG) || e->trigger)) {
				buf_adds(out, "    ");
				if (e->unit) {
					buf_adds(out, "unit ");
					esc(out, e->unit);
					buf_adds(out, "; ");
				}
				if (e->container) {
					buf_adds(out, "container ");
					esc(out, e->container);
					buf_adds(out, "; ");
				}
				if (e->pod) {
					buf_adds(out, "pod ");
					esc(out, e->pod);
					buf_adds(out, "; ");
				}
				if (e->cgroup && e->killer != HIST_KILLER_OOMD) {
					buf_adds(out, "victim's cgroup ");
					esc(out, e->cgroup);
					buf_adds(out, "; ");
				}
				if (e->trigger) {
					buf_adds(out, "the allocating task was ");
					esc(out, e->trigger);
					buf_adds(out, "; ");
				}
				out->len -= 2;
				out->data[out->len] = '\0';
				buf_addc(out, '\n');
			}
			for (unsigned k2 = 0; k2 < e->n_evidence; k2++) {
				const struct hist_evidence *ev = &e->evidence[k2];

				buf_adds(out, "    | ");
				esc(out, ev->text);
				if (ev->cut)
					buf_adds(out, " [cut]");
				if (h->nsources > 1) {
					buf_adds(out, "  (");
					esc(out, h->sources[ev->source].name);
					buf_addc(out, ')');
				}
				buf_addc(out, '\n');
			}
			if (e->evidence_more)
				buf_printf(out, "    | ... and %" PRIu64 " more line%s\n", e->evidence_more,
					   e->evidence_more == 1 ? "" : "s");
			if (flush && out->len > RENDER_FLUSH_BYTES)
				flush(out, ctx);
		}
	}
	if (!shown)
		buf_adds(out, "No OOM kill, eviction, rejected fork or fork failure in what was read.\n");
	else
		buf_printf(out, "\n%zu event%s in %zu incident%s.\n", shown, shown == 1 ? "" : "s", incidents,
			   incidents == 1 ? "" : "s");
	buf_adds(out, "Read:");
	for (unsigned i = 0; i < h->nsources; i++) {
		const struct hist_source *s = &h->sources[i];

		if (!s->read)
			continue;
		buf_adds(out, i ? " " : " ");
		esc(out, s->name);
		buf_printf(out, " (%" PRIu64 " line%s)", s->lines, s->lines == 1 ? "" : "s");
		if (s->problem) {
			buf_adds(out, " [");
			esc(out, s->problem);
			buf_addc(out, ']');
		}
		buf_addc(out, ';');
	}
	if (out->len && out->data[out->len - 1] == ';')
		out->data[out->len - 1] = '.';
	else
		buf_adds(out, " nothing.");
	buf_addc(out, '\n');
	for (unsigned i = 0, n = 0; i < h->nsources; i++) {
		const struct hist_source *s = &h->sources[i];

		if (s->read || !s->err)
			continue;
		buf_adds(out, n++ ? "" : "Could not read:\n");
		buf_adds(out, "  ");
		esc(out, s->name);
		buf_adds(out, ": ");
		esc(out, s->problem ? s->problem : strerror(-s->err));
		buf_addc(out, '\n');
	}
	if (flush)
		flush(out, ctx);
}
