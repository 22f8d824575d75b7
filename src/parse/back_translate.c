// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/back_translate.h"

#include <string.h>

/* Candidates kept for one line: the longest, by their fixed text. A line holds a handful of translations. */
#define CANDIDATES_MAX 256

/*
 * A printf format, as fixed text and directives: lit[0] dir[0] lit[1] ... dir[n-1] lit[n]. Each
 * directive takes argument arg[i] (its "%N$" number, else the next one in order) and is read as conv[i]
 * ('d' for any integer conversion, 's' a string, 'c' a character). glibc's "%m" (strerror(errno): what
 * PostgreSQL, util-linux and systemd print their errors with) takes no argument: it is read as a string,
 * argument 0, which no other directive has.
 */
struct format {
	const char *lit[BACK_TRANSLATE_MAX_ARGS + 1];
	size_t lit_len[BACK_TRANSLATE_MAX_ARGS + 1];
	char conv[BACK_TRANSLATE_MAX_ARGS];
	int arg[BACK_TRANSLATE_MAX_ARGS];
	int n;
	size_t fixed; /* bytes of fixed text in all */
};

/*
 * Splits s[0..len) into f. False for what this reader does not take: more directives than it keeps, a
 * '*' width or precision, an unknown conversion, "%%" (its fixed text would not be the printed text).
 */
static bool format_parse(const char *s, size_t len, struct format *f)
{
	const char *p = s, *end = s + len, *start = s;
	int next = 1;

	memset(f, 0, sizeof(*f));
	while (p < end) {
		const char *d;
		int num = 0;
		char c;

		if (*p != '%') {
			p++;
			continue;
		}
		if (f->n == BACK_TRANSLATE_MAX_ARGS)
			return false;
		f->lit[f->n] = start;
		f->lit_len[f->n] = (size_t)(p - start);
		d = p + 1;
		/* "%N$" */
		for (const char *q = d; q < end && *q >= '0' && *q <= '9' && num < 100; q++) {
			num = num * 10 + (*q - '0');
			if (q + 1 < end && q[1] == '$') {
				d = q + 2;
				break;
			}
			if (q + 1 >= end || q[1] < '0' || q[1] > '9')
				num = 0;
		}
		while (d < end && strchr("-+ #0'I", *d))
			d++;
		while (d < end && *d >= '0' && *d <= '9')
			d++;
		if (d < end && *d == '.') {
			d++;
			while (d < end && *d >= '0' && *d <= '9')
				d++;
		}
		while (d < end && strchr("hlLqjzt", *d))
			d++;
		if (d >= end)
			return false;
		c = *d;
		if (strchr("diouxX", c))
			f->conv[f->n] = 'd';
		else if (c == 's' || c == 'p')
			f->conv[f->n] = 's';
		else if (c == 'c')
			f->conv[f->n] = 'c';
		else if (c == 'm')
			f->conv[f->n] = 's';
		else
			return false; /* '%', '*', floating point, 'n', a truncated directive */
		f->arg[f->n] = c == 'm' ? 0 : num ? num : next++;
		if (f->arg[f->n] > BACK_TRANSLATE_MAX_ARGS)
			return false;
		f->fixed += f->lit_len[f->n];
		f->n++;
		p = start = d + 1;
	}
	f->lit[f->n] = start;
	f->lit_len[f->n] = (size_t)(end - start);
	f->fixed += f->lit_len[f->n];
	return true;
}

/* The longest piece of fixed text: the one searched for first. */
static int longest_literal(const struct format *f)
{
	int best = 0;

	for (int i = 1; i <= f->n; i++)
		if (f->lit_len[i] > f->lit_len[best])
			best = i;
	return best;
}

struct candidate {
	const char *id, *str;
	size_t id_len, str_len;
	const char *id_plural;    /* the original's plural form; id_plural_len 0 when it has none */
	size_t id_plural_len;
	size_t fixed;
};

