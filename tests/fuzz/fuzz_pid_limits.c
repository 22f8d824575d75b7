// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes pid_limits_parse() with /proc/PID/limits text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/pid_limits.h"

/* A value that is not known says nothing, and "unlimited" carries no number. */
static void check_value(const struct rlim_value *v)
{
	if (!v->known)
		FUZZ_CHECK(!v->unlimited && v->value == 0);
	if (v->unlimited)
		FUZZ_CHECK(v->known && v->value == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct pid_limits lim, before;
	int known = 0, r;

	memset(&lim, 0xa5, sizeof(lim));
	before = lim;
	r = pid_limits_parse(buf, size, &lim);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		FUZZ_CHECK(memcmp(&lim, &before, sizeof(lim)) == 0);
		goto out;
	}
	for (int k = 0; k < PID_RLIMIT_NKEYS; k++) {
		check_value(&lim.soft[k]);
		check_value(&lim.hard[k]);
		/* a line gives both limits or neither */
		FUZZ_CHECK(lim.soft[k].known == lim.hard[k].known);
		known += lim.soft[k].known;
	}
	FUZZ_CHECK(known > 0);
	/* every limit read came from a line that starts with "Max " */
	FUZZ_CHECK(size >= 4 && memmem(buf, size, "Max ", 4) != NULL);
out:
	free(buf);
	return 0;
}
