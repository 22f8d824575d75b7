// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/journal_export.h"

#include <string.h>

enum {
	ST_NAME,     /* at the start of a line, reading a field name */
	ST_VALUE,    /* after "NAME=", up to the newline */
	ST_BINLEN,   /* after "NAME\n", the 8 bytes of length */
	ST_BINDATA,  /* the binary value */
	ST_BINEND,   /* the newline after a binary value */
	ST_SKIP,     /* a malformed line, up to its newline */
};

/* The strings kept (JOURNAL_STRINGS of them), then the scalars, parsed from a short value. */
enum {
	F_MESSAGE,
	F_IDENTIFIER,
	F_COMM,
	F_UNIT,
	F_USER_UNIT,
	F_SYSTEMD_UNIT,
	F_SYSTEMD_CGROUP,
	F_MESSAGE_ID,
	F_UNIT_RESULT,
	F_REALTIME,
	F_MONOTONIC,
	F_SOURCE_MONOTONIC,
	F_BOOT_ID,
	F_TRANSPORT,
	F_PRIORITY,
	F_PID,
	F_N_PROCESSES,
	_F_MAX,
};

static const char *const field_names[_F_MAX] = {
	[F_MESSAGE] = "MESSAGE",
	[F_IDENTIFIER] = "SYSLOG_IDENTIFIER",
	[F_COMM] = "_COMM",
	[F_UNIT] = "UNIT",
	[F_USER_UNIT] = "USER_UNIT",
	[F_SYSTEMD_UNIT] = "_SYSTEMD_UNIT",
	[F_SYSTEMD_CGROUP] = "_SYSTEMD_CGROUP",
	[F_MESSAGE_ID] = "MESSAGE_ID",
	[F_UNIT_RESULT] = "UNIT_RESULT",
	[F_REALTIME] = "__REALTIME_TIMESTAMP",
	[F_MONOTONIC] = "__MONOTONIC_TIMESTAMP",
	[F_SOURCE_MONOTONIC] = "_SOURCE_MONOTONIC_TIMESTAMP",
	[F_BOOT_ID] = "_BOOT_ID",
	[F_TRANSPORT] = "_TRANSPORT",
	[F_PRIORITY] = "PRIORITY",
	[F_PID] = "_PID",
	[F_N_PROCESSES] = "N_PROCESSES",
};

_Static_assert(F_REALTIME == JOURNAL_STRINGS, "JOURNAL_STRINGS counts the string fields");
_Static_assert(_F_MAX - JOURNAL_STRINGS <= 8 * sizeof(unsigned), "a bit per scalar in scalars_seen");

/* A string left out (it did not fit): seen, but absent. */
#define STR_ABSENT ((size_t)-1)

/* journal_field_valid(): A-Z, 0-9 and '_', not a digit first (the length is checked by the caller) */
static bool name_char(char c, size_t pos)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (pos > 0 && c >= '0' && c <= '9');
}

