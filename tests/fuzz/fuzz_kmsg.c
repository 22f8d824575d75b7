// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes kmsg_parse() and kmsg_unescape() with /dev/kmsg records. */
#include <errno.h>

#include "fuzz.h"
#include "parse/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct kmsg_record r, before;
	char out[64];
	int ret;

	memset(&r, 0xa5, sizeof(r));
	before = r;
	ret = kmsg_parse(buf, size, &r);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	if (ret < 0) {
		FUZZ_CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	} else {
		/* the text lies inside the record, after its ';', and holds no newline */
		FUZZ_CHECK(r.text > buf && r.text[-1] == ';');
		FUZZ_CHECK(r.text + r.text_len <= buf + size);
		FUZZ_CHECK(!memchr(r.text, '\n', r.text_len));
		FUZZ_CHECK(r.prio <= 1023);
	}
	/* the unescaped text is bounded, terminated and free of control characters */
	for (size_t cap = 0; cap <= sizeof(out); cap += 7) {
		size_t n;

		memset(out, 'Z', sizeof(out));
		n = kmsg_unescape(buf, size, out, cap);
		if (!cap) {
			FUZZ_CHECK(n == 0 && out[0] == 'Z');
			continue;
		}
		FUZZ_CHECK(n < cap && out[n] == '\0' && strlen(out) == n);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
	}
	free(buf);
	return 0;
}
