// SPDX-License-Identifier: GPL-2.0-or-later
/* The commands of headroom, in the order of their --help. */
#include "cli/cli.h"

const struct cli_command *const cli_commands[] = {
	&cli_report, &cli_explain, &cli_oom, &cli_history, &cli_repro, &cli_watch, &cli_top, &cli_completion, NULL,
};
