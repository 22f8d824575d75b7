// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A dirfd that holds an error (a directory that could not be opened) and is not AT_FDCWD. */
static int bad_dirfd(int dirfd)
{
	return dirfd == -EBADF ? -ENOENT : dirfd;
}

int root_openat(const struct hr_root *r, int dirfd, const char *rel, int flags)
{
	int fd;

	if (dirfd < 0 && dirfd != AT_FDCWD)
		return bad_dirfd(dirfd);
	fd = openat(dirfd, rel, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int root_access(const struct hr_root *r, int dirfd, const char *rel)
{
	if (dirfd < 0 && dirfd != AT_FDCWD)
		return bad_dirfd(dirfd);
	return faccessat(dirfd, rel, F_OK, 0) < 0 ? -errno : 0;
}

int root_open(struct hr_root *r, const char *path)
{
	struct stat st_root, st_slash;
	int fd;

	memset(r, 0, sizeof(*r));
	r->fd = r->proc_fd = -EBADF;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r->fd = fd;
	r->path = xstrdup(path);
	/* Live means the very directory "/" is, not merely one named "/". */
	r->live = fstat(fd, &st_root) == 0 && stat("/", &st_slash) == 0 &&
		  st_root.st_dev == st_slash.st_dev && st_root.st_ino == st_slash.st_ino;
	r->proc_fd = root_openat(r, fd, "proc", O_RDONLY | O_DIRECTORY);
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
	r->fd = r->proc_fd = -EBADF;
}

ssize_t read_file_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *b)
{
	int fd;
	ssize_t n;

	buf_reset(b);
	fd = root_openat(r, dirfd, rel, O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return fd;
	for (;;) {
		if (b->cap - b->len < 4096)
			buf_grow(b, b->cap);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			break;
		}
		if (n == 0) {
			n = (ssize_t)b->len;
			break;
		}
		b->len += (size_t)n;
		if (b->len > HR_READ_MAX) {
			n = -EFBIG;
			break;
		}
	}
	close(fd);
	if (n < 0)
		buf_reset(b);
	else
		b->data[b->len] = '\0';
	return n;
}

ssize_t readlink_at(const struct hr_root *r, int dirfd, const char *rel, char *out, size_t size)
{
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	if (dirfd < 0 && dirfd != AT_FDCWD)
		return bad_dirfd(dirfd);
	n = readlinkat(dirfd, rel, out, size - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return n;
}

long long count_lines_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *scratch, size_t chunk,
			 char *tail, size_t tail_size)
{
	long long lines = 0;
	size_t tail_len = 0;
	int fd;
	ssize_t n;

	if (tail_size)
		tail[0] = '\0';
	fd = root_openat(r, dirfd, rel, O_RDONLY | O_NOCTTY);
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
