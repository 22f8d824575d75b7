/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_JSON_H
#define HEADROOM_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * A streaming JSON writer into a buf, pretty-printed with two-space indentation. Keys are given by
 * the caller inside objects and must be NULL inside arrays. Strings go through escape_json().
 */
#define JSON_MAX_DEPTH 16

struct json {
	struct buf *out;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, struct buf *out);
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
/*
 * A NULL s writes null. Returns true when bytes that are not UTF-8 were replaced (by U+FFFD); in an
 * object the member "<key>_hex" then follows, holding every byte of s in lowercase hexadecimal.
 */
bool json_str(struct json *j, const char *key, const char *s);
bool json_strn(struct json *j, const char *key, const char *s, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* A fixed-point number with the given decimals (no exponent, no locale). */
void json_fixed(struct json *j, const char *key, double v, int decimals);
/* A number with up to 10 significant digits, as given ("97.55", "80"). */
void json_number(struct json *j, const char *key, double v);

#endif
