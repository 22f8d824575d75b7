/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_MEMINFO_H
#define HEADROOM_PARSE_MEMINFO_H

#include <stddef.h>
#include <stdint.h>

/* The /proc/meminfo keys headroom uses. A key the kernel does not print is absent, not zero. */
enum meminfo_key {
	MEMINFO_MEM_TOTAL,
	MEMINFO_MEM_FREE,
	MEMINFO_MEM_AVAILABLE, /* 3.14+, backported to RHEL 7 */
	MEMINFO_BUFFERS,
	MEMINFO_CACHED,
	MEMINFO_SWAP_TOTAL,
	MEMINFO_SWAP_FREE,
	MEMINFO_SHMEM,
	MEMINFO_SRECLAIMABLE,
	MEMINFO_COMMIT_LIMIT,
	MEMINFO_COMMITTED_AS,
	MEMINFO_HUGETLB, /* "Hugetlb:", 4.16+ */
	MEMINFO_NKEYS
};

struct meminfo {
	uint64_t kib[MEMINFO_NKEYS];
	unsigned seen; /* bit (1u << key) set when the key was printed */
};

/* Parses /proc/meminfo text. Returns 0, or -EINVAL when no known key was found. */
int meminfo_parse(const char *buf, size_t len, struct meminfo *ret);

static inline int meminfo_has(const struct meminfo *m, enum meminfo_key k)
{
	return (m->seen >> k) & 1u;
}

#endif
