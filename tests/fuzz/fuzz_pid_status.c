// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes pid_status_parse() with /proc/PID/status text, and pid_status_unescape_name() with names. */
#include <errno.h>

#include "fuzz.h"
#include "parse/pid_status.h"

/*
 * Unescapes in into an out buffer of exactly size bytes (so that ASan sees a write past it) and
 * checks what is promised: NUL-terminated, truncated to size, no longer than the input.
 */
static size_t unescape_checked(const char *in, size_t len, size_t size, char **ret_out)
{
	char *out = malloc(size ? size : 1);
	size_t n;

	if (!out)
		abort();
	n = pid_status_unescape_name(in, len, out, size);
	if (size == 0) {
		FUZZ_CHECK(n == 0);
	} else {
		FUZZ_CHECK(n < size);
		FUZZ_CHECK(n <= len);
		FUZZ_CHECK(out[n] == '\0');
		FUZZ_CHECK(strlen(out) == n);
	}
	if (ret_out)
		*ret_out = out;
	else
		free(out);
	return n;
}

/* The kernel's side (seq_escape_str with "\n\\"): escapes a name that holds no NUL. */
static char *kernel_escape(const char *s, size_t len, size_t *ret_len)
{
	char *out = malloc(2 * len + 1);
	size_t o = 0;

	if (!out)
		abort();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = s[i] == '\n' ? 'n' : '\\';
		} else {
			out[o++] = s[i];
		}
	}
	*ret_len = o;
	return out;
}

static void check_unescape(const char *buf, size_t size)
{
	static const size_t sizes[] = { 0, 1, 2, 16, HR_COMM_MAX };
	const char *nul = memchr(buf, '\0', size);
	size_t len = nul ? (size_t)(nul - buf) : size, elen, n;
	char *esc, *out;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		unescape_checked(buf, size, sizes[i], NULL);
	unescape_checked(buf, size, size + 1, NULL);

	/* whatever the kernel escapes comes back unchanged when there is room */
	esc = kernel_escape(buf, len, &elen);
	n = unescape_checked(esc, elen, len + 1, &out);
	FUZZ_CHECK(n == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);
	free(out);
	free(esc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct pid_status s, before;
	int r;

	memset(&s, 0xa5, sizeof(s));
	before = s;
	r = pid_status_parse(buf, size, &s);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		FUZZ_CHECK(memcmp(&s, &before, sizeof(s)) == 0);
	} else {
		FUZZ_CHECK(s.has_name && s.has_uid && s.has_threads);
		/* the name is a C string within its array, whatever the input held */
		FUZZ_CHECK(memchr(s.name, '\0', HR_COMM_MAX) != NULL);
		FUZZ_CHECK(strlen(s.name) < HR_COMM_MAX);
		/* the state is a letter from its line, never a blank or the line's end */
		FUZZ_CHECK(s.state != ' ' && s.state != '\t' && s.state != '\n');
		FUZZ_CHECK(!s.has_tgid ? s.tgid == 0 : s.tgid >= 0);
		FUZZ_CHECK(!s.has_ppid ? s.ppid == 0 : s.ppid >= 0);
		FUZZ_CHECK(s.has_cap_eff || s.cap_eff == 0);
		FUZZ_CHECK(s.nspid_count >= 0);
		FUZZ_CHECK(s.nspid_count > 0 || s.nspid_inner == 0);
		FUZZ_CHECK(s.nspid_inner >= 0 && s.nspid_inner <= INT32_MAX);
		FUZZ_CHECK(s.has_mm || s.vm_size_kib == 0);
	}
	check_unescape(buf, size);
	free(buf);
	return 0;
}
