/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_MO_H
#define HEADROOM_PARSE_MO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A gettext message catalog (.mo, "GNU gettext utilities", section "The Format of GNU MO Files"), read
 * in place: a header of 32-bit words in the writer's byte order (the magic 0x950412de tells which),
 * then two tables of N (length, offset) pairs, the original strings and their translations, each string
 * NUL-terminated. A string with plural forms holds them NUL-separated within its length. Entry 0, with
 * the empty original, is the header ("Content-Type: text/plain; charset=UTF-8").
 * Untrusted bytes: every offset and length is checked against the file's size; an entry that does not
 * fit is skipped, not read.
 */

struct mo_catalog {
	const char *data;
	size_t len;
	bool swap;          /* written in the other byte order */
	uint32_t n;         /* entries */
	uint32_t orig, trans; /* offsets of the two tables */
	char charset[32];   /* from the header's Content-Type, lower-cased; "" when it names none */
};

/* Reads the header of data[0..len). Returns 0, or -EINVAL when it is not a catalog or its tables do not fit. */
int mo_open(struct mo_catalog *ret, const void *data, size_t len);

/*
 * Entry i: its original (msgid) and translation (msgstr), with their lengths (plural forms included,
 * NUL-separated). Returns false when i is out of range or the entry does not fit in the file.
 */
bool mo_entry(const struct mo_catalog *c, uint32_t i, const char **ret_id, size_t *ret_id_len, const char **ret_str,
	      size_t *ret_str_len);

#endif
