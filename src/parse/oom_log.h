/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_OOM_LOG_H
#define HEADROOM_PARSE_OOM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One kernel log line of an OOM kill, in every format from 3.10 to 7.x (mm/oom_kill.c:dump_header,
 * oom_kill_process; the summary line since ef8444ea01d7, 5.0; "sacrifice child" gone since bbbe48029720, 5.1):
 *   "java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"
 *   "Out of memory: Kill process 1234 (java) score 956 or sacrifice child"                     (3.10, 4.19)
 *   "Memory cgroup out of memory: Killed process 1234 (java) total-vm:4304kB, anon-rss:2836kB,
 *    file-rss:268kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:1000"         (fields grew by version)
 *   "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),...,oom_memcg=/a,task_memcg=/a/b,task=java,pid=1234,uid=0"
 *   "Task in /a/b killed as a result of limit of /a"                                          (3.10, 4.19)
 *   "Tasks in /a are going to be killed due to memory.oom.group set"
 *   "oom_reaper: reaped process 1234 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"
 * The text is the record's text, unescaped (kmsg_unescape). A process name sits in parentheses and may
 * itself hold ") " or anything else: the fields after it are found from the end.
 */

enum oom_line_kind {
	OOM_LINE_INVOKED,  /* "<comm> invoked oom-killer: ..." */
	OOM_LINE_SELECTED, /* "<msg>: Kill process N (comm) score S or sacrifice child" */
	OOM_LINE_KILLED,   /* "[<msg>: ]Killed process N (comm) total-vm:..." */
	OOM_LINE_SUMMARY,  /* "oom-kill:constraint=..." (5.0+) */
	OOM_LINE_TASK_IN,  /* "Task in <path> killed as a result of limit of <path>" */
	OOM_LINE_GROUP,    /* "Tasks in <path> are going to be killed due to memory.oom.group set" */
	OOM_LINE_REAPED,   /* "oom_reaper: reaped process N (comm), now anon-rss:..." */
};

#define OOM_COMM_MAX 64
#define OOM_PATH_MAX 512

struct oom_line {
	enum oom_line_kind kind;
	char msg[48];                 /* "Out of memory", "Memory cgroup out of memory", ... ("" when absent) */
	int pid;                      /* the victim (selected, killed, summary, reaped) */
	char comm[OOM_COMM_MAX];      /* the victim, or the invoking task for INVOKED */
	/* KILLED: sizes in KiB, each with whether the kernel's format had it */
	uint64_t total_vm_kib, anon_rss_kib, file_rss_kib, shmem_rss_kib, pgtables_kib;
	bool has_shmem, has_uid, has_pgtables, has_adj;
	uint32_t uid;
	int oom_score_adj;            /* KILLED (5.4+) or INVOKED */
	unsigned score;               /* SELECTED: points * 1000 / totalpages */
	int order;                    /* INVOKED */
	/* SUMMARY */
	char constraint[32];          /* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ... */
	bool global_oom;
	char oom_memcg[OOM_PATH_MAX]; /* the cgroup whose limit was hit; also TASK_IN's limit, GROUP's path */
	char task_memcg[OOM_PATH_MAX];/* the victim's cgroup; also TASK_IN's task path */
};

/* Returns 0 with ret filled, or -EINVAL when the line is none of the kinds above (ret then undefined). */
int oom_line_parse(const char *text, size_t len, struct oom_line *ret);

#endif
