// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/log_text.h"

#include <string.h>
#include <strings.h>

/* A cursor over [p, end). */
struct cur {
	const char *p, *end;
};

static bool at_end(const struct cur *c)
{
	return c->p >= c->end;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Exactly n digits (n <= 9) into *ret. */
static bool digits_n(struct cur *c, int n, int *ret)
{
	int v = 0;

	if (c->end - c->p < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (!is_digit(c->p[i]))
			return false;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*ret = v;
	return true;
}

/* One to max digits (max <= 9). */
static bool digits_upto(struct cur *c, int max, int *ret)
{
	int v = 0, n = 0;

	while (n < max && c->p < c->end && is_digit(*c->p)) {
		v = v * 10 + (*c->p++ - '0');
		n++;
	}
	if (n == 0 || (c->p < c->end && is_digit(*c->p)))
		return false;
	*ret = v;
	return true;
}

static bool eat(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static void skip_spaces(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* "HH:MM:SS" and an optional ".fraction" (up to 9 digits, kept as microseconds). */
static bool clock_time(struct cur *c, struct log_text_line *ret)
{
	struct cur s = *c;
	int h, m, sec;

	if (!digits_n(&s, 2, &h) || !eat(&s, ':') || !digits_n(&s, 2, &m) || !eat(&s, ':') || !digits_n(&s, 2, &sec))
		return false;
	if (h > 23 || m > 59 || sec > 60)
		return false;
	ret->hour = h;
	ret->minute = m;
	ret->second = sec;
	ret->usec = 0;
	if (s.p < s.end && (*s.p == '.' || *s.p == ',') && s.p + 1 < s.end && is_digit(s.p[1])) {
		uint32_t frac = 0;
		int n = 0;

		s.p++;
		while (s.p < s.end && is_digit(*s.p)) {
			if (n < 6)
				frac = frac * 10 + (uint32_t)(*s.p - '0');
			n++;
			s.p++;
		}
		for (; n < 6; n++)
			frac *= 10;
		ret->usec = frac;
	}
	*c = s;
	return true;
}

static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The month of an English abbreviation; 0 otherwise. */
static int month_of(const char *p, size_t n)
{
	if (n != 3)
		return 0;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(p, months[i], 3) == 0)
			return i + 1;
	return 0;
}

/*
 * A month word: an English abbreviation, a number with "月" (zh, ja), or any other word of letters of
 * some language (up to 16 bytes, no digit nor punctuation but a final '.': "déc.", "дек", "Dez"), whose
 * month is then not known. Sets ret->month (0 unknown).
 */
static bool month_word(struct cur *c, struct log_text_line *ret)
{
	const char *start = c->p;
	struct cur s = *c;
	int v;

	if (digits_upto(&s, 2, &v) && v >= 1 && v <= 12 && s.end - s.p >= 3 && memcmp(s.p, "\xe6\x9c\x88", 3) == 0) {
		s.p += 3;
		*c = s;
		ret->month = v;
		return true;
	}
	s = *c;
	while (s.p < s.end && s.p - start < 16 && *s.p != ' ') {
		unsigned char ch = (unsigned char)*s.p;

		if (!(ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch == '.' && s.p + 1 < s.end && s.p[1] == ' ')))
			return false;
		s.p++;
	}
	if (s.p == start || s.p >= s.end || *s.p != ' ')
		return false;
	ret->month = month_of(start, (size_t)(s.p - start));
	*c = s;
	return true;
}

/* A printk stamp's inside, "  123.456789": seconds and a fraction. */
static bool printk_seconds(const char *p, const char *end, uint64_t *ret_usec)
{
	uint64_t secs = 0, frac = 0;
	int nd = 0, nf = 0;

	while (p < end && *p == ' ')
		p++;
	while (p < end && is_digit(*p)) {
		if (nd++ >= 12)
			return false;
		secs = secs * 10 + (uint64_t)(*p++ - '0');
	}
	if (nd == 0 || p >= end || *p != '.')
		return false;
	p++;
	while (p < end && is_digit(*p)) {
		if (nf >= 9)
			return false;
		if (nf < 6)
			frac = frac * 10 + (uint64_t)(*p - '0');
		nf++;
		p++;
	}
	if (nf == 0 || p != end)
		return false;
	for (; nf < 6; nf++)
		frac *= 10;
	*ret_usec = secs * 1000000 + frac;
	return true;
}

/* "Mon Jan  5 10:00:00 2026" (dmesg -T, in the writer's zone). */
static bool ctime_stamp(const char *p, const char *end, struct log_text_line *ret)
{
	struct cur c = { p, end };
	int day, year;

	if (end - p < 24 || p[3] != ' ')
		return false;
	c.p += 4;
	if ((ret->month = month_of(c.p, 3)) == 0)
		return false;
	c.p += 3;
	skip_spaces(&c);
	if (!digits_upto(&c, 2, &day) || !eat(&c, ' ') || !clock_time(&c, ret) || !eat(&c, ' ') ||
	    !digits_n(&c, 4, &year) || c.p != end)
		return false;
	ret->day = day;
	ret->year = year;
	ret->wall = LOG_WALL_LOCAL;
	return true;
}

/*
 * A "[...]" at the start: a printk stamp (mono), dmesg -T's date (local wall), or dmesg -H's delta
 * (no time). Advances past it and one space. False when c is at no such stamp.
 */
static bool bracket_stamp(struct cur *c, struct log_text_line *ret)
{
	const char *close;
	size_t room = (size_t)(c->end - c->p);

	if (room < 3 || *c->p != '[')
		return false;
	close = memchr(c->p, ']', room < 40 ? room : 40);
	if (!close)
		return false;
	if (printk_seconds(c->p + 1, close, &ret->mono_usec)) {
		ret->has_mono = true;
	} else if (!ctime_stamp(c->p + 1, close, ret)) {
		const char *q = c->p + 1;
		uint64_t dummy;

		while (q < close && *q == ' ')
			q++;
		if (q >= close || (*q != '+' && *q != '<') || !printk_seconds(q + 1, close, &dummy))
			return false;
	}
	c->p = close + 1;
	eat(c, ' ');
	return true;
}

/*
 * "host ident[pid]: " or "host ident: " after a syslog or ISO stamp (and in short-monotonic). The host
 * is one word; the writer's name ends at ": " or "[digits]: " within 96 bytes and holds no space.
 * Without a writer the rest after the host is the message (when require_ident is false).
 */
static bool host_and_ident(struct cur *c, struct log_text_line *ret, bool require_ident)
{
	struct cur s = *c;
	const char *h = s.p, *id;

	while (s.p < s.end && *s.p != ' ' && s.p - h < 256)
		s.p++;
	if (s.p == h || s.p >= s.end || *s.p != ' ')
		return false;
	ret->host = h;
	ret->host_len = (size_t)(s.p - h);
	s.p++;
	id = s.p;
	while (s.p < s.end && s.p - id < 96 && *s.p != ' ' && *s.p != ':' && *s.p != '[')
		s.p++;
	if (s.p > id && s.p < s.end && *s.p == '[') {
		struct cur d = { s.p + 1, s.end };
		int pid;

		if (digits_upto(&d, 9, &pid) && eat(&d, ']') && eat(&d, ':') && (at_end(&d) || *d.p == ' ')) {
			ret->ident = id;
			ret->ident_len = (size_t)(s.p - id);
			ret->pid = pid;
			s.p = d.p;
			eat(&s, ' ');
			*c = s;
			return true;
		}
	} else if (s.p > id && s.p < s.end && *s.p == ':' && (s.p + 1 == s.end || s.p[1] == ' ')) {
		ret->ident = id;
		ret->ident_len = (size_t)(s.p - id);
		s.p++;
		eat(&s, ' ');
		*c = s;
		return true;
	}
	if (require_ident) {
		ret->host = NULL;
		ret->host_len = 0;
		return false;
	}
	c->p = id;
	return true;
}

/* "2026-12-07T00:45:34[.123456](Z|+00:00|+0000)" or with a space for the T. */
static bool iso_stamp(struct cur *c, struct log_text_line *ret)
{
	struct cur s = *c;
	int y, mo, d, oh = 0, om = 0, sign = 1;

	if (!digits_n(&s, 4, &y) || !eat(&s, '-') || !digits_n(&s, 2, &mo) || !eat(&s, '-') || !digits_n(&s, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || !(eat(&s, 'T') || eat(&s, ' ')) || !clock_time(&s, ret))
		return false;
	ret->year = y;
	ret->month = mo;
	ret->day = d;
	if (eat(&s, 'Z')) {
		ret->wall = LOG_WALL_ZONED;
	} else if (s.p < s.end && (*s.p == '+' || *s.p == '-')) {
		sign = *s.p++ == '-' ? -1 : 1;
		if (!digits_n(&s, 2, &oh))
			return false;
		eat(&s, ':');
		if (!digits_n(&s, 2, &om) || oh > 23 || om > 59)
			return false;
		ret->wall = LOG_WALL_ZONED;
	} else {
		ret->wall = LOG_WALL_LOCAL;
	}
	ret->utc_offset_min = sign * (oh * 60 + om);
	*c = s;
	return true;
}

/* journalctl's separators: "-- Boot <32 hex> --", "-- Reboot --", "-- No entries --", "-- Logs begin at ... --". */
static bool journal_separator(const struct cur *c, struct log_text_line *ret)
{
	size_t n = (size_t)(c->end - c->p);

	if (n < 6 || memcmp(c->p, "-- ", 3) != 0 || memcmp(c->end - 3, " --", 3) != 0)
		return false;
	ret->form = LOG_FORM_NOTE;
	if (n == 43 && memcmp(c->p, "-- Boot ", 8) == 0) {
		bool hex = true;

		for (int i = 0; i < 32; i++)
			hex &= is_hex(c->p[8 + i]);
		if (hex) {
			for (int i = 0; i < 32; i++)
				ret->boot_id[i] = (char)(c->p[8 + i] | 0x20);
			ret->boot_id[32] = '\0';
			ret->form = LOG_FORM_BOOT;
		}
	} else if (n == 12 && memcmp(c->p, "-- Reboot --", 12) == 0) {
		ret->form = LOG_FORM_BOOT;
	}
	return true;
}

int log_text_parse(const char *line, size_t len, struct log_text_line *ret)
{
	struct cur c = { line, line + len };
	struct cur body;
	unsigned quotes = 0;

	memset(ret, 0, sizeof(*ret));
	if (len && line[len - 1] == '\n')
		c.end--;
	if (c.end > c.p && c.end[-1] == '\r')
		c.end--;
	/* a mail's or a ticket's quoting: "> ", "> > ", ">> ", "| " */
	for (;;) {
		struct cur q = c;

		skip_spaces(&q);
		if (eat(&q, '>')) {
			quotes++;
			eat(&q, ' ');
			c = q;
		} else if (q.end - q.p >= 2 && q.p[0] == '|' && q.p[1] == ' ') {
			quotes++;
			q.p += 2;
			c = q;
		} else {
			break;
		}
		if (quotes > 16)
			break;
	}
	skip_spaces(&c);
	ret->form = LOG_FORM_MESSAGE;
	if (journal_separator(&c, ret)) {
		ret->quote_depth = quotes;
		ret->msg = c.p;
		ret->msg_len = (size_t)(c.end - c.p);
		return 0;
	}
	body = c;
	/* dmesg -r: "<6>" */
	if (c.p < c.end && *c.p == '<') {
		struct cur s = { c.p + 1, c.end };
		int prio;

		if (digits_upto(&s, 4, &prio) && eat(&s, '>')) {
			ret->has_prio = true;
			ret->prio = (unsigned)prio;
			c = s;
		}
	}
	if (bracket_stamp(&c, ret)) {
		struct cur s = c;

		ret->form = LOG_FORM_DMESG;
		/* journalctl -o short-monotonic: the stamp, then "host ident[pid]: " */
		if (ret->has_mono && !ret->has_prio && host_and_ident(&s, ret, true)) {
			ret->form = LOG_FORM_MONOTONIC;
			c = s;
		}
	} else if (iso_stamp(&c, ret) && eat(&c, ' ') && host_and_ident(&c, ret, false)) {
		ret->form = LOG_FORM_ISO;
	} else {
		struct cur s = body;
		int day;

		memset(ret, 0, sizeof(*ret));
		c = body;
		if (month_word(&s, ret) && (skip_spaces(&s), digits_upto(&s, 2, &day)) && day >= 1 && day <= 31 &&
		    eat(&s, ' ') && clock_time(&s, ret) && eat(&s, ' ') && host_and_ident(&s, ret, false)) {
			ret->form = LOG_FORM_SYSLOG;
			ret->wall = LOG_WALL_NOYEAR;
			ret->day = day;
			c = s;
		} else {
			memset(ret, 0, sizeof(*ret));
			c = body;
		}
	}
	ret->quote_depth = quotes;
	/* kernel lines in syslog files keep the printk stamp: "kernel: [  123.456789] ..." */
	if ((ret->form == LOG_FORM_SYSLOG || ret->form == LOG_FORM_ISO) && !ret->has_mono) {
		struct log_text_line k;
		struct cur s = c;

		memset(&k, 0, sizeof(k));
		if (s.p < s.end && *s.p == '[' && bracket_stamp(&s, &k) && k.has_mono) {
			ret->has_mono = true;
			ret->mono_usec = k.mono_usec;
			c = s;
		}
	}
	ret->msg = c.p;
	ret->msg_len = (size_t)(c.end - c.p);
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t log_text_zoned_usec(const struct log_text_line *l)
{
	int64_t secs = days_from_civil(l->year, (unsigned)l->month, (unsigned)l->day) * 86400 + l->hour * 3600 +
		       l->minute * 60 + l->second - (int64_t)l->utc_offset_min * 60;

	return secs * 1000000 + l->usec;
}
