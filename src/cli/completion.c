// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom completion bash|zsh|fish: the shell completion scripts, generated from the option tables
 * every command parses with (cli_commands[]), the descriptions of its --help and the repro modes. The
 * package and make install write them at build time; a user can also load one directly:
 * source <(headroom completion bash).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/completion.h"
#include "core/buf.h"
#include "core/json.h"
#include "repro/repro.h"
#include "version.h"

static const char usage_text[] =
	"Usage: headroom completion SHELL\n"
	"       headroom completion --json\n"
	"Print the completion script for SHELL (bash, zsh or fish) of headroom's commands, options and\n"
	"their values. The package installs them; to load one by hand:\n"
	"  bash: source <(headroom completion bash)\n"
	"  zsh:  headroom completion zsh > \"${fpath[1]}/_headroom\"\n"
	"  fish: headroom completion fish > ~/.config/fish/completions/headroom.fish\n"
	"\n"
	"  -j, --json           print what the scripts are made from, as one JSON object (schema in headroom(1))\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 printed, 3 bad usage or an output error.\n";

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = ":jhV";

const char *const completion_shells[] = { "bash", "zsh", "fish", NULL };

/* What an option's value is, for completing it. */
enum value_kind {
	VALUE_NONE,  /* the option takes no value */
	VALUE_ANY,   /* a number, an address, a size: nothing to offer */
	VALUE_DIR,
	VALUE_FILE,
	VALUE_PID,
	VALUE_USER,
	VALUE_WORDS, /* one of the words listed */
};

/* The options whose values can be offered, by long name, in every command that has them. */
static const struct {
	const char *option;
	enum value_kind kind;
	const char *words;
} value_kinds[] = {
	{ "root", VALUE_DIR, NULL },
	{ "state-dir", VALUE_DIR, NULL },
	{ "textfile", VALUE_DIR, NULL },
	{ "config", VALUE_FILE, NULL },
	{ "pid", VALUE_PID, NULL },
	{ "user", VALUE_USER, NULL },
	{ "color", VALUE_WORDS, "auto always never" },
	{ "colour", VALUE_WORDS, "auto always never" },
	{ "op", VALUE_WORDS, "fork thread alloc" },
	{ "errno", VALUE_WORDS, "EAGAIN ENOMEM" },
};

/* headroom oom's actions (the usage of cmd_oom) */
static const struct {
	const char *name, *summary;
} oom_actions[] = {
	{ "protect", "oom_score_adj -1000: never chosen" },
	{ "prefer", "oom_score_adj 1000: chosen first" },
	{ "adj", "set oom_score_adj to a value from -1000 to 1000" },
};

/* One option of a command, as the scripts need it. */
struct opt {
	const char *name;
	char short_name; /* 0: none */
	int has_arg;
	enum value_kind kind;
	const char *words;
	char metavar[24];
	char help[200];
};

int completion_option_help(const char *usage, const char *name, char *help, size_t help_size, char *metavar,
			   size_t metavar_size)
{
	size_t name_len = strlen(name);
	const char *line = usage;

	while (*line) {
		const char *end = strchr(line, '\n'), *p = line, *mv, *mv_end;
		char text[512];
		size_t n = 0;
		int depth = 0;

		if (!end)
			end = line + strlen(line);
		while (p < end && *p == ' ')
			p++;
		if (p - line < 2 || p >= end || *p != '-')
			goto next;
		/* "-x, " before the long name */
		if (p + 4 <= end && p[1] != '-' && p[2] == ',' && p[3] == ' ')
			p += 4;
		if (end - p < (ptrdiff_t)name_len + 2 || p[0] != '-' || p[1] != '-' || memcmp(p + 2, name, name_len) != 0)
			goto next;
		p += 2 + name_len;
		if (p < end && *p != ' ' && *p != '[')
			goto next; /* --color matched in --colorful */
		/* the placeholder: " N" or "[=WHEN]" */
		mv = p;
		while (p < end && !(p[0] == ' ' && p + 1 < end && p[1] == ' ') && !(p[0] == ' ' && p + 1 == end))
			p++;
		mv_end = p;
		while (mv < mv_end && (*mv == ' ' || *mv == '[' || *mv == '='))
			mv++;
		while (mv_end > mv && (mv_end[-1] == ']' || mv_end[-1] == ' '))
			mv_end--;
		while (p < end && *p == ' ')
			p++;
		/* the description, with its continuation lines (indented further, not an option) */
		for (;;) {
			for (; p < end && n + 1 < sizeof(text); p++)
				text[n++] = *p;
			if (!*end)
				break;
			{
				const char *q = end + 1, *e = strchr(q, '\n');
				size_t spaces = 0;

				if (!e)
					e = q + strlen(q);
				while (q < e && *q == ' ')
					q++, spaces++;
				if (spaces < 6 || q >= e || *q == '-')
					break;
				if (n + 1 < sizeof(text))
					text[n++] = ' ';
				p = q;
				end = e;
			}
		}
		text[n] = '\0';
		/* without the parenthesised remarks: "print one JSON object (schema in headroom(1))" */
		n = 0;
		for (size_t i = 0; text[i]; i++) {
			if (text[i] == '(' || (text[i] == ' ' && text[i + 1] == '(' && depth == 0)) {
				if (text[i] == ' ')
					i++;
				depth++;
				continue;
			}
			if (depth > 0) {
				if (text[i] == ')')
					depth--;
				continue;
			}
			text[n++] = text[i];
		}
		while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '.'))
			n--;
		text[n] = '\0';
		snprintf(help, help_size, "%s", text);
		snprintf(metavar, metavar_size, "%.*s", (int)(mv_end - mv), mv);
		return 0;