/* Keeps c among the CANDIDATES_MAX with the most fixed text, longest first. */
static void keep(struct candidate *v, size_t *n, const struct candidate *c)
{
	size_t i = *n < CANDIDATES_MAX ? (*n)++ : CANDIDATES_MAX;

	if (i == CANDIDATES_MAX) {
		if (v[CANDIDATES_MAX - 1].fixed >= c->fixed)
			return;
		i = CANDIDATES_MAX - 1;
	}
	while (i > 0 && v[i - 1].fixed < c->fixed) {
		v[i] = v[i - 1];
		i--;
	}
	v[i] = *c;
}

static bool ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A value printed for a directive of conversion conv. */
static bool value_fits(char conv, const char *v, size_t len)
{
	size_t i = 0;

	if (conv == 's')
		return memchr(v, '\n', len) == NULL;
	if (conv == 'c')
		return len >= 1 && len <= 4 && v[0] != '\n';
	if (len && (v[0] == '-' || v[0] == '+'))
		i++;
	if (i + 2 < len && v[i] == '0' && (v[i + 1] == 'x' || v[i + 1] == 'X'))
		i += 2;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (!ascii_alnum((unsigned char)v[i]) || ((unsigned char)v[i] > 'f' && (unsigned char)v[i] <= 'z') ||
		    ((unsigned char)v[i] > 'F' && (unsigned char)v[i] <= 'Z'))
			return false;
	return true;
}

/* No byte of t[at..at+len) was put there by a replacement. */
static bool untouched(const unsigned char *mask, size_t at, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (mask[at + i])
			return false;
	return true;
}

/* The next occurrence of lit in t[from..to) on untouched bytes, or SIZE_MAX. */
static size_t find_literal(const char *t, const unsigned char *mask, size_t from, size_t to, const char *lit, size_t len)
{
	while (from + len <= to) {
		const char *hit = memmem(t + from, to - from, lit, len);
		size_t at;

		if (!hit)
			return SIZE_MAX;
		at = (size_t)(hit - t);
		if (untouched(mask, at, len))
			return at;
		from = at + 1;
	}
	return SIZE_MAX;
}

