/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_HUMAN_H
#define HEADROOM_CORE_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* Numbers for people: "31,208", "1.5 GiB", "512 KiB". Each returns out. */
const char *human_count(uint64_t v, char *out, size_t size);
const char *human_bytes(uint64_t v, char *out, size_t size);

#endif