next:
		line = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* The options of c, in the order of its table, into opts (at most max); returns how many. */
static size_t command_options(const struct cli_command *c, struct opt *opts, size_t max)
{
	size_t n = 0;

	for (const struct option *o = c->options; o->name && n < max; o++) {
		struct opt *x = &opts[n++];

		memset(x, 0, sizeof(*x));
		x->name = o->name;
		x->has_arg = o->has_arg;
		if (o->val > 0 && o->val < 128 && strchr(c->short_options + 1, o->val))
			x->short_name = (char)o->val;
		x->kind = o->has_arg == no_argument ? VALUE_NONE : VALUE_ANY;
		for (size_t k = 0; k < sizeof(value_kinds) / sizeof(value_kinds[0]); k++)
			if (x->kind != VALUE_NONE && strcmp(value_kinds[k].option, o->name) == 0) {
				x->kind = value_kinds[k].kind;
				x->words = value_kinds[k].words;
			}
		if (completion_option_help(c->usage, o->name, x->help, sizeof(x->help), x->metavar, sizeof(x->metavar)) < 0) {
			/* an alias (--colour): the description of the option it stands for */
			for (const struct option *a = c->options; a->name; a++)
				if (a != o && a->val == o->val &&
				    completion_option_help(c->usage, a->name, x->help, sizeof(x->help), x->metavar,
							   sizeof(x->metavar)) == 0)
					break;
			if (!x->help[0])
				snprintf(x->help, sizeof(x->help), "%s", o->name);
		}
		if (!x->metavar[0] && x->has_arg != no_argument)
			snprintf(x->metavar, sizeof(x->metavar), "VALUE");
	}
	return n;
}

enum { MAX_OPTIONS = 64 };

/* s between single quotes for bash, zsh and fish alike: ' as '\'' (fish: \'), and for zsh's
 * _arguments, the brackets of a description escaped. */
static void quote_zsh(struct buf *out, const char *s, bool in_brackets)
{
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(out, "'\\''");
		else if (in_brackets && (*s == '[' || *s == ']' || *s == '\\'))
			buf_addc(out, '\\'), buf_addc(out, *s);
		else if (!in_brackets && *s == ':')
			buf_adds(out, "\\:");
		else
			buf_addc(out, *s);
	}
}

static void quote_fish(struct buf *out, const char *s)
{
	buf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_addc(out, '\\');
		buf_addc(out, *s);
	}
	buf_addc(out, '\'');
}

/* The short options of c that take a value ("nwcr"), for reading the words typed so far. */
static void short_with_value(const struct cli_command *c, struct buf *out)
{
	for (const char *p = c->short_options + 1; *p; p++)
		if (p[1] == ':')
			buf_addc(out, *p);
}

/* The names of every command, separated by sep ("report|explain|..."). */
static void command_names(struct buf *out, const char *sep)
{
	for (const struct cli_command *const *c = cli_commands; *c; c++)
		buf_printf(out, "%s%s", c == cli_commands ? "" : sep, (*c)->name);
}

/* The shells there is a completion for, separated by spaces. */
static void shell_names(struct buf *out)
{
	for (const char *const *s = completion_shells; *s; s++)
		buf_printf(out, "%s%s", s == completion_shells ? "" : " ", *s);
}

/*
 * The next word of a space-separated list (an option's words): its start in *ret_word and its
 * length, 0 at the end of the list; *list moves past it.
 */
