// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes kernel_line_classify() with kernel log messages: the pids controller's, mmap's, the commit limit's, the OOM killer's. */
#include "fuzz.h"
#include "parse/kernel_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct kernel_line k;
	enum kernel_line_kind kind = kernel_line_classify(buf, size, &k);

	FUZZ_CHECK(kind == k.kind && kind >= KLINE_OTHER && kind <= KLINE_MEMCG_USAGE);
	if (kind == KLINE_OOM)
		/* the parsed line's strings are terminated within their arrays */
		FUZZ_CHECK(memchr(k.oom.comm, '\0', sizeof(k.oom.comm)) && memchr(k.oom.oom_memcg, '\0', sizeof(k.oom.oom_memcg)) &&
			   memchr(k.oom.task_memcg, '\0', sizeof(k.oom.task_memcg)));
	if (kind == KLINE_FORK_REJECTED)
		/* the path lies inside the message, after its prefix, and is not empty */
		FUZZ_CHECK(k.path > buf && k.path_len > 0 && k.path + k.path_len <= buf + size);
	else
		FUZZ_CHECK(!k.path && !k.path_len);
	if (kind == KLINE_DATA_ULIMIT || kind == KLINE_COMMIT_REFUSED)
		FUZZ_CHECK(k.pid > 0 && k.pid <= 4194304);
	else
		FUZZ_CHECK(k.pid == 0);
	free(buf);
	return 0;
}
