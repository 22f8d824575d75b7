// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/mo.h"

#include <errno.h>
#include <string.h>

#define MO_MAGIC 0x950412deu
#define MO_HEADER_BYTES 28 /* magic, revision, N, the two tables' offsets, the hash table's size and offset */

static uint32_t word_at(const char *data, size_t off, bool swap)
{
	uint32_t v;

	memcpy(&v, data + off, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

/* A table of n (length, offset) pairs at off fits in len. */
static bool table_fits(size_t len, uint32_t off, uint32_t n)
{
	return off % 4 == 0 && off <= len && (uint64_t)n * 8 <= len - off;
}

/* The string of pair i of the table at table: within the file, and NUL-terminated there. */
static bool string_at(const struct mo_catalog *c, uint32_t table, uint32_t i, const char **ret, size_t *ret_len)
{
	uint32_t slen = word_at(c->data, table + (size_t)i * 8, c->swap);
	uint32_t off = word_at(c->data, table + (size_t)i * 8 + 4, c->swap);

	if (off > c->len || slen >= c->len - off || c->data[(size_t)off + slen] != '\0')
		return false;
	*ret = c->data + off;
	*ret_len = slen;
	return true;
}

static void header_charset(struct mo_catalog *c)
{
	const char *id, *str, *p, *end;
	size_t id_len, str_len, k = 0;

	c->charset[0] = '\0';
	if (!mo_entry(c, 0, &id, &id_len, &str, &str_len) || id_len != 0)
		return;
	end = str + str_len;
	p = memmem(str, str_len, "charset=", 8);
	if (!p)
		return;
	for (p += 8; p < end && k + 1 < sizeof(c->charset); p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch <= ' ' || ch == ';' || ch >= 0x7f)
			break;
		c->charset[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	c->charset[k] = '\0';
}

int mo_open(struct mo_catalog *ret, const void *data, size_t len)
{
	struct mo_catalog c = { .data = data, .len = len };
	uint32_t magic;

	if (!data || len < MO_HEADER_BYTES)
		return -EINVAL;
	memcpy(&magic, data, sizeof(magic));
	if (magic == MO_MAGIC)
		c.swap = false;
	else if (__builtin_bswap32(magic) == MO_MAGIC)
		c.swap = true;
	else
		return -EINVAL;
	/* major revisions 0 and 1 have this layout (1 adds system-dependent strings, after it) */
	if (word_at(c.data, 4, c.swap) >> 16 > 1)
		return -EINVAL;
	c.n = word_at(c.data, 8, c.swap);
	c.orig = word_at(c.data, 12, c.swap);
	c.trans = word_at(c.data, 16, c.swap);
	if (!table_fits(len, c.orig, c.n) || !table_fits(len, c.trans, c.n))
		return -EINVAL;
	header_charset(&c);
	*ret = c;
	return 0;
}

bool mo_entry(const struct mo_catalog *c, uint32_t i, const char **ret_id, size_t *ret_id_len, const char **ret_str,
	      size_t *ret_str_len)
{
	const char *id, *str;
	size_t id_len, str_len;

	if (i >= c->n || !string_at(c, c->orig, i, &id, &id_len) || !string_at(c, c->trans, i, &str, &str_len))
		return false;
	*ret_id = id;
	*ret_id_len = id_len;
	*ret_str = str;
	*ret_str_len = str_len;
	return true;
}