static size_t next_word(const char **list, const char **ret_word)
{
	const char *w = *list;
	size_t len;

	if (!w || !*w)
		return 0;
	len = strcspn(w, " ");
	*ret_word = w;
	*list = w + len + (w[len] ? 1 : 0);
	return len;
}

static void header(struct buf *out, const char *shell, const char *where)
{
	buf_printf(out,
		   "# %s completion for headroom %s: its commands, options and their values.\n"
		   "# Generated by \"headroom completion %s\" from the tables headroom parses its options with.\n"
		   "# Installed as %s.\n",
		   shell, HEADROOM_VERSION, shell, where);
}

/* ---- bash ---- */

static void bash_value(struct buf *out, const struct opt *o)
{
	switch (o->kind) {
	case VALUE_DIR: buf_adds(out, "compopt -o filenames 2>/dev/null; _headroom_reply -d ;;\n"); break;
	case VALUE_FILE: buf_adds(out, "compopt -o filenames 2>/dev/null; _headroom_reply -f ;;\n"); break;
	case VALUE_PID: buf_adds(out, "_headroom_reply -W \"$(_headroom_pids)\" ;;\n"); break;
	case VALUE_USER: buf_adds(out, "_headroom_reply -u ;;\n"); break;
	case VALUE_WORDS: buf_printf(out, "_headroom_reply -W '%s' ;;\n", o->words); break;
	default: buf_adds(out, "COMPREPLY=() ;;\n"); break;
	}
}

