// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes log_text_parse() with log lines in any form: every part it returns lies inside the line. */
#include "fuzz.h"
#include "parse/log_text.h"

static int inside(const char *p, size_t n, const char *buf, size_t size)
{
	return p >= buf && p + n <= buf + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct log_text_line t;

	FUZZ_CHECK(log_text_parse(buf, size, &t) == 0);
	FUZZ_CHECK(t.msg && inside(t.msg, t.msg_len, buf, size));
	FUZZ_CHECK(!t.ident || (inside(t.ident, t.ident_len, buf, size) && t.ident_len > 0 && t.ident + t.ident_len <= t.msg));
	FUZZ_CHECK(!t.host || (inside(t.host, t.host_len, buf, size) && t.host_len > 0));
	FUZZ_CHECK(t.month >= 0 && t.month <= 12 && t.hour <= 23 && t.minute <= 59 && t.second <= 60 && t.usec < 1000000);
	FUZZ_CHECK(t.pid >= 0 && t.boot_id[32] == '\0');
	if (t.wall == LOG_WALL_ZONED)
		FUZZ_CHECK(t.year >= 0 && t.year <= 9999 && t.day >= 1 && t.day <= 31 && t.month >= 1);
	if (t.form == LOG_FORM_SYSLOG)
		FUZZ_CHECK(t.wall == LOG_WALL_NOYEAR && t.day >= 1 && t.day <= 31);
	if (t.wall == LOG_WALL_ZONED)
		(void)log_text_zoned_usec(&t);
	free(buf);
	return 0;
}
