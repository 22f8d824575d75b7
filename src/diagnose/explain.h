/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_DIAGNOSE_EXPLAIN_H
#define HEADROOM_DIAGNOSE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/limits.h"
#include "model/snapshot.h"
#include "parse/failure_msg.h"
#include "parse/language.h"

/*
 * The diagnosis of one failed operation: every limit that can make it fail with that errno on this
 * kernel, in the kernel's own order of checks, each checked against the assessment for the context
 * where the failure happened. Pure: no I/O.
 */

enum verdict {
	VERDICT_CONFIRMED, /* at or over its maximum now, or a counter or log line shows it fired */
	VERDICT_LIKELY,    /* within the warning margin */
	VERDICT_POSSIBLE,  /* cannot be checked from here: the evidence says what would tell */
	VERDICT_RULED_OUT, /* the numbers rule it out */
};

/* Where the failure happened. Every field is optional. */
struct explain_context {
	int pid;              /* 0: none */
	bool has_uid;
	bool uid_given;       /* the uid is the one asked about (--user), not the context process's */
	uint32_t uid;
	const char *cgroup;   /* path in the pids (primary) hierarchy */
	const char *memcg;    /* path in the memory hierarchy; NULL: same as cgroup */
	uint64_t pidns;       /* the namespace new processes go to (pid_for_children); 0 unknown */
};

/* Evidence from the kernel log (the command layer reads /dev/kmsg), by kind. */
struct log_evidence {
	unsigned pids_rejected;       /* "cgroup: fork rejected by pids controller in <path>" for the context */
	char pids_rejected_path[4096]; /* PATH_MAX: longer than any log record's text, so never cut short */
	unsigned data_exceeded;       /* "mmap: <comm> (<pid>): VmData ... exceed data ulimit" */
	unsigned commit_refused;      /* "__vm_enough_memory: pid: ..., not enough memory for the allocation" */
	/* when each kind was last logged, microseconds since boot (0: never) */
	uint64_t pids_rejected_usec, data_exceeded_usec, commit_refused_usec;
	int64_t boot_epoch;           /* the wall-clock second the machine booted, to date them; 0 unknown */
	bool read;                    /* the log could be read */
};

struct cause {
	enum limit_id id;
	char *scope;
	enum verdict verdict;
	char *evidence;           /* the numbers, in plain words */
	const struct limit *limit;/* the report's limit, or NULL when none matches (unlimited, unreadable) */
	int order;                /* the kernel's order of checks */
};

struct explanation {
	enum failure_op op;
	int err;                  /* as given, or 0 */
	struct cause *causes;     /* most likely first */
	size_t ncauses;
};

/* msg: what the message said (NULL: nothing); a limit it names is weighed with its values. */
void explain(const struct snapshot *snap, const struct assessment *a, const struct explain_context *ctx,
	     const struct log_evidence *log, const struct failure_msg *msg, enum failure_op op, int err,
	     struct explanation *ret);
void explanation_free(struct explanation *e);

const char *verdict_name(enum verdict v);

/* The strongest verdict among the causes; VERDICT_RULED_OUT when there is none. */
enum verdict explanation_strongest(const struct explanation *e);

/*
 * The context from what the user gave: a process (0 none), a uid (NULL none), a cgroup path (NULL
 * none). The process gives its uid, cgroups and namespace; a uid or cgroup given overrides its own.
 * Returns the process as the snapshot holds it, or NULL when there is none (gone, or not given).
 */
const struct proc_info *explain_context_build(const struct snapshot *snap, int pid, const uint32_t *uid,
					      const char *cgroup, struct explain_context *ret);

/*
 * The kernel log's evidence for a context, fed record by record (a kernel_log_fn, see probe/kernel_log.h,
 * with a struct explain_log_scan as ctx); records written from user space (kmsg_from_kernel()) are no
 * evidence and are ignored. The caller sets ev->read and ev->boot_epoch.
 */
struct explain_log_scan {
	struct log_evidence *ev;
	const struct explain_context *ctx;
};
struct kmsg_record;
void explain_log_feed(void *scan, const struct kmsg_record *r, const char *text);

/*
 * The kill an OOM-kill line is about, in the history of the kernel log: the newest of its victim's pid,
 * else the newest in its cgroup, else the newest in a cgroup named as the systemd unit it names; NULL
 * when the log no longer holds it or the line names none of them.
 */
struct oom_history;
struct oom_kill;
const struct oom_kill *explain_oom_kill(const struct oom_history *h, const struct failure_msg *m);

struct history;
/* Everything headroom explain shows. */
struct explain_view {
	const struct snapshot *snap;
	const struct explanation *e;
	const struct failure_msg *msg;     /* what the message said */
	const char *message;               /* the message as given; NULL when none */
	const struct explain_context *ctx;
	const struct proc_info *proc;      /* the context's process; NULL when none */
	const struct log_evidence *log;
	const struct oom_kill *kill;       /* the kill an OOM-kill message is about, from the log; NULL none */
	const char *message_english;       /* the message read back to English through catalogs; NULL when not */
	const char *message_language;      /* the catalogs' language ("zh_CN"); NULL when not translated */
	const char *message_encoding;      /* the legacy encoding the message was in ("GB18030"); "unknown" when
					      none converts it; NULL: UTF-8 */
	const char *message_utf8;          /* the message in UTF-8, when it was in a legacy encoding */
	const struct language_guess *unread; /* the language a message no catalog read seems to be in; NULL none */
	bool unread_installed;             /* that language's glibc catalog is installed (the program's is not) */
	/* what the logs recorded of such failures (headroom history's reader): related events, newest first */
	const struct history *history;     /* NULL: not read */
	const size_t *related;             /* indices into history->events */
	size_t nrelated, related_total;
};

#endif
