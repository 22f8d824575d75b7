// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/when.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "parse/log_text.h"

#define USEC 1000000LL

static bool word(const char *s, size_t len, const char *w)
{
	return len == strlen(w) && strncasecmp(s, w, len) == 0;
}

/* Midnight (local) of the day holding t, plus days. */
static int64_t local_midnight(int64_t now_usec, int days)
{
	time_t t = (time_t)(now_usec / USEC);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return now_usec;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * USEC;
}

/* The seconds of a unit word; 0 when it is none. */
static int64_t unit_seconds(const char *s, size_t n)
{
	static const struct {
		const char *w;
		int64_t secs;
	} units[] = {
		{ "s", 1 }, { "sec", 1 }, { "second", 1 }, { "seconds", 1 }, { "m", 60 }, { "min", 60 },
		{ "minute", 60 }, { "minutes", 60 }, { "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 }, { "w", 604800 }, { "week", 604800 },
		{ "weeks", 604800 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (word(s, n, units[i].w))
			return units[i].secs;
	return 0;
}

/* "-2h", "2h ago", "3 days ago", "-30 min". */
static int relative(const char *s, size_t len, int64_t now_usec, int64_t *ret)
{
	const char *p = s, *end = s + len;
	bool minus = false, ago = false;
	int64_t n = 0, secs;
	const char *u;
	int digits = 0;

	if (len > 4 && word(end - 4, 4, " ago")) {
		ago = true;
		end -= 4;
	}
	if (p < end && *p == '-') {
		minus = true;
		p++;
	}
	if (minus == ago)
		return -EINVAL;
	while (p < end && *p >= '0' && *p <= '9') {
		if (++digits > 9)
			return -EINVAL;
		n = n * 10 + (*p++ - '0');
	}
	if (!digits)
		return -EINVAL;
	while (p < end && *p == ' ')
		p++;
	u = p;
	if ((secs = unit_seconds(u, (size_t)(end - u))) == 0)
		return -EINVAL;
	/* a century back at most: the microseconds then fit in 64 bits whatever the number */
	if (n > 100LL * 366 * 86400 / secs)
		return -EINVAL;
	*ret = now_usec - n * secs * USEC;
	return 0;
}

int when_parse(const char *s, size_t len, int64_t now_usec, int64_t *ret_usec)
{
	struct log_text_line t;
	char buf[96];

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n'))
		len--;
	while (len && *s == ' ') {
		s++;
		len--;
	}
	if (len == 0 || len >= sizeof(buf) - 24)
		return -EINVAL;
	if (word(s, len, "now")) {
		*ret_usec = now_usec;
		return 0;
	}
	if (word(s, len, "today") || word(s, len, "yesterday") || word(s, len, "tomorrow")) {
		*ret_usec = local_midnight(now_usec, word(s, len, "today") ? 0 : word(s, len, "yesterday") ? -1 : 1);
		return 0;
	}
	if (*s == '@') {
		int64_t v = 0;

		if (len < 2 || len > 13)
			return -EINVAL;
		for (size_t i = 1; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
			v = v * 10 + (s[i] - '0');
		}
		*ret_usec = v * USEC;
		return 0;
	}
	if (relative(s, len, now_usec, ret_usec) == 0)
		return 0;
	/* a date, a date and a time: the log line parser's ISO stamp, with the missing parts filled in */
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len == 10)
		strcat(buf, " 00:00:00");
	else if (len == 16)
		strcat(buf, ":00");
	strcat(buf, " h x: .");
	log_text_parse(buf, strlen(buf), &t);
	if (t.form != LOG_FORM_ISO || t.msg_len != 1)
		return -EINVAL;
	if (t.wall == LOG_WALL_ZONED) {
		*ret_usec = log_text_zoned_usec(&t);
	} else {
		struct tm tm = { .tm_year = t.year - 1900, .tm_mon = t.month - 1, .tm_mday = t.day, .tm_hour = t.hour,
				 .tm_min = t.minute, .tm_sec = t.second, .tm_isdst = -1 };
		time_t secs = mktime(&tm);

		if (secs == (time_t)-1)
			return -EINVAL;
		*ret_usec = (int64_t)secs * USEC + t.usec;
	}
	return 0;
}