static void generate_bash(struct buf *out)
{
	header(out, "bash", "/usr/share/bash-completion/completions/headroom");
	buf_adds(out, "\n_headroom_pids() {\n"
		      "\tlocal p\n"
		      "\tfor p in /proc/[0-9]*; do printf '%s\\n' \"${p#/proc/}\"; done\n"
		      "}\n\n"
		      "# _headroom_reply COMPGEN-ARGS...: the candidates for $value, one per line (names with spaces stay whole)\n"
		      "_headroom_reply() {\n"
		      "\tmapfile -t COMPREPLY < <(compgen \"$@\" -- \"$value\")\n"
		      "}\n\n"
		      "_headroom() {\n"
		      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd=report first=1 i w k skip=0 rest=0\n"
		      "\tlocal opts takes shorts operands=() opt value\n"
		      "\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
		      "\tcase ${COMP_WORDS[1]-} in\n\t");
	command_names(out, "|");
	buf_adds(out, ") ((COMP_CWORD > 1)) && { cmd=${COMP_WORDS[1]}; first=2; } ;;\n\tesac\n"
		      "\t# its options, those that take a value, and its short options that take one\n"
		      "\tcase $cmd in\n");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		struct opt opts[MAX_OPTIONS];
		size_t n = command_options(*c, opts, MAX_OPTIONS);

		buf_printf(out, "\t%s)\n\t\topts='", (*c)->name);
		for (size_t i = 0; i < n; i++) {
			if (opts[i].short_name)
				buf_printf(out, "-%c ", opts[i].short_name);
			buf_printf(out, "--%s%s%s", opts[i].name, opts[i].has_arg == optional_argument ? "=" : "",
				   i + 1 < n ? " " : "");
		}
		buf_adds(out, "'\n\t\ttakes=' ");
		for (size_t i = 0; i < n; i++)
			if (opts[i].has_arg == required_argument) {
				if (opts[i].short_name)
					buf_printf(out, "-%c ", opts[i].short_name);
				buf_printf(out, "--%s ", opts[i].name);
			}
		buf_adds(out, "'\n\t\tshorts='");
		short_with_value(*c, out);
		buf_adds(out, "' ;;\n");
	}
	buf_adds(out, "\tesac\n"
		      "\t# the operands typed so far: neither options nor their values\n"
		      "\tfor ((i = first; i < COMP_CWORD; i++)); do\n"
		      "\t\tw=${COMP_WORDS[i]}\n"
		      "\t\t# an option's value, also after '=' (bash splits --opt=value at it)\n"
		      "\t\tif ((skip)); then skip=0; [[ $w == = ]] && skip=1; continue; fi\n"
		      "\t\tif ((rest)); then operands+=(\"$w\"); continue; fi\n"
		      "\t\tcase $w in\n"
		      "\t\t--) rest=1 ;;\n"
		      "\t\t=) skip=1 ;;\n"
		      "\t\t--*=*) ;;\n"
		      "\t\t--*) [[ $takes == *\" $w \"* ]] && skip=1 ;;\n"
		      "\t\t-?*)\n"
		      "\t\t\t# stacked short options: the first that takes a value takes the rest, or the next word\n"
		      "\t\t\tfor ((k = 1; k < ${#w}; k++)); do\n"
		      "\t\t\t\tif [[ $shorts == *\"${w:k:1}\"* ]]; then ((k == ${#w} - 1)) && skip=1; break; fi\n"
		      "\t\t\tdone ;;\n"
		      "\t\t*) operands+=(\"$w\") ;;\n"
		      "\t\tesac\n"
		      "\tdone\n"
		      "\t# the option whose value is being typed: --opt VALUE, --opt=VALUE, -xyO VALUE\n"
		      "\topt='' value=$cur pre=''\n"
		      "\tif ((!rest)); then\n"
		      "\t\tif [[ $cur == = ]]; then opt=$prev value=''\n"
		      "\t\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then opt=${COMP_WORDS[COMP_CWORD - 2]}\n"
		      "\t\telif [[ $cur == --*=* ]]; then opt=${cur%%=*} value=${cur#*=} pre=${cur%%=*}=\n"
		      "\t\telif ((skip)); then\n"
		      "\t\t\tif [[ $prev == --* ]]; then opt=$prev; else opt=-${prev: -1}; fi\n"
		      "\t\tfi\n"
		      "\tfi\n"
		      "\tif [[ -n $opt ]]; then\n"
		      "\t\tcase $cmd:$opt in\n");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		struct opt opts[MAX_OPTIONS];
		size_t n = command_options(*c, opts, MAX_OPTIONS);

		for (size_t i = 0; i < n; i++) {
			if (opts[i].has_arg == no_argument)
				continue;
			buf_printf(out, "\t\t%s:--%s", (*c)->name, opts[i].name);
			if (opts[i].short_name && opts[i].has_arg == required_argument)
				buf_printf(out, "|%s:-%c", (*c)->name, opts[i].short_name);
			buf_adds(out, ") ");
			bash_value(out, &opts[i]);
		}
	}
	buf_adds(out, "\t\t*) opt='' ;;\n"
		      "\t\tesac\n"
		      "\t\t[[ -n $pre ]] && COMPREPLY=(\"${COMPREPLY[@]/#/$pre}\")\n"
		      "\t\t[[ -n $opt ]] && return 0\n"
		      "\tfi\n"
		      "\tif [[ $cur == -* ]] && ((!rest)); then\n"
		      "\t\t_headroom_reply -W \"$opts\"\n"
		      "\t\t[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null\n"
		      "\t\treturn 0\n"
		      "\tfi\n"
		      "\tif ((COMP_CWORD == 1)); then\n"
		      "\t\t_headroom_reply -W '");
	command_names(out, " ");
	buf_adds(out, "'\n\t\treturn 0\n\tfi\n"
		      "\tcase $cmd in\n");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		switch ((*c)->operands) {
		case CLI_OPERANDS_REPRO_MODE:
			buf_printf(out, "\t%s) ((${#operands[@]} == 0)) && _headroom_reply -W '", (*c)->name);
			for (size_t m = 0; m < REPRO_NMODES; m++)
				buf_printf(out, "%s%s", m ? " " : "", repro_modes[m].name);
			buf_adds(out, "' ;;\n");
			break;
		case CLI_OPERANDS_OOM_ACTION:
			buf_printf(out, "\t%s)\n\t\tif ((${#operands[@]} == 0)); then\n\t\t\t_headroom_reply -W '", (*c)->name);
			for (size_t a = 0; a < sizeof(oom_actions) / sizeof(oom_actions[0]); a++)
				buf_printf(out, "%s%s", a ? " " : "", oom_actions[a].name);
			buf_adds(out, "'\n"
				      "\t\telif [[ ${operands[0]} == prote* || ${operands[0]} == prefer ]] ||\n"
				      "\t\t\t[[ ${operands[0]} == adj ]] && ((${#operands[@]} == 1)); then\n"
				      "\t\t\t_headroom_reply -W \"$(_headroom_pids)\"\n"
				      "\t\tfi ;;\n");
			break;
		case CLI_OPERANDS_SHELL:
			buf_printf(out, "\t%s) ((${#operands[@]} == 0)) && _headroom_reply -W '", (*c)->name);
			shell_names(out);
			buf_adds(out, "' ;;\n");
			break;
		default: break;
		}
	}
	buf_adds(out, "\tesac\n"
		      "\treturn 0\n"
		      "}\n\n"
		      "complete -F _headroom headroom\n");
}

