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
 */
struct kernel_log {
	int fd;
	char rec[8192];
};

/* Opens the log at its oldest record, or at its end (to read only what comes next). Returns 0 or -errno. */
int kernel_log_open(struct kernel_log *k, bool at_end);

/*
 * The next record: 1 with *r and text (unescaped, printable, NUL-terminated) filled, 0 at the end,
 * or -errno. Records overwritten before they were read are skipped.
 */
int kernel_log_next(struct kernel_log *k, struct kmsg_record *r, char *text, size_t size);

void kernel_log_close(struct kernel_log *k);

/*
 * Reads the whole log, oldest record first, calling each(ctx, record, text) for every record, at most max
 * of them. Returns the number read, or -errno when the log cannot be opened.
 */
typedef void kernel_log_fn(void *ctx, const struct kmsg_record *r, const char *text);
long kernel_log_read_all(kernel_log_fn *each, void *ctx, long max);

/* The wall-clock second the machine booted, to date records (their times are since boot); 0 unknown. */
int64_t kernel_log_boot_epoch(void);

#endif
