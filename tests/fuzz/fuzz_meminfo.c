// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes meminfo_parse() with /proc/meminfo text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/meminfo.h"

/* The keys as the kernel prints them, in enum meminfo_key order (kept apart from the parser's table). */
static const char *const keys[MEMINFO_NKEYS] = {
	"MemTotal:", "MemFree:", "MemAvailable:", "Buffers:", "Cached:", "SwapTotal:",
	"SwapFree:", "Shmem:", "SReclaimable:", "CommitLimit:", "Committed_AS:", "Hugetlb:",
};

/* True when key starts a line of buf: a key seen anywhere else ("SwapCached:") is not the key. */
static int has_line_key(const char *buf, size_t len, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || buf[i - 1] == '\n') && memcmp(buf + i, key, n) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct meminfo m, before;
	int r;

	memset(&m, 0xa5, sizeof(m));
	before = m;
	r = meminfo_parse(buf, size, &m);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		/* an output parameter is left untouched on failure */
		FUZZ_CHECK(memcmp(&m, &before, sizeof(m)) == 0);
		goto out;
	}
	FUZZ_CHECK(m.seen != 0);
	FUZZ_CHECK((m.seen >> MEMINFO_NKEYS) == 0);
	for (int k = 0; k < MEMINFO_NKEYS; k++) {
		if (!meminfo_has(&m, (enum meminfo_key)k)) {
			/* absent is absent: no stale value */
			FUZZ_CHECK(m.kib[k] == 0);
			continue;
		}
		FUZZ_CHECK(has_line_key(buf, size, keys[k]));
	}
out:
	free(buf);
	return 0;
}