static int field_lookup(const char *name, size_t len)
{
	for (int i = 0; i < _F_MAX; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}

static void entry_reset(struct journal_export_parser *p)
{
	memset(&p->e, 0, sizeof(p->e));
	p->e.priority = -1;
	p->nfields = 0;
	p->scalars_seen = 0;
	p->other_used = 0;
	memset(p->str_seen, 0, sizeof(p->str_seen));
}

void journal_export_init(struct journal_export_parser *p)
{
	p->entries = p->malformed = p->truncated_fields = 0;
	p->state = ST_NAME;
	p->name_len = 0;
	p->cr = false;
	p->field = -1;
	entry_reset(p);
}

/* The field named p->name starts: its value's bytes go to value_bytes(), then value_end(). */
static void value_begin(struct journal_export_parser *p)
{
	int f = field_lookup(p->name, p->name_len);

	p->nfields++;
	p->value_dropped = false;
	p->scratch_len = 0;
	p->scratch_overflow = false;
	/* a repeated field: the first one is kept */
	if (f >= 0 && f < JOURNAL_STRINGS && p->str_seen[f])
		f = -1;
	if (f >= JOURNAL_STRINGS && (p->scalars_seen & (1u << (f - JOURNAL_STRINGS))))
		f = -1;
	p->field = f;
	if (f >= 0 && f < JOURNAL_STRINGS) {
		p->str_off[f] = f == F_MESSAGE ? 0 : JOURNAL_FIELD_MAX + p->other_used;
		p->str_len[f] = 0;
	}
}

static void value_bytes(struct journal_export_parser *p, const char *s, size_t n)
{
	int f = p->field;

	if (f < 0 || p->value_dropped || n == 0)
		return;
	if (f >= JOURNAL_STRINGS) {
		if (n > sizeof(p->scratch) - p->scratch_len) {
			p->scratch_overflow = true;
			return;
		}
		memcpy(p->scratch + p->scratch_len, s, n);
		p->scratch_len += n;
		return;
	}

	size_t end = f == F_MESSAGE ? JOURNAL_FIELD_MAX : JOURNAL_ENTRY_MAX;
	size_t at = p->str_off[f] + p->str_len[f];
	size_t room = end - at;

	if (n > room) {
		if (f == F_MESSAGE) {
			/* the first JOURNAL_FIELD_MAX bytes are kept */
			memcpy(p->data + at, s, room);
			p->str_len[f] += room;
			p->e.message_truncated = true;
		}
		p->value_dropped = true;
		p->truncated_fields++;
		return;
	}
	memcpy(p->data + at, s, n);
	p->str_len[f] += n;
}

/* A decimal uint64_t that is the whole of s (no sign, no space, no overflow). */
static bool parse_u64(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return true;
}

static void scalar_end(struct journal_export_parser *p, int f)
{
	const char *s = p->scratch;
	size_t len = p->scratch_len;
	uint64_t v;

	p->scalars_seen |= 1u << (f - JOURNAL_STRINGS);
	if (p->scratch_overflow)
		return;
	switch (f) {
	case F_REALTIME:
		p->e.has_realtime = parse_u64(s, len, &p->e.realtime_usec);
		break;
	case F_MONOTONIC:
		p->e.has_monotonic = parse_u64(s, len, &p->e.monotonic_usec);
		break;
	case F_SOURCE_MONOTONIC:
		p->e.has_source_monotonic = parse_u64(s, len, &p->e.source_monotonic_usec);
		break;
	case F_N_PROCESSES:
		p->e.has_n_processes = parse_u64(s, len, &p->e.n_processes);
		break;
	case F_PRIORITY:
		if (len == 1 && s[0] >= '0' && s[0] <= '7')
			p->e.priority = s[0] - '0';
		break;
	case F_PID:
		if (parse_u64(s, len, &v) && v > 0 && v <= INT32_MAX)
			p->e.pid = (int)v;
		break;
	case F_TRANSPORT:
		p->e.kernel = len == 6 && memcmp(s, "kernel", 6) == 0;
		break;
	case F_BOOT_ID:
		/* sd_id128_to_string(): 32 lowercase hex digits; upper case is read too, as sd_id128_from_string() does */
		if (len != 32)
			break;
		for (size_t i = 0; i < 32; i++) {
			char c = s[i];

			if (c >= 'A' && c <= 'F')
				c = (char)(c - 'A' + 'a');
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				p->e.boot_id[0] = '\0';
				return;
			}
			p->e.boot_id[i] = c;
		}
		p->e.boot_id[32] = '\0';
		break;
	}
}

/* The value is complete (cut: the stream ended inside it). */
static void value_end(struct journal_export_parser *p, bool cut)
{
	int f = p->field;

	p->field = -1;
	if (cut)
		p->truncated_fields++;
	if (f < 0)
		return;
	if (f >= JOURNAL_STRINGS) {
		if (!cut)
			scalar_end(p, f);
		return;
	}
	p->str_seen[f] = true;
	if (f == F_MESSAGE) {
		if (cut)
			p->e.message_truncated = true;
		return;
	}
	if (cut || p->value_dropped) {
		p->str_off[f] = STR_ABSENT;
		return;
	}
	p->other_used += p->str_len[f];
}

static void set_str(const struct journal_export_parser *p, int f, const char **ret, size_t *ret_len)
{
	if (!p->str_seen[f] || p->str_off[f] == STR_ABSENT)
		return;
	*ret = p->data + p->str_off[f];
	*ret_len = p->str_len[f];
}

/* The empty line (or the end of the stream): the entry goes out, if it has any field. */
static int entry_end(struct journal_export_parser *p, journal_entry_fn *fn, void *ctx)
{
	struct journal_entry *e = &p->e;
	int r = 0;

	if (p->nfields == 0)
		return 0;
	set_str(p, F_MESSAGE, &e->message, &e->message_len);
	set_str(p, F_IDENTIFIER, &e->identifier, &e->identifier_len);
	set_str(p, F_COMM, &e->comm, &e->comm_len);
	set_str(p, F_USER_UNIT, &e->unit, &e->unit_len);
	set_str(p, F_UNIT, &e->unit, &e->unit_len);  /* UNIT wins over USER_UNIT */
	set_str(p, F_SYSTEMD_UNIT, &e->systemd_unit, &e->systemd_unit_len);
	set_str(p, F_SYSTEMD_CGROUP, &e->systemd_cgroup, &e->systemd_cgroup_len);
	set_str(p, F_MESSAGE_ID, &e->message_id, &e->message_id_len);
	set_str(p, F_UNIT_RESULT, &e->unit_result, &e->unit_result_len);
	p->entries++;
	r = fn(ctx, e);
	entry_reset(p);
	return r < 0 ? r : 0;
}

/* A malformed line: counted, and skipped up to its newline. */
static void skip_line(struct journal_export_parser *p)
{
	p->malformed++;
	p->field = -1;
	p->cr = false;
	p->state = ST_SKIP;
}

