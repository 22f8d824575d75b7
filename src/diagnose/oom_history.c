// SPDX-License-Identifier: GPL-2.0-or-later
#include "diagnose/oom_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/scope.h"
#include "parse/kernel_line.h"
#include "parse/kmsg.h"

static void start_kill(struct oom_history *h)
{
	h->has_summary = false;
	h->has_task_in = false;
	h->group_path[0] = '\0';
}

void oom_history_add(struct oom_history *h, const struct oom_line *l, uint64_t usec)
{
	struct oom_kill *k;

	switch (l->kind) {
	case OOM_LINE_INVOKED:
		start_kill(h);
		snprintf(h->invoker, sizeof(h->invoker), "%s", l->comm);
		return;
	case OOM_LINE_SUMMARY:
		h->summary = *l;
		h->has_summary = true;
		return;
	case OOM_LINE_TASK_IN:
		snprintf(h->limit_path, sizeof(h->limit_path), "%s", l->oom_memcg);
		snprintf(h->task_path, sizeof(h->task_path), "%s", l->task_memcg);
		h->has_task_in = true;
		return;
	case OOM_LINE_GROUP:
		snprintf(h->group_path, sizeof(h->group_path), "%s", l->oom_memcg);
		return;
	case OOM_LINE_SELECTED:
	case OOM_LINE_REAPED:
		return;
	case OOM_LINE_KILLED:
		break;
	}
	h->kills = xreallocarray(h->kills, h->n + 1, sizeof(*h->kills));
	k = &h->kills[h->n++];
	memset(k, 0, sizeof(*k));
	k->usec = usec;
	k->pid = l->pid;
	snprintf(k->comm, sizeof(k->comm), "%s", l->comm);
	k->has_uid = l->has_uid;
	k->uid = l->uid;
	k->rss_kib = l->anon_rss_kib + l->file_rss_kib + l->shmem_rss_kib;
	k->has_adj = l->has_adj;
	k->oom_score_adj = l->oom_score_adj;
	snprintf(k->trigger, sizeof(k->trigger), "%s", h->invoker);
	k->group = h->group_path[0] != '\0';
	if (h->has_summary && h->summary.pid == l->pid) {
		snprintf(k->constraint, sizeof(k->constraint), "%s", h->summary.constraint);
		snprintf(k->victim_cgroup, sizeof(k->victim_cgroup), "%s", h->summary.task_memcg);
		if (!k->has_uid && h->summary.has_uid) {
			k->has_uid = true;
			k->uid = h->summary.uid;
		}
		if (strcmp(h->summary.constraint, "CONSTRAINT_MEMCG") == 0 && h->summary.oom_memcg[0])
			scope_format(scope_cgroup(h->summary.oom_memcg), k->scope, sizeof(k->scope));
		else
			scope_format(scope_system(), k->scope, sizeof(k->scope));
	} else if (strcmp(l->msg, "Memory cgroup out of memory") == 0 || h->has_task_in) {
		snprintf(k->constraint, sizeof(k->constraint), "CONSTRAINT_MEMCG");
		scope_format(h->has_task_in ? scope_cgroup(h->limit_path) : scope_unknown(SCOPE_CGROUP), k->scope,
			     sizeof(k->scope));
		if (h->has_task_in)
			snprintf(k->victim_cgroup, sizeof(k->victim_cgroup), "%s", h->task_path);
	} else {
		scope_format(scope_system(), k->scope, sizeof(k->scope));
	}
	/* with memory.oom.group every task of the cgroup gets a "Killed process" line: keep the context */
	if (!k->group)
		start_kill(h);
}

void oom_history_feed(void *ctx, const struct kmsg_record *r, const char *text)
{
	struct kernel_line l;

	/* only the kernel's own records are kills: user space can write the same words into /dev/kmsg */
	if (kmsg_from_kernel(r) && kernel_line_classify(text, strlen(text), &l) == KLINE_OOM)
		oom_history_add(ctx, &l.oom, r->usec);
}

void oom_history_free(struct oom_history *h)
{
	xfree(h->kills);
	memset(h, 0, sizeof(*h));
}
