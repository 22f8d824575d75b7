// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/text.h"

#include <errno.h>
#include <string.h>

bool next_line(const char **pos, const char *end, struct line *ret_line)
{
	const char *p = *pos, *nl;

	if (!p || p >= end)
		return false;
	nl = memchr(p, '\n', (size_t)(end - p));
	ret_line->p = p;
	if (nl) {
		ret_line->len = (size_t)(nl - p);
		*pos = nl + 1;
	} else {
		ret_line->len = (size_t)(end - p);
		*pos = end;
	}
	return true;
}

bool line_has_prefix(const struct line *l, const char *key)
{
	size_t n = strlen(key);

	return l->len >= n && memcmp(l->p, key, n) == 0;
}

void skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

int parse_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *s;
	uint64_t v = 0;

	skip_blanks(p, end);
	s = *p;
	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*p = s;
	*ret = v;
	return 0;
}

int parse_i64(const char **p, const char *end, int64_t *ret)
{
	const char *s;
	bool neg = false;
	uint64_t v;
	int r;

	skip_blanks(p, end);
	s = *p;
	if (s < end && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	r = parse_u64(&s, end, &v);
	if (r < 0)
		return r;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*p = s;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* Nothing but blanks and one newline between p and end: the number was the whole string. */
static bool only_line_end(const char *p, const char *end)
{
	skip_blanks(&p, end);
	if (p < end && *p == '\n')
		p++;
	return p == end;
}

int parse_u64_str(const char *s, size_t len, uint64_t *ret)
{
	const char *p = s, *end = s + len;
	uint64_t v;
	int r = parse_u64(&p, end, &v);

	if (r < 0)
		return r;
	if (!only_line_end(p, end))
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_i64_str(const char *s, size_t len, int64_t *ret)
{
	const char *p = s, *end = s + len;
	int64_t v;
	int r = parse_i64(&p, end, &v);

	if (r < 0)
		return r;
	if (!only_line_end(p, end))
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_hex_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *s;
	uint64_t v = 0;
	int digits = 0;

	skip_blanks(p, end);
	for (s = *p; s < end; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | d;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	*p = s;
	*ret = v;
	return 0;
}

uint64_t sat_mul_u64(uint64_t a, uint64_t b)
{
	if (a && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
