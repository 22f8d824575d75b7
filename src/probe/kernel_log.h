/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PROBE_KERNEL_LOG_H
#define HEADROOM_PROBE_KERNEL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/kmsg.h"

/*
 * The kernel log, record by record, from /dev/kmsg (needs root, or kernel.dmesg_restrict = 0).
 * Reading never blocks: it ends at the newest record.
 *
 * Only the kernel's own records come out (facility 0, kmsg_from_kernel()). Any root process can write
 * a line into /dev/kmsg that reads like an OOM kill; those records carry a user-space facility and are
 * skipped, and counted in user_records.
 *
 * Records the kernel dropped before this reader got to them are counted in lost, from the gaps in the
 * sequence numbers (each record's second field). Two causes, both in the 6.x printk ring buffer
 * (kernel/printk/printk.c devkmsg_read(), printk_get_next_message(); printk_ringbuffer.c
 * _prb_read_valid()):
 *  - the record was overwritten before it was read: prb_read_valid() returns the oldest record still
 *    there, printk_get_next_message() sets pmsg.dropped = its seq - the reader's, and devkmsg_read()
 *    then moves the reader to that record and fails the read with EPIPE once; the next read returns
 *    it, so the gap between the last sequence number read and that record's is the number lost;
 *  - the record's descriptor exists but its text was lost (-ENOENT, "Record exists, but the data was
 *    lost. Skip."): _prb_read_valid() steps over it, the same way, with the same EPIPE.
 * A record that could not be reserved at all takes no sequence number and leaves no gap: the kernel
 * drops it without a trace that a reader could count. (A panicking CPU also skips unfinalized
 * records; no reader of ours runs then.)
 *
 * The counters, all since kernel_log_open():
 *   lost          records dropped before they were read (a record that cannot be parsed, which no
 *                 real kernel writes, counts here too: it was not read). Opened at the end, the
 *                 last record there is the starting point; at the oldest, the first record read. So
 *                 nothing before the open counts; opened at the oldest, records overwritten between
 *                 the open and the first read cannot be counted (overruns says that it happened)
 *   user_records  records written from user space, skipped
 *   overruns      how often read() failed with EPIPE: the reader fell behind the ring buffer
 *   seen, last_seq  whether a record was read, and the sequence number of the last one (kernel or user)
 * and, after kernel_log_next() returned 1, about the record it returned:
 *   gap_lost      records lost since the record it returned before (0: none). When it is not 0, the
 *   gap_first,    sequence numbers gap_first to gap_last are missing: log "gap_lost records lost
 *   gap_last      (sequence gap_first to gap_last)". Several gaps between two returned records are
 *                 summed, and the range then spans them, with the user-space records between them
 * A follower that wants to report losses as they happen, before the next kernel record, compares lost
 * with the value it saw last.
 */
struct kernel_log {
	int fd;
	uint64_t lost;
	uint64_t user_records;
	uint64_t overruns;
	bool seen;
	uint64_t last_seq;
	uint64_t gap_lost, gap_first, gap_last;
	bool returned; /* kernel_log_account() passed a record on: the next one starts a new gap */
	char rec[8192];
};

/*
 * Opens the log at its oldest record, or at its end (to read only what comes next), with every counter
 * at 0. Returns 0 or -errno.
 */
int kernel_log_open(struct kernel_log *k, bool at_end);

/* The most records kernel_log_open(at_end) reads to get to the end. */
#define KERNEL_LOG_DRAIN_MAX 1000000L

/* The most records one kernel_log_next() call reads without finding a kernel record. */
#define KERNEL_LOG_SKIP_MAX 256

/*
 * The next record of the kernel's own: 1 with *r and text (unescaped, printable, NUL-terminated)
 * filled, 0 at the end, -EAGAIN when it read KERNEL_LOG_SKIP_MAX records from user space (or records
 * it could not parse) in a row and stopped there (not the end: call again, in the same loop or the
 * next tick), or another -errno. Records from user space and lost records are counted (see above).
 */
int kernel_log_next(struct kernel_log *k, struct kmsg_record *r, char *text, size_t size);

/*
 * The bookkeeping kernel_log_next() does for each record it reads, without I/O (the unit tests drive
 * it): counts the sequence gap before r in lost and gap_*, and r in user_records when it is from user
 * space; sets last_seq. Returns true when r is the kernel's and is to be returned. A sequence number
 * at or below the last one (not seen on one open file) only sets the new starting point, and drops the
 * range of a gap not yet returned (lost keeps its count). A zeroed struct kernel_log is in the state
 * kernel_log_open() leaves, but for its fd.
 */
bool kernel_log_account(struct kernel_log *k, const struct kmsg_record *r);

void kernel_log_close(struct kernel_log *k);

/*
 * Reads the whole log, oldest record first, calling each(ctx, record, text) for every record of the
 * kernel's own (not those from user space), at most max of them, in at most max calls of
 * kernel_log_next(). Returns the number passed to each, or -errno when the log cannot be opened.
 */
typedef void kernel_log_fn(void *ctx, const struct kmsg_record *r, const char *text);
long kernel_log_read_all(kernel_log_fn *each, void *ctx, long max);

/* The wall-clock second the machine booted, to date records (their times are since boot); 0 unknown. */
int64_t kernel_log_boot_epoch(void);

#endif
