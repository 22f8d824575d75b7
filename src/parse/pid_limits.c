// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/pid_limits.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

static const char *const limit_names[PID_RLIMIT_NKEYS] = {
	[PID_RLIMIT_NPROC] = "Max processes",
	[PID_RLIMIT_AS] = "Max address space",
	[PID_RLIMIT_DATA] = "Max data size",
	[PID_RLIMIT_STACK] = "Max stack size",
};

static int parse_value(const char **p, const char *end, struct rlim_value *ret)
{
	static const char unl[] = "unlimited";

	skip_blanks(p, end);
	if ((size_t)(end - *p) >= sizeof(unl) - 1 && memcmp(*p, unl, sizeof(unl) - 1) == 0) {
		*p += sizeof(unl) - 1;
		ret->known = true;
		ret->unlimited = true;
		ret->value = 0;
		return 0;
	}
	if (parse_u64(p, end, &ret->value) < 0)
		return -EINVAL;
	ret->known = true;
	ret->unlimited = false;
	return 0;
}

int pid_limits_parse(const char *buf, size_t len, struct pid_limits *ret)
{
	const char *pos = buf, *end = buf + len;
	struct pid_limits lim;
	bool any = false;
	struct line l;

	memset(&lim, 0, sizeof(lim));
	while (next_line(&pos, end, &l)) {
		for (int k = 0; k < PID_RLIMIT_NKEYS; k++) {
			size_t n = strlen(limit_names[k]);
			const char *p = l.p + n;
			struct rlim_value soft, hard;

			/* The name is padded with blanks: "Max processes" must not match a longer name. */
			if (!line_has_prefix(&l, limit_names[k]) || l.len <= n || (l.p[n] != ' ' && l.p[n] != '\t'))
				continue;
			if (parse_value(&p, l.p + l.len, &soft) == 0 && parse_value(&p, l.p + l.len, &hard) == 0) {
				lim.soft[k] = soft;
				lim.hard[k] = hard;
				any = true;
			}
			break;
		}
	}
	if (!any)
		return -EINVAL;
	*ret = lim;
	return 0;
}
