// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes mo_open() and mo_entry() with gettext catalogs (.mo files). */
#include <errno.h>

#include "fuzz.h"
#include "parse/mo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct mo_catalog c;
	int r = mo_open(&c, buf, size);

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r == 0) {
		FUZZ_CHECK(memchr(c.charset, '\0', sizeof(c.charset)) != NULL);
		for (size_t i = 0; c.charset[i]; i++)
			FUZZ_CHECK(c.charset[i] > ' ' && c.charset[i] < 0x7f && !(c.charset[i] >= 'A' && c.charset[i] <= 'Z'));
		for (uint32_t i = 0; i < c.n && i < 100000; i++) {
			const char *id, *str;
			size_t id_len, str_len;

			if (!mo_entry(&c, i, &id, &id_len, &str, &str_len))
				continue;
			/* both strings within the file, each with its NUL inside it too */
			FUZZ_CHECK(id >= buf && id + id_len < buf + size && id[id_len] == '\0');
			FUZZ_CHECK(str >= buf && str + str_len < buf + size && str[str_len] == '\0');
		}
		FUZZ_CHECK(!mo_entry(&c, c.n, &(const char *){ NULL }, &(size_t){ 0 }, &(const char *){ NULL }, &(size_t){ 0 }));
	}
	free(buf);
	return 0;
}
