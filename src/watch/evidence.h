/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_WATCH_EVIDENCE_H
#define HEADROOM_WATCH_EVIDENCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/limits.h"

/*
 * Evidence snapshots in the daemon's state directory: "evidence-YYYYMMDDTHHMMSS-NN.json", each the full
 * report's JSON at the moment a limit crossed a threshold or kernel events happened, with why. Written
 * whole or not at all (a temporary file renamed), at most max_bytes each (fewer consumers, then no
 * report, when larger), and at most max_files of them.
 *
 * Each snapshot belongs to an incident (watch.c decides which): the first of an incident is kept over
 * later ones, so that beyond max_files the oldest later snapshot goes first, and a first one only when
 * no later one is left. Files found at start-up count as firsts.
 *
 * A snapshot that could not be written (a full or read-only disk) is kept, as its text, in space reserved
 * at start-up (max_bytes, touched only then), for evidence_retry() while its incident lasts: one at a
 * time, the oldest.
 */
#define EVIDENCE_FILES_MAX 1000
#define EVIDENCE_NAME_MAX 48

struct evidence_dir {
	bool on;
	int fd;
	unsigned max_files;
	size_t max_bytes;
	char path[PATH_MAX];
	unsigned n;                                       /* names held, oldest first */
	char names[EVIDENCE_FILES_MAX][EVIDENCE_NAME_MAX];
	bool first[EVIDENCE_FILES_MAX];                   /* names[i] is the first snapshot of its incident */
	char last_name[EVIDENCE_NAME_MAX];                /* the newest name given: names only grow */
	/* the snapshot waiting to be written again */
	char *pending;                                    /* max_bytes reserved (MAP_NORESERVE) */
	size_t pending_len;
	bool pending_first;
	char pending_name[EVIDENCE_NAME_MAX];
	char pending_when[16];                            /* "03:12:07", for the log */
	unsigned pending_tries;
	int last_err;                                     /* the last write's -errno, 0 when it worked */
};

/* An event a snapshot names: what happened, and whose limit's top consumer it names. */
struct evidence_event {
	const char *what;
	const char *limit;   /* the limit's id ("cgroup_pids") */
	const char *scope;
	const char *top;     /* may be empty */
};

/* What a snapshot says beyond the report. */
struct evidence_note {
	const char *reason;                 /* "threshold" or "event" */
	const char *why;                    /* in words: the crossing, the events, or both */
	const char *top;                    /* the top consumer of its limit, may be empty */
	const struct evidence_event *events;
	size_t nevents, events_more;        /* events_more: beyond those listed */
	const char *incident_limit;         /* the incident: its limit's id and scope */
	const char *incident_scope;
	const char *incident_started;       /* the time of its first snapshot ("2026-12-07T03:12:07+0000") */
	bool first;                         /* this is the incident's first snapshot */
	time_t when;                        /* the moment it is of, as the log says it (its name and its kept
					       copy's "the snapshot of HH:MM:SS"); 0: now */
};

/* Opens (creating it, mode 0750, when missing) the directory and lists the evidence already there. Returns 0 or -errno. */
int evidence_open(struct evidence_dir *e, const char *dir, unsigned max_files, size_t max_bytes);
void evidence_close(struct evidence_dir *e);

/*
 * Writes one snapshot, composed in mem (the daemon's scan arena); its file's path to ret_path. Returns 0
 * or -errno: then the snapshot is kept for evidence_retry() when none is kept already (-errno all the same).
 */
int evidence_write(struct evidence_dir *e, const struct snapshot *snap, const struct assessment *a,
		   const struct evidence_note *note, struct arena *mem, char *ret_path, size_t size);

/* Whether a snapshot waits to be written again. */
bool evidence_pending(const struct evidence_dir *e);

/* Tries the kept snapshot again. Returns 0 when written (its path to ret_path), -errno otherwise. */
int evidence_retry(struct evidence_dir *e, char *ret_path, size_t size);

/* Gives up the kept snapshot (its incident is over). */
void evidence_drop_pending(struct evidence_dir *e);

#endif
