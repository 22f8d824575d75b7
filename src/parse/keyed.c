// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/keyed.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

int keyed_get(const char *buf, size_t len, const char *key, uint64_t *ret)
{
	const char *pos = buf, *end = buf + len;
	size_t n = strlen(key);
	struct line l;

	while (next_line(&pos, end, &l)) {
		const char *p;
		uint64_t v;

		if (l.len <= n || memcmp(l.p, key, n) != 0 || (l.p[n] != ' ' && l.p[n] != '\t'))
			continue;
		p = l.p + n;
		if (parse_u64(&p, l.p + l.len, &v) < 0)
			return -EINVAL;
		*ret = v;
		return 0;
	}
	return -ENOENT;
}

int cgroup_limit_parse(const char *buf, size_t len, bool *ret_unlimited, uint64_t *ret_value)
{
	uint64_t v;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (len == 3 && memcmp(buf, "max", 3) == 0) {
		*ret_unlimited = true;
		*ret_value = 0;
		return 0;
	}
	if (parse_u64_str(buf, len, &v) < 0)
		return -EINVAL;
	*ret_unlimited = false;
	*ret_value = v;
	return 0;
}

bool word_list_has(const char *buf, size_t len, const char *word)
{
	size_t n = strlen(word);
	size_t i = 0;

	while (i < len) {
		size_t j;

		while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t'))
			i++;
		j = i;
		while (j < len && buf[j] != ' ' && buf[j] != '\n' && buf[j] != '\t')
			j++;
		if (j - i == n && j > i && memcmp(buf + i, word, n) == 0)
			return true;
		i = j;
	}
	return false;
}
