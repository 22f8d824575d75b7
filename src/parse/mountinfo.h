/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_MOUNTINFO_H
#define HEADROOM_PARSE_MOUNTINFO_H

#include <stddef.h>

/*
 * One line of /proc/PID/mountinfo (Documentation/filesystems/proc.rst 3.5):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * root and mount_point are unescaped (\040 -> ' ', \011, \012, \134); all fields are NUL-terminated
 * copies owned by the caller's scratch buffer given to mountinfo_parse.
 */
struct mountinfo_entry {
	const char *root;
	const char *mount_point;
	const char *mount_options;
	const char *fstype;
	const char *source;
	const char *super_options;
};

/*
 * Calls fn for each well-formed line; malformed lines are skipped. fn returns 0 to go on, or a
 * negative value to stop (which is then returned). Returns 0 or the value fn stopped with.
 */
typedef int (*mountinfo_fn)(const struct mountinfo_entry *e, void *ctx);
int mountinfo_parse(const char *buf, size_t len, mountinfo_fn fn, void *ctx);

/* Unescapes the octal escapes of a mountinfo field into out (NUL-terminated). Returns the length. */
size_t mountinfo_unescape(const char *in, size_t len, char *out, size_t size);

/* True when the comma-separated option list opts holds name exactly. */
int mount_options_have(const char *opts, const char *name);

#endif
