// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes when_parse() with --since/--until values: a time is returned or -EINVAL, nothing else. */
#include <errno.h>

#include "fuzz.h"
#include "parse/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	int64_t v = 42;
	int r = when_parse(buf, size, 1796604334LL * 1000000, &v);

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0)
		FUZZ_CHECK(v == 42);
	free(buf);
	return 0;
}
