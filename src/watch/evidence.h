/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_WATCH_EVIDENCE_H
#define HEADROOM_WATCH_EVIDENCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/limits.h"

/*
 * Evidence snapshots in the daemon's state directory: "evidence-YYYYMMDDTHHMMSS.json", each the full
 * report's JSON at the moment a limit crossed a threshold or a kernel event happened, with why.
 * Written whole or not at all (a temporary file renamed), at most max_bytes each (fewer consumers,
 * then no report, when larger), and at most max_files of them: the oldest go first.
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
};

/* Opens (creating it, mode 0750, when missing) the directory and lists the evidence already there. Returns 0 or -errno. */
int evidence_open(struct evidence_dir *e, const char *dir, unsigned max_files, size_t max_bytes);
void evidence_close(struct evidence_dir *e);

/*
 * Writes one snapshot: reason ("threshold", "event"), why (in words), top (the top consumer in words,
 * may be empty), composed in mem (the daemon's scan arena). The file's path goes to ret_path. Returns 0 or -errno.
 */
int evidence_write(struct evidence_dir *e, const struct snapshot *snap, const struct assessment *a, const char *reason,
		   const char *why, const char *top, struct arena *mem, char *ret_path, size_t size);

#endif
