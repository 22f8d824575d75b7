// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes loadavg_parse() with /proc/loadavg text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/loadavg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct loadavg la, before;
	int r;

	memset(&la, 0xa5, sizeof(la));
	before = la;
	r = loadavg_parse(buf, size, &la);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		FUZZ_CHECK(memcmp(&la, &before, sizeof(la)) == 0);
	} else {
		/* "running/threads" needs its slash, and three fields and two numbers around it */
		FUZZ_CHECK(memchr(buf, '/', size) != NULL);
		FUZZ_CHECK(size >= sizeof("a b c 0/0 0") - 1);
	}
	free(buf);
	return 0;
}
