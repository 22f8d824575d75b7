/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_TESTS_UNIT_H
#define HEADROOM_TESTS_UNIT_H

/*
 * A minimal unit-test harness: each TEST is a function; RUN(fn) prints "ok - fn" or "not ok - fn"
 * with the failed checks on stderr. tests/run counts the lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int unit_failures;

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stdout, "    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			unit_failures++;                                                     \
		}                                                                            \
	} while (0)

#define CHECK_U64(a, b)                                                                          \
	do {                                                                                     \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                 \
		if (a_ != b_) {                                                                  \
			fprintf(stdout, "    %s:%d: %s == %" PRIu64 ", expected %" PRIu64 "\n", __FILE__, \
				__LINE__, #a, a_, b_);                                           \
			unit_failures++;                                                         \
		}                                                                                \
	} while (0)

#define CHECK_STR(a, b)                                                                                   \
	do {                                                                                              \
		const char *a_ = (a), *b_ = (b);                                                          \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                  \
			fprintf(stdout, "    %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
				a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                  \
			unit_failures++;                                                                  \
		}                                                                                         \
	} while (0)

#define RUN(fn)                                                                        \
	do {                                                                           \
		int before_ = unit_failures;                                           \
		fn();                                                                  \
		printf("%s - %s\n", unit_failures == before_ ? "ok" : "not ok", #fn); \
	} while (0)

#define S(lit) (lit), (sizeof(lit) - 1)

#endif
