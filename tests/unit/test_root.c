// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading under a root that is not live: every path stays below it, with openat2 and with the
 * fallback resolver (forced by clearing root.openat2, so that it runs on a kernel that has openat2).
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/root.h"
#include "unit.h"

static char top[64];
static char root_dir[sizeof(top) + 8];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	CHECK(mkdir(path, 0755) == 0);
}

static void link_to(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	CHECK(symlink(target, path) == 0);
}

/*
 * top/outside/secret      what no read may return
 * top/root                the root:
 *   top                   "inside-top"
 *   etc/passwd, etc/abs -> /etc/passwd (absolute: inside the root with RESOLVE_IN_ROOT)
 *   etc/up -> ../../top   (".." above the root stays at its top, as in a chroot)
 *   etc/out -> <top>/outside/secret, etc/loop -> loop
 *   proc/self -> 42, proc/42/status, proc/42/ns/pid -> pid:[4026531836]
 *   proc/sys/kernel/osrelease -> <top>/outside/secret, proc/evil -> /
 *   sys/fs/cgroup/a/pids.max, a/esc -> ../../../../../outside, a/sib -> ../b/pids.max, b/pids.max
 */
static void make_tree(void)
{
	char abs[512];

	snprintf(top, sizeof(top), "/tmp/headroom-test-root.XXXXXX");
	CHECK(mkdtemp(top) != NULL);
	snprintf(root_dir, sizeof(root_dir), "%s/root", top);
	dir("outside");
	put("outside/secret", "SECRET\n");
	dir("root");
	put("root/top", "inside-top\n");
	dir("root/etc");
	put("root/etc/passwd", "root:x:0:0::/:/bin/sh\n");
	link_to("root/etc/abs", "/etc/passwd");
	link_to("root/etc/up", "../../top");
	snprintf(abs, sizeof(abs), "%s/outside/secret", top);
	link_to("root/etc/out", abs);
	link_to("root/etc/loop", "loop");
	dir("root/proc");
	link_to("root/proc/self", "42");
	dir("root/proc/42");
	put("root/proc/42/status", "Name:\tx\n");
	dir("root/proc/42/ns");
	link_to("root/proc/42/ns/pid", "pid:[4026531836]");
	dir("root/proc/sys");
	dir("root/proc/sys/kernel");
	link_to("root/proc/sys/kernel/osrelease", abs);
	link_to("root/proc/evil", "/");
	dir("root/sys");
	dir("root/sys/fs");
	dir("root/sys/fs/cgroup");
	dir("root/sys/fs/cgroup/a");
	put("root/sys/fs/cgroup/a/pids.max", "12\n");
	link_to("root/sys/fs/cgroup/a/esc", "../../../../../outside");
	link_to("root/sys/fs/cgroup/a/sib", "../b/pids.max");
	dir("root/sys/fs/cgroup/b");
	put("root/sys/fs/cgroup/b/pids.max", "7\n");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(void)
{
	nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads dirfd/rel under r: its text, or "-ERRNO" spelled as a number. */
static const char *read_as(const struct hr_root *r, int dirfd, const char *rel, char *out, size_t size)
{
	struct buf b;
	ssize_t n;

	buf_init(&b);
	n = read_file_at(r, dirfd, rel, &b);
	if (n < 0)
		snprintf(out, size, "%zd", n);
	else
		snprintf(out, size, "%s", b.data);
	buf_free(&b);
	return out;
}

static void expect_err(const struct hr_root *r, int dirfd, const char *rel, int err)
{
	char got[64], want[16];

	snprintf(want, sizeof(want), "%d", err);
	CHECK_STR(read_as(r, dirfd, rel, got, sizeof(got)), want);
}

/* The checks both resolvers must pass alike. */
static void confined_reads(const struct hr_root *r)
{
	char got[256], link[64];
	int a;

	/* relative links inside the root are followed */
	CHECK_STR(read_as(r, r->proc_fd, "self/status", got, sizeof(got)), "Name:\tx\n");
	CHECK_STR(read_as(r, r->fd, "proc/self/status", got, sizeof(got)), "Name:\tx\n");
	CHECK(readlink_at(r, r->proc_fd, "self/ns/pid", link, sizeof(link)) == 16);
	CHECK_STR(link, "pid:[4026531836]");

	/* from the root's fd, an absolute link resolves inside it (RESOLVE_IN_ROOT) */
	CHECK_STR(read_as(r, r->fd, "etc/abs", got, sizeof(got)), "root:x:0:0::/:/bin/sh\n");
	CHECK_STR(read_as(r, r->fd, "proc/evil/etc/abs", got, sizeof(got)), "root:x:0:0::/:/bin/sh\n");
	expect_err(r, r->fd, "etc/out", -ENOENT); /* <top>/outside/secret inside the root: absent */
	expect_err(r, r->fd, "proc/sys/kernel/osrelease", -ENOENT);
	/* a link's ".." above the root stays at its top */
	CHECK_STR(read_as(r, r->fd, "etc/up", got, sizeof(got)), "inside-top\n");
	/* a path's own ".." above where it starts is refused */
	expect_err(r, r->fd, "../outside/secret", -HR_EOUTSIDE);
	CHECK(root_openat(r, r->fd, "sys/fs/cgroup/../../../../outside", O_RDONLY | O_DIRECTORY) == -HR_EOUTSIDE);
	expect_err(r, r->fd, "etc/loop", -ELOOP);

	/* below the root's fd, absolute links and ".." above the directory are refused (RESOLVE_BENEATH) */
	expect_err(r, r->proc_fd, "sys/kernel/osrelease", -HR_EOUTSIDE);
	CHECK(root_access(r, r->proc_fd, "sys/kernel/osrelease") == -HR_EOUTSIDE);
	CHECK(root_access(r, r->proc_fd, "self/status") == 0);
	CHECK(readlink_at(r, r->proc_fd, "evil/etc/abs", link, sizeof(link)) == -HR_EOUTSIDE);
	a = root_openat(r, r->fd, "sys/fs/cgroup/a", O_RDONLY | O_DIRECTORY);
	CHECK(a >= 0);
	CHECK_STR(read_as(r, a, "pids.max", got, sizeof(got)), "12\n");
	expect_err(r, a, "esc/secret", -HR_EOUTSIDE);
	expect_err(r, a, "sib", -HR_EOUTSIDE);
	expect_err(r, a, "/etc/passwd", -HR_EOUTSIDE);
	if (a >= 0)
		close(a);
}

static void reads_stay_below_the_root(void)
{
	struct hr_root r;

	make_tree();
	CHECK(root_open(&r, root_dir) == 0);
	CHECK(!r.live);
	CHECK(r.proc_fd >= 0);
	if (r.openat2)
		confined_reads(&r);
	else
		printf("skip - reads_stay_below_the_root with openat2: this kernel or a seccomp filter refuses it\n");
	r.openat2 = false;
	confined_reads(&r);
	root_close(&r);
	remove_tree();
}

static void the_fallback_walks_like_the_kernel(void)
{
	char got[64];
	struct hr_root r;
	int fd, cg;

	make_tree();
	CHECK(root_open(&r, root_dir) == 0);
	/* called directly: ".." above the root stays at its top, above another directory it is refused */
	fd = root_resolve_fallback(r.fd, r.fd, "../../top", O_RDONLY);
	CHECK(fd >= 0);
	if (fd >= 0) {
		ssize_t n = read(fd, got, sizeof(got) - 1);

		CHECK(n == 11);
		close(fd);
	}
	cg = root_resolve_fallback(r.fd, r.fd, "/sys/fs/cgroup", O_RDONLY | O_DIRECTORY);
	CHECK(cg >= 0);
	CHECK(root_resolve_fallback(r.fd, cg, "a/../..", O_RDONLY | O_DIRECTORY) == -HR_EOUTSIDE);
	fd = root_resolve_fallback(r.fd, cg, "a/../b/./pids.max", O_RDONLY);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(root_resolve_fallback(r.fd, cg, "/sys", O_RDONLY) == -HR_EOUTSIDE);
	/* O_NOFOLLOW on the last component: the link itself */
	CHECK(root_resolve_fallback(r.fd, r.fd, "etc/abs", O_RDONLY | O_NOFOLLOW) == -ELOOP);
	fd = root_resolve_fallback(r.fd, r.fd, "etc/abs", O_PATH | O_NOFOLLOW);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	/* a file in the middle of a path */
	CHECK(root_resolve_fallback(r.fd, r.fd, "top/x", O_RDONLY) == -ENOTDIR);
	if (cg >= 0)
		close(cg);
	root_close(&r);
	remove_tree();
}

/*
 * A FIFO opened to read waits for a writer, a device such as /dev/zero never ends: neither may hold a
 * reader up. (alarm() in main ends the test should one block.)
 */
static void only_regular_files_are_read(void)
{
	char path[512], got[64], tail[16];
	struct hr_root r, live;
	bool have_dev;
	struct buf b;
	int pfd;

	make_tree();
	snprintf(path, sizeof(path), "%s/proc/meminfo", root_dir);
	CHECK(mkfifo(path, 0600) == 0);
	snprintf(path, sizeof(path), "%s/proc/42/maps", root_dir);
	have_dev = mknod(path, S_IFCHR | 0600, makedev(1, 5)) == 0; /* /dev/zero */
	if (!have_dev)
		printf("skip - a device in place of proc/PID/maps: mknod needs CAP_MKNOD\n");
	CHECK(root_open(&r, root_dir) == 0);
	buf_init(&b);
	for (int fallback = 0; fallback < 2; fallback++) {
		r.openat2 = r.openat2 && !fallback;
		expect_err(&r, r.proc_fd, "meminfo", -HR_ENOTREG);
		expect_err(&r, r.fd, "proc", -HR_ENOTREG); /* a directory */
		CHECK(root_access(&r, r.proc_fd, "meminfo") == 0);
		pfd = root_openat(&r, r.proc_fd, "self", O_RDONLY | O_DIRECTORY);
		CHECK(pfd >= 0);
		if (have_dev)
			CHECK(count_lines_at(&r, pfd, "maps", &b, 4096, tail, sizeof(tail)) == -HR_ENOTREG);
		CHECK(count_lines_at(&r, pfd, "status", &b, 4096, tail, sizeof(tail)) == 1);
		if (pfd >= 0)
			close(pfd);
	}
	/* outside any root too */
	snprintf(path, sizeof(path), "%s/proc/meminfo", root_dir);
	expect_err(NULL, AT_FDCWD, path, -HR_ENOTREG);

	/* the live root saves the fstat: O_NONBLOCK alone keeps a FIFO from blocking, the bound ends a device */
	live = r;
	live.live = true;
	CHECK_STR(read_as(&live, r.proc_fd, "meminfo", got, sizeof(got)), "");
	if (have_dev) {
		pfd = root_openat(&live, r.proc_fd, "42", O_RDONLY | O_DIRECTORY);
		CHECK(count_lines_at(&live, pfd, "maps", &b, 1 << 20, tail, sizeof(tail)) == -EFBIG);
		if (pfd >= 0)
			close(pfd);
	}
	buf_free(&b);
	root_close(&r);
	remove_tree();
}

static void refusals_have_their_own_words(void)
{
	CHECK_STR(root_strerror(HR_EOUTSIDE), "leads outside the root (a symbolic link or '..'): refused");
	CHECK_STR(root_strerror(HR_ENOTREG), "not a regular file");
	CHECK_STR(root_strerror(ENOENT), "No such file or directory");
	CHECK(root_refused(-HR_EOUTSIDE) && root_refused(-HR_ENOTREG) && !root_refused(-ENOENT));
}

/* A root without proc: proc_fd is -1 and proc_err says why; a bad dirfd is EBADF, never an errno it might hold. */
static void a_root_without_proc(void)
{
	struct hr_root r;
	struct buf b;

	make_tree();
	CHECK(root_open(&r, top) == 0);
	CHECK(r.proc_fd == -1 && r.proc_err == -ENOENT);
	buf_init(&b);
	CHECK(read_file_at(&r, r.proc_fd, "meminfo", &b) == -EBADF);
	/* -100 is AT_FDCWD and -ENETDOWN alike: only AT_FDCWD is taken as a directory */
	CHECK(root_openat(&r, -ENOENT, "x", O_RDONLY) == -EBADF);
	buf_free(&b);
	root_close(&r);
	CHECK(r.fd == -1 && r.proc_fd == -1);
	remove_tree();
}

int main(void)
{
	alarm(60);
	RUN(reads_stay_below_the_root);
	RUN(the_fallback_walks_like_the_kernel);
	RUN(only_regular_files_are_read);
	RUN(refusals_have_their_own_words);
	RUN(a_root_without_proc);
	return unit_failures ? 1 : 0;
}
