// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/root.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#else
struct open_how {
	uint64_t flags, mode, resolve;
};
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#endif
#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture that has it (5.6) */
#endif

/* Symbolic links followed in one resolution: the kernel's MAXSYMLINKS. */
#define ROOT_MAX_LINKS 40
/* Directories the fallback walk holds open at once (its depth below where it starts). */
#define ROOT_MAX_DEPTH 64
/* openat2 returns EAGAIN when a rename or mount raced with a ".." it resolved: try again, a few times. */
#define OPENAT2_TRIES 8

const char *root_strerror(int err)
{
	switch (err) {
	case HR_EOUTSIDE: return "leads outside the root (a symbolic link or '..'): refused";
	case HR_ENOTREG: return "not a regular file";
	default: return strerror(err);
	}
}

bool root_refused(int err)
{
	return err == -HR_EOUTSIDE || err == -HR_ENOTREG;
}

static int sys_openat2(int dirfd, const char *rel, int flags, uint64_t resolve)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(unsigned)flags;
	how.resolve = resolve;
	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

/* Whether openat2 can be used: ENOSYS before 5.6, ENOSYS or EPERM from a seccomp filter. */
static bool openat2_works(int dirfd)
{
	int fd = sys_openat2(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_IN_ROOT);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Whether the ".." components of rel itself climb above where it starts (symbolic links aside). */
static bool climbs_out(const char *rel)
{
	long depth = 0;

	for (const char *p = rel; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
	}
	return false;
}

/*
 * The fallback's walk. stack[0] is the directory it starts from (not owned), stack[1..depth] the
 * directories it went down into (owned): ".." goes back up the stack, never through the file system,
 * so that a directory moved away meanwhile cannot lead it out.
 */
struct walk {
	int stack[ROOT_MAX_DEPTH + 1];
	int depth;
};

static void walk_up_to(struct walk *w, int depth)
{
	while (w->depth > depth)
		close(w->stack[w->depth--]);
}

/*
 * Follows the symbolic link fd (an O_PATH descriptor of the component just looked at, closed here):
 * rest becomes the link's text followed by next, the part of the path after the link (it lies in
 * rest). An absolute link starts again at the root, and only inside it. Returns 0, or -errno.
 */
static int follow_link(int fd, const char *next, char *rest, size_t rest_size, struct walk *w, bool in_root, int *links)
{
	char link[PATH_MAX];
	size_t tail = strlen(next);
	ssize_t len = -1;

	errno = ELOOP;
	if (++*links <= ROOT_MAX_LINKS)
		len = readlinkat(fd, "", link, sizeof(link));
	close(fd);
	if (len <= 0 || (size_t)len >= sizeof(link))
		return len < 0 ? -errno : len == 0 ? -ENOENT : -ENAMETOOLONG;
	if (link[0] == '/') {
		if (!in_root)
			return -HR_EOUTSIDE;
		walk_up_to(w, 0);
	}
	if ((size_t)len + tail + 1 > rest_size)
		return -ENAMETOOLONG;
	memmove(rest + len, next, tail + 1);
	memcpy(rest, link, (size_t)len);
	return 0;
}

int root_resolve_fallback(int root_fd, int dirfd, const char *rel, int flags)
{
	bool in_root = dirfd == root_fd;
	char rest[PATH_MAX], name[NAME_MAX + 1];
	struct walk w = { .depth = 0 };
	int links = 0, r;
	char *p = rest;

	if (dirfd < 0 && dirfd != AT_FDCWD)
		return -EBADF;
	if (strlen(rel) >= sizeof(rest))
		return -ENAMETOOLONG;
	if (rel[0] == '/' && !in_root)
		return -HR_EOUTSIDE;
	strcpy(rest, rel);
	w.stack[0] = dirfd;
	for (;;) {
		int cur = w.stack[w.depth], fd;
		bool last, dir_slash;
		struct stat st;
		size_t n;
		char *next;

		while (*p == '/')
			p++;
		if (!*p) {
			/* "", "/", "a/..": the directory reached */
			fd = openat(cur, ".", flags | O_CLOEXEC);
			r = fd < 0 ? -errno : fd;
			break;
		}
		n = strcspn(p, "/");
		next = p + n;
		dir_slash = *next == '/';
		last = next[strspn(next, "/")] == '\0';
		if (n == 1 && p[0] == '.') {
			p = next;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (w.depth > 0)
				walk_up_to(&w, w.depth - 1);
			else if (!in_root) {
				r = -HR_EOUTSIDE;
				break;
			}
			/* ".." at the top of a root stays there, as in a chroot */
			p = next;
			continue;
		}
		if (n > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			r = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode) && !(last && !dir_slash && (flags & O_NOFOLLOW))) {
			r = follow_link(fd, next, rest, sizeof(rest), &w, in_root, &links);
			if (r < 0)
				break;
			p = rest;
			continue;
		}
		if (!last) {
			if (!S_ISDIR(st.st_mode) || w.depth == ROOT_MAX_DEPTH) {
				close(fd);
				r = S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
				break;
			}
			w.stack[++w.depth] = fd;
			p = next;
			continue;
		}
		close(fd);
		/* O_NOFOLLOW: had it become a link since it was looked at, the open fails (ELOOP) */
		fd = openat(cur, name, flags | (dir_slash ? O_DIRECTORY : 0) | O_NOFOLLOW | O_CLOEXEC);
		r = fd < 0 ? -errno : fd;
		break;
	}
	walk_up_to(&w, 0);
	return r;
}

