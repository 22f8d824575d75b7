// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes psi_parse() with /proc/pressure/memory and cgroup memory.pressure text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/psi.h"

/* The largest average psi_parse() accepts: 100000.99 in hundredths (it rejects more). */
#define PSI_CENTI_MAX (100000u * 100u + 99u)

static void check_line(const struct psi_line *l)
{
	if (!l->present) {
		/* a line that was not read is all zero */
		FUZZ_CHECK(l->avg10_centi == 0 && l->avg60_centi == 0 && l->avg300_centi == 0 && l->total_us == 0);
		return;
	}
	FUZZ_CHECK(l->avg10_centi <= PSI_CENTI_MAX);
	FUZZ_CHECK(l->avg60_centi <= PSI_CENTI_MAX);
	FUZZ_CHECK(l->avg300_centi <= PSI_CENTI_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct psi psi, before;
	int r;

	memset(&psi, 0xa5, sizeof(psi));
	before = psi;
	r = psi_parse(buf, size, &psi);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		FUZZ_CHECK(memcmp(&psi, &before, sizeof(psi)) == 0);
	} else {
		FUZZ_CHECK(psi.some.present || psi.full.present);
		check_line(&psi.some);
		check_line(&psi.full);
		FUZZ_CHECK(!psi.some.present || memmem(buf, size, "some ", 5));
		FUZZ_CHECK(!psi.full.present || memmem(buf, size, "full ", 5));
	}
	free(buf);
	return 0;
}
