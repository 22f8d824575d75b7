/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_ESCAPE_H
#define HEADROOM_CORE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/*
 * Safe printing of strings that come from outside: a process name may hold a newline, ')', escape
 * sequences, bidi overrides or bytes that are not UTF-8, and must never reach a terminal raw.
 *
 * A "safe character" is a printable ASCII character other than '\', or a well-formed UTF-8 sequence
 * of a code point that is not a control (C0, DEL, C1), a line or paragraph separator, or a bidi
 * control (U+200E-U+200F, U+202A-U+202E, U+2066-U+2069).
 */

/*
 * Text: safe characters as they are; '\' as "\\"; newline and tab as "\n" and "\t"; every other
 * byte of anything else as "\xNN". The result is printable and single-line.
 */
void escape_text(struct buf *out, const char *s, size_t len);
void escape_text_str(struct buf *out, const char *s);

/*
 * escape_text into the fixed array out (for code that must not allocate): as much as fits whole,
 * never half an escape, NUL-terminated. Returns the length written.
 */
size_t escape_text_fixed(char *out, size_t size, const char *s, size_t len);

/* Number of terminal columns escape_text would use (one per code point; no wide-character table). */
size_t escape_text_width(const char *s, size_t len);

/*
 * JSON string contents (without the quotes): valid UTF-8 is kept, '"' and '\' are escaped, controls
 * become \u00XX, bidi controls and separators \uXXXX, and each byte that is not valid UTF-8 becomes
 * U+FFFD. Returns true when a byte had to be replaced (the value is then lossy; callers add the
 * bytes in hex beside it).
 */
bool escape_json(struct buf *out, const char *s, size_t len);

/* Appends the bytes of s in lowercase hexadecimal. */
void hex_bytes(struct buf *out, const char *s, size_t len);

/* Decodes one UTF-8 sequence at s (len > 0). Returns its length (1-4) and the code point, or 0 when malformed. */
size_t utf8_decode(const unsigned char *s, size_t len, unsigned *ret_cp);

#endif
