/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CLI_CLI_H
#define HEADROOM_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

struct option;

/* Exit statuses, the monitoring-plugin convention (headroom(1) EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_WARNING = 1,
	EXIT_CRITICAL = 2,
	EXIT_UNKNOWN = 3, /* could not assess: unreadable essentials, a bad option, an output error */
};

/* The command layer: the only code that prints to the user and chooses an exit status. */
int cmd_report(int argc, char **argv);
int cmd_repro(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_oom(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_completion(int argc, char **argv);

/* What a command takes after its options, for the shell completions. */
enum cli_operands {
	CLI_OPERANDS_NONE,
	CLI_OPERANDS_MESSAGE,    /* free text: explain's message */
	CLI_OPERANDS_REPRO_MODE, /* one of repro_modes[] */
	CLI_OPERANDS_OOM_ACTION, /* protect PID..., prefer PID..., adj PID VALUE, or nothing */
	CLI_OPERANDS_SHELL,      /* bash, zsh or fish */
};

/*
 * A command: its getopt_long tables and its --help, which the command parses with and the shell
 * completions are generated from (headroom completion), so that the two cannot differ. usage lists
 * every option of options on a line of its own ("  -j, --json    print ..."; tests/unit/test_completion).
 */
struct cli_command {
	const char *name;
	const char *summary;          /* one line, for the completions' list of commands */
	int (*run)(int argc, char **argv);
	const struct option *options; /* ends with a NULL name */
	const char *short_options;    /* getopt_long's, with the leading ':' */
	const char *usage;
	enum cli_operands operands;
};

extern const struct cli_command cli_report, cli_repro, cli_explain, cli_oom, cli_history, cli_watch, cli_top,
	cli_completion;
/* Every command, the default (report) first; ends with NULL. */
extern const struct cli_command *const cli_commands[];

/*
 * Prints "headroom: <message>" to stderr (git style: lowercase, no final period). The message goes
 * through the display escaping as a whole: pass names and arguments raw, never escaped already.
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes all of data to fd. Returns 0 or -errno. */
int cli_write_all(int fd, const char *data, size_t len);

/*
 * The options every command shares, once getopt_long has returned c: -h prints usage, -V the
 * version, ':' is a missing value and anything else an unknown option. command names the help to see
 * ("headroom repro"). Returns the exit status to end with.
 */
int cli_common_option(int c, char **argv, const char *command, const char *usage);

/* --color[=WHEN]: auto, always (also when no value is given) or never into *ret; -EINVAL after saying why. */
int cli_color_option(const char *arg, const char **ret);

/* A plain decimal ("5", "0.25", "12."; no sign, exponent or hex) in [lo, hi]. Returns 0 or -EINVAL (nothing said). */
int cli_parse_decimal(const char *s, double lo, double hi, double *ret);

/* A threshold: a decimal above 0 and at most 100 into *ret. Returns 0 or -EINVAL (nothing said). */
int cli_parse_percent(const char *s, double *ret);

/* Opens the root a command reads (and its proc), or says why not and returns -errno. */
struct hr_root;
int cli_open_root(struct hr_root *root, const char *path);

/* --since (c 'S'), --until ('U') or --boot ('b') of history and oom into *f; -EINVAL after saying why. */
#include <stdint.h>
struct history_filter;
int cli_history_range_option(int c, const char *arg, int64_t now_usec, struct history_filter *f);

/* Whether to colour: --color=always/never, else a terminal without NO_COLOR and TERM=dumb. */
bool cli_use_color(const char *when, int fd);

#endif
