/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_DIAGNOSE_OOM_HISTORY_H
#define HEADROOM_DIAGNOSE_OOM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/oom_log.h"

/*
 * The OOM kills in the kernel log, assembled from its lines in log order: the "invoked oom-killer"
 * header names the task that triggered it, the oom-kill: summary (5.0+) or the "Task in" line (before)
 * the cgroup, and the "Killed process" line the victim. Pure: fed parsed lines.
 */

struct oom_kill {
	uint64_t usec;            /* since boot, from the log record */
	int pid;
	char comm[OOM_COMM_MAX];
	bool has_uid;
	uint32_t uid;
	uint64_t rss_kib;         /* anon + file + shmem at the kill */
	int oom_score_adj;
	bool has_adj;
	char constraint[32];      /* "CONSTRAINT_MEMCG", ...; "" when the kernel did not log it (before 5.0) */
	char scope[OOM_PATH_MAX + 8]; /* "system" or "cgroup:<path of the cgroup whose limit was hit>" */
	char victim_cgroup[OOM_PATH_MAX]; /* the victim's own cgroup, when logged */
	char trigger[OOM_COMM_MAX];   /* the task that ran into the limit ("" unknown) */
	bool group;               /* memory.oom.group: the whole cgroup was killed */
};

struct oom_history {
	struct oom_kill *kills;
	size_t n;
	/* the lines of the kill being assembled */
	char invoker[OOM_COMM_MAX];
	struct oom_line summary;
	bool has_summary;
	char limit_path[OOM_PATH_MAX], task_path[OOM_PATH_MAX]; /* "Task in" (before 5.0) */
	bool has_task_in;
	char group_path[OOM_PATH_MAX];
};

void oom_history_add(struct oom_history *h, const struct oom_line *l, uint64_t usec);
/*
 * Feeds one kernel-log record's text (a kernel_log_fn: ctx is the history); lines not about OOMs, and
 * records written from user space (kmsg_from_kernel()), are ignored.
 */
struct kmsg_record;
void oom_history_feed(void *ctx, const struct kmsg_record *r, const char *text);
void oom_history_free(struct oom_history *h);

#endif
