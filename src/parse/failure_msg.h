/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_FAILURE_MSG_H
#define HEADROOM_PARSE_FAILURE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The error line a user has, as a program or the kernel printed it, read for what failed, with which
 * errno, and what it says of where: the shapes are those captured from real programs in
 * tests/messages/corpus (tests/messages/capture makes each fail in a sandbox), for example
 *   bash:   "bash: fork: retry: Resource temporarily unavailable", "fork: Cannot allocate memory"
 *   dash:   "sh: 1: Cannot fork"                       (no errno)
 *   Java:   "java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory ...",
 *           "os::commit_memory(0x..., 1073741824, 0) failed; error='Cannot allocate memory' (errno=12)"
 *   Python: "BlockingIOError: [Errno 11] Resource temporarily unavailable", "MemoryError"
 *   servers: "could not fork new process for connection: ..." (PostgreSQL), "fork() failed while
 *           spawning ..." (nginx), "sshd[1234]: fatal: fork of unprivileged child failed"
 *   a limit by name: "max virtual memory areas vm.max_map_count [65530] is too low, increase to at least
 *           [262144]" (Elasticsearch)
 *   the kernel: "cgroup: fork rejected by pids controller in /system.slice/app.service",
 *           "Memory cgroup out of memory: Killed process 1234 (java) ...", "oom-kill:constraint=..."
 *   systemd: "app.service: A process of this unit has been killed by the OOM killer.",
 *           "app.service: Failed at step EXEC spawning /usr/bin/x: Resource temporarily unavailable"
 *   with a journal's or syslog's prefix, "Dec 01 10:44:13 host bash[248]: ...", or dmesg's "[  12.3]".
 *   or an errno name or number alone: "EAGAIN", "12".
 * Untrusted text: any bytes, any length; only the first FAILURE_MSG_MAX bytes are read.
 */

#define FAILURE_MSG_MAX 4096

enum failure_op { OP_UNKNOWN, OP_FORK, OP_THREAD, OP_ALLOC };

struct failure_msg {
	enum failure_op op;  /* OP_UNKNOWN when the text does not say */
	bool also_thread;    /* OP_ALLOC in a runtime's words that it also uses for a thread it could not make */
	int err;             /* EAGAIN, ENOMEM, ...; 0 when the text gives none */
	const char *program; /* who printed it, e.g. "bash", "Java", "the kernel"; "" when not recognised */
	/*
	 * What the line says of where it failed: the process that printed it (a syslog prefix,
	 * "sshd[1234]:"), a cgroup (the kernel's lines name it), a limit by its sysctl or rlimit name.
	 */
	int pid;                          /* 0: none */
	char cgroup[FAILURE_MSG_MAX + 1]; /* as printed; "" none */
	const char *limit;                /* the report's id of the limit ("map_count"); NULL none */
	uint64_t limit_value, limit_needed; /* the value the line gives the limit, and the one it asks for; 0 none */
	bool limit_implied;               /* not named but implied: nothing else gives what the line says */
	char unit[256];                   /* a systemd unit whose message it is ("app.service: ..."); "" none */
	/* An OOM kill the kernel logged ("Killed process", "oom-kill:"), or its start ("invoked oom-killer"),
	 * or that systemd logged of a unit ("... has been killed by the OOM killer", "result 'oom-kill'"). */
	bool oom_kill;
	bool oom_memcg;                   /* in a memory cgroup: the cgroup's limit, not the machine's memory */
	int oom_victim;                   /* the killed process, 0 when the line does not say */
};

/* Always fills ret. Returns 0 when something was recognised (an operation, an errno, a kill or a limit), else -EINVAL. */
int failure_msg_parse(const char *text, size_t len, struct failure_msg *ret);

const char *failure_op_name(enum failure_op op);

#endif
