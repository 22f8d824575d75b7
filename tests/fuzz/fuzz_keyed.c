// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes keyed_get(), cgroup_limit_parse() and word_list_has() with cgroup file text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/keyed.h"

/* True when a line of buf starts with key followed by a blank. */
static int has_key_line(const char *buf, size_t len, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i + n < len; i++)
		if ((i == 0 || buf[i - 1] == '\n') && memcmp(buf + i, key, n) == 0 &&
		    (buf[i + n] == ' ' || buf[i + n] == '\t'))
			return 1;
	return 0;
}

static void check_keys(const char *buf, size_t len)
{
	/* pids.events, memory.events, memory.oom_control, memory.stat; "" is no caller's but must not break */
	static const char *const keys[] = { "max", "oom_kill", "oom", "high", "low", "under_oom",
					    "anon", "file", "total_rss", "hierarchical_memory_limit", "" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
		int r = keyed_get(buf, len, keys[i], &v);

		FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
		if (r < 0)
			FUZZ_CHECK(v == 0x5a5a5a5a5a5a5a5aULL);
		/* found means a line that starts with the key and a blank */
		FUZZ_CHECK((r == -ENOENT) == !has_key_line(buf, len, keys[i]));
	}
}

static void check_limit(const char *buf, size_t len)
{
	bool unlimited = true;
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
	int r = cgroup_limit_parse(buf, len, &unlimited, &v);

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		FUZZ_CHECK(unlimited && v == 0x5a5a5a5a5a5a5a5aULL);
		return;
	}
	if (unlimited) {
		FUZZ_CHECK(v == 0);
		FUZZ_CHECK(len >= 3 && memcmp(buf, "max", 3) == 0);
	} else {
		/* a number needs a digit */
		int digit = 0;

		for (size_t i = 0; i < len && !digit; i++)
			digit = buf[i] >= '0' && buf[i] <= '9';
		FUZZ_CHECK(digit);
	}
}

static int is_sep(char c)
{
	return c == ' ' || c == '\n' || c == '\t';
}

/* word_list_has() said another way: word occurs bounded by blanks or the list's ends. */
static int ref_word_list_has(const char *buf, size_t len, const char *word)
{
	size_t n = strlen(word);

	if (!n)
		return 0;
	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || is_sep(buf[i - 1])) && (i + n == len || is_sep(buf[i + n])) &&
		    memcmp(buf + i, word, n) == 0)
			return 1;
	return 0;
}

static void check_words(const char *buf, size_t len)
{
	static const char *const words[] = { "memory", "pids", "cpu", "io", "cpuset", "+memory", "" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		FUZZ_CHECK(word_list_has(buf, len, words[i]) == (bool)ref_word_list_has(buf, len, words[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);

	check_keys(buf, size);
	check_limit(buf, size);
	check_words(buf, size);
	free(buf);
	return 0;
}
