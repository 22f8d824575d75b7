// SPDX-License-Identifier: GPL-2.0-or-later
/* System-wide readings: loadavg, sysctls, meminfo, PSI, the kernel release, the reader's namespace. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "parse/kversion.h"
#include "parse/keyed.h"
#include "parse/loadavg.h"
#include "parse/meminfo.h"
#include "parse/psi.h"
#include "probe/probe.h"

static const struct sysctl_file {
	const char *name;     /* the sysctl's name */
	const char *rel;      /* under proc */
	size_t offset;        /* of the struct opt_u64 in struct sys_info */
	bool essential;
} sysctl_files[] = {
	{ "kernel.pid_max", "sys/kernel/pid_max", offsetof(struct sys_info, pid_max), true },
	{ "kernel.threads-max", "sys/kernel/threads-max", offsetof(struct sys_info, threads_max), true },
	{ "vm.max_map_count", "sys/vm/max_map_count", offsetof(struct sys_info, max_map_count), false },
	{ "vm.overcommit_memory", "sys/vm/overcommit_memory", offsetof(struct sys_info, overcommit_memory), false },
	{ "vm.overcommit_ratio", "sys/vm/overcommit_ratio", offsetof(struct sys_info, overcommit_ratio), false },
	{ "vm.overcommit_kbytes", "sys/vm/overcommit_kbytes", offsetof(struct sys_info, overcommit_kbytes), false },
};

/* A problem with the file proc/rel: err is -errno, or -EINVAL for malformed content. */
#define problem_at(root, snap, what, rel, err, essential) \
	probe_problem(root, snap, what, err, essential, "proc/%s", rel)

/* Parses "pid:[4026531836]" (a namespace link) into its inode. */
static uint64_t ns_link_inode(const char *link)
{
	const char *p = strchr(link, '[');
	uint64_t ino;

	if (!p)
		return 0;
	p++;
	if (parse_u64(&p, p + strlen(p), &ino) < 0 || *p != ']')
		return 0;
	return ino;
}

uint64_t probe_ns_inode(const struct hr_root *root, int dirfd, const char *rel, int *ret_err)
{
	char link[64];
	ssize_t n = readlink_at(root, dirfd, rel, link, sizeof(link));
	uint64_t ino;

	if (n < 0) {
		if (ret_err)
			*ret_err = (int)n;
		return 0;
	}
	ino = ns_link_inode(link);
	if (ret_err)
		*ret_err = ino ? 0 : -EINVAL;
	return ino;
}

