// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/scope.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"

static const char *const prefixes[] = {
	[SCOPE_SYSTEM] = "system", [SCOPE_USER] = "user:", [SCOPE_PID] = "pid:",
	[SCOPE_PIDNS] = "pidns:",  [SCOPE_CGROUP] = "cgroup:",
};

int scope_format(struct scope s, char *out, size_t size)
{
	int n;

	if (s.kind == SCOPE_SYSTEM)
		n = snprintf(out, size, "system");
	else if (s.unknown)
		n = snprintf(out, size, "%s?", prefixes[s.kind]);
	else if (s.kind == SCOPE_CGROUP)
		n = snprintf(out, size, "cgroup:%s", s.path ? s.path : "?");
	else if (s.kind == SCOPE_PID)
		n = snprintf(out, size, "pid:%d", (int)s.id);
	else
		n = snprintf(out, size, "%s%" PRIu64, prefixes[s.kind], s.id);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

char *scope_str(struct arena *mem, struct scope s)
{
	char small[64];
	int n = scope_format(s, small, sizeof(small));
	char *out;

	if (n >= 0)
		return mem_strdup(mem, small);
	/* a long cgroup path */
	n = snprintf(NULL, 0, "cgroup:%s", s.path);
	out = mem_alloc(mem, (size_t)n + 1);
	scope_format(s, out, (size_t)n + 1);
	return out;
}

int scope_parse(const char *text, struct scope *ret)
{
	struct scope s = { 0 };
	const char *p;

	if (strcmp(text, "system") == 0) {
		*ret = scope_system();
		return 0;
	}
	for (s.kind = SCOPE_USER; s.kind <= SCOPE_CGROUP; s.kind++)
		if (strncmp(text, prefixes[s.kind], strlen(prefixes[s.kind])) == 0)
			break;
	if (s.kind > SCOPE_CGROUP)
		return -EINVAL;
	p = text + strlen(prefixes[s.kind]);
	if (strcmp(p, "?") == 0) {
		s.unknown = true;
	} else if (s.kind == SCOPE_CGROUP) {
		if (*p != '/')
			return -EINVAL;
		s.path = p;
	} else if (*p < '0' || *p > '9' || strchr(p, '\n') || parse_u64_str(p, strlen(p), &s.id) < 0 ||
		   s.id > (s.kind == SCOPE_PID ? (uint64_t)INT32_MAX : s.kind == SCOPE_USER ? (uint64_t)UINT32_MAX : UINT64_MAX)) {
		return -EINVAL;
	}
	*ret = s;
	return 0;
}