/* ---- zsh ---- */

static void zsh_action(struct buf *out, const struct opt *o)
{
	switch (o->kind) {
	case VALUE_DIR: buf_adds(out, "_directories"); break;
	case VALUE_FILE: buf_adds(out, "_files"); break;
	case VALUE_PID: buf_adds(out, "_pids"); break;
	case VALUE_USER: buf_adds(out, "_users"); break;
	case VALUE_WORDS: buf_printf(out, "(%s)", o->words); break;
	default: buf_adds(out, " "); break;
	}
}

/* One _arguments spec of option o, as short (-x) or long (--name). */
static void zsh_spec(struct buf *out, const struct opt *o, bool as_short)
{
	buf_adds(out, " \\\n\t\t'");
	if (o->short_name)
		buf_printf(out, "(-%c --%s)", o->short_name, o->name);
	else if (o->has_arg == no_argument)
		buf_printf(out, "(--%s)", o->name);
	if (as_short)
		buf_printf(out, "-%c%s", o->short_name, o->has_arg == required_argument ? "+" : "");
	else
		buf_printf(out, "--%s%s", o->name,
			   o->has_arg == required_argument ? "=" : o->has_arg == optional_argument ? "=-" : "");
	buf_addc(out, '[');
	quote_zsh(out, o->help, true);
	buf_addc(out, ']');
	if (o->has_arg != no_argument) {
		buf_adds(out, o->has_arg == optional_argument ? "::" : ":");
		quote_zsh(out, o->metavar, false);
		buf_addc(out, ':');
		zsh_action(out, o);
	}
	buf_addc(out, '\'');
}

static void generate_zsh(struct buf *out)
{
	buf_adds(out, "#compdef headroom\n");
	header(out, "zsh", "/usr/share/zsh/vendor-completions/_headroom");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		struct opt opts[MAX_OPTIONS];
		size_t n = command_options(*c, opts, MAX_OPTIONS);

		buf_printf(out, "\n_headroom_%s() {\n", (*c)->name);
		if ((*c)->operands == CLI_OPERANDS_REPRO_MODE) {
			buf_adds(out, "\tlocal -a modes=(");
			for (size_t m = 0; m < REPRO_NMODES; m++) {
				buf_adds(out, "\n\t\t'");
				quote_zsh(out, repro_modes[m].name, false);
				buf_addc(out, ':');
				quote_zsh(out, repro_modes[m].summary, true);
				buf_addc(out, '\'');
			}
			buf_adds(out, "\n\t)\n");
		} else if ((*c)->operands == CLI_OPERANDS_OOM_ACTION) {
			buf_adds(out, "\tlocal -a actions=(");
			for (size_t a = 0; a < sizeof(oom_actions) / sizeof(oom_actions[0]); a++)
				buf_printf(out, "\n\t\t'%s:%s'", oom_actions[a].name, oom_actions[a].summary);
			buf_adds(out, "\n\t)\n\tlocal curcontext=$curcontext state line\n");
		}
		buf_adds(out, "\t_arguments -s -S");
		for (size_t i = 0; i < n; i++) {
			if (opts[i].short_name)
				zsh_spec(out, &opts[i], true);
			zsh_spec(out, &opts[i], false);
		}
		switch ((*c)->operands) {
		case CLI_OPERANDS_REPRO_MODE:
			buf_adds(out, " \\\n\t\t'1:failure mode:{_describe -t modes \"failure mode\" modes}'\n");
			break;
		case CLI_OPERANDS_OOM_ACTION:
			/* '*::' leaves in words the operands only: words[1] is the action */
			buf_adds(out, " \\\n\t\t'*:: :->operands' && return 0\n"
				      "\t[[ $state == operands ]] || return 1\n"
				      "\tif ((CURRENT == 1)); then\n"
				      "\t\t_describe -t actions action actions\n"
				      "\t\treturn\n"
				      "\tfi\n"
				      "\tcase $words[1] in\n"
				      "\tprotect|prefer) _pids ;;\n"
				      "\tadj) if ((CURRENT == 2)); then _pids; else _message 'oom_score_adj, -1000 to 1000'; fi ;;\n"
				      "\tesac\n");
			break;
		case CLI_OPERANDS_SHELL:
			buf_adds(out, " \\\n\t\t'1:shell:(");
			shell_names(out);
			buf_adds(out, ")'\n");
			break;
		case CLI_OPERANDS_MESSAGE: buf_adds(out, " \\\n\t\t'*:error message: '\n"); break;
		default: buf_addc(out, '\n'); break;
		}
		buf_adds(out, "}\n");
	}
	buf_adds(out, "\n_headroom() {\n\tlocal -a commands=(");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		buf_printf(out, "\n\t\t'%s:", (*c)->name);
		quote_zsh(out, (*c)->summary, true);
		buf_addc(out, '\'');
	}
	buf_adds(out, "\n\t)\n"
		      "\t# the command's word, unless the options are the report's: headroom [report] [OPTION]...\n"
		      "\tif ((CURRENT == 2)) && [[ $PREFIX != -* ]]; then\n"
		      "\t\t_describe -t commands 'headroom command' commands\n"
		      "\t\treturn\n"
		      "\tfi\n"
		      "\tcase $words[2] in\n\t");
	command_names(out, "|");
	buf_adds(out, ")\n"
		      "\t\tlocal cmd=$words[2]\n"
		      "\t\tshift words\n"
		      "\t\t((CURRENT--))\n"
		      "\t\t_headroom_$cmd ;;\n"
		      "\t*) _headroom_report ;;\n"
		      "\tesac\n"
		      "}\n\n"
		      "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
		      "\t_headroom \"$@\"\n"
		      "else\n"
		      "\tcompdef _headroom headroom\n"
		      "fi\n");
}

