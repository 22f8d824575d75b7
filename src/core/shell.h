/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_SHELL_H
#define HEADROOM_CORE_SHELL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/*
 * Commands headroom prints for people to paste into a root shell. Every name that comes from the
 * system (a cgroup path, a unit, container or user name) goes in as one shell word, quoted so that
 * bash passes exactly its bytes to the program, and the quoted form is printable ASCII only: it can
 * be shown on a terminal as it is. The display escaping (core/escape.h) is never applied on top of a
 * command, since it would break the quoting.
 *
 * The quoting: a word of letters, digits and /._-:=,+@% only is left bare; any other word is
 * single-quoted ('...'), a single quote becomes \' between quoted parts, and every byte that is not
 * printable ASCII (controls, DEL, UTF-8 of any kind, bytes that are not UTF-8) goes in ANSI-C
 * quoting, $'\n', $'\t' or $'\xNN' (bash, zsh, ksh93 and POSIX.1-2024 shells; not dash). Adjacent
 * parts make one word: a'b as 'a'\''b', a<ESC>b as 'a'$'\x1b''b'.
 */
void shell_quote(struct buf *b, const char *s, size_t len);

/*
 * A command from a printf-style format: the format's own text is taken as written (it is headroom's,
 * and may use shell syntax such as '>' or '|'); every %s argument is an operand, quoted by
 * shell_quote and preceded by "-- " when it begins with '-', so that no program reads it as an
 * option. Numbers (%d, %u, %ld, %lu, %lld, %llu, %zu) are formatted as printf does; %% is a '%'.
 * Returns a malloc'ed string. Any other conversion is a programming error and aborts.
 */
struct arena;
char *shell_commandf(struct arena *mem, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *shell_vcommandf(struct arena *mem, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* True when cmd holds printable ASCII only, as every command built by shell_commandf does. */
bool shell_command_showable(const char *cmd);

#endif