int journal_export_feed(struct journal_export_parser *p, const char *data, size_t len, journal_entry_fn *fn,
			void *ctx)
{
	const char *s = data, *end = data + len;
	int r;

	while (s < end) {
		switch (p->state) {
		case ST_NAME: {
			char c = *s++;

			if (c == '\n') {
				p->cr = false;
				if (p->name_len == 0) {
					r = entry_end(p, fn, ctx);
					if (r < 0)
						return r;
					break;
				}
				/* "NAME\n": a binary field */
				value_begin(p);
				p->name_len = 0;
				p->bin_len = 0;
				p->bin_len_bytes = 0;
				p->state = ST_BINLEN;
			} else if (p->cr) {
				p->name_len = 0;
				skip_line(p);
			} else if (c == '\r') {
				p->cr = true;
			} else if (c == '=' && p->name_len > 0) {
				value_begin(p);
				p->name_len = 0;
				p->state = ST_VALUE;
			} else if (p->name_len < 64 && name_char(c, p->name_len)) {
				p->name[p->name_len++] = c;
			} else {
				p->name_len = 0;
				skip_line(p);
			}
			break;
		}
		case ST_VALUE: {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			const char *stop = nl ? nl : end;
			size_t n = (size_t)(stop - s);

			/* a '\r' kept back from the last chunk: it ended the line, or was part of the value */
			if (p->cr) {
				p->cr = false;
				if (n > 0)
					value_bytes(p, "\r", 1);
			}
			if (n > 0 && stop[-1] == '\r') {
				n--;
				p->cr = true;
			}
			value_bytes(p, s, n);
			if (nl) {
				p->cr = false;
				value_end(p, false);
				p->state = ST_NAME;
				s = nl + 1;
			} else {
				s = end;
			}
			break;
		}
		case ST_BINLEN:
			p->bin_len |= (uint64_t)(unsigned char)*s++ << (8 * p->bin_len_bytes);
			if (++p->bin_len_bytes < 8)
				break;
			if (p->bin_len > JOURNAL_BINARY_MAX) {
				skip_line(p);
				break;
			}
			p->bin_left = p->bin_len;
			p->state = p->bin_left ? ST_BINDATA : ST_BINEND;
			break;
		case ST_BINDATA: {
			size_t n = (size_t)(end - s);

			if (n > p->bin_left)
				n = (size_t)p->bin_left;
			value_bytes(p, s, n);
			s += n;
			p->bin_left -= n;
			if (p->bin_left == 0)
				p->state = ST_BINEND;
			break;
		}
		case ST_BINEND: {
			char c = *s++;

			if (c == '\n') {
				p->cr = false;
				value_end(p, false);
				p->state = ST_NAME;
			} else if (c == '\r' && !p->cr) {
				p->cr = true;
			} else {
				/* the value is whole; the line around it is not */
				value_end(p, false);
				skip_line(p);
			}
			break;
		}
		case ST_SKIP: {
			const char *nl = memchr(s, '\n', (size_t)(end - s));

			if (!nl) {
				s = end;
				break;
			}
			s = nl + 1;
			p->state = ST_NAME;
			break;
		}
		}
	}
	return 0;
}

int journal_export_finish(struct journal_export_parser *p, journal_entry_fn *fn, void *ctx)
{
	switch (p->state) {
	case ST_NAME:
		/* "NAME" with no '=' nor newline: the start of a binary field */
		if (p->name_len > 0) {
			p->nfields++;
			p->truncated_fields++;
		}
		break;
	case ST_VALUE:
		/* the last line had no newline: its value is whole (a kept-back '\r' ended it) */
		value_end(p, false);
		break;
	case ST_BINLEN:
		/* cut in its length: no value at all */
		p->truncated_fields++;
		break;
	case ST_BINDATA:
		value_end(p, true);
		break;
	case ST_BINEND:
		value_end(p, false);
		break;
	case ST_SKIP:
		break;
	}
	p->state = ST_NAME;
	p->name_len = 0;
	p->cr = false;
	p->field = -1;

	int r = entry_end(p, fn, ctx);

	entry_reset(p);
	return r;
}

bool journal_export_looks_like(const char *data, size_t len)
{
	const char *s = data, *end = data + len;

	while (s < end) {
		size_t n = 0;

		if (*s == '\n')
			return false;  /* the entry ended with no evidence */
		while (s + n < end && n < 64 && name_char(s[n], n))
			n++;
		if (n == 0 || s + n >= end)
			return false;
		if (s[0] == '_' || (n == 7 && memcmp(s, "MESSAGE", 7) == 0))
			return s[n] == '=' || s[n] == '\n';
		if (s[n] == '=') {
			const char *nl = memchr(s + n, '\n', (size_t)(end - s - n));

			if (!nl)
				return false;
			s = nl + 1;
		} else if (s[n] == '\n') {
			uint64_t blen = 0;

			if ((size_t)(end - (s + n + 1)) < 8)
				return false;
			for (int i = 0; i < 8; i++)
				blen |= (uint64_t)(unsigned char)s[n + 1 + i] << (8 * i);
			if (blen >= (uint64_t)(end - (s + n + 9)))
				return false;
			s += n + 9 + blen;
			if (*s != '\n')
				return false;
			s++;
		} else {
			return false;
		}
	}
	return false;
}
