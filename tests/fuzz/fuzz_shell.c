// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the two ways a hostile name is shown, together: the display escaping (escape_text) and the
 * shell quoting of a command (shell_quote, shell_commandf, and a fix rendered as the report prints it).
 * Properties: what reaches a terminal is valid UTF-8 with no control, C1 or bidi character; the
 * quoted word, parsed as bash parses it, yields exactly the original bytes; the command is shown
 * verbatim, never escaped over its quoting.
 */
#include "core/buf.h"
#include "core/escape.h"
#include "core/shell.h"
#include "fuzz.h"
#include "render/render.h"

/* Characters bash takes literally in an unquoted word (no expansion, globbing or operator). */
static int bare(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("/._-:=,+@%", c));
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A reference reader of one bash word, written from bash(1) QUOTING rather than from the code under
 * test: bare characters, '...', a backslash outside quotes, and $'...' with \xHH, \n, \t, \\ and \'.
 * Anything else (an unquoted space, ';', '$(', a glob) is a finding: the shell would act on it.
 * Returns 0 when q is exactly one word, its value in out.
 */
static int read_word(const char *q, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)q;
	size_t i = 0;

	if (!len)
		return -1;
	while (i < len) {
		if (p[i] == '\'') {
			for (i++; i < len && p[i] != '\''; i++)
				buf_addc(out, (char)p[i]);
			if (i++ >= len)
				return -1;
		} else if (p[i] == '$' && i + 1 < len && p[i + 1] == '\'') {
			for (i += 2;; i++) {
				if (i >= len)
					return -1;
				if (p[i] == '\'')
					break;
				if (p[i] != '\\') {
					buf_addc(out, (char)p[i]);
					continue;
				}
				if (++i >= len)
					return -1;
				switch (p[i]) {
				case 'n': buf_addc(out, '\n'); break;
				case 't': buf_addc(out, '\t'); break;
				case '\\': buf_addc(out, '\\'); break;
				case '\'': buf_addc(out, '\''); break;
				case 'x': {
					int v = 0, n = 0;

					while (n < 2 && i + 1 < len && hex_value(p[i + 1]) >= 0)
						v = v * 16 + hex_value(p[++i]), n++;
					if (!n)
						return -1;
					buf_addc(out, (char)v);
					break;
				}
				default:
					return -1;
				}
			}
			i++;
		} else if (p[i] == '\\') {
			if (i + 1 >= len)
				return -1;
			buf_addc(out, (char)p[i + 1]);
			i += 2;
		} else if (bare(p[i])) {
			buf_addc(out, (char)p[i++]);
		} else {
			return -1;
		}
	}
	return 0;
}

/* Safe to show: valid UTF-8 with no control (but the line ends given), DEL, C1, separator or bidi control. */
static void check_showable(const char *s, size_t len, int newlines_ok)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		FUZZ_CHECK(n > 0);
		if (!(newlines_ok && cp == '\n'))
			FUZZ_CHECK(!(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x200e ||
				     cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)));
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* names are C strings: the part before a NUL byte */
	size_t len = strnlen((const char *)data, size);
	char *s = malloc(len + 1);
	struct buf q, word, text, shown;
	struct fix fix;
	char *cmd;

	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	buf_init(&q);
	buf_init(&word);
	buf_init(&text);
	buf_init(&shown);

	/* the quoted word: printable ASCII, one word, the original bytes */
	shell_quote(&q, s, len);
	FUZZ_CHECK(shell_command_showable(q.data));
	FUZZ_CHECK(read_word(q.data, q.len, &word) == 0);
	FUZZ_CHECK(word.len == len && memcmp(word.data, s, len) == 0);

	/* a command: the format's text, then the operand, guarded by -- when it looks like an option */
	cmd = shell_commandf(NULL, "systemctl set-property %s TasksMax=%llu", s, 80ULL);
	{
		const char *prefix = "systemctl set-property ", *suffix = " TasksMax=80";
		size_t pl = strlen(prefix), sl = strlen(suffix), cl = strlen(cmd);
		const char *w = cmd + pl;

		FUZZ_CHECK(shell_command_showable(cmd));
		FUZZ_CHECK(cl >= pl + sl && memcmp(cmd, prefix, pl) == 0 && strcmp(cmd + cl - sl, suffix) == 0);
		if (s[0] == '-') {
			FUZZ_CHECK(strncmp(w, "-- ", 3) == 0);
			w += 3;
		}
		FUZZ_CHECK((size_t)(cmd + cl - sl - w) == q.len && memcmp(w, q.data, q.len) == 0);
	}

	/* the display escaping of the same name */
	escape_text(&text, s, len);
	check_showable(text.data, text.len, 0);

	/* a fix as the report shows it: the words escaped, the command verbatim on a line of its own */
	memset(&fix, 0, sizeof(fix));
	fix.text = s;
	fix.commands[0] = cmd;
	fix.ncommands = 1;
	render_fix_text(&shown, "    ", "fix now", &fix);
	check_showable(shown.data, shown.len, 1);
	FUZZ_CHECK(strstr(shown.data, text.data) != NULL);
	{
		struct buf line;

		buf_init(&line);
		if (len)
			buf_printf(&line, "\n%*s%s\n", 4 + 9 + 2, "", cmd);
		else
			buf_printf(&line, "    %-9s  %s\n", "fix now", cmd);
		FUZZ_CHECK(shown.len >= line.len && memcmp(shown.data + shown.len - line.len, line.data, line.len) == 0);
		buf_free(&line);
	}

	free(cmd);
	buf_free(&shown);
	buf_free(&text);
	buf_free(&word);
	buf_free(&q);
	free(s);
	return 0;
}
