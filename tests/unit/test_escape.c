// SPDX-License-Identifier: GPL-2.0-or-later
/* Hostile names must come out printable, single-line and unable to drive a terminal. */
#include "core/escape.h"
#include "core/json.h"
#include "unit.h"

static const char *text(const char *s, size_t len)
{
	static struct buf b;

	if (!b.data)
		buf_init(&b);
	buf_reset(&b);
	escape_text(&b, s, len);
	return b.data;
}

static const char *json(const char *s, size_t len, bool *lossy)
{
	static struct buf b;

	if (!b.data)
		buf_init(&b);
	buf_reset(&b);
	*lossy = escape_json(&b, s, len);
	return b.data;
}

/* No byte below 0x20, no DEL, no C1 in UTF-8 form (0xC2 0x80-0x9F). */
static bool terminal_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return false;
	}
	return true;
}

static void text_controls_and_escapes(void)
{
	CHECK_STR(text(S("java")), "java");
	CHECK_STR(text(S("a\nb")), "a\\nb");
	CHECK_STR(text(S("x)y z")), "x)y z");
	CHECK_STR(text(S("\033[2J\033]0;pwned\007")), "\\x1b[2J\\x1b]0;pwned\\x07");
	CHECK_STR(text(S("back\\slash")), "back\\\\slash");
	CHECK_STR(text(S("\xff\xfe")), "\\xff\\xfe");
	CHECK_STR(text(S("caf\xc3\xa9")), "caf\xc3\xa9");      /* valid UTF-8 kept */
	CHECK_STR(text(S("\xc2\x9b" "31m")), "\\xc2\\x9b31m"); /* C1 CSI */
	CHECK_STR(text(S("a\xe2\x80\xae" "b")), "a\\xe2\\x80\\xaeb"); /* RIGHT-TO-LEFT OVERRIDE */
	CHECK_STR(text(S("\xc0\xaf")), "\\xc0\\xaf");           /* overlong '/' */
	CHECK_STR(text(S("\xed\xa0\x80")), "\\xed\\xa0\\x80");  /* surrogate */
	CHECK(terminal_safe(text(S("\001\002\003\r\t\x7f"))));
	CHECK(escape_text_width(S("caf\xc3\xa9")) == 4);
	CHECK(escape_text_width(S("\033")) == 4);
}

static void json_strings(void)
{
	bool lossy;

	CHECK_STR(json(S("a\"b\\c"), &lossy), "a\\\"b\\\\c");
	CHECK(!lossy);
	CHECK_STR(json(S("\033[31m\n"), &lossy), "\\u001b[31m\\n");
	CHECK(!lossy);
	CHECK_STR(json(S("\xff" "x"), &lossy), "\xef\xbf\xbd" "x");
	CHECK(lossy);
	CHECK_STR(json(S("\xe2\x80\xae"), &lossy), "\\u202e");
	CHECK_STR(json(S("\xf0\x9f\x90\xa7"), &lossy), "\xf0\x9f\x90\xa7"); /* a penguin stays */
}

static void json_writer_shape(void)
{
	struct buf b;
	struct json j;

	buf_init(&b);
	json_init(&j, &b);
	json_object_begin(&j, NULL);
	json_u64(&j, "a", 1);
	json_array_begin(&j, "l");
	json_array_end(&j);
	json_array_begin(&j, "m");
	json_str(&j, NULL, "x");
	json_null(&j, NULL);
	json_array_end(&j);
	json_fixed(&j, "p", 12.345, 1);
	json_object_end(&j);
	CHECK_STR(b.data, "{\n  \"a\": 1,\n  \"l\": [],\n  \"m\": [\n    \"x\",\n    null\n  ],\n  \"p\": 12.3\n}\n");
	buf_free(&b);
}

int main(void)
{
	RUN(text_controls_and_escapes);
	RUN(json_strings);
	RUN(json_writer_shape);
	return 0;
}
