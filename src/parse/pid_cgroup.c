// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/pid_cgroup.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

bool controller_list_has(const char *list, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = list, *end = list + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t tl = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (tl == n && memcmp(p, name, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

int pid_cgroup_parse(const char *buf, size_t len, struct pid_cgroup *ret)
{
	const char *pos = buf, *end = buf + len;
	struct line l;

	ret->n = 0;
	while (next_line(&pos, end, &l) && ret->n < PID_CGROUP_MAX) {
		const char *p = l.p, *le = l.p + l.len, *c1, *c2;
		struct pid_cgroup_entry *e = &ret->e[ret->n];
		uint64_t id;

		if (parse_u64(&p, le, &id) < 0 || id > 0xffff || p >= le || *p != ':')
			continue;
		c1 = p;
		c2 = memchr(c1 + 1, ':', (size_t)(le - c1 - 1));
		if (!c2)
			continue;
		e->hierarchy_id = (unsigned)id;
		e->controllers = c1 + 1;
		e->controllers_len = (size_t)(c2 - c1 - 1);
		e->path = c2 + 1;
		e->path_len = (size_t)(le - c2 - 1);
		if (e->path_len == 0 || e->path[0] != '/')
			continue;
		ret->n++;
	}
	return ret->n ? 0 : -EINVAL;
}