void probe_system(const struct hr_root *root, struct snapshot *snap)
{
	struct sys_info *sys = &snap->sys;
	struct buf b;
	ssize_t n;
	int r;

	buf_init_in(&b, snap->mem);

	n = read_file_at(root, root->proc_fd, "sys/kernel/osrelease", &b);
	if (n < 0)
		problem_at(root, snap, "kernel release", "sys/kernel/osrelease", (int)n, true);
	else
		kversion_parse(b.data, b.len, &sys->kernel);

	n = read_file_at(root, root->proc_fd, "loadavg", &b);
	if (n < 0)
		problem_at(root, snap, "task count (loadavg)", "loadavg", (int)n, true);
	else if (loadavg_parse(b.data, b.len, &sys->loadavg) < 0)
		problem_at(root, snap, "task count (loadavg)", "loadavg", -EINVAL, true);
	else
		sys->have_loadavg = true;

	for (size_t i = 0; i < sizeof(sysctl_files) / sizeof(sysctl_files[0]); i++) {
		const struct sysctl_file *f = &sysctl_files[i];
		struct opt_u64 *o = (struct opt_u64 *)((char *)sys + f->offset);
		uint64_t v;

		r = read_u64_at(root, root->proc_fd, f->rel, &b, &v);
		if (r == 0) {
			o->known = true;
			o->v = v;
		} else if (r != -ENOENT || f->essential) {
			problem_at(root, snap, f->name, f->rel, r, f->essential);
		}
	}

	n = read_file_at(root, root->proc_fd, "meminfo", &b);
	if (n < 0)
		problem_at(root, snap, "memory (meminfo)", "meminfo", (int)n, true);
	else if (meminfo_parse(b.data, b.len, &sys->meminfo) < 0 || !meminfo_has(&sys->meminfo, MEMINFO_MEM_TOTAL) ||
		 !(meminfo_has(&sys->meminfo, MEMINFO_MEM_AVAILABLE) || meminfo_has(&sys->meminfo, MEMINFO_MEM_FREE)))
		/* without MemTotal, or without both MemAvailable and MemFree, nothing can be said of memory */
		problem_at(root, snap, "memory (meminfo)", "meminfo", -EINVAL, true);
	else
		sys->have_meminfo = true;

	/* PSI is absent before 4.20 or without CONFIG_PSI (5.10+ hides the files; 5.4 fails reads with EOPNOTSUPP). */
	n = read_file_at(root, root->proc_fd, "pressure/memory", &b);
	if (n >= 0 && psi_parse(b.data, b.len, &sys->psi_memory) == 0)
		sys->have_psi_memory = true;
	else if (root_refused((int)n))
		problem_at(root, snap, "memory pressure (PSI)", "pressure/memory", (int)n, false);

	n = read_file_at(root, root->proc_fd, "vmstat", &b);
	if (n >= 0 && keyed_get(b.data, b.len, "oom_kill", &sys->vmstat_oom_kill.v) == 0)
		sys->vmstat_oom_kill.known = true;
	else if (root_refused((int)n))
		problem_at(root, snap, "OOM kill count (vmstat)", "vmstat", (int)n, false);

	sys->own_pidns = probe_ns_inode(root, root->proc_fd, "self/ns/pid", NULL);
	/*
	 * uids in /proc are those of the reader's user namespace. Inside one, uid 0 is the host's root only
	 * when uid_map maps it to 0 ("0 0 4294967295" is the identity map of the initial namespace).
	 */
	sys->own_userns = probe_ns_inode(root, root->proc_fd, "self/ns/user", NULL);
	sys->uid0_is_host_root = true;
	if (sys->own_userns && sys->own_userns != PROC_USER_INIT_INO) {
		n = read_file_at(root, root->proc_fd, "self/uid_map", &b);
		if (root_refused((int)n))
			problem_at(root, snap, "uid map of the reader's user namespace", "self/uid_map", (int)n, false);
		if (n >= 0) {
			const char *pos = b.data, *end = b.data + b.len;
			struct line l;

			sys->uid0_is_host_root = false;
			while (next_line(&pos, end, &l)) {
				const char *p = l.p, *le = l.p + l.len;
				uint64_t inside, outside, count;

				if (parse_u64(&p, le, &inside) == 0 && parse_u64(&p, le, &outside) == 0 &&
				    parse_u64(&p, le, &count) == 0 && inside == 0 && outside == 0 && count > 0)
					sys->uid0_is_host_root = true;
			}
		}
	}
	buf_free(&b);
}

void probe_oom_sysctls(const struct hr_root *root, struct snapshot *snap)
{
	static const struct {
		const char *name, *rel;
		size_t offset; /* of the struct opt_i64 in struct oom_sysctls */
	} files[] = {
		{ "vm.panic_on_oom", "sys/vm/panic_on_oom", offsetof(struct oom_sysctls, panic_on_oom) },
		{ "vm.oom_kill_allocating_task", "sys/vm/oom_kill_allocating_task",
		  offsetof(struct oom_sysctls, kill_allocating_task) },
		{ "vm.oom_dump_tasks", "sys/vm/oom_dump_tasks", offsetof(struct oom_sysctls, dump_tasks) },
		{ "kernel.panic", "sys/kernel/panic", offsetof(struct oom_sysctls, panic) },
	};
	struct oom_sysctls *oom = &snap->sys.oom;
	struct buf b;
	ssize_t n;

	buf_init_in(&b, snap->mem);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct opt_i64 *o = (struct opt_i64 *)((char *)oom + files[i].offset);
		int r = read_i64_at(root, root->proc_fd, files[i].rel, &b, &o->v);

		o->known = r == 0;
		if (r < 0 && r != -ENOENT)
			problem_at(root, snap, files[i].name, files[i].rel, r, false);
	}
	n = read_file_at(root, root->proc_fd, "sys/kernel/core_pattern", &b);
	if (n >= 0) {
		size_t len = b.len && b.data[b.len - 1] == '\n' ? b.len - 1 : b.len;

		snprintf(oom->core_pattern, sizeof(oom->core_pattern), "%.*s", (int)len, b.data);
	} else if (n != -ENOENT) {
		problem_at(root, snap, "kernel.core_pattern", "sys/kernel/core_pattern", (int)n, false);
	}
	buf_free(&b);
}
