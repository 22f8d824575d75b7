// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/loadavg.h"

#include <errno.h>

#include "core/text.h"

static int skip_field(const char **p, const char *end)
{
	skip_blanks(p, end);
	if (*p >= end || **p == ' ' || **p == '\n')
		return -EINVAL;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\n')
		(*p)++;
	return 0;
}

int loadavg_parse(const char *buf, size_t len, struct loadavg *ret)
{
	const char *p = buf, *end = buf + len;
	struct loadavg la;

	for (int i = 0; i < 3; i++)
		if (skip_field(&p, end) < 0)
			return -EINVAL;
	if (parse_u64(&p, end, &la.nr_running) < 0 || p >= end || *p != '/')
		return -EINVAL;
	p++;
	/* No blank is allowed after '/'. */
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	if (parse_u64(&p, end, &la.nr_threads) < 0)
		return -EINVAL;
	if (parse_u64(&p, end, &la.last_pid) < 0)
		return -EINVAL;
	*ret = la;
	return 0;
}
