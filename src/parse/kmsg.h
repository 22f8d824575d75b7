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
 * prio is facility * 8 + level (kmsg_facility(), kmsg_level()). The text is kept as the kernel escaped
 * it (non-printable bytes and '\' as \xNN); kmsg_unescape() undoes that for display. text points into
 * the parsed buffer.
 */
struct kmsg_record {
	unsigned prio;       /* 0..2047: the kernel keeps the facility in 8 bits, the level in 3 */
	uint64_t seq;
	uint64_t usec;       /* since boot */
	bool continuation;   /* flag 'c': a fragment that the next record continues */
	const char *text;
	size_t text_len;
};

/*
 * Who wrote the record. The kernel's own records have facility 0 (LOG_KERN); a line written into
 * /dev/kmsg from user space never does: kernel/printk/printk.c devkmsg_write() gives it LOG_USER (1)
 * unless its "<N>" prefix names a non-zero facility, and ignores a prefix whose facility is 0
 * ("<3>..." is read back as prio 11, "<0>..." as 8, "<30>..." as 30). So only facility 0 is the
 * kernel speaking: a user-space record is never evidence of an OOM kill or a rejected fork.
 */
static inline unsigned kmsg_facility(const struct kmsg_record *r)
{
	return r->prio >> 3;
}

/* The syslog level: 0 (KERN_EMERG) to 7 (KERN_DEBUG). */
static inline unsigned kmsg_level(const struct kmsg_record *r)
{
	return r->prio & 7;
}

/* True for the kernel's own records (facility 0), false for lines written from user space. */
static inline bool kmsg_from_kernel(const struct kmsg_record *r)
{
	return kmsg_facility(r) == 0;
}

/* Returns 0, or -EINVAL when buf is not a record (ret untouched). */
int kmsg_parse(const char *buf, size_t len, struct kmsg_record *ret);

/*
 * Copies in to out (NUL-terminated, at most size - 1 bytes) with \xNN escapes decoded. A decoded byte
 * that is a control character is kept escaped, so that the result is safe to print. Returns the length.
 */
size_t kmsg_unescape(const char *in, size_t len, char *out, size_t size);

#endif
