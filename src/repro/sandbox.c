// SPDX-License-Identifier: GPL-2.0-or-later
#include "repro/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "parse/keyed.h"
#include "parse/pid_cgroup.h"
#include "probe/probe.h"

/* The mount that carries the controller: a v1 hierarchy with it, else cgroup2 (the report's reader). */
struct find_mount {
	char v1_point[PATH_MAX], v1_root[PATH_MAX];
	char v2_point[PATH_MAX], v2_root[PATH_MAX];
};

static void find_mount(const struct hr_root *root, const char *controller, struct find_mount *f)
{
	bool pids = strcmp(controller, "pids") == 0;
	struct snapshot snap;

	memset(f, 0, sizeof(*f));
	snapshot_init(&snap, NULL);
	probe_cgroup_hiers(root, &snap);
	for (size_t i = 0; i < snap.nhiers; i++) {
		const struct cgroup_hier *h = &snap.hiers[i];

		if (h->kind == CG_HIER_V1 && !f->v1_point[0] && (pids ? h->has_pids : h->has_memory)) {
			snprintf(f->v1_point, sizeof(f->v1_point), "%s", h->mount_point);
			snprintf(f->v1_root, sizeof(f->v1_root), "%s", h->mount_root);
		} else if (h->kind == CG_HIER_V2 && !f->v2_point[0]) {
			snprintf(f->v2_point, sizeof(f->v2_point), "%s", h->mount_point);
			snprintf(f->v2_root, sizeof(f->v2_root), "%s", h->mount_root);
		}
	}
	snapshot_free(&snap);
}

/* dir = mount_point + (path without the mount's root). False when path is outside the mount. */
static bool dir_of(const char *point, const char *mroot, const char *path, char *dir, size_t size)
{
	size_t n = strlen(mroot);

	if (strcmp(mroot, "/") == 0)
		n = 0;
	else if (strncmp(path, mroot, n) != 0 || (path[n] && path[n] != '/'))
		return false;
	return (size_t)snprintf(dir, size, "%s%s", point, strcmp(path + n, "/") ? path + n : "") < size;
}

static bool subtree_has(const struct hr_root *root, const char *dir, const char *controller)
{
	char rel[PATH_MAX + 32];
	struct buf b;
	bool has;

	buf_init(&b);
	snprintf(rel, sizeof(rel), "%s/cgroup.subtree_control", dir[0] == '/' ? dir + 1 : dir);
	has = read_file_at(root, root->fd, rel, &b) >= 0 && word_list_has(b.data, b.len, controller);
	buf_free(&b);
	return has;
}

int sandbox_cgroup_place(const struct hr_root *root, const char *controller, struct cg_place *ret, char *why,
			 size_t why_size)
{
	struct find_mount f;
	struct pid_cgroup pc;
	char own[PATH_MAX] = "";
	struct buf b;
	int r = -ENOENT;

	find_mount(root, controller, &f);
	buf_init(&b);
	if (read_file_at(root, root->proc_fd, "self/cgroup", &b) >= 0 && pid_cgroup_parse(b.data, b.len, &pc) == 0) {
		for (int i = 0; i < pc.n; i++) {
			const struct pid_cgroup_entry *e = &pc.e[i];
			bool v2 = e->hierarchy_id == 0 && e->controllers_len == 0;

			if (f.v1_point[0] ? controller_list_has(e->controllers, e->controllers_len, controller) : v2) {
				snprintf(own, sizeof(own), "%.*s", (int)e->path_len, e->path);
				break;
			}
		}
	}
	buf_free(&b);
	memset(ret, 0, sizeof(*ret));
	if (f.v1_point[0]) {
		if (!own[0] || !dir_of(f.v1_point, f.v1_root, own, ret->parent_dir, sizeof(ret->parent_dir))) {
			snprintf(why, why_size, "cannot tell which %s cgroup headroom runs in", controller);
			return -ENOENT;
		}
		snprintf(ret->parent_path, sizeof(ret->parent_path), "%s", own);
		ret->own = true;
		return 0;
	}
	if (!f.v2_point[0]) {
		snprintf(why, why_size, "no %s cgroup controller is mounted (neither cgroup v1 nor cgroup2)", controller);
		return -ENOENT;
	}
	if (!own[0] || !dir_of(f.v2_point, f.v2_root, own, ret->parent_dir, sizeof(ret->parent_dir))) {
		snprintf(why, why_size, "cannot tell which cgroup headroom runs in");
		return -ENOENT;
	}
	/* cgroup v2: the controller must be enabled for the children of the cgroup the sandbox is made in */
	ret->v2 = true;
	snprintf(ret->parent_path, sizeof(ret->parent_path), "%s", own);
	ret->own = true;
	for (;;) {
		char *slash;

		if (subtree_has(root, ret->parent_dir, controller)) {
			r = 0;
			break;
		}
		slash = strrchr(ret->parent_path, '/');
		if (strcmp(ret->parent_path, "/") == 0 || strlen(ret->parent_dir) <= strlen(f.v2_point) || !slash)
			break;
		*strrchr(ret->parent_dir, '/') = '\0';
		if (slash == ret->parent_path)
			slash[1] = '\0';
		else
			*slash = '\0';
		ret->own = false;
	}
	if (r < 0)
		snprintf(why, why_size,
			 "the %s controller is not enabled in cgroup.subtree_control of cgroup '%s' nor of any cgroup above "
			 "it (cgroup v2 at %s); with systemd: systemd-run --scope -p Delegate=yes headroom repro ...",
			 controller, own, f.v2_point);
	return r;
}

