/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_SHELL_H
#define HEADROOM_CORE_SHELL_H

#include "core/buf.h"

/* Appends s to b quoted for a POSIX shell when it needs quoting ('it'\''s'), as is otherwise. */
void shell_quote(struct buf *b, const char *s);

#endif
