/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_KVERSION_H
#define HEADROOM_PARSE_KVERSION_H

#include <stdbool.h>
#include <stddef.h>

/* A kernel release string ("6.18.44-fc-v657", "3.10.0-1160.el7.x86_64") taken apart. */
struct kversion {
	char release[128]; /* as read, without the newline; printable ASCII only */
	int major, minor, patch;
	bool parsed;       /* major.minor were found */
	bool rhel7;        /* an ".el7" kernel: RHEL/CentOS 7 never took 35f71bc0a09a */
};

/* Parses /proc/sys/kernel/osrelease text. Returns 0, or -EINVAL (release kept, parsed false). */
int kversion_parse(const char *buf, size_t len, struct kversion *ret);

/* True when the kernel is at least major.minor (an unparsed version is taken as recent). */
bool kversion_at_least(const struct kversion *v, int major, int minor);

#endif
