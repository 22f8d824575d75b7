/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PROBE_MAPCOUNT_H
#define HEADROOM_PROBE_MAPCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/root.h"

/*
 * Counting memory mappings: the lines of /proc/PID/maps, minus the x86-64 [vsyscall] gate VMA that is
 * not in mm->map_count. The kernel formats one line per VMA (~0.4 us each: 15 ms for a process with
 * 20,000 threads and 40,000 VMAs), and no cheaper interface gives the count, so the report counts on a
 * worker thread while the scan goes on, largest processes first. Its blocks come from the heap: malloc
 * is thread-safe and an arena is not. The daemon, whose loop takes blocks only from its arenas, counts
 * inline (probe_opts.no_threads).
 */

/* Counts the mappings of the process whose /proc/PID directory (under root) is pfd. Returns the count or -errno. */
long long mapcount_one(const struct hr_root *root, int pfd, struct buf *scratch);

struct mapcount;

/*
 * Starts the worker, which reads under root (kept: it must outlive mapcount_finish()). NULL means "count
 * inline": one CPU, or no thread could be made.
 */
struct mapcount *mapcount_start(const struct hr_root *root);

/*
 * Queues the process pid (its /proc/PID directory pfd is duplicated) with a priority, largest first.
 * Returns false when the caller should count inline (the queue is full or mc is NULL).
 */
bool mapcount_queue(struct mapcount *mc, int pid, int pfd, uint64_t priority);

/* Queues pid before the scan starts (see probe/procs.c); the scan asks mapcount_early() not to queue it twice. */
bool mapcount_queue_early(struct mapcount *mc, int pid, int pfd);
bool mapcount_early(const struct mapcount *mc, int pid);

struct mapcount_result {
	int pid;
	long long count; /* or -errno; -ESRCH when the process is gone */
};

/* Helps with what is left, stops the worker, frees mc, and returns the results (malloc'ed). */
size_t mapcount_finish(struct mapcount *mc, struct mapcount_result **ret);

#endif
