/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PROBE_JOURNAL_H
#define HEADROOM_PROBE_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "parse/journal_export.h"

/*
 * The systemd journal, read by running journalctl: headroom is linked statically and Debian ships no
 * libsystemd.a, and the binary file format (docs/JOURNAL_FILE_FORMAT.md: compression, keyed hashes,
 * compact mode since v252) is journalctl's business. Its output, `-o export`, goes through the parser
 * of parse/journal_export.h.
 *
 * The command run (no shell; journalctl from $PATH, or the file $HEADROOM_JOURNALCTL names):
 *   journalctl -o export --no-pager --output-fields=MESSAGE,PRIORITY,... [--directory=D | --file=F]
 *              [--since=@SECONDS.USEC]
 * What journalctl does with that, read in systemd main's src/shared/logs-show.c output_export() and
 * checked by running 252.38 (Debian 12):
 *  - --output-fields (since v236) filters the entry's own fields only: __CURSOR,
 *    __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP and _BOOT_ID are printed first whatever it lists
 *    (_BOOT_ID from the entry's header, and the field itself skipped, so it comes once even when
 *    listed); later versions (systemd main) add __SEQNUM and __SEQNUM_ID there. _BOOT_ID is
 *    listed anyway, for versions that print it only as a field. A name it does not know is accepted and matches nothing.
 *  - before v236 (CentOS 7's 219) the option is unknown: journalctl fails with "unrecognized
 *    option"; the read is then run again without it (every field comes, the parser keeps its own).
 *  - a value that is not printable UTF-8, or holds a newline, comes in the binary form;
 *    sd_journal_set_data_threshold(j, 0): values are whole, however long.
 *  - no journal file at all (an empty --directory, no /var/log/journal nor /run/log/journal) is
 *    exit status 0 with no output; a missing --directory or --file is status 1, "Failed to open ...".
 *  - a user who may read none of the files: status 1, "No journal files were opened due to
 *    insufficient permissions." (checked); who may read some: status 0 and a hint on stderr ("Hint:
 *    You are currently not seeing messages from other users and the system.", from
 *    src/shared/journal-util.c journal_access_check_and_warn(), not checked), kept in stats->warning.
 *  - --directory reads DIR/ *.journal and DIR/<machine-id>/ *.journal (checked; not other subdirectories).
 */

struct journal_source {
	const char *directory;  /* --directory: the journal files in it and in its machine-id subdirectory */
	const char *file;       /* --file: one journal file; NULL both: the machine's own journal
				   (journalctl's default: /var/log/journal and /run/log/journal) */
	int64_t since_usec;     /* --since: entries stored at or after this time, µs since the epoch */
	bool has_since;
	/*
	 * journalctl's MATCHES (journalctl(1)): FIELD=VALUE, "+" between alternatives; the journal's indexes
	 * answer them without reading the other entries. At most JOURNAL_MATCHES_MAX; NULL-terminated.
	 */
	const char *const *matches;
	/* --grep: only entries whose MESSAGE matches this (PCRE2, case-sensitive); journalctl without
	   pattern matching (built without PCRE2, before v237) fails, and is run again without it */
	const char *grep;
};

#define JOURNAL_MATCHES_MAX 16

struct journal_read_stats {
	uint64_t entries;     /* entries passed to fn */
	uint64_t malformed;   /* lines of the output that were not fields (journal_export_parser.malformed) */
	uint64_t truncated;   /* values cut or left out (journal_export_parser.truncated_fields) */
	int exit_status;      /* journalctl's exit status, 128 + N when a signal N ended it, -1 not run */
	char error[256];      /* when it failed: the first line it wrote on stderr (sanitized), else "" */
	char warning[256];    /* when it succeeded: the first line it wrote on stderr, if any, else "" */
	bool no_output_fields; /* journalctl did not know --output-fields: run again without it */
	bool no_grep;          /* journalctl could not --grep: run again without it (every entry read) */
};

/*
 * Runs journalctl on src and calls fn for each entry. Returns 0 when journalctl ran and exited 0
 * (every entry passed on), fn's negative value when fn stopped the read (journalctl is then killed
 * and reaped), -ENOENT when journalctl is not installed (nor at $HEADROOM_JOURNALCTL), -errno when it
 * could not be run (pipe, posix_spawn), -EPROTO when it failed (exit status not 0: stats->error says
 * what it printed), -EINVAL for a negative since_usec. stats is filled in every case.
 */
int journal_read(const struct journal_source *src, journal_entry_fn *fn, void *ctx, struct journal_read_stats *stats);

/*
 * The entries of the file at path: a journal file (its magic "LPKSHHRH", docs/JOURNAL_FILE_FORMAT.md)
 * through journal_read() with --file, or text that journal_export_looks_like() (a saved
 * `journalctl -o export`) through the parser directly. Returns what journal_read() does for a
 * journal file; for text 0 or fn's negative value; -errno when path cannot be read; -EMEDIUMTYPE
 * when it is neither.
 */
int journal_read_file(const char *path, journal_entry_fn *fn, void *ctx, struct journal_read_stats *stats);

#endif
