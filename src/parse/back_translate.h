/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_BACK_TRANSLATE_H
#define HEADROOM_PARSE_BACK_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/mo.h"

/*
 * A line printed in another language, mapped back to the English its programs were written in,
 * through their gettext catalogs: each translation found in the line (a msgstr, its printf directives
 * matching what was printed for them) is replaced by its original (the msgid, the printed values put
 * back where it has its directives). "-bash: fork: 无法分配内存" through glibc's zh_CN catalog reads
 * "-bash: fork: Cannot allocate memory"; "timeout: системный вызов fork завершился неудачно: Ресурс
 * временно недоступен" through coreutils' and glibc's ru catalogs reads "timeout: fork system call
 * failed: Resource temporarily unavailable".
 *
 * Longer translations are tried first; a byte replaced once is not read again as a translation (the
 * English put in its place could be another catalog's msgstr). A translation too short to be told from
 * chance (under BACK_TRANSLATE_MIN_LITERAL bytes of fixed text) is not tried, nor one whose msgstr is
 * its msgid. Only catalogs in UTF-8 (or naming no charset) are read: the line is taken as UTF-8.
 * Untrusted line and catalogs: the output is bounded (BACK_TRANSLATE_MAX bytes; what does not fit stays
 * as it was printed) and the work is bounded by the catalogs' sizes times the line's.
 */
#define BACK_TRANSLATE_MAX 16384
#define BACK_TRANSLATE_MIN_LITERAL 4
#define BACK_TRANSLATE_MAX_ARGS 8

struct back_translation {
	char text[BACK_TRANSLATE_MAX + 1]; /* NUL-terminated; may hold NULs the line held */
	size_t len;
	unsigned replaced;                 /* translations replaced */
	size_t translated_bytes;           /* bytes of the line they covered (their fixed text) */
};

/* Fills ret from line[0..len) through the ncats catalogs. Returns the number of translations replaced. */
unsigned back_translate(const struct mo_catalog *cats, size_t ncats, const char *line, size_t len,
			struct back_translation *ret);

#endif
