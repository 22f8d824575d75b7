// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes kversion_parse() and kversion_at_least() with /proc/sys/kernel/osrelease text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/kversion.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	const char *nl = memchr(buf, '\n', size);
	size_t first = nl ? (size_t)(nl - buf) : size, rlen;
	struct kversion v;
	int r;

	memset(&v, 0xa5, sizeof(v));
	r = kversion_parse(buf, size, &v);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(v.parsed == (r == 0));

	/* the release is kept even on failure: the first line, cut to fit, printable ASCII only */
	FUZZ_CHECK(memchr(v.release, '\0', sizeof(v.release)) != NULL);
	rlen = strlen(v.release);
	FUZZ_CHECK(rlen == (first < sizeof(v.release) - 1 ? first : sizeof(v.release) - 1));
	for (size_t i = 0; i < rlen; i++)
		FUZZ_CHECK(v.release[i] >= 0x20 && v.release[i] < 0x7f);
	FUZZ_CHECK(v.rhel7 == (strstr(v.release, ".el7") != NULL));

	if (v.parsed) {
		FUZZ_CHECK(v.major >= 0 && v.major < 1000);
		FUZZ_CHECK(v.minor >= 0 && v.minor < 1000);
		FUZZ_CHECK(v.patch >= 0 && v.patch < 100000);
		FUZZ_CHECK(kversion_at_least(&v, v.major, v.minor));
		FUZZ_CHECK(!kversion_at_least(&v, v.major, v.minor + 1));
		FUZZ_CHECK(!kversion_at_least(&v, v.major + 1, 0));
		FUZZ_CHECK(kversion_at_least(&v, v.major - 1, 999));
	} else {
		/* an unknown version is taken as recent */
		FUZZ_CHECK(kversion_at_least(&v, 999, 999));
	}
	free(buf);
	return 0;
}
