/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_HUMAN_H
#define HEADROOM_CORE_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* Numbers for people: "31,208", "1.5 GiB", "512 KiB". Each returns out. */
const char *human_count(uint64_t v, char *out, size_t size);
const char *human_bytes(uint64_t v, char *out, size_t size);

/*
 * A kernel log time (microseconds since boot) as "2026-11-22 03:01:02 UTC", given the wall-clock
 * second of the boot; "12.345678 s after boot" when that is unknown (0).
 */
const char *human_log_time(uint64_t usec, int64_t boot_epoch, char *out, size_t size);

#endif
