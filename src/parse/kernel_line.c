// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/kernel_line.h"

#include <stdbool.h>
#include <string.h>

static bool starts(const char *s, size_t len, const char *prefix, size_t n)
{
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* A decimal pid in [s, end) (no sign, no leading zero), or -1. */
static int parse_pid(const char *s, const char *end)
{
	long v = 0;

	if (s >= end || *s == '0')
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 4194304) /* PID_MAX_LIMIT */
			return -1;
	}
	return (int)v;
}

/* The last occurrence of needle (n bytes) in [s, s + len), or NULL. */
static const char *last_of(const char *s, size_t len, const char *needle, size_t n)
{
	for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
		if (memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

enum kernel_line_kind kernel_line_classify(const char *text, size_t len, struct kernel_line *ret)
{
	static const char rejected[] = "cgroup: fork rejected by pids controller in ";
	static const char mmap[] = "mmap: ", vmdata[] = "): VmData ", ulimit[] = " exceed data ulimit ";
	static const char commit[] = "__vm_enough_memory: pid: ";
	static const char usage[] = "memory: usage ";

	memset(ret, 0, sizeof(*ret));
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		len--;
	if (starts(text, len, rejected, sizeof(rejected) - 1) && len > sizeof(rejected) - 1) {
		ret->kind = KLINE_FORK_REJECTED;
		ret->path = text + sizeof(rejected) - 1;
		ret->path_len = len - (sizeof(rejected) - 1);
		return ret->kind;
	}
	if (starts(text, len, mmap, sizeof(mmap) - 1)) {
		/* the name may hold "): VmData ", so the pid is before the last one, after the " (" before it */
		const char *v = last_of(text, len, vmdata, sizeof(vmdata) - 1), *open;

		if (v && memmem(v, len - (size_t)(v - text), ulimit, sizeof(ulimit) - 1) &&
		    (open = last_of(text, (size_t)(v - text), " (", 2)) && open >= text + sizeof(mmap) - 1) {
			int pid = parse_pid(open + 2, v);

			if (pid > 0) {
				ret->kind = KLINE_DATA_ULIMIT;
				ret->pid = pid;
			}
		}
		return ret->kind;
	}
	if (starts(text, len, commit, sizeof(commit) - 1)) {
		const char *p = text + sizeof(commit) - 1, *end = memchr(p, ',', len - (sizeof(commit) - 1));
		int pid = end ? parse_pid(p, end) : -1;

		if (pid > 0) {
			ret->kind = KLINE_COMMIT_REFUSED;
			ret->pid = pid;
		}
		return ret->kind;
	}
	if (starts(text, len, usage, sizeof(usage) - 1))
		ret->kind = KLINE_MEMCG_USAGE;
	else if (oom_line_parse(text, len, &ret->oom) == 0)
		ret->kind = KLINE_OOM;
	return ret->kind;
}
