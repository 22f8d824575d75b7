// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes escape_text(), escape_text_width(), escape_json(), hex_bytes() and utf8_decode() with hostile names. */
#include "core/buf.h"
#include "core/escape.h"
#include "fuzz.h"

/*
 * An independent UTF-8 decoder, written from the table of well-formed byte sequences (Unicode
 * 15.0, table 3-7) rather than from the code under test. Returns the length (1-4) or 0.
 */
static size_t ref_decode(const unsigned char *s, size_t len, unsigned *ret_cp)
{
	static const struct {
		unsigned char lead_lo, lead_hi, second_lo, second_hi, n;
	} forms[] = {
		{ 0x00, 0x7f, 0, 0, 1 },       { 0xc2, 0xdf, 0x80, 0xbf, 2 }, { 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 }, { 0xed, 0xed, 0x80, 0x9f, 3 }, { 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 }, { 0xf1, 0xf3, 0x80, 0xbf, 4 }, { 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	static const unsigned lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		size_t n = forms[f].n;
		unsigned cp;

		if (s[0] < forms[f].lead_lo || s[0] > forms[f].lead_hi)
			continue;
		if (len < n)
			return 0;
		if (n > 1 && (s[1] < forms[f].second_lo || s[1] > forms[f].second_hi))
			return 0;
		cp = s[0] & lead_mask[n];
		for (size_t i = 1; i < n; i++) {
			if (i > 1 && (s[i] < 0x80 || s[i] > 0xbf))
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		*ret_cp = cp;
		return n;
	}
	return 0;
}

/* What escape.h promises never reaches a terminal raw: C0, DEL, C1, separators, bidi controls. */
static int unsafe(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void add_utf8(struct buf *b, unsigned cp)
{
	char e[3];

	/* \u escapes come only for code points below U+2070 and are never surrogates */
	FUZZ_CHECK(cp < 0x10000 && (cp < 0xd800 || cp > 0xdfff));
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		e[0] = (char)(0xc0 | (cp >> 6));
		e[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, e, 2);
	} else {
		e[0] = (char)(0xe0 | (cp >> 12));
		e[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		e[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, e, 3);
	}
}

/* The buffer invariants of core/buf.h. */
static void check_buf(const struct buf *b)
{
	FUZZ_CHECK(b->data != NULL && b->cap > b->len && b->data[b->len] == '\0');
}

/* Returns the number of code points of out; out must be valid UTF-8 holding no unsafe code point. */
static size_t check_safe_utf8(const struct buf *out)
{
	const unsigned char *p = (const unsigned char *)out->data;
	size_t cps = 0;

	for (size_t i = 0; i < out->len; cps++) {
		unsigned cp;
		size_t n = ref_decode(p + i, out->len - i, &cp);

		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(!unsafe(cp));
		i += n;
	}
	return cps;
}

/*
 * Text: printable, single-line and safe (check_safe_utf8), one column per code point as
 * escape_text_width() says, safe input kept as it is, and nothing lost: undoing the escapes gives
 * back the input.
 */
static void check_text(const char *s, size_t len)
{
	struct buf out, back;
	int all_safe = 1;

	buf_init(&out);
	buf_init(&back);
	escape_text(&out, s, len);
	check_buf(&out);
	FUZZ_CHECK(check_safe_utf8(&out) == escape_text_width(s, len));

	for (size_t i = 0; i < out.len; i++) {
		char c = out.data[i];

		if (c != '\\') {
			buf_addc(&back, c);
			continue;
		}
		FUZZ_CHECK(i + 1 < out.len);
		c = out.data[++i];
		if (c == '\\' || c == 'n' || c == 't') {
			buf_addc(&back, c == 'n' ? '\n' : c == 't' ? '\t' : '\\');
		} else {
			FUZZ_CHECK(c == 'x' && i + 2 < out.len);
			FUZZ_CHECK(hex_value(out.data[i + 1]) >= 0 && hex_value(out.data[i + 2]) >= 0);
			buf_addc(&back, (char)(hex_value(out.data[i + 1]) * 16 + hex_value(out.data[i + 2])));
			i += 2;
		}
	}
	FUZZ_CHECK(back.len == len && memcmp(back.data, s, len) == 0);

	for (size_t i = 0; i < len && all_safe;) {
		unsigned cp;
		size_t n = ref_decode((const unsigned char *)s + i, len - i, &cp);

		all_safe = n && !unsafe(cp) && cp != '\\';
		i += n;
	}
	if (all_safe)
		FUZZ_CHECK(out.len == len && memcmp(out.data, s, len) == 0);

	/* the C-string form stops at the first NUL and agrees with the counted form */
	{
		size_t slen = strnlen(s, len);
		char *z = malloc(slen + 1);
		struct buf outz;

		if (!z)
			abort();
		memcpy(z, s, slen);
		z[slen] = '\0';
		buf_init(&outz);
		buf_reset(&out);
		escape_text(&out, s, slen);
		escape_text_str(&outz, z);
		FUZZ_CHECK(out.len == outz.len && memcmp(out.data, outz.data, out.len) == 0);
		buf_free(&outz);
		free(z);
	}
	buf_free(&back);
	buf_free(&out);
}

/*
 * JSON: valid UTF-8 with no raw control, separator, bidi control or '"', only the escapes JSON
 * knows, and decoding it gives the input with each byte that is not UTF-8 as U+FFFD, which is
 * exactly when escape_json() says it was lossy.
 */
static void check_json(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf out, back, expect;
	bool lossy, invalid = false;

	buf_init(&out);
	buf_init(&back);
	buf_init(&expect);
	lossy = escape_json(&out, s, len);
	check_buf(&out);
	check_safe_utf8(&out);

	for (size_t i = 0; i < out.len; i++) {
		char c = out.data[i];
		unsigned cp = 0;

		FUZZ_CHECK(c != '"');
		if (c != '\\') {
			buf_addc(&back, c);
			continue;
		}
		FUZZ_CHECK(i + 1 < out.len);
		c = out.data[++i];
		switch (c) {
		case '"':
		case '\\':
			buf_addc(&back, c);
			break;
		case 'n':
			buf_addc(&back, '\n');
			break;
		case 't':
			buf_addc(&back, '\t');
			break;
		case 'u':
			FUZZ_CHECK(i + 4 < out.len);
			for (int k = 1; k <= 4; k++) {
				FUZZ_CHECK(hex_value(out.data[i + k]) >= 0);
				cp = cp * 16 + (unsigned)hex_value(out.data[i + k]);
			}
			/* \u is kept for what may not appear raw */
			FUZZ_CHECK(unsafe(cp));
			add_utf8(&back, cp);
			i += 4;
			break;
		default:
			FUZZ_CHECK(!"an escape JSON does not know");
		}
	}

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = ref_decode(p + i, len - i, &cp);

		if (n) {
			buf_add(&expect, s + i, n);
			i += n;
		} else {
			buf_adds(&expect, "\xef\xbf\xbd");
			invalid = true;
			i++;
		}
	}
	FUZZ_CHECK(lossy == invalid);
	FUZZ_CHECK(back.len == expect.len && memcmp(back.data, expect.data, back.len) == 0);
	buf_free(&expect);
	buf_free(&back);
	buf_free(&out);
}

static void check_hex(const char *s, size_t len)
{
	struct buf out;

	buf_init(&out);
	hex_bytes(&out, s, len);
	check_buf(&out);
	FUZZ_CHECK(out.len == 2 * len);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(hex_value(out.data[2 * i]) * 16 + hex_value(out.data[2 * i + 1]) == (unsigned char)s[i]);
	buf_free(&out);
}

/*
 * utf8_decode() agrees with the reference everywhere; near the start also with every shorter
 * length, each in a buffer of exactly that length so that a read past it trips ASan.
 */
static void check_decode(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i++) {
		unsigned cp = 0, rcp = 0;
		size_t n = utf8_decode(p + i, len - i, &cp), rn = ref_decode(p + i, len - i, &rcp);

		FUZZ_CHECK(n == rn);
		FUZZ_CHECK(!n || cp == rcp);
		for (size_t k = 1; i < 64 && k < 4 && i + k <= len; k++) {
			unsigned char *t = malloc(k);

			if (!t)
				abort();
			memcpy(t, p + i, k);
			n = utf8_decode(t, k, &cp);
			rn = ref_decode(t, k, &rcp);
			FUZZ_CHECK(n == rn);
			FUZZ_CHECK(!n || cp == rcp);
			free(t);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_dup(data, size);

	check_text(s, size);
	check_json(s, size);
	check_hex(s, size);
	check_decode(s, size);
	free(s);
	return 0;
}
