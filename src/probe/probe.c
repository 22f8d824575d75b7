// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/text.h"

int read_u64_at(const struct hr_root *root, int dirfd, const char *rel, struct buf *scratch, uint64_t *ret)
{
	ssize_t n = read_file_at(root, dirfd, rel, scratch);

	if (n < 0)
		return (int)n;
	return parse_u64_str(scratch->data, scratch->len, ret) < 0 ? -EINVAL : 0;
}

int read_u64_once(const struct hr_root *root, int dirfd, const char *rel, uint64_t *ret)
{
	struct buf b;
	int r;

	buf_init(&b);
	r = read_u64_at(root, dirfd, rel, &b, ret);
	buf_free(&b);
	return r;
}

int read_i64_at(const struct hr_root *root, int dirfd, const char *rel, struct buf *scratch, int64_t *ret)
{
	ssize_t n = read_file_at(root, dirfd, rel, scratch);

	if (n < 0)
		return (int)n;
	return parse_i64_str(scratch->data, scratch->len, ret) < 0 ? -EINVAL : 0;
}

void probe_problem(const struct hr_root *root, struct snapshot *snap, const char *what, int err, bool essential,
		   const char *fmt, ...)
{
	char rel[600], full[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	root_display_path(root, rel, full, sizeof(full));
	if (err == -EINVAL)
		snapshot_malformed(snap, what, full, essential);
	else
		snapshot_problem(snap, what, full, -err, essential);
}

int probe_snapshot(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap)
{
	struct procs_scan *ps;

	snap->live = root->live;
	if (root->proc_fd < 0)
		return root->proc_err;
	probe_system(root, snap);
	if (opts->oom_config)
		probe_oom_sysctls(root, snap);
	probe_cgroup_hiers(root, snap);
	ps = probe_procs(root, opts, snap);
	probe_cgroups(root, opts, snap);
	probe_procs_cgroups(root, snap);
	probe_users(root, snap);
	probe_config(root, snap);
	/* pidns forks: the map counting thread is joined first */
	probe_procs_finish(ps);
	probe_pidns(root, opts, snap);
	return 0;
}
