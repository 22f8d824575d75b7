/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_LANGUAGE_H
#define HEADROOM_PARSE_LANGUAGE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The language an error line seems to be in, told from its letters alone, for a line no installed
 * catalog reads (a line pasted from another machine, a container without libc-l10n): the script
 * (Han with kana is Japanese, Hangul Korean, Cyrillic with і/ї/є Ukrainian ...), the letters only some
 * Latin-script languages have (ř Czech, ł Polish, ğ Turkish, ơ Vietnamese, ß German ...) and, for a line
 * without them, the short words of a language ("nicht", "impossible de", "não"). Not a translation:
 * it names a language, it reads nothing of what the line says. Untrusted bytes, any length; only the
 * first LANGUAGE_SCAN_MAX are read.
 */

#define LANGUAGE_SCAN_MAX 4096

struct language_guess {
	const char *code;   /* the catalogs' language ("ru", "zh_CN", "pt_BR" ...) */
	const char *name;   /* in English: "Russian" */
	const char *script; /* "Cyrillic", "Han", "Latin" ... */
};

/* Whether s[0..len) is valid UTF-8 (no overlong form, no surrogate, nothing above U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

/* The language the UTF-8 line s[0..len) seems to be in. Returns false when nothing tells one, or it seems to be English. */
bool language_guess(const char *s, size_t len, struct language_guess *ret);

/*
 * The legacy encodings a line that is not UTF-8 may be in, most likely first, from how its bytes above
 * 0x7f fall (GB18030, Big5, EUC-JP, Shift_JIS, EUC-KR, KOI8-R, CP1251, ISO-8859-1 ...), as iconv(3) names
 * them. Returns how many were written to ret (at most max).
 */
size_t legacy_encodings(const char *s, size_t len, const char **ret, size_t max);

#endif
