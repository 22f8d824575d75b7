/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PROBE_HISTORY_SOURCES_H
#define HEADROOM_PROBE_HISTORY_SOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/root.h"
#include "diagnose/history.h"

/*
 * The readers of the logs headroom history reads, each feeding its lines to the history
 * (diagnose/history.h) as one source:
 *   /dev/kmsg                       the running kernel's ring buffer (this boot only)
 *   the journal                     every boot it keeps, through journalctl -o export (probe/journal.c)
 *   syslog files                    /var/log/messages, syslog, kern.log and their rotations ("messages-20261207",
 *                                   "syslog.1", "syslog.2.gz"), oldest first
 *   a file or standard input        whatever people keep and paste: dmesg in every form, journalctl's text
 *                                   forms and its export format, syslog files, quoted lines (parse/log_text.h)
 * A gzip file is read through zlib when headroom was built with it (HAVE_ZLIB); a truncated one gives
 * the lines it holds, and the source says where it ended.
 */

/* The longest line kept whole; a longer one is cut there (and said), the rest of it skipped. */
#define HISTORY_LINE_MAX 65536

/* The running kernel's log. Returns 0, or -errno (the history's source says why). */
int history_read_kmsg(struct history *h);

/*
 * A log file at path (relative to dirfd, AT_FDCWD for a user's path; "-" standard input), named name in
 * the output. Returns 0 or -errno.
 */
int history_read_file(struct history *h, const struct hr_root *root, int dirfd, const char *path, const char *name);

/*
 * The syslog files under root's var/log, every rotation (rotations false: only the files being written),
 * oldest first. Returns how many were read.
 */
int history_read_syslog(struct history *h, const struct hr_root *root, bool rotations);

/*
 * The journal: the machine's own (root live), or root's var/log/journal; entries stored since
 * since_usec (0: all); every program's failure lines too when failures (a second journalctl pass, over
 * every entry: the costly one), else only the kernel's, PID1's and the killers' lines (the index's).
 * Returns 0, -ENOENT when there is none (or no journalctl), or -errno.
 */
int history_read_journal(struct history *h, const struct hr_root *root, int64_t since_usec, bool failures);

/*
 * What a panic left where it could: systemd-pstore's copies of the kernel log at the crash
 * (var/lib/systemd/pstore/<time>/dmesg*.txt) and kdump's (var/crash/<dir>/vmcore-dmesg.txt), each a
 * source in dmesg's form. Returns how many were read.
 */
int history_read_crash_logs(struct history *h, const struct hr_root *root);

/*
 * A directory given as a log: a machine's tree (a disk mounted elsewhere, an unpacked sosreport): its
 * var/log files and journal, its crash logs, and a sosreport's sos_commands/logs/journalctl_* outputs.
 * Returns how many sources were read, or -errno when path cannot be opened.
 */
int history_read_dir(struct history *h, const char *path);

/*
 * What history and oom read, then history_finish(): the logs given (logs[nlogs]: files, "-" standard
 * input, directories read as a machine's tree), else the machine's: /dev/kmsg when root is live, the
 * journal (its failure-line pass when failures), the syslog files with their rotations, the crash logs.
 * Returns whether /dev/kmsg was read.
 */
bool history_read_all(struct history *h, const struct hr_root *root, const char *const *logs, size_t nlogs,
		      bool failures);

/* The running machine's boot id (32 hex digits, from /proc/sys/kernel/random/boot_id); false when unknown. */
bool history_current_boot_id(char ret[33]);

#endif
