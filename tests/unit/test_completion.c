// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The commands' option tables agree with their --help and with each other, and the completion
 * scripts generated from them hold every command, option and repro mode.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/completion.h"
#include "repro/repro.h"
#include "unit.h"

/* a word the generated scripts may hold bare: lowercase letters, digits and '-' */
static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

static void every_option_has_its_help_line(void)
{
	for (const struct cli_command *const *c = cli_commands; *c; c++)
		for (const struct option *o = (*c)->options; o->name; o++) {
			char help[200] = "", mv[24] = "";

			if (completion_option_help((*c)->usage, o->name, help, sizeof(help), mv, sizeof(mv)) < 0) {
				/* an alias (--colour) shares the value of an option with a line */
				const struct option *a;

				for (a = (*c)->options; a->name; a++)
					if (a != o && a->val == o->val && a->has_arg == o->has_arg &&
					    completion_option_help((*c)->usage, a->name, help, sizeof(help), mv, sizeof(mv)) == 0)
						break;
				if (!a->name) {
					printf("    %s --%s: no line in its --help\n", (*c)->name, o->name);
					unit_failures++;
					continue;
				}
			}
			if (!help[0]) {
				printf("    %s --%s: an empty description\n", (*c)->name, o->name);
				unit_failures++;
			}
			/* a value is named in the help exactly when the option takes one */
			if ((o->has_arg != no_argument) != (mv[0] != '\0')) {
				printf("    %s --%s: takes a value: %d, help names \"%s\"\n", (*c)->name, o->name,
				       o->has_arg != no_argument, mv);
				unit_failures++;
			}
		}
}

static void short_options_match_the_table(void)
{
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		const char *so = (*c)->short_options;

		CHECK(so[0] == ':'); /* a missing value is reported as ':' (cli_common_option) */
		for (const char *p = so + 1; *p; p++) {
			const struct option *o;

			if (*p == ':')
				continue;
			for (o = (*c)->options; o->name; o++)
				if (o->val == *p)
					break;
			if (!o->name) {
				printf("    %s -%c: no long option\n", (*c)->name, *p);
				unit_failures++;
				continue;
			}
			if ((p[1] == ':') != (o->has_arg == required_argument)) {
				printf("    %s -%c: value in the short options %d, in --%s %d\n", (*c)->name, *p, p[1] == ':',
				       o->name, o->has_arg);
				unit_failures++;
			}
		}
	}
}

static void names_are_plain_words(void)
{
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		CHECK(plain_word((*c)->name));
		CHECK((*c)->summary && (*c)->summary[0]);
		for (const struct option *o = (*c)->options; o->name; o++)
			if (!plain_word(o->name)) {
				printf("    %s --%s: not a plain word\n", (*c)->name, o->name);
				unit_failures++;
			}
	}
	for (size_t m = 0; m < REPRO_NMODES; m++)
		CHECK(plain_word(repro_modes[m].name));
	CHECK_STR(cli_commands[0]->name, "report"); /* headroom with no command is the report */
}

static void help_lines(void)
{
	static const char usage[] = "Usage: x\n"
				    "Some text --json in prose\n"
				    "  -p, --pid PID        where it failed: this process (default: the process, cgroup or\n"
				    "                       systemd unit the message names)\n"
				    "  -j, --json           print one JSON object (schema in headroom(1))\n"
				    "      --colour[=WHEN]  colour: auto (default), always or never.\n"
				    "      --count N        stop after N ticks\n"
				    "  -n, --top N          list N top consumers\n"
				    "                       of each kind\n"
				    "  -h, --help           show this help and exit\n";
	char help[200] = "untouched", mv[24] = "untouched";

	CHECK(completion_option_help(usage, "pid", help, sizeof(help), mv, sizeof(mv)) == 0);
	CHECK_STR(help, "where it failed: this process");
	CHECK_STR(mv, "PID");
	CHECK(completion_option_help(usage, "json", help, sizeof(help), mv, sizeof(mv)) == 0);
	CHECK_STR(help, "print one JSON object");
	CHECK_STR(mv, "");
	CHECK(completion_option_help(usage, "colour", help, sizeof(help), mv, sizeof(mv)) == 0);
	CHECK_STR(help, "colour: auto, always or never");
	CHECK_STR(mv, "WHEN");
	CHECK(completion_option_help(usage, "top", help, sizeof(help), mv, sizeof(mv)) == 0);
	CHECK_STR(help, "list N top consumers of each kind");
	CHECK_STR(mv, "N");
	/* a prefix of another option's name is not that option */
	strcpy(help, "untouched");
	strcpy(mv, "untouched");
	CHECK(completion_option_help(usage, "colo", help, sizeof(help), mv, sizeof(mv)) == -ENOENT);
	CHECK(completion_option_help(usage, "cou", help, sizeof(help), mv, sizeof(mv)) == -ENOENT);
	CHECK(completion_option_help(usage, "missing", help, sizeof(help), mv, sizeof(mv)) == -ENOENT);
	CHECK_STR(help, "untouched");
	CHECK_STR(mv, "untouched");
	/* a small output is cut, never overrun */
	CHECK(completion_option_help(usage, "pid", help, 6, mv, 2) == 0);
	CHECK_STR(help, "where");
	CHECK_STR(mv, "P");
}

/* whether the script holds word as a whole word (not inside a longer one) */
static bool has_word(const char *script, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(script, word); p; p = strstr(p + 1, word)) {
		char before = p == script ? ' ' : p[-1], after = p[n];

		if (!isalnum((unsigned char)before) && before != '-' && !isalnum((unsigned char)after) && after != '-')
			return true;
	}
	return false;
}

static void scripts_hold_every_name(void)
{
	for (const char *const *sh = completion_shells; *sh; sh++) {
		struct buf out;

		buf_init(&out);
		CHECK(completion_generate(*sh, &out) == 0);
		for (const struct cli_command *const *c = cli_commands; *c; c++) {
			if (!has_word(out.data, (*c)->name)) {
				printf("    %s: no command %s\n", *sh, (*c)->name);
				unit_failures++;
			}
			for (const struct option *o = (*c)->options; o->name; o++) {
				char word[64];

				/* fish names long options without their dashes (-l json) */
				snprintf(word, sizeof(word), strcmp(*sh, "fish") == 0 ? "%s" : "--%s", o->name);
				if (!has_word(out.data, word)) {
					printf("    %s: no option %s of %s\n", *sh, word, (*c)->name);
					unit_failures++;
				}
			}
		}
		for (size_t m = 0; m < REPRO_NMODES; m++)
			CHECK(has_word(out.data, repro_modes[m].name));
		CHECK(has_word(out.data, "protect") && has_word(out.data, "prefer") && has_word(out.data, "adj"));
		buf_free(&out);
	}
	{
		struct buf out;

		buf_init(&out);
		CHECK(completion_generate("tcsh", &out) == -EINVAL);
		CHECK(out.len == 0);
		buf_free(&out);
	}
}

int main(void)
{
	RUN(every_option_has_its_help_line);
	RUN(short_options_match_the_table);
	RUN(names_are_plain_words);
	RUN(help_lines);
	RUN(scripts_hold_every_name);
	return 0;
}
