/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_WHEN_H
#define HEADROOM_PARSE_WHEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * A point in time as users write it for --since and --until, in journalctl's words where they overlap
 * (systemd.time(7)): "2026-12-07", "2026-12-07 03:12", "2026-12-07 03:12:01", "2026-12-07T03:12:01Z",
 * "2026-12-07T03:12:01+01:00" (without an offset: local time), "now", "today", "yesterday", "@1796689062"
 * (seconds since the epoch), "-2h", "-30min", "-7d", "2h ago", "3 days ago" (units s, sec, second(s),
 * m, min, minute(s), h, hour(s), d, day(s), w, week(s)). now_usec is the present.
 * Returns 0 with *ret_usec set, or -EINVAL.
 */
int when_parse(const char *s, size_t len, int64_t now_usec, int64_t *ret_usec);

#endif