/* ---- fish ---- */

static void generate_fish(struct buf *out)
{
	header(out, "fish", "/usr/share/fish/vendor_completions.d/headroom.fish");
	buf_adds(out, "\n# the command: the first word when it is one, else report (headroom [report] [OPTION]...)\n"
		      "function __headroom_command\n"
		      "    set -l words (commandline -opc)\n"
		      "    if set -q words[2]; and contains -- $words[2] ");
	command_names(out, " ");
	buf_adds(out, "\n        echo $words[2]\n"
		      "    else\n"
		      "        echo report\n"
		      "    end\n"
		      "end\n\n"
		      "function __headroom_is\n"
		      "    test (__headroom_command) = $argv[1]\n"
		      "end\n\n"
		      "function __headroom_first\n"
		      "    test (count (commandline -opc)) -eq 1\n"
		      "end\n\n"
		      "# the operands typed so far after the command: neither options nor their values\n"
		      "function __headroom_operands\n"
		      "    set -l words (commandline -opc)\n"
		      "    set -e words[1]\n"
		      "    set -l cmd (__headroom_command)\n"
		      "    test \"$cmd\" = \"$words[1]\"; and set -e words[1]\n"
		      "    set -l takes\n"
		      "    set -l shorts\n"
		      "    switch $cmd\n");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		struct opt opts[MAX_OPTIONS];
		size_t n = command_options(*c, opts, MAX_OPTIONS);

		buf_printf(out, "        case %s\n            set takes", (*c)->name);
		for (size_t i = 0; i < n; i++)
			if (opts[i].has_arg == required_argument)
				buf_printf(out, " --%s", opts[i].name);
		buf_adds(out, "\n            set shorts '");
		short_with_value(*c, out);
		buf_adds(out, "'\n");
	}
	buf_adds(out, "    end\n"
		      "    set -l skip 0\n"
		      "    set -l rest 0\n"
		      "    for w in $words\n"
		      "        if test $skip = 1\n"
		      "            set skip 0\n"
		      "        else if test $rest = 1\n"
		      "            echo $w\n"
		      "        else if test \"$w\" = --\n"
		      "            set rest 1\n"
		      "        else if string match -q -- '--*=*' $w\n"
		      "        else if string match -q -- '--*' $w\n"
		      "            contains -- $w $takes; and set skip 1\n"
		      "        else if string match -q -- '-?*' $w\n"
		      "            # stacked short options: the first that takes a value takes the rest, or the next word\n"
		      "            set -l len (string length -- $w)\n"
		      "            for k in (seq 2 $len)\n"
		      "                if string match -q -- '*'(string sub -s $k -l 1 -- $w)'*' $shorts\n"
		      "                    test $k -eq $len; and set skip 1\n"
		      "                    break\n"
		      "                end\n"
		      "            end\n"
		      "        else\n"
		      "            echo $w\n"
		      "        end\n"
		      "    end\n"
		      "end\n\n"
		      "function __headroom_operand_count\n"
		      "    test (count (__headroom_operands)) -eq $argv[1]\n"
		      "end\n\n"

		      "complete -c headroom -f\n");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		buf_printf(out, "complete -c headroom -n __headroom_first -a %s -d ", (*c)->name);
		quote_fish(out, (*c)->summary);
		buf_addc(out, '\n');
	}
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		struct opt opts[MAX_OPTIONS];
		size_t n = command_options(*c, opts, MAX_OPTIONS);

		buf_printf(out, "\n# headroom %s\n", (*c)->name);
		for (size_t i = 0; i < n; i++) {
			const struct opt *o = &opts[i];

			if (o->has_arg == optional_argument) {
				/* --color[=WHEN]: the value only after '=', as getopt_long takes it */
				buf_printf(out, "complete -c headroom -n '__headroom_is %s' -l %s -d ", (*c)->name, o->name);
				quote_fish(out, o->help);
				buf_printf(out, "\ncomplete -c headroom -n '__headroom_is %s; and string match -q -- \"--%s=*\" "
						"(commandline -ct)' -a '",
					   (*c)->name, o->name);
				const char *list = o->words, *w = NULL;

				for (size_t len; (len = next_word(&list, &w)) > 0;)
					buf_printf(out, "--%s=%.*s%s", o->name, (int)len, w, *list ? " " : "");
				buf_adds(out, "'\n");
				continue;
			}
			buf_printf(out, "complete -c headroom -n '__headroom_is %s'", (*c)->name);
			if (o->short_name)
				buf_printf(out, " -s %c", o->short_name);
			buf_printf(out, " -l %s", o->name);
			switch (o->kind) {
			case VALUE_NONE: break;
			case VALUE_DIR: buf_adds(out, " -xa '(__fish_complete_directories (commandline -ct))'"); break;
			case VALUE_FILE: buf_adds(out, " -rF"); break;
			case VALUE_PID: buf_adds(out, " -xa '(__fish_complete_pids)'"); break;
			case VALUE_USER: buf_adds(out, " -xa '(__fish_complete_users)'"); break;
			case VALUE_WORDS: buf_printf(out, " -xa '%s'", o->words); break;
			default: buf_adds(out, " -x"); break;
			}
			buf_adds(out, " -d ");
			quote_fish(out, o->help);
			buf_addc(out, '\n');
		}
		switch ((*c)->operands) {
		case CLI_OPERANDS_REPRO_MODE:
			for (size_t m = 0; m < REPRO_NMODES; m++) {
				buf_printf(out, "complete -c headroom -n '__headroom_is %s; and __headroom_operand_count 0' -a %s -d ",
					   (*c)->name, repro_modes[m].name);
				quote_fish(out, repro_modes[m].summary);
				buf_addc(out, '\n');
			}
			break;
		case CLI_OPERANDS_OOM_ACTION:
			for (size_t a = 0; a < sizeof(oom_actions) / sizeof(oom_actions[0]); a++) {
				buf_printf(out, "complete -c headroom -n '__headroom_is %s; and __headroom_operand_count 0' -a %s -d ",
					   (*c)->name, oom_actions[a].name);
				quote_fish(out, oom_actions[a].summary);
				buf_addc(out, '\n');
			}
			buf_printf(out, "complete -c headroom -n '__headroom_is %s; and contains -- (__headroom_operands)[1] protect "
					"prefer' -a '(__fish_complete_pids)'\n",
				   (*c)->name);
			buf_printf(out, "complete -c headroom -n '__headroom_is %s; and contains -- (__headroom_operands)[1] adj; "
					"and __headroom_operand_count 1' -a '(__fish_complete_pids)'\n",
				   (*c)->name);
			break;
		case CLI_OPERANDS_SHELL:
			for (const char *const *s = completion_shells; *s; s++)
				buf_printf(out, "complete -c headroom -n '__headroom_is %s; and __headroom_operand_count 0' -a %s\n",
					   (*c)->name, *s);
			break;
		default: break;
		}
	}
}

