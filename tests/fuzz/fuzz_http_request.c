// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes http_request_parse() with whatever a client of /metrics may send. */
#include "fuzz.h"
#include "parse/http_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct http_request r, before;
	int ret;

	memset(&r, 0xa5, sizeof(r));
	before = r;
	ret = http_request_parse(buf, size, &r);
	FUZZ_CHECK(ret == 1 || ret == 0 || ret == -400 || ret == -414 || ret == -505);
	if (ret != 1) {
		FUZZ_CHECK(memcmp(&r, &before, sizeof(r)) == 0);
	} else {
		size_t tlen = strnlen(r.target, sizeof(r.target));

		/* the head ends with a blank line inside the input; the target is a terminated path */
		FUZZ_CHECK(r.head_len >= 2 && r.head_len <= size && buf[r.head_len - 1] == '\n');
		FUZZ_CHECK(tlen < sizeof(r.target) && r.target[0] == '/');
		for (size_t i = 0; i < tlen; i++)
			FUZZ_CHECK((unsigned char)r.target[i] > 0x20 && r.target[i] != 0x7f && r.target[i] != '?');
		FUZZ_CHECK(r.minor >= 0 && r.minor <= 9);
		FUZZ_CHECK(r.method == HTTP_GET || r.method == HTTP_HEAD || r.method == HTTP_OTHER);
		/* a complete head stays complete, with the same length, whatever follows it */
		if (size < 4096) {
			struct http_request r2;
			char *more = malloc(size + 3);

			memcpy(more, buf, size);
			memcpy(more + size, "x\r\n", 3);
			FUZZ_CHECK(http_request_parse(more, size + 3, &r2) == 1 && r2.head_len == r.head_len);
			free(more);
		}
	}
	/* a prefix never gives a different error: an incomplete head waits, a bad one is bad at once */
	if (ret == 0 && size > 0) {
		struct http_request r3;

		FUZZ_CHECK(http_request_parse(buf, size - 1, &r3) == 0);
	}
	free(buf);
	return 0;
}
