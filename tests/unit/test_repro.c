// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * repro's decisions without a kernel: where a sandbox cgroup goes (cgroup v1, v2 delegated or not,
 * inside a cgroup namespace) and which errno each mode must get by kernel (the /dev/kmsg records it
 * reads are tested in test_kmsg.c). The cgroup trees are built in a temporary directory used as the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "parse/kversion.h"
#include "repro/repro.h"
#include "repro/sandbox.h"
#include "unit.h"

static char tree[256];

/* Writes text to tree/rel, making the directories on the way. */
static void put(const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	for (char *s = path + strlen(tree) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void new_tree(void)
{
	char cmd[300];

	if (tree[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
		if (system(cmd) != 0)
			exit(1);
	}
	snprintf(tree, sizeof(tree), "/tmp/headroom-test-repro-XXXXXX");
	if (!mkdtemp(tree)) {
		perror("mkdtemp");
		exit(1);
	}
}

static int place(const char *controller, struct cg_place *ret, char *why, size_t size)
{
	struct hr_root root;
	int r;

	if (root_open(&root, tree) < 0)
		return -EIO;
	r = sandbox_cgroup_place(&root, controller, ret, why, size);
	root_close(&root);
	return r;
}

#define MOUNT_V1_PIDS "30 25 0:26 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids\n"
#define MOUNT_V2 "25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"

static void place_v1_is_own_cgroup(void)
{
	struct cg_place p;
	char why[300] = "";

	new_tree();
	put("proc/self/mountinfo", MOUNT_V1_PIDS);
	put("proc/self/cgroup", "8:pids:/system.slice/app.service\n0::/\n");
	CHECK(place("pids", &p, why, sizeof(why)) == 0);
	CHECK_STR(p.parent_dir, "/sys/fs/cgroup/pids/system.slice/app.service");
	CHECK_STR(p.parent_path, "/system.slice/app.service");
	CHECK(!p.v2 && p.own);
	/* a memory hierarchy is not there, and cgroup2 is not mounted either */
	CHECK(place("memory", &p, why, sizeof(why)) == -ENOENT);
	CHECK(strstr(why, "no memory cgroup controller is mounted") != NULL);
}

static void place_v2_delegated_or_ancestor(void)
{
	struct cg_place p;
	char why[400] = "";

	new_tree();
	put("proc/self/mountinfo", MOUNT_V2);
	put("proc/self/cgroup", "0::/user.slice/user-1000.slice/session-3.scope\n");
	put("sys/fs/cgroup/cgroup.subtree_control", "cpu memory pids\n");
	put("sys/fs/cgroup/user.slice/cgroup.subtree_control", "memory pids\n");
	put("sys/fs/cgroup/user.slice/user-1000.slice/cgroup.subtree_control", "memory\n");
	put("sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/cgroup.subtree_control", "");
	/* not delegated to the session: the nearest ancestor that enables the controller */
	CHECK(place("pids", &p, why, sizeof(why)) == 0);
	CHECK(p.v2 && !p.own);
	CHECK_STR(p.parent_dir, "/sys/fs/cgroup/user.slice");
	CHECK_STR(p.parent_path, "/user.slice");
	CHECK(place("memory", &p, why, sizeof(why)) == 0);
	CHECK_STR(p.parent_dir, "/sys/fs/cgroup/user.slice/user-1000.slice");
	CHECK_STR(p.parent_path, "/user.slice/user-1000.slice");
	/* delegated to the cgroup headroom runs in (systemd Delegate=yes): that one */
	put("sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/cgroup.subtree_control", "pids\n");
	CHECK(place("pids", &p, why, sizeof(why)) == 0);
	CHECK(p.own);
	CHECK_STR(p.parent_path, "/user.slice/user-1000.slice/session-3.scope");
	/* enabled nowhere up to the root: refused, and the message says how to delegate */
	put("sys/fs/cgroup/cgroup.subtree_control", "cpu\n");
	put("sys/fs/cgroup/user.slice/cgroup.subtree_control", "");
	put("sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/cgroup.subtree_control", "");
	CHECK(place("pids", &p, why, sizeof(why)) == -ENOENT);
	CHECK(strstr(why, "pids controller is not enabled") && strstr(why, "Delegate=yes"));
	/* "pids" must be a whole word of the list */
	put("sys/fs/cgroup/cgroup.subtree_control", "pidsx\n");
	CHECK(place("pids", &p, why, sizeof(why)) == -ENOENT);
}

static void place_in_cgroup_namespace(void)
{
	struct cg_place p;
	char why[300] = "";

	/* inside a container: the mount's root is the container's cgroup, and /proc/self/cgroup says "/" */
	new_tree();
	put("proc/self/mountinfo", "25 1 0:22 /kubepods/pod1/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	put("proc/self/cgroup", "0::/kubepods/pod1/c1/app\n");
	put("sys/fs/cgroup/app/cgroup.subtree_control", "pids\n");
	CHECK(place("pids", &p, why, sizeof(why)) == 0);
	CHECK_STR(p.parent_dir, "/sys/fs/cgroup/app");
	/* a path outside the mount cannot be placed */
	put("proc/self/cgroup", "0::/other\n");
	CHECK(place("pids", &p, why, sizeof(why)) == -ENOENT);
}

static void expected_errnos(void)
{
	struct kversion k618, k310el7, k40;

	CHECK(kversion_parse(S("6.18.44\n"), &k618) == 0);
	CHECK(kversion_parse(S("3.10.0-1160.el7.x86_64\n"), &k310el7) == 0);
	CHECK(kversion_parse(S("4.0.9\n"), &k40) == 0);
	CHECK(repro_expected_errno(REPRO_PID_MAX, &k618, 0) == EAGAIN);
	CHECK(repro_expected_errno(REPRO_PID_MAX, &k310el7, 0) == ENOMEM);
	CHECK(repro_expected_errno(REPRO_PID_MAX, &k40, 0) == ENOMEM);
	CHECK(repro_expected_errno(REPRO_DEAD_PIDNS_INIT, &k618, 0) == ENOMEM);
	CHECK(repro_expected_errno(REPRO_THREADS, &k310el7, 0) == EAGAIN);
	CHECK(repro_expected_errno(REPRO_NPROC, &k618, 0) == EAGAIN);
	CHECK(repro_expected_errno(REPRO_RLIMIT_DATA, &k618, 0) == ENOMEM);
	CHECK(repro_expected_errno(REPRO_OOM_CGROUP, &k618, 0) == 0);
	CHECK(repro_expected_errno(REPRO_COMMIT, &k618, 1) == 0);
	CHECK(repro_expected_errno(REPRO_COMMIT, &k618, 2) == ENOMEM);
	CHECK(repro_mode_find("oom-cgroup") == &repro_modes[REPRO_OOM_CGROUP]);
	CHECK(repro_mode_find("oom") == NULL);
}

static void messages(void)
{
	char libc[200], shell[200];

	repro_messages(&repro_modes[REPRO_PIDS_CGROUP], EAGAIN, libc, sizeof(libc), shell, sizeof(shell));
	CHECK_STR(libc, "fork: Resource temporarily unavailable");
	CHECK_STR(shell, "bash: fork: retry: Resource temporarily unavailable");
	repro_messages(&repro_modes[REPRO_DEAD_PIDNS_INIT], ENOMEM, libc, sizeof(libc), shell, sizeof(shell));
	CHECK_STR(shell, "bash: fork: Cannot allocate memory");
	repro_messages(&repro_modes[REPRO_RLIMIT_AS], ENOMEM, libc, sizeof(libc), shell, sizeof(shell));
	CHECK_STR(libc, "malloc: Cannot allocate memory");
	CHECK_STR(shell, "");
}

int main(void)
{
	RUN(place_v1_is_own_cgroup);
	RUN(place_v2_delegated_or_ancestor);
	RUN(place_in_cgroup_namespace);
	RUN(expected_errnos);
	RUN(messages);
	if (tree[0]) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
		if (system(cmd) != 0)
			return 1;
	}
	return unit_failures ? 1 : 0;
}