/* ---- JSON: what the scripts are made from ---- */

static const char *const value_kind_names[] = {
	[VALUE_NONE] = "none", [VALUE_ANY] = "any",   [VALUE_DIR] = "directory", [VALUE_FILE] = "file",
	[VALUE_PID] = "pid",   [VALUE_USER] = "user", [VALUE_WORDS] = "words",
};

static const char *const operand_names[] = {
	[CLI_OPERANDS_NONE] = "none",
	[CLI_OPERANDS_MESSAGE] = "message",
	[CLI_OPERANDS_REPRO_MODE] = "repro_mode",
	[CLI_OPERANDS_OOM_ACTION] = "oom_action",
	[CLI_OPERANDS_SHELL] = "shell",
};

static void json_word(struct json *j, const char *name, const char *summary)
{
	json_object_begin(j, NULL);
	json_str(j, "name", name);
	json_str(j, "summary", summary);
	json_object_end(j);
}

void completion_json(struct buf *out)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_str(&j, "version", HEADROOM_VERSION);
	json_array_begin(&j, "shells");
	for (const char *const *sh = completion_shells; *sh; sh++)
		json_str(&j, NULL, *sh);
	json_array_end(&j);
	json_array_begin(&j, "commands");
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		struct opt opts[MAX_OPTIONS];
		size_t n = command_options(*c, opts, MAX_OPTIONS);

		json_object_begin(&j, NULL);
		json_str(&j, "name", (*c)->name);
		json_str(&j, "summary", (*c)->summary);
		json_bool(&j, "default", c == cli_commands);
		json_array_begin(&j, "options");
		for (size_t i = 0; i < n; i++) {
			json_object_begin(&j, NULL);
			json_str(&j, "long", opts[i].name);
			if (opts[i].short_name) {
				char sh[2] = { opts[i].short_name, '\0' };

				json_str(&j, "short", sh);
			} else {
				json_null(&j, "short");
			}
			json_str(&j, "value", opts[i].has_arg == required_argument   ? "required"
					      : opts[i].has_arg == optional_argument ? "optional"
										     : "none");
			json_str(&j, "value_name", opts[i].metavar[0] ? opts[i].metavar : NULL);
			json_str(&j, "value_kind", value_kind_names[opts[i].kind]);
			json_array_begin(&j, "words");
			{
				const char *list = opts[i].words, *w = NULL;

				for (size_t len; (len = next_word(&list, &w)) > 0;)
					json_strn(&j, NULL, w, len);
			}
			json_array_end(&j);
			json_str(&j, "description", opts[i].help);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_str(&j, "operands", operand_names[(*c)->operands]);
		json_array_begin(&j, "operand_words");
		if ((*c)->operands == CLI_OPERANDS_REPRO_MODE)
			for (size_t m = 0; m < REPRO_NMODES; m++)
				json_word(&j, repro_modes[m].name, repro_modes[m].summary);
		else if ((*c)->operands == CLI_OPERANDS_OOM_ACTION)
			for (size_t a = 0; a < sizeof(oom_actions) / sizeof(oom_actions[0]); a++)
				json_word(&j, oom_actions[a].name, oom_actions[a].summary);
		else if ((*c)->operands == CLI_OPERANDS_SHELL)
			for (const char *const *sh = completion_shells; *sh; sh++)
				json_word(&j, *sh, "its completion script");
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(out, '\n');
}

