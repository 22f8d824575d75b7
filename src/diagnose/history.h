/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_DIAGNOSE_HISTORY_H
#define HEADROOM_DIAGNOSE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strtab.h"
#include "parse/failure_msg.h"
#include "parse/oom_log.h"

/*
 * What the logs recorded: every OOM kill (by whichever killer), eviction, rejected fork, failure message
 * and panic, from every source, as one list of events. The readers (probe/history_sources.c) feed each
 * log line as a struct hist_line, source after source, each in its own order; history_finish() then
 * resolves boots, merges the events several sources or several lines report (the kernel's kill line,
 * PID1's "A process of this unit has been killed by the OOM killer", the unit's result, containerd's
 * TaskOOM, earlyoom's SIGTERM before the kernel's kill of the same pid), sorts them by time and groups
 * them into incidents. Pure: no I/O.
 */

enum hist_kind {
	HIST_OOM_KILL,
	HIST_EVICTION,
	HIST_FORK_REJECTED,
	HIST_FAILURE_MESSAGE,
	HIST_PANIC,
	HIST_EVIDENCE_FILE,
};

enum hist_killer {
	HIST_KILLER_NONE, /* not a kill, or not known (a unit's result 'oom-kill' alone, systemd v251+) */
	HIST_KILLER_KERNEL,
	HIST_KILLER_OOMD,
	HIST_KILLER_EARLYOOM,
	HIST_KILLER_NOHANG,
	HIST_KILLER_KUBELET,
};

enum hist_domain {
	HIST_DOMAIN_NONE,
	HIST_DOMAIN_GLOBAL,
	HIST_DOMAIN_MEMCG,
	HIST_DOMAIN_CPUSET,
	HIST_DOMAIN_MEMPOLICY,
};

const char *hist_kind_name(enum hist_kind k);
const char *hist_killer_name(enum hist_killer k);   /* NULL for HIST_KILLER_NONE */
const char *hist_domain_name(enum hist_domain d);   /* NULL for HIST_DOMAIN_NONE */

/* The lines kept as an event's evidence, each at most HIST_LINE_MAX bytes (the rest cut, and said). */
#define HIST_EVIDENCE_MAX 8
#define HIST_LINE_MAX 1024

struct hist_evidence {
	const char *text;   /* the line as read (hostile: escape when printing) */
	unsigned source;
	bool cut;           /* longer than HIST_LINE_MAX */
};

/* One event. Strings are interned in the history (NULL: not known, never guessed). */
struct hist_event {
	enum hist_kind kind;
	enum hist_killer killer;
	enum hist_domain domain;
	bool has_time;
	int64_t time_usec;      /* wall clock, microseconds since the epoch (UTC) */
	int64_t last_usec;      /* the last line folded into it (failure messages, fork rejections) */
	bool has_mono;
	uint64_t mono_usec;     /* since its boot (the kernel's printk time) */
	int boot;               /* index into history.boots, -1 not known */
	unsigned source;        /* where it was first read */
	int pid;                /* 0 not known */
	const char *comm;       /* the victim's (a kill) or the writer's (a failure message) */
	bool has_uid;
	uint32_t uid;
	const char *cgroup;     /* the victim's cgroup; a fork rejection's cgroup; oomd's killed cgroup */
	const char *oom_cgroup; /* memcg kills: the cgroup whose limit was hit */
	const char *unit, *container, *pod, *pod_namespace;
	bool has_rss;
	uint64_t rss_bytes;
	bool has_adj;
	int oom_score_adj;
	const char *trigger;    /* kernel kills: the task that ran into the limit ("invoked oom-killer") */
	const char *constraint; /* kernel kills: the summary's "CONSTRAINT_MEMCG" ... (5.0+), NULL not logged */
	const char *reason;     /* why, in the killer's words ("memory pressure ... 72.50% > 60.00% ...") */
	const char *program;    /* failure messages: who printed them ("postgres", "bash") */
	enum failure_op op;     /* failure messages */
	int err;
	const char *limit;      /* the limit a failure message points to (a report id), NULL none */
	uint64_t count;         /* lines folded into it (1 for a kill) */
	bool partial;           /* it looks like a kill, but the line could not be read fully */
	struct hist_evidence evidence[HIST_EVIDENCE_MAX];
	unsigned n_evidence;
	uint64_t evidence_more; /* lines not kept */
	uint64_t seen_in;       /* the sources (bit i: sources[i], the last bit for any beyond) that hold it */
	bool merged;            /* folded into another event by history_finish() */
	size_t incident;        /* after history_finish(): its incident */
};

/* A boot: the journal's boot id, or a stretch of a text log between two kernel starts. */
struct hist_boot {
	char id[33];            /* "" when not known */
	bool has_start;
	int64_t start_usec;     /* wall clock of the kernel's start, when a line gives both times */
	bool has_range;
	int64_t first_usec, last_usec; /* wall clock of its first and last line */
	int number;             /* after history_finish(): 0 the newest (or the running one), -1 the one before ... */
	int same_as;            /* after history_finish(): the index it was merged into, or its own */
	bool current;           /* the running machine's boot */
};

/* A source, as it is named in the output ("/dev/kmsg", "journal", "/var/log/syslog.2.gz", "-"). */
struct hist_source {
	const char *name;
	uint64_t lines;         /* lines (or entries) read */
	uint64_t events;        /* events it gave */
	int err;                /* 0, or -errno: could not be read (or not whole) */
	const char *problem;    /* what went wrong, in words ("truncated gzip at byte 1234"); NULL none */
	bool read;              /* something was read from it */
};

