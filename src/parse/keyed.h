/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_KEYED_H
#define HEADROOM_PARSE_KEYED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Flat keyed files, one "key value" per line: pids.events ("max 3"), memory.events, memory.stat,
 * v1 memory.oom_control ("oom_kill 2").
 * Finds key (exact, followed by a blank) and parses its unsigned value.
 * Returns 0, -ENOENT (no such key) or -EINVAL (the value is not a number).
 */
int keyed_get(const char *buf, size_t len, const char *key, uint64_t *ret);

/*
 * A cgroup limit file: "max\n" (v2 unlimited) or a number. Sets *ret_unlimited for "max".
 * Returns 0 or -EINVAL.
 */
int cgroup_limit_parse(const char *buf, size_t len, bool *ret_unlimited, uint64_t *ret_value);

/*
 * cgroup v1 memory.limit_in_bytes prints PAGE_COUNTER_MAX * PAGE_SIZE (9223372036854771712 with
 * 4 KiB pages) when unset, and 3.10's res_counter printed RESOURCE_MAX (LLONG_MAX). Any value at
 * or above the smallest of those for page sizes up to 64 KiB means unlimited.
 */
#define CGROUP_V1_UNLIMITED_MIN 9223372036854710272ULL

/* True when the blank-separated list (cgroup.controllers: "cpu io memory pids") holds word. */
bool word_list_has(const char *buf, size_t len, const char *word);

#endif
