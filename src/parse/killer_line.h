/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_KILLER_LINE_H
#define HEADROOM_PARSE_KILLER_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The log lines of the user-space killers and of the service manager about kills and fork failures:
 * systemd-oomd, PID 1 (and the user manager) about its units, earlyoom, nohang, kubelet's eviction
 * manager, containerd's CRI plugin. One classifier for every reader of the journal or of syslog files,
 * so that they agree on what a line says. The formats, with the source each was read from, are in
 * killer_line.c; /work/shared/reference/killers.md section 2 has the table.
 *
 * Each format is matched at the start of the message (after the leading blanks nohang indents with,
 * and after a klog or logrus header for kubelet and containerd): a line that merely holds the words
 * after some other program's prefix is not taken. Names are found by the fixed text on both sides
 * of them, from the right when what follows is fixed, else within their bounded length.
 */
enum killer_line_kind {
	KILLER_LINE_OTHER,
	/* systemd-oomd: "Killed CG due to memory pressure for CG being ..." (v248+), "Killed CG due to swap
	 * used (..) / total (..) being more than N%" (v248), "... due to memory used (..) / total (..) and
	 * swap used ..." (v249+), "Marked CG for killing due to ..." (main after v256) */
	KILLER_LINE_OOMD_KILL,
	/* systemd-oomd v247's pre-kill notices; "Considered N cgroups for killing, top candidates were:" (v251+) */
	KILLER_LINE_OOMD_NOTICE,
	/* PID 1: "UNIT: systemd-oomd killed N process(es) in this unit." (v247+), "... killed some process(es) ..." (v251+) */
	KILLER_LINE_UNIT_OOMD_KILL,
	/* PID 1: "UNIT: A process of this unit has been killed by the OOM killer." (v243+; a KERNEL kill, cgroup v2) */
	KILLER_LINE_UNIT_OOM,
	/* PID 1: "UNIT: Failed with result 'RESULT'." (v220+) */
	KILLER_LINE_UNIT_RESULT,
	/* PID 1: "UNIT: Main process exited, code=killed, status=9/KILL" (v220+; v219 "main process exited"),
	 * the control process's too */
	KILLER_LINE_UNIT_KILLED,
	/* PID 1: a fork or spawn that failed ("Failed to fork: ...", "UNIT: Failed to run 'start' task: ...",
	 * "UNIT: Failed at step EXEC spawning ...": the full list is in killer_line.c) */
	KILLER_LINE_UNIT_FORK_FAILED,
	/* earlyoom: the kill line of every version, v1.0 .. v1.9 */
	KILLER_LINE_EARLYOOM_KILL,
	/* earlyoom: "low memory! at or below SIGTERM limits: ..." (v1.3+), "Low Memory! At or below sigterm limits (...)" (v1.2) */
	KILLER_LINE_EARLYOOM_LOW,
	/* earlyoom: "process exited after N seconds" (v1.3-v1.7), "process PID exited after ..." (v1.8+),
	 * "escalating to SIGKILL after N seconds" */
	KILLER_LINE_EARLYOOM_EXITED,
	/* nohang: the victim's "  PID:       N, name: NAME, state: ..." line (v0.2+), its separate
	 * "  badness:   N, ..." line, the chosen process's "  PID: N, name: NAME, badness: N", v0.1's
	 * "  Victim is NAME, pid: N, badness: N, VmRSS: N MiB, ..." */
	KILLER_LINE_NOHANG_VICTIM,
	/* nohang: "  Sending SIGTERM to the victim" (the action); "  [ OK ] Sending SIGTERM to NAME: N" (its statistics) */
	KILLER_LINE_NOHANG_ACTION,
	/* kubelet: a pod evicted ("Eviction manager: pod is evicted successfully" pod="NS/NAME"; old
	 * "eviction manager: pod NAME_NS(UID) is evicted successfully") */
	KILLER_LINE_KUBELET_EVICTED,
	/* kubelet: "Eviction manager: attempting to reclaim" / "must evict pod(s) to reclaim", with the resource */
	KILLER_LINE_KUBELET_RECLAIM,
	/* containerd: "TaskOOM event ..." with the container's id */
	KILLER_LINE_CONTAINERD_OOM,
};

struct killer_line {
	enum killer_line_kind kind;
	char unit[256];        /* PID 1's lines: the unit; "" none */
	char cgroup[512];      /* OOMD_KILL: the cgroup killed; OOMD_NOTICE (v247): the cgroup under pressure; "" none */
	/*
	 * OOMD_KILL: why, as oomd words it after "due to " ("memory pressure for /system.slice being 72.50% >
	 * 60.00% for > 30s with reclaim activity", "swap used (..) / total (..) being more than 90.00%");
	 * OOMD_NOTICE (v247): the whole notice; EARLYOOM_LOW: the limits ("mem 10.00%, swap  5.00%");
	 * UNIT_RESULT: the result word ("oom-kill", "signal", ...); UNIT_FORK_FAILED: the errno text
	 * ("Resource temporarily unavailable"). Truncated to fit; "" none.
	 */
	char reason[160];
	char step[32];         /* UNIT_FORK_FAILED of "Failed at step STEP spawning ...": "EXEC", "CGROUP", ...; "" otherwise */
	int pid;               /* the victim's or the exited process's pid; 0 none */
	bool has_uid;
	uint32_t uid;          /* earlyoom v1.4+, nohang's EUID */
	char comm[64];         /* earlyoom, nohang: the victim's name as printed (may hold quotes, spaces, parentheses) */
	int signal;            /* 15, 9, ...; 0 none */
	bool has_badness;
	int64_t badness;       /* earlyoom's badness (v1.1-v1.7) or oom_score (v1.8+); nohang's badness */
	bool has_rss;
	uint64_t rss_bytes;    /* earlyoom's VmRSS, nohang v0.1's (printed in MiB) */
	/*
	 * UNIT_OOMD_KILL: how many processes oomd killed, 0 for "some"; NOHANG_ACTION from nohang's
	 * statistics: how often that action was taken so far (a running tally printed after every action,
	 * not one more kill); 0 otherwise
	 */
	uint64_t processes;
	char pod[256], pod_namespace[256], resource[64]; /* kubelet; resource: "memory", "pids", "ephemeral-storage", ... */
	char container_id[80]; /* CONTAINERD_OOM */
};

/*
 * Classifies one message.
 * ident: who logged it (the journal's SYSLOG_IDENTIFIER or syslog's tag: "systemd-oomd", "systemd",
 *   "earlyoom", "nohang", "kubelet", "containerd"; ident_len bytes, not NUL-terminated), or NULL when
 *   unknown (a pasted `journalctl -o cat`). A known ident admits its own program's formats only.
 *   NULL admits only the lines whose own words no other program prints: oomd's, PID 1's about a unit
 *   (a valid unit name first), earlyoom's kill and low-memory lines from v1.1 on, kubelet's eviction
 *   manager's, containerd's TaskOOM. It does not admit PID 1's bare "Failed to fork: ...", earlyoom
 *   v1.0's "Killing process N NAME" and its "process exited" lines, nor any of nohang's.
 * msg: the message, without any syslog or journal prefix; len bytes, any bytes, not NUL-terminated
 *   (a NUL ends it).
 * ret: always filled; every string in it is NUL-terminated within its array. Returns ret->kind.
 */
enum killer_line_kind killer_line_classify(const char *ident, size_t ident_len, const char *msg, size_t len,
					   struct killer_line *ret);

#endif
