/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_REPRO_REPRO_H
#define HEADROOM_REPRO_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/limits.h"
#include "parse/kversion.h"

/*
 * The failure modes `headroom repro` reproduces, one line each in repro_modes[], and the workloads
 * that make them fail. A workload runs in a child process that the command layer has put in the
 * sandbox; it reports what happened through a pipe and then waits to be killed.
 */

enum repro_mode_id {
	REPRO_PID_MAX,
	REPRO_PIDS_CGROUP,
	REPRO_THREADS,
	REPRO_NPROC,
	REPRO_DEAD_PIDNS_INIT,
	REPRO_RLIMIT_AS,
	REPRO_RLIMIT_DATA,
	REPRO_MAP_COUNT,
	REPRO_OOM_CGROUP,
	REPRO_COMMIT,
	REPRO_NMODES
};

struct repro_opts;
struct repro_result;

/* Where the mode's limit is in the report. */
enum repro_where {
	REPRO_AT_SYSTEM,         /* "system" */
	REPRO_AT_CGROUP,         /* the sandbox cgroup */
	REPRO_AT_UID,            /* the unprivileged uid */
	REPRO_AT_PID,            /* the workload process */
	REPRO_AT_PIDNS,          /* the namespace the workload's init is in */
	REPRO_AT_CHILD_PIDNS,    /* the namespace the workload's children go to */
};

/* A failure mode: one line of repro_modes[], its data and its operations. */
struct repro_mode {
	const char *name;
	const char *summary;     /* one line for --list */
	const char *call;        /* the call that fails, as a program names it in its message */
	enum limit_id limit;     /* the limit the report must name */
	enum repro_where where;  /* and where */
	const char *controller;  /* the sandbox cgroup's controller: "pids" or "memory" */
	const char *count_what;  /* what --count sets, NULL when it sets nothing */
	uint64_t count_default, count_min, count_max;
	bool uses_size;          /* --size applies */
	uint64_t size_default, size_min; /* bytes */
	bool takes_uid;          /* --uid applies: it runs as an unprivileged uid */
	/* pids.max of a pids sandbox: per_count x --count + extra (the mode's own limit, or a bound above it) */
	uint64_t pids_per_count, pids_extra;
	bool ends_in_kill;       /* the failure is the OOM killer's SIGKILL, not an errno */
	bool informational;      /* the report names the limit for information: present is enough (commit) */
	const char *program_label; /* who prints the second message: "a shell prints:", "Java prints:" */
	int err;                 /* the errno of the failing call; 0 when none fails (the OOM killer's SIGKILL) */
	/* where it depends on the kernel or vm.overcommit_memory: the errno instead of err (see repro_expected_errno) */
	int (*expected)(const struct kversion *k, int overcommit_mode);
	/* refuses what kernel k lacks (-ENOTSUP, why filled); may set o->count; NULL: runs anywhere */
	int (*check)(const struct kversion *k, struct repro_opts *o, char *why, size_t size);
	/* what the workload does, in words */
	void (*describe)(const struct repro_mode *m, const struct repro_opts *o, uint64_t overcommit_mode, char *out,
			 size_t size);
	/* runs in the sandbox: makes the failure happen and fills r (repro_workload reports and holds it) */
	void (*workload)(const struct repro_opts *o, int fd, struct repro_result *r);
};

extern const struct repro_mode repro_modes[REPRO_NMODES];

/* The mode named name, or NULL. */
const struct repro_mode *repro_mode_find(const char *name);

struct repro_opts {
	uint64_t count;      /* pids.max, RLIMIT_NPROC, the namespace's pid_max, the bound on mappings */
	uint64_t size;       /* bytes: the RLIMIT_AS/RLIMIT_DATA headroom, the memory cgroup limit */
	uint32_t uid;        /* nproc: the unprivileged uid */
	unsigned timeout_s;  /* every process of the workload exits by itself after this */
	char usage_file[4096]; /* oom-cgroup: the sandbox cgroup's memory usage file */
};

/* What the workload reports to the command layer. */
struct repro_result {
	int err;             /* the errno of the failing call; 0 when it did not fail */
	uint64_t after;      /* operations that succeeded before the failure */
	pid_t subject;       /* the process whose limit failed (pid scope), or the namespace's init */
	pid_t victim;        /* oom-cgroup: the allocating process */
	uint64_t set_to;     /* the limit as set (bytes or count) */
	uint64_t base;       /* rlimit modes: what the process used before its allocations */
	char note[200];      /* a failure of the set-up itself, when err is -1 */
};

/*
 * Runs mode m in the calling process (the sandbox's workload, already in its cgroups), writing one
 * struct repro_result to result_fd once the failure happened, then holding everything until it is
 * killed or o->timeout_s passes. Never returns.
 */
void repro_workload(const struct repro_mode *m, const struct repro_opts *o, int result_fd) __attribute__((noreturn));

/*
 * The errno the failing call gets on kernel k: 0 when it does not fail with one (oom-cgroup ends in
 * SIGKILL; commit under overcommit mode 1 succeeds). Pid exhaustion is ENOMEM before 4.1 and on RHEL 7,
 * EAGAIN since 35f71bc0a09a ("fork: report pid reservation failure properly"); a dead namespace's init
 * gives ENOMEM (kernel/pid.c:alloc_pid, 10dab84caf40); RLIMIT_NPROC, threads-max and pids.max give
 * EAGAIN (kernel/fork.c:copy_process, kernel/cgroup/pids.c); glibc's pthread_create turns ENOMEM into
 * EAGAIN (nptl/pthread_create.c); RLIMIT_AS, RLIMIT_DATA (enforced since f4fcd55841fc, 4.7), the map
 * count and overcommit mode 2 give ENOMEM (mm/mmap.c, mm/util.c:__vm_enough_memory).
 */
int repro_expected_errno(enum repro_mode_id id, const struct kversion *k, int overcommit_mode);

/* How a C program and a shell print the failure, e.g. "fork: Resource temporarily unavailable". */
void repro_messages(const struct repro_mode *m, int err, char *libc, size_t libc_size, char *shell, size_t shell_size);

#endif
