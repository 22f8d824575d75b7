// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/escape.h"
#include "core/root.h"
#include "version.h"

void cli_error(const char *fmt, ...)
{
	char msg[4096], line[4096 * 4];
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the one escaping, at the sink: an argument or a name is never written to the terminal raw */
	escape_text_fixed(line, sizeof(line), msg, strlen(msg));
	fprintf(stderr, "headroom: %s\n", line);
}

int cli_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

bool cli_use_color(const char *when, int fd)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (when && strcmp(when, "always") == 0)
		return true;
	if (when && strcmp(when, "never") == 0)
		return false;
	/* https://no-color.org: set and not empty disables colour */
	if (no_color && *no_color)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd);
}

int cli_common_option(int c, char **argv, const char *command, const char *usage)
{
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_UNKNOWN;
	case 'V':
		printf("headroom %s\n", HEADROOM_VERSION);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_UNKNOWN;
	case ':':
		cli_error("option '%s' needs a value; see '%s --help'", argv[optind - 1], command);
		return EXIT_UNKNOWN;
	default:
		if (optopt)
			cli_error("unknown option '-%c'; see '%s --help'", optopt, command);
		else
			cli_error("unknown option '%s'; see '%s --help'", argv[optind - 1], command);
		return EXIT_UNKNOWN;
	}
}

int cli_color_option(const char *arg, const char **ret)
{
	const char *when = arg ? arg : "always";

	if (strcmp(when, "auto") && strcmp(when, "always") && strcmp(when, "never")) {
		cli_error("invalid --color value '%s': expected auto, always or never", when);
		return -EINVAL;
	}
	*ret = when;
	return 0;
}

int cli_open_root(struct hr_root *root, const char *path)
{
	int r = root_open(root, path);

	if (r < 0) {
		cli_error("cannot open root '%s': %s", path, root_strerror(-r));
		return r;
	}
	if (root->proc_fd < 0) {
		r = root->proc_err;
		cli_error("cannot open '%s/proc': %s", strcmp(path, "/") ? path : "", root_strerror(-r));
		root_close(root);
		return r;
	}
	return 0;
}

int cli_parse_decimal(const char *s, double lo, double hi, double *ret)
{
	double v = 0, scale = 1;
	const char *p = s;
	size_t digits = 0;

	/* digits, then optionally '.' and digits: no sign, exponent, hexadecimal, inf or locale's comma */
	for (; *p >= '0' && *p <= '9' && digits < 30; p++, digits++)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && digits < 30; p++, digits++)
			v += (*p - '0') * (scale /= 10);
	if (*p || !digits || v < lo || v > hi)
		return -EINVAL;
	*ret = v;
	return 0;
}

int cli_parse_percent(const char *s, double *ret)
{
	double v;

	if (cli_parse_decimal(s, 0, 100, &v) < 0 || !(v > 0))
		return -EINVAL;
	*ret = v;
	return 0;
}
