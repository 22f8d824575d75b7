// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/strtab.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void strtab_init(struct strtab *t, struct arena *mem)
{
	memset(t, 0, sizeof(*t));
	t->mem = mem;
}

void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		xfree(t->slots[i]);
	xfree(t->slots);
	strtab_init(t, t->mem);
}

static void strtab_rehash(struct strtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	char **nslots = mem_calloc(t->mem, ncap, sizeof(*nslots));

	for (size_t i = 0; i < t->cap; i++) {
		char *s = t->slots[i];
		size_t j;

		if (!s)
			continue;
		j = hash_bytes(s, strlen(s)) & (ncap - 1);
		while (nslots[j])
			j = (j + 1) & (ncap - 1);
		nslots[j] = s;
	}
	xfree(t->slots);
	t->slots = nslots;
	t->cap = ncap;
}

const char *strtab_intern(struct strtab *t, const char *s, size_t len)
{
	size_t j;

	if ((t->n + 1) * 2 > t->cap)
		strtab_rehash(t);
	j = hash_bytes(s, len) & (t->cap - 1);
	while (t->slots[j]) {
		if (strlen(t->slots[j]) == len && memcmp(t->slots[j], s, len) == 0)
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	t->slots[j] = mem_strndup(t->mem, s, len);
	t->n++;
	return t->slots[j];
}
