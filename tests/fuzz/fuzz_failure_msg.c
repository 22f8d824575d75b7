// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes failure_msg_parse() with the error messages users paste. */
#include <errno.h>

#include "fuzz.h"
#include "parse/failure_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct failure_msg m;
	int r;

	r = failure_msg_parse(buf, size, &m);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(m.program != NULL);
	FUZZ_CHECK(m.op == OP_UNKNOWN || m.op == OP_FORK || m.op == OP_THREAD || m.op == OP_ALLOC);
	FUZZ_CHECK(m.err >= 0 && m.err <= 4095);
	FUZZ_CHECK(r == 0 ? (m.op != OP_UNKNOWN || m.err != 0 || m.oom_kill || m.limit) :
			    (m.op == OP_UNKNOWN && m.err == 0 && !m.limit));
	/* what the line says of where: a pid, a cgroup name that is a string, a limit the report knows */
	FUZZ_CHECK(m.pid >= 0 && m.oom_victim >= 0);
	FUZZ_CHECK(memchr(m.cgroup, '\0', sizeof(m.cgroup)) != NULL && !strchr(m.cgroup, '\n'));
	FUZZ_CHECK(!m.limit || m.limit[0]);
	FUZZ_CHECK(!m.limit_implied || m.limit);
	/* a unit's name is one component of printable characters, and the unit, not a printer's pid, is the context */
	FUZZ_CHECK(memchr(m.unit, '\0', sizeof(m.unit)) != NULL && !strpbrk(m.unit, "/ \n:"));
	FUZZ_CHECK(!m.unit[0] || strchr(m.unit, '.'));
	FUZZ_CHECK(m.oom_kill || (!m.oom_memcg && !m.oom_victim));
	FUZZ_CHECK(strcmp(failure_op_name(m.op), "") != 0);
	free(buf);
	return 0;
}
