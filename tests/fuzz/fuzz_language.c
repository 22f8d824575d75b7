// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes the language and legacy-encoding guesses (parse/language.h) with the lines users paste. */
#include "fuzz.h"
#include "parse/language.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct language_guess g;
	const char *enc[8];
	size_t n;

	if (utf8_valid(buf, size)) {
		if (language_guess(buf, size, &g))
			FUZZ_CHECK(g.code && g.code[0] && g.name && g.name[0] && g.script && g.script[0]);
	} else {
		/* not UTF-8: some byte is above 0x7f, so some encoding is named */
		n = legacy_encodings(buf, size, enc, 8);
		FUZZ_CHECK(n <= 8);
		FUZZ_CHECK(n > 0 || size > LANGUAGE_SCAN_MAX);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(enc[i] && enc[i][0]);
	}
	free(buf);
	return 0;
}
