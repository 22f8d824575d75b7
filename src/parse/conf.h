/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_CONF_H
#define HEADROOM_PARSE_CONF_H

#include <stddef.h>

/*
 * Configuration files that set the limits (user input, so parsed strictly and bounded):
 *
 * sysctl.d(5): "key = value" per line; '#' and ';' start comments; a leading '-' means "ignore
 * failures"; '/' in a key is the same as '.' (kernel/pid_max is kernel.pid_max).
 *
 * limits.conf(5): "<domain> <type> <item> <value>" per line, blank-separated; '#' starts a comment.
 *
 * Lines holding a NUL byte are skipped in both.
 */

/*
 * Called for each assignment: key normalised to dots (NUL-terminated), value trimmed, 1-based line.
 * A line that is neither blank, a comment nor an assignment with a key and fields within bounds is
 * skipped, as systemd-sysctl skips it; the first such line goes in *ret_bad_line (0: none; NULL: not
 * wanted), for stricter readers. A callback's negative return ends the parse and is returned.
 */
typedef int (*sysctl_conf_fn)(const char *key, const char *value, int line, void *ctx);
int sysctl_conf_parse(const char *buf, size_t len, sysctl_conf_fn fn, void *ctx, int *ret_bad_line);

/* Called for each well-formed limits line, fields NUL-terminated. */
typedef int (*limits_conf_fn)(const char *domain, const char *type, const char *item, const char *value, int line,
			      void *ctx);
int limits_conf_parse(const char *buf, size_t len, limits_conf_fn fn, void *ctx);

#endif
