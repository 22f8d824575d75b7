// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes passwd_parse() with /etc/passwd text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/passwd.h"

struct walk {
	const char *buf;
	size_t len;
	size_t calls;
	size_t stop_at; /* return -ECANCELED on this call (1-based); 0: never */
	const char *last;
};

/* Each name is a view at the start of a line, up to its first ':', in the order of the lines. */
static int on_user(const char *name, size_t name_len, uint32_t uid, void *ctx)
{
	struct walk *w = ctx;

	FUZZ_CHECK(name_len > 0);
	FUZZ_CHECK(fuzz_inside(name, name_len + 1, w->buf, w->len));
	FUZZ_CHECK(fuzz_at_line_start(name, w->buf));
	FUZZ_CHECK(name[name_len] == ':');
	FUZZ_CHECK(!memchr(name, ':', name_len) && !memchr(name, '\n', name_len));
	FUZZ_CHECK(name[0] != '#' && name[0] != '+' && name[0] != '-');
	FUZZ_CHECK(!w->last || name > w->last);
	w->last = name;
	(void)uid;
	w->calls++;
	return w->calls == w->stop_at ? -ECANCELED : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct walk w = { .buf = buf, .len = size };
	size_t users;
	int r;

	r = passwd_parse(buf, size, on_user, &w);
	FUZZ_CHECK(r == 0);
	users = w.calls;

	/* a callback that stops ends the walk at once, and its value comes back */
	w = (struct walk){ .buf = buf, .len = size, .stop_at = 1 };
	r = passwd_parse(buf, size, on_user, &w);
	FUZZ_CHECK(r == (users ? -ECANCELED : 0));
	FUZZ_CHECK(w.calls == (users ? 1 : 0));
	free(buf);
	return 0;
}
