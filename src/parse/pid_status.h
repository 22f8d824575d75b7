/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_PID_STATUS_H
#define HEADROOM_PARSE_PID_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a task name: 15 bytes for comm (TASK_COMM_LEN 16), more for kworker names ("kworker/0:1-events"). */
#define HR_COMM_MAX 64

/* What headroom uses of /proc/PID/status. Each has_* says the line was present and parsed. */
struct pid_status {
	char name[HR_COMM_MAX]; /* raw bytes, unescaped, NUL-terminated; may hold any byte but NUL */
	bool has_name;
	char state;             /* 'R', 'S', 'Z', ...; 0 when absent */
	int tgid;
	bool has_tgid;
	int ppid;
	bool has_ppid;
	uint32_t ruid;          /* the real uid: RLIMIT_NPROC counts by it */
	bool has_uid;
	uint64_t threads;
	bool has_threads;
	/* Vm* lines are printed only for tasks with an mm: kernel threads have none. */
	bool has_mm;
	uint64_t vm_size_kib, vm_data_kib, vm_rss_kib, vm_swap_kib, vm_pte_kib;
	uint64_t cap_eff;
	bool has_cap_eff;
	/* NSpid (4.1+): one pid per pid-namespace level, from the reader's namespace inward. */
	int nspid_count;        /* 0 when absent */
	int64_t nspid_inner;    /* the pid in the task's own namespace */
};

/* Parses status text. Returns 0, or -EINVAL when the lines every task has (Name, Uid, Threads) are missing. */
int pid_status_parse(const char *buf, size_t len, struct pid_status *ret);

/*
 * The kernel escapes a task name in status ("\n" -> "\\n", "\\" -> "\\\\"; 3.10's task_name() and
 * later seq_escape_str with only "\n\\"). Undoes that into out (NUL-terminated, truncated to size).
 * Returns the length written.
 */
size_t pid_status_unescape_name(const char *in, size_t len, char *out, size_t size);

#endif