int root_openat(const struct hr_root *r, int dirfd, const char *rel, int flags)
{
	int fd;

	if (dirfd < 0 && dirfd != AT_FDCWD)
		return -EBADF;
	flags |= O_CLOEXEC;
	if (!r || r->live) {
		fd = openat(dirfd, rel, flags);
		return fd < 0 ? -errno : fd;
	}
	if (climbs_out(rel))
		return -HR_EOUTSIDE;
	if (r->openat2) {
		uint64_t resolve = dirfd == r->fd ? RESOLVE_IN_ROOT : RESOLVE_BENEATH;

		for (int i = 0; i < OPENAT2_TRIES; i++) {
			fd = sys_openat2(dirfd, rel, flags, resolve);
			if (fd >= 0)
				return fd;
			if (errno != EAGAIN)
				break;
		}
		/* a seccomp filter added since root_open() may refuse it too: then the fallback */
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
	}
	return root_resolve_fallback(r->fd, dirfd, rel, flags);
}

int root_access(const struct hr_root *r, int dirfd, const char *rel)
{
	int fd;

	if (dirfd < 0 && dirfd != AT_FDCWD)
		return -EBADF;
	if (!r || r->live)
		return faccessat(dirfd, rel, F_OK, 0) < 0 ? -errno : 0;
	fd = root_openat(r, dirfd, rel, O_PATH);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int root_open(struct hr_root *r, const char *path)
{
	struct stat st_root, st_slash;
	int fd;

	memset(r, 0, sizeof(*r));
	r->fd = r->proc_fd = -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r->fd = fd;
	r->path = xstrdup(path);
	/* Live means the very directory "/" is, not merely one named "/". */
	r->live = fstat(fd, &st_root) == 0 && stat("/", &st_slash) == 0 &&
		  st_root.st_dev == st_slash.st_dev && st_root.st_ino == st_slash.st_ino;
	r->openat2 = !r->live && openat2_works(fd);
	r->proc_fd = root_openat(r, fd, "proc", O_RDONLY | O_DIRECTORY);
	if (r->proc_fd < 0) {
		r->proc_err = r->proc_fd;
		r->proc_fd = -1;
	}
	return 0;
}

void root_close(struct hr_root *r)
{
	if (r->proc_fd >= 0)
		close(r->proc_fd);
	if (r->fd >= 0)
		close(r->fd);
	xfree(r->path);
	memset(r, 0, sizeof(*r));
	r->fd = r->proc_fd = -1;
}

/*
 * Opens dirfd/rel for reading. O_NONBLOCK: a FIFO planted in a tree opens at once instead of waiting
 * for a writer (and a device that would wait for a carrier does not). Unless r is the live root, only a
 * regular file is read: a FIFO, a device such as /dev/zero or a socket is refused (-HR_ENOTREG); with no
 * root (r NULL), that keeps a FIFO given as the daemon's --config from stopping a reload. The live
 * root's /proc and /sys hold no such thing, and its scan saves the fstat.
 */
static int open_read(const struct hr_root *r, int dirfd, const char *rel)
{
	struct stat st;
	int fd = root_openat(r, dirfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);

	if (fd < 0 || (r && r->live))
		return fd;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -HR_ENOTREG;
	}
	return fd;
}

