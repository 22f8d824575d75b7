/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_PID_LIMITS_H
#define HEADROOM_PARSE_PID_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The resource limits headroom reads from /proc/PID/limits. */
enum pid_rlimit {
	PID_RLIMIT_NPROC,   /* "Max processes" */
	PID_RLIMIT_AS,      /* "Max address space" */
	PID_RLIMIT_DATA,    /* "Max data size" */
	PID_RLIMIT_STACK,   /* "Max stack size": the default thread stack size */
	PID_RLIMIT_NKEYS
};

struct rlim_value {
	bool known;
	bool unlimited;  /* "unlimited" (RLIM_INFINITY) */
	uint64_t value;  /* when known and not unlimited */
};

struct pid_limits {
	struct rlim_value soft[PID_RLIMIT_NKEYS];
	struct rlim_value hard[PID_RLIMIT_NKEYS];
};

/* Parses limits text (fs/proc/base.c:proc_pid_limits). Returns 0, or -EINVAL when no line was understood. */
int pid_limits_parse(const char *buf, size_t len, struct pid_limits *ret);

#endif