int sandbox_cgroup_make(struct sandbox *sb, const struct cg_place *place, const char *controller, char *why,
			size_t why_size)
{
	struct sandbox_cgroup *c;
	const char *sep;

	if (sb->ncg >= SANDBOX_MAX_CGROUPS) {
		snprintf(why, why_size, "too many cgroups");
		return -ENOSPC;
	}
	c = &sb->cg[sb->ncg];
	sep = strcmp(place->parent_path, "/") == 0 ? "" : "/";
	if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/%s%d-%s", place->parent_dir, SANDBOX_PREFIX, (int)getpid(),
			     controller) >= sizeof(c->dir) ||
	    (size_t)snprintf(c->path, sizeof(c->path), "%s%s%s%d-%s", place->parent_path, sep, SANDBOX_PREFIX,
			     (int)getpid(), controller) >= sizeof(c->path)) {
		snprintf(why, why_size, "the cgroup path is too long");
		return -ENAMETOOLONG;
	}
	if (mkdir(c->dir, 0755) < 0) {
		int err = errno;

		snprintf(why, why_size, "cannot create cgroup '%s': %s", c->dir, strerror(err));
		return -err;
	}
	c->v2 = place->v2;
	c->controller = controller;
	return sb->ncg++;
}

static int cg_open(const struct sandbox *sb, int i, const char *file, int flags)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", sb->cg[i].dir, file);
	return open(path, flags | O_CLOEXEC);
}

int sandbox_cgroup_write(const struct sandbox *sb, int i, const char *file, const char *value)
{
	size_t len = strlen(value);
	int fd = cg_open(sb, i, file, O_WRONLY), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		r = -errno;
	close(fd);
	return r;
}

int sandbox_enter(const struct sandbox *sb)
{
	for (int i = 0; i < sb->ncg; i++) {
		/* "0" moves the writer (both versions) */
		int fd = cg_open(sb, i, "cgroup.procs", O_WRONLY), ok;

		if (fd < 0)
			return -errno;
		ok = write(fd, "0", 1) == 1;
		close(fd);
		if (!ok)
			return -EIO;
	}
	return 0;
}

/* Sends sig (0: none) to every process listed in cgroup i. Returns how many it listed. */
static unsigned signal_cgroup(const struct sandbox *sb, int i, int sig)
{
	char path[PATH_MAX + 64];
	const char *p, *end;
	unsigned n = 0;
	struct buf b;

	snprintf(path, sizeof(path), "%s/cgroup.procs", sb->cg[i].dir);
	buf_init(&b);
	if (read_file_at(NULL, AT_FDCWD, path, &b) >= 0) {
		for (p = b.data, end = b.data + b.len; p < end;) {
			uint64_t pid;
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if (parse_u64_str(p, len, &pid) == 0 && pid > 0 && pid <= INT32_MAX) {
				if (sig)
					kill((pid_t)pid, sig);
				n++;
			}
			p += len + 1;
		}
	}
	buf_free(&b);
	return n;
}

static unsigned kill_cgroup(const struct sandbox *sb, int i)
{
	return signal_cgroup(sb, i, SIGKILL);
}

static unsigned count_cgroup(const struct sandbox *sb, int i)
{
	return signal_cgroup(sb, i, 0);
}

/* Reaps every child that has exited. Returns whether children remain (still running). */
static bool reap_children(void)
{
	pid_t r;

	while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
		;
	return !(r < 0 && errno == ECHILD);
}

void sandbox_remove(struct sandbox *sb)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	unsigned seen = 0;

	/* what there is to remove, counted before anything is killed */
	for (int i = 0; i < sb->ncg; i++)
		seen += count_cgroup(sb, i);
	if (sb->workload > 0) {
		kill(-sb->workload, SIGKILL);
		kill(sb->workload, SIGKILL);
	}
	/* bounded: 5 s; tasks that set a new process group or uid are still in the cgroups */
	for (int t = 0; t < 250; t++) {
		unsigned left = 0;

		for (int i = 0; i < sb->ncg; i++)
			left += kill_cgroup(sb, i);
		reap_children();
		if (!left)
			break;
		nanosleep(&pause, NULL);
	}
	if (sb->workload > 0) {
		waitpid(sb->workload, NULL, 0);
		sb->workload = 0;
	}
	/*
	 * The workload's children were reparented to this process (a child subreaper, see cmd_repro):
	 * reap them all, or they stay zombies holding their pids (an init that does not reap is common
	 * in containers). Bounded: 5 s.
	 */
	for (int t = 0; t < 250 && reap_children(); t++)
		nanosleep(&pause, NULL);
	sb->removed_procs += seen;
	for (int i = sb->ncg - 1; i >= 0; i--) {
		int t;

		/* a cgroup is removable once its last task is released, a moment after it is reaped */
		for (t = 0; t < 250 && rmdir(sb->cg[i].dir) < 0 && errno == EBUSY; t++) {
			kill_cgroup(sb, i);
			reap_children();
			nanosleep(&pause, NULL);
		}
		if (access(sb->cg[i].dir, F_OK) == 0)
			snprintf(sb->leftover, sizeof(sb->leftover), "%s", sb->cg[i].dir);
		else
			sb->removed_cgroups++;
	}
	sb->ncg = 0;
}

int sandbox_remove_stale(const struct cg_place *place)
{
	DIR *d = opendir(place->parent_dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX + 300];
		long pid;
		char *end;

		if (strncmp(de->d_name, SANDBOX_PREFIX, strlen(SANDBOX_PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(SANDBOX_PREFIX), &end, 10);
		if (pid <= 0 || *end != '-' || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", place->parent_dir, de->d_name);
		if (rmdir(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}
