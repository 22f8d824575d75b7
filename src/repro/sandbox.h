/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_REPRO_SANDBOX_H
#define HEADROOM_REPRO_SANDBOX_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/root.h"

/*
 * The sandbox of a reproduction: temporary cgroups with unique names, and the process group of the
 * workload. Everything created here is recorded, so that sandbox_remove() takes it all away, on any
 * exit path (the command layer calls it on SIGINT and SIGTERM too).
 */

#define SANDBOX_PREFIX "headroom-repro-"
#define SANDBOX_MAX_CGROUPS 2

/* Where a sandbox cgroup of one controller is made. */
struct cg_place {
	bool v2;
	char parent_dir[PATH_MAX];  /* the cgroup it is made in, as a directory: "/sys/fs/cgroup/pids" */
	char parent_path[PATH_MAX]; /* that cgroup's path in its hierarchy: "/" */
	bool own;                   /* the parent is the cgroup headroom runs in (else its nearest capable ancestor) */
};

struct sandbox_cgroup {
	char dir[PATH_MAX];  /* "/sys/fs/cgroup/pids/headroom-repro-123-pids" */
	char path[PATH_MAX]; /* its path in the hierarchy, as a report scope names it: "/headroom-repro-123-pids" */
	bool v2;
	const char *controller;
};

struct sandbox {
	struct sandbox_cgroup cg[SANDBOX_MAX_CGROUPS];
	int ncg;
	pid_t workload;           /* leader of the workload's process group; 0 none */
	unsigned removed_procs;   /* processes killed by sandbox_remove */
	unsigned removed_cgroups;
	char leftover[PATH_MAX];  /* a cgroup that could not be removed */
};

/*
 * Finds where a cgroup with controller ("pids" or "memory") can be made under root: in the v1
 * hierarchy of the controller, the cgroup headroom runs in; in v2, the cgroup headroom runs in when the
 * controller is enabled in its cgroup.subtree_control, else its nearest ancestor where it is.
 * Returns 0, or -ENOENT with why filled (no such controller, or not delegated anywhere above).
 */
int sandbox_cgroup_place(const struct hr_root *root, const char *controller, struct cg_place *ret, char *why,
			 size_t why_size);

/*
 * Makes the cgroup <place>/headroom-repro-<pid>-<controller>. Returns its index in sb->cg, or -errno
 * with why filled.
 */
int sandbox_cgroup_make(struct sandbox *sb, const struct cg_place *place, const char *controller, char *why,
			size_t why_size);

/* Writes value to the file of sandbox cgroup i. Returns 0 or -errno. */
int sandbox_cgroup_write(const struct sandbox *sb, int i, const char *file, const char *value);

/* Moves the calling process into every sandbox cgroup. Async-signal-safe (for a child after fork). */
int sandbox_enter(const struct sandbox *sb);

/*
 * Kills every process of the sandbox (the workload's process group and every task in its cgroups),
 * waits until they are gone (bounded: 5 s), and removes the cgroups. Safe to call twice.
 */
void sandbox_remove(struct sandbox *sb);

/*
 * Removes sandbox cgroups that an earlier run left behind when it was killed outright (SIGKILL gives
 * no chance to clean up): empty ones named for a pid that no longer runs. Returns how many.
 */
int sandbox_remove_stale(const struct cg_place *place);

#endif