/* Where a match may reach: the printed line it starts in (a value holds no newline). */
static size_t line_start(const char *t, size_t at)
{
	while (at > 0 && t[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const char *t, size_t len, size_t at)
{
	const char *nl = memchr(t + at, '\n', len - at);

	return nl ? (size_t)(nl - t) : len;
}

struct match {
	size_t start, end;                                  /* in the text */
	size_t val[BACK_TRANSLATE_MAX_ARGS + 1], val_len[BACK_TRANSLATE_MAX_ARGS + 1]; /* by argument number */
	bool have[BACK_TRANSLATE_MAX_ARGS + 1];
};

/*
 * The translation f found in t with its first piece of fixed text at lit0 (or, when it starts with a
 * directive, its second piece there): each directive takes the text up to the next fixed piece, a
 * first one from the start of the printed line, a last one to its end.
 */
static bool match_at(const char *t, size_t len, const unsigned char *mask, const struct format *f, size_t anchor,
		     struct match *m)
{
	int first = f->lit_len[0] ? 0 : 1;
	size_t pos, ls = line_start(t, anchor), le = line_end(t, len, anchor);

	memset(m, 0, sizeof(*m));
	if (first == 1) {
		/* a leading directive: an integer's digits before the anchor, else the line up to it */
		size_t vs = ls;

		if (f->conv[0] == 'd') {
			for (vs = anchor; vs > ls && ascii_alnum((unsigned char)t[vs - 1]); vs--)
				;
			if (vs > ls && (t[vs - 1] == '-' || t[vs - 1] == '+'))
				vs--;
		}
		m->start = vs;
		m->val[f->arg[0]] = vs;
		m->val_len[f->arg[0]] = anchor - vs;
		m->have[f->arg[0]] = true;
		if (!value_fits(f->conv[0], t + vs, anchor - vs))
			return false;
	} else {
		m->start = anchor;
	}
	pos = anchor + f->lit_len[first];
	for (int i = first; i < f->n; i++) {
		size_t next, vstart = pos;

		/* a value ends with its line; fixed text may hold a newline itself */
		le = line_end(t, len, pos);

		if (f->lit_len[i + 1] == 0) {
			/* the last directive, or two in a row (not read: where one ends is not known) */
			if (i + 1 < f->n)
				return false;
			next = le;
		} else {
			next = find_literal(t, mask, pos, le, f->lit[i + 1], f->lit_len[i + 1]);
			if (next == SIZE_MAX)
				return false;
		}
		if (f->conv[i] == 'd') {
			/* an integer ends where its characters do: the fixed text must follow at once */
			if (!value_fits('d', t + vstart, next - vstart))
				return false;
		} else if (!value_fits(f->conv[i], t + vstart, next - vstart)) {
			return false;
		}
		if (m->have[f->arg[i]])
			return false; /* an argument printed twice: not taken */
		m->val[f->arg[i]] = vstart;
		m->val_len[f->arg[i]] = next - vstart;
		m->have[f->arg[i]] = true;
		pos = next + f->lit_len[i + 1];
	}
	m->end = pos;
	/* fixed text that starts or ends with a letter or digit does not start or end inside a word */
	if (f->lit_len[0] && m->start > 0 && ascii_alnum((unsigned char)f->lit[0][0]) &&
	    ascii_alnum((unsigned char)t[m->start - 1]))
		return false;
	if (f->lit_len[f->n] && m->end < len && ascii_alnum((unsigned char)f->lit[f->n][f->lit_len[f->n] - 1]) &&
	    ascii_alnum((unsigned char)t[m->end]))
		return false;
	return true;
}

/* t[m->start..m->end) replaced by the original id (parsed as g) with the values put in; false when it does not fit. */
static bool replace(char *t, size_t *len, unsigned char *mask, const struct match *m, const struct format *g)
{
	static char out[BACK_TRANSLATE_MAX];
	static unsigned char out_mask[BACK_TRANSLATE_MAX];
	size_t o = 0, tail = *len - m->end;

	for (int i = 0; i <= g->n; i++) {
		if (o + g->lit_len[i] > sizeof(out))
			return false;
		memcpy(out + o, g->lit[i], g->lit_len[i]);
		memset(out_mask + o, 1, g->lit_len[i]);
		o += g->lit_len[i];
		if (i == g->n)
			break;
		if (!m->have[g->arg[i]] || o + m->val_len[g->arg[i]] > sizeof(out))
			return false;
		memcpy(out + o, t + m->val[g->arg[i]], m->val_len[g->arg[i]]);
		memcpy(out_mask + o, mask + m->val[g->arg[i]], m->val_len[g->arg[i]]);
		o += m->val_len[g->arg[i]];
	}
	if (m->start + o + tail > BACK_TRANSLATE_MAX)
		return false;
	memmove(t + m->start + o, t + m->end, tail);
	memmove(mask + m->start + o, mask + m->end, tail);
	memcpy(t + m->start, out, o);
	memcpy(mask + m->start, out_mask, o);
	*len = m->start + o + tail;
	return true;
}

/* Whether the first integer the original g prints (as matched in m) is 1: its singular; true when it prints none. */
static bool one(const char *t, const struct match *m, const struct format *g)
{
	for (int i = 0; i < g->n; i++)
		if (g->conv[i] == 'd' && m->have[g->arg[i]])
			return m->val_len[g->arg[i]] == 1 && t[m->val[g->arg[i]]] == '1';
	return true;
}

/* The plural form k of a NUL-separated string (k = 0: the string itself); false when it has none. */
static bool form(const char *s, size_t len, int k, const char **ret, size_t *ret_len)
{
	const char *p = s, *end = s + len;

	for (int i = 0; i < k; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return false;
		p = nul + 1;
	}
	*ret = p;
	*ret_len = strnlen(p, (size_t)(end - p));
	return true;
}

/* Whether a catalog's strings are read as the line's UTF-8. */
static bool utf8_catalog(const struct mo_catalog *c)
{
	return !c->charset[0] || strcmp(c->charset, "utf-8") == 0 || strcmp(c->charset, "utf8") == 0 ||
	       strcmp(c->charset, "us-ascii") == 0 || strcmp(c->charset, "ascii") == 0;
}

unsigned back_translate(const struct mo_catalog *cats, size_t ncats, const char *line, size_t len,
			struct back_translation *ret)
{
	static struct candidate cand[CANDIDATES_MAX];
	static unsigned char mask[BACK_TRANSLATE_MAX];
	size_t ncand = 0;

	if (len > BACK_TRANSLATE_MAX)
		len = BACK_TRANSLATE_MAX;
	memcpy(ret->text, line, len);
	ret->text[len] = '\0';
	ret->len = len;
	ret->replaced = 0;
	ret->translated_bytes = 0;
	memset(mask, 0, len);
	/* the translations whose longest fixed piece is in the line, each plural form apart */
	for (size_t k = 0; k < ncats; k++) {
		const struct mo_catalog *c = &cats[k];

		if (!utf8_catalog(c))
			continue;
		for (uint32_t i = 0; i < c->n; i++) {
			const char *id, *str;
			size_t id_len, str_len;

			if (!mo_entry(c, i, &id, &id_len, &str, &str_len) || !id_len || !str_len)
				continue;
			for (int pf = 0; pf < 8; pf++) {
				struct candidate x;
				struct format f;
				int l;

				if (!form(str, str_len, pf, &x.str, &x.str_len))
					break;
				/* the original's singular; its plural, when it has one, is chosen by the number printed */
				form(id, id_len, 0, &x.id, &x.id_len);
				if (!form(id, id_len, 1, &x.id_plural, &x.id_plural_len))
					x.id_plural_len = 0;
				if (!x.str_len || (x.str_len == x.id_len && memcmp(x.str, x.id, x.id_len) == 0))
					continue;
				if (!format_parse(x.str, x.str_len, &f) || f.fixed < BACK_TRANSLATE_MIN_LITERAL)
					continue;
				l = longest_literal(&f);
				if (!memmem(line, len, f.lit[l], f.lit_len[l]))
					continue;
				x.fixed = f.fixed;
				keep(cand, &ncand, &x);
			}
		}
	}
	for (size_t i = 0; i < ncand; i++) {
		struct format f, g, g1;
		int anchor_lit;
		size_t from = 0;
		bool plural = cand[i].id_plural_len > 0;

		if (!format_parse(cand[i].str, cand[i].str_len, &f) || !format_parse(cand[i].id, cand[i].id_len, &g))
			continue;
		/* an original with a plural: English's rule (n == 1 singular) on its first integer, once printed */
		if (plural && !format_parse(cand[i].id_plural, cand[i].id_plural_len, &g1))
			plural = false;
		anchor_lit = f.lit_len[0] ? 0 : 1;
		if (f.lit_len[anchor_lit] == 0)
			continue;
		/* each occurrence, left to right */
		while (from < ret->len) {
			struct match m;
			size_t at = find_literal(ret->text, mask, from, ret->len, f.lit[anchor_lit], f.lit_len[anchor_lit]);
			size_t before = ret->len;

			if (at == SIZE_MAX)
				break;
			if (!match_at(ret->text, ret->len, mask, &f, at, &m) ||
			    !replace(ret->text, &ret->len, mask, &m, plural && !one(ret->text, &m, &g) ? &g1 : &g)) {
				from = at + 1;
				continue;
			}
			ret->replaced++;
			ret->translated_bytes += f.fixed;
			/* on past what was put in */
			from = m.end + ret->len - before;
		}
	}
	ret->text[ret->len] = '\0';
	return ret->replaced;
}
