/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_TESTS_FUZZ_H
#define HEADROOM_TESTS_FUZZ_H

/*
 * Shared by the fuzz targets (tests/fuzz/fuzz_*.c). Each is linked either with libFuzzer
 * ("make fuzz") or with tests/fuzz/replay.c, which runs the kept corpus once ("make check").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libFuzzer entry point: every target defines it. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A broken invariant is a finding like a crash: say which one on stderr and abort(), so that
 * libFuzzer saves the input and the replay driver fails.
 */
#define FUZZ_CHECK(cond)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

/*
 * A malloc'ed copy of exactly size bytes, with no NUL after it: a parser that reads one byte past
 * its length then trips AddressSanitizer. Free it with free().
 */
static inline char *fuzz_dup(const uint8_t *data, size_t size)
{
	char *p = malloc(size);

	/* malloc(0) may return NULL; the parsers still need a valid pointer */
	if (!p && !(p = malloc(1)))
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/* True when [p, p + len) lies inside [base, base + size). */
static inline int fuzz_inside(const char *p, size_t len, const char *base, size_t size)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= size && len <= size - (a - b);
}

/* True when s starts a line of [base, base + size): at the start or just after a '\n'. */
static inline int fuzz_at_line_start(const char *s, const char *base)
{
	return s == base || s[-1] == '\n';
}

#endif
