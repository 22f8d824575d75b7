/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CLI_COMPLETION_H
#define HEADROOM_CLI_COMPLETION_H

#include <stddef.h>

#include "core/buf.h"

/*
 * The shell completions, generated from the commands' option tables (cli_commands[]), their --help
 * and the repro modes, so that they cannot drift from what headroom parses.
 */

/* The shells there is a completion for: "bash", "zsh", "fish"; ends with NULL. */
extern const char *const completion_shells[];

/* Appends the completion script for shell to out. Returns 0, or -EINVAL for a shell not listed. */
int completion_generate(const char *shell, struct buf *out);

/* Appends, as one JSON object, what the scripts are made from (headroom(1), SHELL COMPLETION). */
void completion_json(struct buf *out);

/*
 * What a command's --help (usage) says of its option --name: the description into help (its
 * continuation lines joined, parenthesised remarks dropped) and the value's placeholder ("N", "DIR",
 * "WHEN"; empty for an option without one) into metavar. Returns 0, or -ENOENT when usage has no
 * line for the option; both outputs are then left untouched.
 */
int completion_option_help(const char *usage, const char *name, char *help, size_t help_size, char *metavar,
			   size_t metavar_size);

#endif
