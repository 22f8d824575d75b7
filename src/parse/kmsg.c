// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/kmsg.h"

#include <errno.h>
#include <string.h>

/* A decimal number up to the separator sep; advances *p past it. */
static bool number_until(const char **p, const char *end, char sep, uint64_t *ret)
{
	uint64_t v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (s >= end || *s != sep)
		return false;
	*p = s + 1;
	*ret = v;
	return true;
}

int kmsg_parse(const char *buf, size_t len, struct kmsg_record *ret)
{
	const char *p = buf, *end = buf + len, *semi, *nl;
	uint64_t prio, seq, usec;
	bool cont;

	/* printk_info keeps the facility in a u8 and LOG_FACILITY() masks it with 0xff: prio <= 255 * 8 + 7 */
	if (!number_until(&p, end, ',', &prio) || prio > 2047 || !number_until(&p, end, ',', &seq) ||
	    !number_until(&p, end, ',', &usec))
		return -EINVAL;
	/* the flags field, then optional fields the kernel may add later, up to ';' */
	semi = memchr(p, ';', (size_t)(end - p));
	if (!semi || semi == p)
		return -EINVAL;
	cont = *p == 'c';
	semi++;
	nl = memchr(semi, '\n', (size_t)(end - semi));
	ret->prio = (unsigned)prio;
	ret->seq = seq;
	ret->usec = usec;
	ret->continuation = cont;
	ret->text = semi;
	ret->text_len = nl ? (size_t)(nl - semi) : (size_t)(end - semi);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t kmsg_unescape(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;

	if (!size)
		return 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		int hi, lo;

		if (in[i] == '\\' && i + 3 < len && in[i + 1] == 'x' && (hi = hexval(in[i + 2])) >= 0 &&
		    (lo = hexval(in[i + 3])) >= 0) {
			unsigned char c = (unsigned char)(hi * 16 + lo);

			if (c >= 0x20 && c != 0x7f) {
				out[o++] = (char)c;
				i += 3;
				continue;
			}
			/* a control character stays escaped */
			if (o + 4 >= size)
				break;
			memcpy(out + o, in + i, 4);
			o += 4;
			i += 3;
			continue;
		}
		/* the kernel escapes every control byte; one that arrives raw is dropped */
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
			continue;
		out[o++] = in[i];
	}
	out[o] = '\0';
	return o;
}
