// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/shell.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static bool bare_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("/._-:=,+@%", c);
}

static bool printable_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

void shell_quote(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	enum { OUTSIDE, SINGLE, ANSI } state = OUTSIDE;
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len && p[i] && bare_char(p[i]); i++)
		;
	if (len && i == len) {
		buf_add(b, s, len);
		return;
	}
	if (!len) {
		buf_adds(b, "''");
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '\'') {
			if (state != OUTSIDE)
				buf_addc(b, '\'');
			state = OUTSIDE;
			buf_adds(b, "\\'");
		} else if (printable_ascii(c)) {
			if (state == ANSI)
				buf_addc(b, '\'');
			if (state != SINGLE)
				buf_addc(b, '\'');
			state = SINGLE;
			buf_addc(b, (char)c);
		} else {
			if (state == SINGLE)
				buf_addc(b, '\'');
			if (state != ANSI)
				buf_adds(b, "$'");
			state = ANSI;
			if (c == '\n') {
				buf_adds(b, "\\n");
			} else if (c == '\t') {
				buf_adds(b, "\\t");
			} else {
				char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

				buf_add(b, e, 4);
			}
		}
	}
	if (state != OUTSIDE)
		buf_addc(b, '\'');
}

char *shell_vcommandf(struct arena *mem, const char *fmt, va_list ap)
{
	struct buf b;

	buf_init_in(&b, mem);
	for (const char *f = fmt; *f;) {
		size_t n = strcspn(f, "%");
		int longs = 0, sizes = 0;

		buf_add(&b, f, n);
		f += n;
		if (!*f)
			break;
		for (f++; *f == 'l' || *f == 'z'; f++)
			if (*f == 'l')
				longs++;
			else
				sizes++;
		if (longs > 2 || sizes > 1 || (longs && sizes))
			abort();
		switch (*f) {
		case '%':
			buf_addc(&b, '%');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (longs || sizes)
				abort();
			if (s[0] == '-')
				buf_adds(&b, "-- ");
			shell_quote(&b, s, strlen(s));
			break;
		}
		case 'd':
			buf_printf(&b, "%lld", sizes ? (long long)va_arg(ap, ssize_t) : longs == 2 ? va_arg(ap, long long) :
					       longs ? (long long)va_arg(ap, long) : (long long)va_arg(ap, int));
			break;
		case 'u':
			buf_printf(&b, "%llu", sizes ? (unsigned long long)va_arg(ap, size_t) :
					       longs == 2 ? va_arg(ap, unsigned long long) :
					       longs ? (unsigned long long)va_arg(ap, unsigned long) :
						       (unsigned long long)va_arg(ap, unsigned));
			break;
		default:
			abort();
		}
		f++;
	}
	return buf_detach(&b);
}

char *shell_commandf(struct arena *mem, const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	cmd = shell_vcommandf(mem, fmt, ap);
	va_end(ap);
	return cmd;
}

bool shell_command_showable(const char *cmd)
{
	for (const unsigned char *p = (const unsigned char *)cmd; *p; p++)
		if (!printable_ascii(*p))
			return false;
	return true;
}
