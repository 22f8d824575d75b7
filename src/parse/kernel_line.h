/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_KERNEL_LINE_H
#define HEADROOM_PARSE_KERNEL_LINE_H

#include <stddef.h>

#include "parse/oom_log.h"

/*
 * The kernel log lines headroom reads: those that say a limit refused something, and the OOM killer's
 * (parsed by parse/oom_log.c). One classifier for explain, oom, repro and watch, so that they agree on
 * what a line says. Each format is matched at the start of the message, where the kernel puts it: a
 * line that merely contains the words (a program's message after its own prefix, say) is not taken for
 * it. The text alone cannot tell who wrote it: root can write the exact line into /dev/kmsg. The
 * record's facility can (kmsg_from_kernel()): the readers of the log classify the kernel's own
 * records only.
 */
enum kernel_line_kind {
	KLINE_OTHER,
	/* kernel/cgroup/pids.c: "cgroup: fork rejected by pids controller in PATH" (once per cgroup) */
	KLINE_FORK_REJECTED,
	/* mm/mmap.c, may_expand_vm(): "mmap: COMM (PID): VmData N exceed data ulimit M. ..." (once per boot) */
	KLINE_DATA_ULIMIT,
	/* mm/util.c, __vm_enough_memory(): "__vm_enough_memory: pid: PID, comm: COMM, bytes: N not enough ..." */
	KLINE_COMMIT_REFUSED,
	/* mm/oom_kill.c: one of the OOM killer's lines (struct oom_line says which) */
	KLINE_OOM,
	/* mm/memcontrol.c, printed with a memory cgroup's OOM report: "memory: usage NkB, limit NkB, failcnt N" */
	KLINE_MEMCG_USAGE,
};

struct kernel_line {
	enum kernel_line_kind kind;
	const char *path;  /* KLINE_FORK_REJECTED: the forking task's cgroup, into the text; not terminated */
	size_t path_len;
	int pid;           /* KLINE_DATA_ULIMIT, KLINE_COMMIT_REFUSED: the process refused */
	struct oom_line oom; /* KLINE_OOM */
};

/* Classifies one message (its text, without the /dev/kmsg header). Always fills *ret; returns its kind. */
enum kernel_line_kind kernel_line_classify(const char *text, size_t len, struct kernel_line *ret);

#endif
