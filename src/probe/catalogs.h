/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PROBE_CATALOGS_H
#define HEADROOM_PROBE_CATALOGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/root.h"
#include "parse/back_translate.h"

/* Where gettext catalogs are installed, below the root: LANG/LC_MESSAGES/DOMAIN.mo */
#define CATALOGS_DIR "usr/share/locale"

/*
 * A line in another language, read back to English through the message catalogs installed below the
 * root (parse/back_translate.h): the language is the one whose glibc catalog (libc.mo: the strerror
 * texts nearly every failure line ends with) reads the most of the line, the user's own ($LANGUAGE,
 * $LC_ALL, $LC_MESSAGES, $LANG) tried first; then that language's catalogs of the programs whose lines
 * headroom reads (bash, the core utilities, findutils, util-linux, procps, sudo, systemd, PostgreSQL,
 * ...) read the whole line.
 */
struct message_translation {
	char lang[64];                 /* the catalogs' language directory ("zh_CN"); "" when none read the line */
	unsigned catalogs;             /* catalogs of that language read */
	unsigned languages;            /* languages whose glibc catalog was tried */
	struct back_translation bt;    /* the line in English; as given when lang is "" */
};

/*
 * Fills ret for line[0..len). Returns 1 when a language's catalogs read some of it, 0 when none did,
 * -errno when no catalog could be read at all (-ENOENT: none installed).
 */
int catalogs_back_translate(const struct hr_root *root, const char *line, size_t len, struct message_translation *ret);

/* Whether a glibc catalog (libc.mo, Debian's libc-l10n) of the language code ("ru", "zh_CN", "pt") is installed below the root. */
bool catalogs_language_installed(const struct hr_root *root, const char *code);

#endif
