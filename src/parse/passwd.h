/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_PASSWD_H
#define HEADROOM_PARSE_PASSWD_H

#include <stddef.h>
#include <stdint.h>

/*
 * /etc/passwd: "name:password:uid:gid:gecos:home:shell". Calls fn(name, name_len, uid, ctx) for each
 * well-formed line; fn returns 0 to go on, negative to stop. Returns 0 or what fn stopped with.
 */
typedef int (*passwd_fn)(const char *name, size_t name_len, uint32_t uid, void *ctx);
int passwd_parse(const char *buf, size_t len, passwd_fn fn, void *ctx);

#endif
