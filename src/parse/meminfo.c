// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/meminfo.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

static const char *const meminfo_names[MEMINFO_NKEYS] = {
	[MEMINFO_MEM_TOTAL] = "MemTotal:",
	[MEMINFO_MEM_FREE] = "MemFree:",
	[MEMINFO_MEM_AVAILABLE] = "MemAvailable:",
	[MEMINFO_BUFFERS] = "Buffers:",
	[MEMINFO_CACHED] = "Cached:",
	[MEMINFO_SWAP_TOTAL] = "SwapTotal:",
	[MEMINFO_SWAP_FREE] = "SwapFree:",
	[MEMINFO_SHMEM] = "Shmem:",
	[MEMINFO_SRECLAIMABLE] = "SReclaimable:",
	[MEMINFO_COMMIT_LIMIT] = "CommitLimit:",
	[MEMINFO_COMMITTED_AS] = "Committed_AS:",
	[MEMINFO_HUGETLB] = "Hugetlb:",
};

int meminfo_parse(const char *buf, size_t len, struct meminfo *ret)
{
	const char *pos = buf, *end = buf + len;
	struct meminfo m;
	struct line l;

	memset(&m, 0, sizeof(m));
	while (next_line(&pos, end, &l)) {
		for (int k = 0; k < MEMINFO_NKEYS; k++) {
			const char *p;
			uint64_t v;

			/* Exact key at the start of the line: "Cached:" must not match "SwapCached:". */
			if (!line_has_prefix(&l, meminfo_names[k]))
				continue;
			p = l.p + strlen(meminfo_names[k]);
			if (parse_u64(&p, l.p + l.len, &v) == 0) {
				m.kib[k] = v;
				m.seen |= 1u << k;
			}
			break;
		}
	}
	if (!m.seen)
		return -EINVAL;
	*ret = m;
	return 0;
}
