// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes kmsg_parse() and kmsg_unescape() with /dev/kmsg records, the facility and level of what
 * parses, and the reader's bookkeeping (kernel_log_account()) over the input's lines read as a run of
 * records.
 */
#include <errno.h>

#include "fuzz.h"
#include "parse/kmsg.h"
#include "probe/kernel_log.h"

/*
 * Each line of the input as one record, through the bookkeeping: the counts add up, a gap's range
 * lies between the records around it, and only the kernel's records are passed on.
 */
static void account_lines(const char *buf, size_t size)
{
	struct kernel_log k = { .fd = -1 };
	uint64_t user = 0, prev = 0, lost_before;
	const char *p = buf, *end = buf + size;
	bool seen = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		struct kmsg_record r;
		bool passed;

		if (kmsg_parse(p, len, &r) == 0) {
			lost_before = k.lost;
			passed = kernel_log_account(&k, &r);
			FUZZ_CHECK(passed == kmsg_from_kernel(&r));
			user += !passed;
			FUZZ_CHECK(k.user_records == user);
			FUZZ_CHECK(k.seen && k.last_seq == r.seq);
			/* lost grows only by a gap before this record, never on the first one */
			FUZZ_CHECK(k.lost >= lost_before);
			if (k.lost > lost_before)
				FUZZ_CHECK(seen && r.seq > prev + 1 && (k.lost - lost_before == r.seq - prev - 1 ||
									k.lost == UINT64_MAX));
			if (!seen || r.seq <= prev + 1)
				FUZZ_CHECK(k.lost == lost_before);
			FUZZ_CHECK(k.gap_lost <= k.lost);
			if (k.gap_lost) {
				FUZZ_CHECK(k.gap_first >= 1 && k.gap_first <= k.gap_last && k.gap_last < r.seq);
				FUZZ_CHECK(k.gap_lost <= k.gap_last - k.gap_first + 1);
			}
			seen = true;
			prev = r.seq;
		}
		p += len;
	}
}

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
		/* prio = facility * 8 + level; the kernel's u8 facility bounds it */
		FUZZ_CHECK(r.prio <= 2047);
		FUZZ_CHECK(kmsg_level(&r) <= 7 && kmsg_facility(&r) <= 255);
		FUZZ_CHECK(kmsg_facility(&r) * 8 + kmsg_level(&r) == r.prio);
		FUZZ_CHECK(kmsg_from_kernel(&r) == (r.prio < 8));
	}
	account_lines(buf, size);
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