int completion_generate(const char *shell, struct buf *out)
{
	if (strcmp(shell, "bash") == 0)
		generate_bash(out);
	else if (strcmp(shell, "zsh") == 0)
		generate_zsh(out);
	else if (strcmp(shell, "fish") == 0)
		generate_fish(out);
	else
		return -EINVAL;
	return 0;
}

int cmd_completion(int argc, char **argv)
{
	struct buf out;
	bool json = false;
	int c, r, status = EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			return cli_common_option(c, argv, "headroom completion", usage_text);
	}
	if (json && optind == argc) {
		buf_init(&out);
		completion_json(&out);
		if ((r = cli_write_all(STDOUT_FILENO, out.data, out.len)) < 0) {
			cli_error("cannot write the JSON: %s", strerror(-r));
			status = EXIT_UNKNOWN;
		}
		buf_free(&out);
		return status;
	}
	if (optind != argc - 1 || json) {
		if (json)
			cli_error("--json describes every shell's completion: give no shell");
		else if (optind == argc)
			cli_error("which shell? headroom completion bash|zsh|fish");
		else
			cli_error("too many arguments; see 'headroom completion --help'");
		return EXIT_UNKNOWN;
	}
	buf_init(&out);
	if (completion_generate(argv[optind], &out) < 0) {
		cli_error("no completion for the shell '%s': bash, zsh or fish", argv[optind]);
		status = EXIT_UNKNOWN;
	} else if ((r = cli_write_all(STDOUT_FILENO, out.data, out.len)) < 0) {
		cli_error("cannot write the completion: %s", strerror(-r));
		status = EXIT_UNKNOWN;
	}
	buf_free(&out);
	return status;
}

const struct cli_command cli_completion = {
	.name = "completion",
	.summary = "print the shell completion script for bash, zsh or fish",
	.run = cmd_completion,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_SHELL,
};
