// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes mountinfo_parse(), mountinfo_unescape() and mount_options_have() with /proc/PID/mountinfo text. */
#include <errno.h>

#include "fuzz.h"
#include "parse/mountinfo.h"

struct walk {
	size_t input_len;
	size_t calls;
	size_t stop_at; /* return -ECANCELED on this call (1-based); 0: never */
};

/* Touches every byte of every field: ASan reports a field that is not a terminated string. */
static int on_entry(const struct mountinfo_entry *e, void *ctx)
{
	struct walk *w = ctx;
	const char *fields[] = { e->root, e->mount_point, e->mount_options, e->fstype, e->source, e->super_options };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		FUZZ_CHECK(fields[i] != NULL);
		/* unescaping only shortens */
		FUZZ_CHECK(strlen(fields[i]) <= w->input_len);
	}
	(void)mount_options_have(e->mount_options, "ro");
	(void)mount_options_have(e->super_options, "nsdelegate");
	w->calls++;
	return w->calls == w->stop_at ? -ECANCELED : 0;
}

/* mountinfo_unescape() into exactly size bytes: terminated, within size, never longer than the input. */
static void check_unescape(const char *in, size_t len, size_t size)
{
	char *out = malloc(size ? size : 1);
	size_t n;

	if (!out)
		abort();
	n = mountinfo_unescape(in, len, out, size);
	if (size == 0) {
		FUZZ_CHECK(n == 0);
	} else {
		FUZZ_CHECK(n < size && n <= len);
		FUZZ_CHECK(out[n] == '\0' && strlen(out) == n);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct walk w = { .input_len = size };
	size_t entries;
	int r;

	r = mountinfo_parse(buf, size, on_entry, &w);
	FUZZ_CHECK(r == 0);
	entries = w.calls;
	/* at most one entry per line, and each needs its " - " separator */
	if (entries) {
		size_t lines = 1;

		for (size_t i = 0; i < size; i++)
			lines += buf[i] == '\n';
		FUZZ_CHECK(entries <= lines);
		FUZZ_CHECK(memmem(buf, size, " - ", 3) != NULL);
	}

	/* a callback that stops ends the walk at once, and its value comes back */
	w = (struct walk){ .input_len = size, .stop_at = 1 };
	r = mountinfo_parse(buf, size, on_entry, &w);
	FUZZ_CHECK(r == (entries ? -ECANCELED : 0));
	FUZZ_CHECK(w.calls == (entries ? 1 : 0));

	check_unescape(buf, size, 0);
	check_unescape(buf, size, 1);
	check_unescape(buf, size, 4);
	check_unescape(buf, size, size + 1);
	free(buf);
	return 0;
}
