// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes back_translate() with a catalog and a line from the input: its first two bytes give the
 * catalog's length (little-endian), the catalog follows, then the line.
 */
#include "fuzz.h"
#include "parse/back_translate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct back_translation bt;
	size_t clen, llen;
	char *cat, *line;
	struct mo_catalog c;
	unsigned n;

	if (size < 2)
		return 0;
	clen = (size_t)data[0] | (size_t)data[1] << 8;
	if (clen > size - 2)
		clen = size - 2;
	llen = size - 2 - clen;
	cat = fuzz_dup(data + 2, clen);
	line = fuzz_dup(data + 2 + clen, llen);
	if (mo_open(&c, cat, clen) == 0) {
		n = back_translate(&c, 1, line, llen, &bt);
		FUZZ_CHECK(n == bt.replaced);
		FUZZ_CHECK(bt.len <= BACK_TRANSLATE_MAX && bt.text[bt.len] == '\0');
		if (!n) {
			/* nothing replaced: the line as it was, up to the bound */
			FUZZ_CHECK(bt.len == (llen < BACK_TRANSLATE_MAX ? llen : BACK_TRANSLATE_MAX));
			FUZZ_CHECK(memcmp(bt.text, line, bt.len) == 0);
			FUZZ_CHECK(bt.translated_bytes == 0);
		} else {
			FUZZ_CHECK(bt.translated_bytes >= (size_t)n * BACK_TRANSLATE_MIN_LITERAL);
		}
	}
	free(cat);
	free(line);
	return 0;
}
