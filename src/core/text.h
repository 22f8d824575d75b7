/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_TEXT_H
#define HEADROOM_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Small, strict helpers for kernel text. All take explicit lengths: the input is a buffer read
 * from a file that may be truncated, empty or hostile, never assumed NUL-terminated at a line end.
 */

/* A view of a line: [p, p + len), without its '\n'. */
struct line {
	const char *p;
	size_t len;
};

/*
 * Iterates over the lines of [*pos, end). Returns false at the end. A last line without a
 * newline is still returned.
 */
bool next_line(const char **pos, const char *end, struct line *ret_line);

/* True when line starts with the exact key (e.g. "MemTotal:"). */
bool line_has_prefix(const struct line *l, const char *key);

/*
 * Parses an unsigned decimal at [*p, end), skipping leading blanks (space, tab). Advances *p past
 * the digits. Returns 0, -EINVAL (no digits) or -ERANGE (overflow).
 */
int parse_u64(const char **p, const char *end, uint64_t *ret);

/* Same for a signed decimal with an optional '-' or '+'. */
int parse_i64(const char **p, const char *end, int64_t *ret);

/* Parses a whole string (trailing blanks and one newline allowed) as an unsigned decimal. */
int parse_u64_str(const char *s, size_t len, uint64_t *ret);
/* The same for a signed number: "-1\n" is -1. */
int parse_i64_str(const char *s, size_t len, int64_t *ret);

/* Parses an unsigned hexadecimal (no 0x) at [*p, end), skipping leading blanks. */
int parse_hex_u64(const char **p, const char *end, uint64_t *ret);

/* Skips blanks (space and tab). */
void skip_blanks(const char **p, const char *end);

/* Saturating arithmetic for byte counts built from kB fields. */
uint64_t sat_mul_u64(uint64_t a, uint64_t b);
uint64_t sat_add_u64(uint64_t a, uint64_t b);

#endif
