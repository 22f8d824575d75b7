/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_STRTAB_H
#define HEADROOM_CORE_STRTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * A set of interned strings: many processes share one cgroup path, so each distinct path is stored
 * once and compared by pointer. Strings live until strtab_free(), in mem (NULL: the heap).
 */
struct arena;
struct strtab {
	char **slots;  /* open addressing; NULL is empty */
	size_t cap;    /* a power of two, or 0 */
	size_t n;
	struct arena *mem;
};

void strtab_init(struct strtab *t, struct arena *mem);
void strtab_free(struct strtab *t);
/* Returns the interned copy of [s, s + len). */
const char *strtab_intern(struct strtab *t, const char *s, size_t len);

/* FNV-1a of [s, s + len): the hash of headroom's string-keyed tables. */
uint64_t hash_bytes(const char *s, size_t len);

#endif
