// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes oom_line_parse() with kernel log lines of the OOM killer, in every version's format. */
#include <errno.h>

#include "fuzz.h"
#include "parse/oom_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct oom_line o;
	int r;

	r = oom_line_parse(buf, size, &o);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r == 0) {
		/* every string is terminated inside its field, and the kind is one of the known ones */
		FUZZ_CHECK(memchr(o.comm, '\0', sizeof(o.comm)) && memchr(o.msg, '\0', sizeof(o.msg)));
		FUZZ_CHECK(memchr(o.oom_memcg, '\0', sizeof(o.oom_memcg)) && memchr(o.task_memcg, '\0', sizeof(o.task_memcg)));
		FUZZ_CHECK(memchr(o.constraint, '\0', sizeof(o.constraint)));
		FUZZ_CHECK(o.kind >= OOM_LINE_INVOKED && o.kind <= OOM_LINE_REAPED);
		if (o.kind == OOM_LINE_KILLED || o.kind == OOM_LINE_SELECTED || o.kind == OOM_LINE_SUMMARY ||
		    o.kind == OOM_LINE_REAPED)
			FUZZ_CHECK(o.pid > 0);
		if (o.has_adj)
			FUZZ_CHECK(o.oom_score_adj >= -1000 && o.oom_score_adj <= 1000);
	}
	free(buf);
	return 0;
}
