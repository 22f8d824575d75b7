/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_FAILURE_MSG_H
#define HEADROOM_PARSE_FAILURE_MSG_H

#include <stddef.h>

/*
 * The error message a user has, as a program printed it, read for what failed and with which errno:
 *   bash:   "bash: fork: retry: Resource temporarily unavailable", "fork: Cannot allocate memory"
 *   dash:   "sh: 1: Cannot fork"                       (no errno)
 *   Java:   "java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory ..."
 *   glibc/Go/Node: "pthread_create failed: Resource temporarily unavailable",
 *           "runtime: failed to create new OS thread (have 12 already; errno=11)", "Error: spawn EAGAIN"
 *   Python: "BlockingIOError: [Errno 11] Resource temporarily unavailable", "MemoryError"
 *   or an errno name or number alone: "EAGAIN", "12".
 * Untrusted text: any bytes, any length; only the first FAILURE_MSG_MAX bytes are read.
 */

#define FAILURE_MSG_MAX 4096

enum failure_op { OP_UNKNOWN, OP_FORK, OP_THREAD, OP_ALLOC };

struct failure_msg {
	enum failure_op op;  /* OP_UNKNOWN when the text does not say */
	int err;             /* EAGAIN, ENOMEM, ...; 0 when the text gives none */
	const char *program; /* who printed it, e.g. "bash", "Java"; "" when not recognised */
};

/* Always fills ret. Returns 0 when something was recognised (an operation or an errno), else -EINVAL. */
int failure_msg_parse(const char *text, size_t len, struct failure_msg *ret);

const char *failure_op_name(enum failure_op op);

#endif
