// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzzes pid_cgroup_parse() with /proc/PID/cgroup text, and controller_list_has() on what it finds. */
#include <errno.h>

#include "fuzz.h"
#include "parse/pid_cgroup.h"

/*
 * controller_list_has() said another way: name occurs in list bounded by commas or the list's
 * ends. name must not be empty.
 */
static int ref_list_has(const char *list, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || list[i - 1] == ',') && (i + n == len || list[i + n] == ',') &&
		    memcmp(list + i, name, n) == 0)
			return 1;
	return 0;
}

static void check_list(const char *list, size_t len)
{
	static const char *const names[] = { "memory", "pids", "cpu", "cpuacct", "name=systemd", "-" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		FUZZ_CHECK(controller_list_has(list, len, names[i]) == (bool)ref_list_has(list, len, names[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct pid_cgroup cg;
	int r;

	memset(&cg, 0xa5, sizeof(cg));
	r = pid_cgroup_parse(buf, size, &cg);
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(cg.n >= 0 && cg.n <= PID_CGROUP_MAX);
	FUZZ_CHECK((r == 0) == (cg.n > 0));
	for (int i = 0; i < cg.n; i++) {
		const struct pid_cgroup_entry *e = &cg.e[i];

		/* views into the input, never past its end */
		FUZZ_CHECK(fuzz_inside(e->controllers, e->controllers_len, buf, size));
		FUZZ_CHECK(fuzz_inside(e->path, e->path_len, buf, size));
		FUZZ_CHECK(e->hierarchy_id <= 0xffff);
		/* "id:controllers:path" on one line, the path absolute */
		FUZZ_CHECK(e->controllers > buf && e->controllers[-1] == ':');
		FUZZ_CHECK(e->path == e->controllers + e->controllers_len + 1 && e->path[-1] == ':');
		FUZZ_CHECK(!memchr(e->controllers, ':', e->controllers_len));
		FUZZ_CHECK(!memchr(e->controllers, '\n', e->controllers_len));
		FUZZ_CHECK(!memchr(e->path, '\n', e->path_len));
		FUZZ_CHECK(e->path_len > 0 && e->path[0] == '/');
		/* the line ends where the path does */
		FUZZ_CHECK(e->path + e->path_len == buf + size || e->path[e->path_len] == '\n');
		/* entries come in the order of their lines */
		if (i > 0)
			FUZZ_CHECK(e->controllers > cg.e[i - 1].path + cg.e[i - 1].path_len);
		check_list(e->controllers, e->controllers_len);
	}
	check_list(buf, size);
	free(buf);
	return 0;
}
