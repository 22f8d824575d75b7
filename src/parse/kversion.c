// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/kversion.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

int kversion_parse(const char *buf, size_t len, struct kversion *ret)
{
	struct kversion v;
	const char *p, *end;
	uint64_t n;
	size_t o = 0;

	memset(&v, 0, sizeof(v));
	for (size_t i = 0; i < len && buf[i] != '\n' && o + 1 < sizeof(v.release); i++)
		v.release[o++] = (buf[i] >= 0x21 && buf[i] < 0x7f) ? buf[i] : '?';
	v.release[o] = '\0';
	v.rhel7 = strstr(v.release, ".el7") != NULL;

	p = v.release;
	end = v.release + o;
	if (parse_u64(&p, end, &n) == 0 && n < 1000 && p < end && *p == '.') {
		v.major = (int)n;
		p++;
		if (parse_u64(&p, end, &n) == 0 && n < 1000) {
			v.minor = (int)n;
			v.parsed = true;
			if (p < end && *p == '.') {
				p++;
				if (parse_u64(&p, end, &n) == 0 && n < 100000)
					v.patch = (int)n;
			}
		}
	}
	*ret = v;
	return v.parsed ? 0 : -EINVAL;
}

bool kversion_at_least(const struct kversion *v, int major, int minor)
{
	if (!v->parsed)
		return true;
	return v->major > major || (v->major == major && v->minor >= minor);
}
