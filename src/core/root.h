/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_ROOT_H
#define HEADROOM_CORE_ROOT_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/buf.h"

/*
 * The tree headroom reads from: "/" on a live system, or a fixture tree given with --root.
 * Every reader goes through these directory fds with openat(), never through a hard-coded "/proc".
 */
struct hr_root {
	int fd;        /* the root itself */
	int proc_fd;   /* <root>/proc, or -errno when it cannot be opened */
	bool live;     /* the root is this system's "/": kernel probes (forks into namespaces) are allowed */
	char *path;    /* as given, for messages */
};

/* Opens the root at path. Returns 0 or -errno (the root itself cannot be opened). */
int root_open(struct hr_root *r, const char *path);
void root_close(struct hr_root *r);

/*
 * Opens dirfd/rel with open(2) flags (O_CLOEXEC is added) for a reader of the root r: the directories
 * below the root, the files the other functions here read. r may be NULL for a path outside any root
 * (dirfd AT_FDCWD). Returns the fd or -errno; a dirfd < 0 is returned as the error it holds (-EBADF as
 * -ENOENT), except AT_FDCWD.
 */
int root_openat(const struct hr_root *r, int dirfd, const char *rel, int flags);

/* Whether dirfd/rel exists, as faccessat(F_OK) would say for a reader of r. Returns 0 or -errno. */
int root_access(const struct hr_root *r, int dirfd, const char *rel);

/* Upper bound for read_file_at(): no kernel text file headroom parses is larger. */
#define HR_READ_MAX (16u << 20)

/*
 * Reads the whole file at dirfd/rel, opened with root_openat(), into b (replacing its contents).
 * Returns the length read, or -errno. A file larger than HR_READ_MAX returns -EFBIG.
 */
ssize_t read_file_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *b);

/* Reads the symbolic link dirfd/rel into out (NUL-terminated). Returns its length or -errno. */
ssize_t readlink_at(const struct hr_root *r, int dirfd, const char *rel, char *out, size_t size);

/*
 * Counts the newline characters of dirfd/rel, reading chunk bytes at a time into scratch, and leaves
 * the file's last bytes (up to tail_size - 1, NUL-terminated) in tail. For /proc/PID/maps, whose text
 * can be megabytes long. Returns the count or -errno.
 */
long long count_lines_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *scratch, size_t chunk,
			 char *tail, size_t tail_size);

/* Builds "<root>/<rel>" for messages, into out. */
const char *root_display_path(const struct hr_root *r, const char *rel, char *out, size_t size);

#endif
