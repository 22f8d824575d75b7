// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/escape.h"

#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t len, unsigned *ret_cp)
{
	unsigned cp;
	size_t n;
	unsigned char c = s[0];

	if (c < 0x80) {
		*ret_cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*ret_cp = cp;
	return n;
}

/* Code points that move the cursor, change direction or break a line. */
static bool unsafe_cp(unsigned cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The escaped form of the character at p (len > 0) into dst (room for 16 bytes): returns its length
 * and sets *ret_used to the input bytes it stands for.
 */
static size_t escape_unit(const unsigned char *p, size_t len, char *dst, size_t *ret_used)
{
	static const char hex[] = "0123456789abcdef";
	unsigned cp;
	size_t n = utf8_decode(p, len, &cp), k;

	if (n && !unsafe_cp(cp) && cp != '\\') {
		memcpy(dst, p, n);
		*ret_used = n;
		return n;
	}
	*ret_used = n ? n : 1;
	if (n == 1 && (cp == '\\' || cp == '\n' || cp == '\t')) {
		dst[0] = '\\';
		dst[1] = cp == '\\' ? '\\' : cp == '\n' ? 'n' : 't';
		return 2;
	}
	for (k = 0; k < *ret_used; k++) {
		dst[4 * k] = '\\';
		dst[4 * k + 1] = 'x';
		dst[4 * k + 2] = hex[p[k] >> 4];
		dst[4 * k + 3] = hex[p[k] & 15];
	}
	return 4 * k;
}

void escape_text(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char unit[16];

	for (size_t i = 0; i < len;) {
		size_t used, n = escape_unit(p + i, len - i, unit, &used);

		buf_add(out, unit, n);
		i += used;
	}
}

size_t escape_text_fixed(char *out, size_t size, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	char unit[16];

	if (!size)
		return 0;
	for (size_t i = 0; i < len;) {
		size_t used, n = escape_unit(p + i, len - i, unit, &used);

		if (o + n >= size)
			break;
		memcpy(out + o, unit, n);
		o += n;
		i += used;
	}
	out[o] = '\0';
	return o;
}

void escape_text_str(struct buf *out, const char *s)
{
	escape_text(out, s, strlen(s));
}

size_t escape_text_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (n && !unsafe_cp(cp)) {
			w += cp == '\\' ? 2 : 1;
			i += n;
		} else if (n == 1 && (cp == '\n' || cp == '\t')) {
			w += 2;
			i++;
		} else {
			if (!n)
				n = 1;
			w += 4 * n;
			i += n;
		}
	}
	return w;
}

bool escape_json(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	static const char hex[] = "0123456789abcdef";
	bool lossy = false;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (!n) {
			buf_adds(out, "\xEF\xBF\xBD"); /* U+FFFD */
			lossy = true;
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)cp);
		} else if (cp == '\n') {
			buf_adds(out, "\\n");
		} else if (cp == '\t') {
			buf_adds(out, "\\t");
		} else if (unsafe_cp(cp)) {
			char e[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15] };

			buf_add(out, e, 6);
		} else {
			buf_add(out, p + i, n);
		}
		i += n;
	}
	return lossy;
}

void hex_bytes(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		buf_addc(out, hex[(unsigned char)s[i] >> 4]);
		buf_addc(out, hex[(unsigned char)s[i] & 15]);
	}
}
