// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/json.h"

#include <stdio.h>
#include <string.h>

#include "core/escape.h"

void json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->first[0] = true;
}

static void indent(struct json *j)
{
	buf_addc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		buf_adds(j->out, "  ");
}

/* Separator, indentation and key before a value. */
static void value_start(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			buf_addc(j->out, ',');
		indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		buf_addc(j->out, '"');
		escape_json(j->out, key, strlen(key));
		buf_adds(j->out, "\": ");
	}
}

static void open_(struct json *j, const char *key, char c)
{
	value_start(j, key);
	buf_addc(j->out, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	buf_addc(j->out, c);
	if (j->depth == 0)
		buf_addc(j->out, '\n');
}

void json_object_begin(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void json_object_end(struct json *j)
{
	close_(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void json_array_end(struct json *j)
{
	close_(j, ']');
}

bool json_strn(struct json *j, const char *key, const char *s, size_t len)
{
	bool lossy;

	value_start(j, key);
	if (!s) {
		buf_adds(j->out, "null");
		return false;
	}
	buf_addc(j->out, '"');
	lossy = escape_json(j->out, s, len);
	buf_addc(j->out, '"');
	if (lossy && key) {
		char hex_key[96];

		/* the bytes themselves beside the lossy text, so that distinct names stay distinct */
		snprintf(hex_key, sizeof(hex_key), "%s_hex", key);
		value_start(j, hex_key);
		buf_addc(j->out, '"');
		hex_bytes(j->out, s, len);
		buf_addc(j->out, '"');
	}
	return lossy;
}

bool json_str(struct json *j, const char *key, const char *s)
{
	return json_strn(j, key, s, s ? strlen(s) : 0);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	value_start(j, key);
	buf_printf(j->out, "%llu", (unsigned long long)v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	value_start(j, key);
	buf_printf(j->out, "%lld", (long long)v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	value_start(j, key);
	buf_adds(j->out, v ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	value_start(j, key);
	buf_adds(j->out, "null");
}

void json_number(struct json *j, const char *key, double v)
{
	value_start(j, key);
	if (v != v || v > 1e18 || v < -1e18)
		buf_adds(j->out, "null");
	else
		buf_printf(j->out, "%.10g", v);
}

void json_fixed(struct json *j, const char *key, double v, int decimals)
{
	value_start(j, key);
	if (v != v || v > 1e18 || v < -1e18)
		buf_adds(j->out, "null");
	else
		buf_printf(j->out, "%.*f", decimals, v);
}
