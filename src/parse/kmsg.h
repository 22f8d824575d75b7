/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_KMSG_H
#define HEADROOM_PARSE_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One record of /dev/kmsg, as one read() returns it (Documentation/ABI/testing/dev-kmsg):
 *   "6,1234,5678901,-;Memory cgroup out of memory: Killed process 42 (java) ...\n"
 *   " SUBSYSTEM=...\n"  (optional dictionary lines, each starting with a space)
 * prio is facility * 8 + level. The text is kept as the kernel escaped it (non-printable bytes and
 * '\' as \xNN); kmsg_unescape() undoes that for display. text points into the parsed buffer.
 */
struct kmsg_record {
	unsigned prio;
	uint64_t seq;
	uint64_t usec;       /* since boot */
	bool continuation;   /* flag 'c': a fragment that the next record continues */
	const char *text;
	size_t text_len;
};

/* Returns 0, or -EINVAL when buf is not a record (ret untouched). */
int kmsg_parse(const char *buf, size_t len, struct kmsg_record *ret);

/*
 * Copies in to out (NUL-terminated, at most size - 1 bytes) with \xNN escapes decoded. A decoded byte
 * that is a control character is kept escaped, so that the result is safe to print. Returns the length.
 */
size_t kmsg_unescape(const char *in, size_t len, char *out, size_t size);

#endif
