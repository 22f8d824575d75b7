// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/passwd.h"

#include <string.h>

#include "core/text.h"

int passwd_parse(const char *buf, size_t len, passwd_fn fn, void *ctx)
{
	const char *pos = buf, *end = buf + len;
	struct line l;

	while (next_line(&pos, end, &l)) {
		const char *le = l.p + l.len, *c1, *c2, *p;
		uint64_t uid;
		int r;

		if (!l.len || l.p[0] == '#' || l.p[0] == '+' || l.p[0] == '-')
			continue;
		c1 = memchr(l.p, ':', l.len);
		if (!c1 || c1 == l.p)
			continue;
		c2 = memchr(c1 + 1, ':', (size_t)(le - c1 - 1));
		if (!c2)
			continue;
		p = c2 + 1;
		if (p >= le || *p < '0' || *p > '9' || parse_u64(&p, le, &uid) < 0 || p >= le || *p != ':' ||
		    uid > UINT32_MAX)
			continue;
		r = fn(l.p, (size_t)(c1 - l.p), (uint32_t)uid, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}
