/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_SORT_H
#define HEADROOM_CORE_SORT_H

#include <stddef.h>

/*
 * A stable merge sort, qsort's interface. glibc's qsort sorts the same way but takes its scratch
 * space from malloc once the array passes 1 KiB; this one takes it from mem (NULL: the heap), so in the
 * daemon it comes from the arena of the scan or tick.
 */
struct arena;
void xsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *), struct arena *mem);

#endif
