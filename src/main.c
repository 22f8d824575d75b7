// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom: every limit that can make fork, thread creation or memory allocation fail. */
#include <string.h>

#include "cli/cli.h"

#if defined(__SANITIZE_ADDRESS__)
/*
 * The sanitizer build (make SANITIZE=1): a malloc that fails returns NULL as the C library's does, so
 * that `headroom repro rlimit-as` shows what a program sees instead of the sanitizer's abort.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] != '-') {
		for (const struct cli_command *const *c = cli_commands; *c; c++)
			if (strcmp(argv[1], (*c)->name) == 0)
				return (*c)->run(argc - 1, argv + 1);
		cli_error("unknown command '%s'; see 'headroom --help'", argv[1]);
		return EXIT_UNKNOWN;
	}
	/* no command: the report */
	return cmd_report(argc, argv);
}