/* One log line, as a reader hands it over. */
struct hist_line {
	const char *msg;        /* the message, without the log's prefix */
	size_t msg_len;
	const char *raw;        /* the whole line (the evidence); may be msg */
	size_t raw_len;
	enum { HIST_WRITER_UNKNOWN, HIST_WRITER_KERNEL, HIST_WRITER_PROGRAM } writer;
	const char *ident;      /* the program's name (syslog identifier); NULL none */
	size_t ident_len;
	int pid;
	const char *unit;       /* the unit a systemd message is about (the journal's UNIT=), NULL none */
	size_t unit_len;
	bool has_time;
	int64_t time_usec;
	bool has_mono;
	uint64_t mono_usec;
	const char *boot_id;    /* the journal's, or the running machine's; NULL none */
	bool boot_start;        /* the kernel starts here ("Linux version", printk time 0, journalctl's "-- Boot") */
};

#define HIST_SOURCES_MAX 64

struct history {
	struct hist_event *events;
	size_t n, cap;
	struct hist_boot *boots;
	size_t nboots, boots_cap;
	struct hist_source sources[HIST_SOURCES_MAX];
	unsigned nsources;
	struct strtab strings;
	/* what one source's reading is in the middle of (reset by history_source_begin) */
	unsigned cur_source;
	int cur_boot;           /* the boot of the lines being read */
	struct oom_history *oom;
	const char *pending[4]; /* the kernel's lines of the OOM report being read: header, summary, usage */
	unsigned npending;
	size_t last_kill;       /* index of the last kernel kill event of this source + 1, 0 none */
	int nohang_pid;         /* nohang's "Victim status" being read */
	const char *nohang_comm;
	const char *kubelet_resource;
	/* set by history_finish() */
	struct hist_incident *incidents;
	size_t nincidents;
};

/* Incidents: events close in time (HIST_INCIDENT_GAP_S) in one cgroup or one OOM domain. */
#define HIST_INCIDENT_GAP_S 60

struct hist_incident {
	size_t first, n;        /* events[first] .. events[first + n - 1], in time order */
	int64_t start_usec, end_usec;
	bool has_time;
};

void history_init(struct history *h);
void history_free(struct history *h);

/* Starts reading a source named name; returns its index (the sources beyond HIST_SOURCES_MAX share the last). */
unsigned history_source_begin(struct history *h, const char *name);
/* Says the source could not be read (err -errno, problem in words or NULL). */
void history_source_problem(struct history *h, unsigned source, int err, const char *problem);

/*
 * A text log's line (parse/log_text.h) as a hist_line: its message, its writer (dmesg's lines and
 * "kernel:" lines are the kernel's, a named program's are not, a bare message's is not known), pid,
 * printk time, and the wall clock when the line gives it whole (an offset); a year-less or local stamp
 * is the reader's to resolve. raw is the whole line.
 */
struct log_text_line;
void history_line_from_text(const struct log_text_line *t, const char *raw, size_t raw_len, struct hist_line *ret);

/*
 * The first place in [p, end) where a word stands that a line the history reads must hold (every
 * format of the kernel's OOM and pids lines, the user-space killers', PID1's, the failure lines', a
 * kernel's start, journalctl's separators); NULL when there is none. A reader skips the lines that hold
 * none without parsing them: most of a log. A superset: tests/fuzz/fuzz_history checks that skipping
 * changes nothing.
 */
const char *history_scan(const char *p, const char *end);

/*
 * Whether a reader is to parse the line [p, end): history_scan finds a word in it, or the boot being read
 * has no start yet and the line is the kernel's with both clocks (both_clocks: " kernel: [" in a syslog
 * line, a journal entry's realtime and printk time), from which the start is known, and so the wall
 * clock of the boot's lines that have only printk time.
 */
bool history_line_wanted(const struct history *h, const char *p, const char *end, bool both_clocks);

/*
 * n lines skipped (history_scan found nothing in them), counted for the source; boot_id is the journal's,
 * so that a boot with nothing to say is still a boot (journalctl numbers them all).
 */
void history_skip_lines(struct history *h, uint64_t n, const char *boot_id);

/* Feeds one line of the current source. */
void history_add_line(struct history *h, const struct hist_line *l);

/*
 * Ends the reading: resolves boots (current_boot_id: the running machine's, or NULL; boot_epoch_usec
 * its start, 0 unknown), merges the events that are one, sorts them by time, groups incidents.
 */
void history_finish(struct history *h, const char *current_boot_id, int64_t boot_epoch_usec);

/*
 * The events a failure is related to, newest first, at most max into ret (indices into h->events):
 * for a failed fork or thread, the rejected forks (in cgroup, when given) and the lines of programs that
 * failed the same way (same errno, when both are known); for a failed allocation or an OOM kill, the
 * kills, evictions and panics (in cgroup, the memory cgroup, when given) and the allocation failures;
 * for an unknown operation, all of them. Returns how many there are in all.
 */
size_t history_related(const struct history *h, enum failure_op op, int err, const char *cgroup, const char *unit,
		       size_t *ret, size_t max);

/* Keeps only the events in [since, until] (each has_* false: no bound) and of boot number boot (when has_boot). */
struct history_filter {
	bool has_since, has_until, has_boot;
	int64_t since_usec, until_usec;
	int boot;
};
/* Whether event e passes the filter. */
bool history_event_selected(const struct history *h, const struct hist_event *e, const struct history_filter *f);

#endif
