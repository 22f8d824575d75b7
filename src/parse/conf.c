// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/conf.h"

#include <string.h>

#include "core/text.h"

#define CONF_FIELD_MAX 128

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/* Keeps the first line that is not configuration. */
static void note_bad_line(int *ret_bad_line, int line)
{
	if (ret_bad_line && !*ret_bad_line)
		*ret_bad_line = line;
}

int sysctl_conf_parse(const char *buf, size_t len, sysctl_conf_fn fn, void *ctx, int *ret_bad_line)
{
	const char *pos = buf, *end = buf + len;
	struct line l;
	int lineno = 0, r;

	if (ret_bad_line)
		*ret_bad_line = 0;

	while (next_line(&pos, end, &l)) {
		const char *s = l.p, *e = l.p + l.len, *eq;
		char key[CONF_FIELD_MAX], value[CONF_FIELD_MAX];
		const char *ks, *ke, *vs, *ve;
		size_t n;

		lineno++;
		/* a NUL byte would cut a field short: such a line is not configuration */
		if (memchr(l.p, '\0', l.len)) {
			note_bad_line(ret_bad_line, lineno);
			continue;
		}
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '-')
			s++;
		eq = memchr(s, '=', (size_t)(e - s));
		if (!eq) {
			note_bad_line(ret_bad_line, lineno);
			continue;
		}
		ks = s;
		ke = eq;
		vs = eq + 1;
		ve = e;
		trim(&ks, &ke);
		trim(&vs, &ve);
		n = (size_t)(ke - ks);
		if (!n || n >= sizeof(key) || (size_t)(ve - vs) >= sizeof(value)) {
			note_bad_line(ret_bad_line, lineno);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			key[i] = ks[i] == '/' ? '.' : ks[i];
		key[n] = '\0';
		memcpy(value, vs, (size_t)(ve - vs));
		value[ve - vs] = '\0';
		r = fn(key, value, lineno, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}

int limits_conf_parse(const char *buf, size_t len, limits_conf_fn fn, void *ctx)
{
	const char *pos = buf, *end = buf + len;
	struct line l;
	int lineno = 0, r;

	while (next_line(&pos, end, &l)) {
		char f[4][CONF_FIELD_MAX];
		const char *p = l.p, *e = l.p + l.len, *hash;
		int n = 0;
		bool bad = false;

		lineno++;
		if (memchr(l.p, '\0', l.len))
			continue;
		hash = memchr(p, '#', l.len);
		if (hash)
			e = hash;
		while (p < e && n <= 4) {
			const char *s;

			while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
				p++;
			if (p >= e)
				break;
			s = p;
			while (p < e && *p != ' ' && *p != '\t' && *p != '\r')
				p++;
			if (n == 4 || (size_t)(p - s) >= CONF_FIELD_MAX) {
				bad = true;
				break;
			}
			memcpy(f[n], s, (size_t)(p - s));
			f[n][p - s] = '\0';
			n++;
		}
		if (bad || n != 4)
			continue;
		r = fn(f[0], f[1], f[2], f[3], lineno, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}