/* Reads fd to its end into b. one_record: a read shorter than asked is the end (see read_record_at). */
static ssize_t read_all(int fd, struct buf *b, bool one_record)
{
	ssize_t n;

	for (;;) {
		size_t room;

		if (b->cap - b->len < 4096)
			buf_grow(b, b->cap);
		room = b->cap - b->len - 1;
		n = read(fd, b->data + b->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b->len += (size_t)n;
		if (b->len > HR_READ_MAX)
			return -EFBIG;
		if (n == 0 || (one_record && (size_t)n < room))
			return (ssize_t)b->len;
	}
}

static ssize_t read_file(const struct hr_root *r, int dirfd, const char *rel, struct buf *b, bool one_record)
{
	int fd;
	ssize_t n;

	buf_reset(b);
	fd = open_read(r, dirfd, rel);
	if (fd < 0)
		return fd;
	n = read_all(fd, b, one_record);
	close(fd);
	if (n < 0)
		buf_reset(b);
	else
		b->data[b->len] = '\0';
	return n;
}

ssize_t read_file_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *b)
{
	return read_file(r, dirfd, rel, b, false);
}

ssize_t read_record_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *b)
{
	/* only the live kernel's files are known to be one record; a tree's may be anything */
	return read_file(r, dirfd, rel, b, r && r->live);
}

ssize_t readlink_at(const struct hr_root *r, int dirfd, const char *rel, char *out, size_t size)
{
	const char *slash = strrchr(rel, '/');
	int pfd = -1;
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	if (dirfd < 0 && dirfd != AT_FDCWD)
		return -EBADF;
	if (r && !r->live && slash) {
		/* the link itself is not followed: only the directories on the way need confining */
		char dir[PATH_MAX];
		size_t len = (size_t)(slash - rel);

		if (len >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, rel, len);
		dir[len] = '\0';
		pfd = root_openat(r, dirfd, len ? dir : "/", O_PATH | O_DIRECTORY);
		if (pfd < 0)
			return pfd;
		dirfd = pfd;
		rel = slash + 1;
	}
	n = readlinkat(dirfd, rel, out, size - 1);
	if (n < 0)
		n = -errno;
	else
		out[n] = '\0';
	if (pfd >= 0)
		close(pfd);
	return n;
}

long long count_lines_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *scratch, size_t chunk,
			 char *tail, size_t tail_size)
{
	long long lines = 0;
	size_t tail_len = 0;
	uint64_t total = 0;
	int fd;
	ssize_t n;

	if (tail_size)
		tail[0] = '\0';
	fd = open_read(r, dirfd, rel);
	if (fd < 0)
		return fd;
	/* One large read lets the kernel's seq_file fill many records per system call. */
	if (chunk < 4096)
		chunk = 4096;
	buf_reset(scratch);
	buf_grow(scratch, chunk);
	for (;;) {
		const char *p, *end;

		n = read(fd, scratch->data, chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			lines = -errno;
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > HR_COUNT_MAX) {
			lines = -EFBIG;
			break;
		}
		for (p = scratch->data, end = p + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
			lines++;
		if (tail_size > 1) {
			/* keep the last tail_size - 1 bytes of everything read so far */
			size_t keep = tail_size - 1, add = (size_t)n < keep ? (size_t)n : keep;

			if (tail_len + add > keep) {
				size_t drop = tail_len + add - keep;

				memmove(tail, tail + drop, tail_len - drop);
				tail_len -= drop;
			}
			memcpy(tail + tail_len, scratch->data + n - add, add);
			tail_len += add;
			tail[tail_len] = '\0';
		}
	}
	close(fd);
	scratch->len = 0;
	scratch->data[0] = '\0';
	return lines;
}

const char *root_display_path(const struct hr_root *r, const char *rel, char *out, size_t size)
{
	const char *base = r->path ? r->path : "/";
	size_t blen = strlen(base);

	while (blen > 1 && base[blen - 1] == '/')
		blen--;
	if (blen == 1 && base[0] == '/')
		snprintf(out, size, "/%s", rel);
	else
		snprintf(out, size, "%.*s/%s", (int)blen, base, rel);
	return out;
}
