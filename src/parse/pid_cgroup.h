/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_PID_CGROUP_H
#define HEADROOM_PARSE_PID_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * /proc/PID/cgroup: "hierarchy-id:controller-list:path" per line. v2 is "0::/path"; v1 lists its
 * controllers ("4:memory:/a", "1:name=systemd:/a", "2:cpu,cpuacct:/a").
 * Views point into the parsed buffer.
 */
struct pid_cgroup_entry {
	unsigned hierarchy_id;
	const char *controllers; /* not NUL-terminated */
	size_t controllers_len;
	const char *path;        /* not NUL-terminated; the rest of the line */
	size_t path_len;
};

#define PID_CGROUP_MAX 32

struct pid_cgroup {
	struct pid_cgroup_entry e[PID_CGROUP_MAX];
	int n;
};

/* Returns 0, or -EINVAL when no line had the expected shape. */
int pid_cgroup_parse(const char *buf, size_t len, struct pid_cgroup *ret);

/* True when the comma-separated list holds name exactly. */
bool controller_list_has(const char *list, size_t len, const char *name);

#endif
