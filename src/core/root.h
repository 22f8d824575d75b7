/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_ROOT_H
#define HEADROOM_CORE_ROOT_H

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include "core/buf.h"

/*
 * The tree headroom reads from: "/" on a live system, or a fixture tree or mounted image given with --root.
 * Every reader goes through these directory fds with root_openat(), never through a hard-coded "/proc".
 *
 * A root that is not live is confined: every path resolves below it, whatever its symbolic links and
 * ".." say. Opened from the root's own fd, a path resolves as if the root were "/" (an absolute link
 * leads to the same path inside the root, ".." at the top stays there: RESOLVE_IN_ROOT); from a
 * directory below it, the path must stay below that directory (RESOLVE_BENEATH: absolute links and ".."
 * above it are refused). A path whose own ".." components climb above where it starts is refused in
 * both cases. The live root resolves as the system does: nothing lies outside "/", and its hot path
 * (tens of thousands of /proc files) keeps plain openat().
 */
struct hr_root {
	int fd;        /* the root itself; -1 once closed */
	int proc_fd;   /* <root>/proc, or -1 when it cannot be opened (proc_err says why) */
	int proc_err;  /* 0, or the -errno of opening <root>/proc */
	bool live;     /* the root is this system's "/": kernel probes (forks into namespaces) are allowed */
	bool openat2;  /* not live: confined opens use openat2(2) (5.6+); false: root_resolve_fallback() */
	char *path;    /* as given, for messages */
};

/* Opens the root at path. Returns 0 or -errno (the root itself cannot be opened). */
int root_open(struct hr_root *r, const char *path);
void root_close(struct hr_root *r);

/*
 * The errnos of a refusal: a path that leads outside a confined root (what openat2 returns), and a file
 * that is not a regular file (no errno says that; EMEDIUMTYPE arises from no other file read here).
 * root_strerror() words them.
 */
#define HR_EOUTSIDE EXDEV
#define HR_ENOTREG EMEDIUMTYPE

/* strerror(err), except for the refusals above. err is a positive errno. */
const char *root_strerror(int err);

/* Whether -errno err is one of the refusals above (not an ordinary failure to read). */
bool root_refused(int err);

/*
 * Opens dirfd/rel with open(2) flags (O_CLOEXEC is added) for a reader of the root r: the directories
 * below the root, the files the other functions here read. Confined as described above when r is not
 * live; r may be NULL for a path outside any root (dirfd AT_FDCWD). Returns the fd or -errno
 * (-HR_EOUTSIDE: refused; -EBADF for a negative dirfd other than AT_FDCWD).
 */
int root_openat(const struct hr_root *r, int dirfd, const char *rel, int flags);

/*
 * The confined resolution without openat2, for kernels before 5.6 and seccomp filters that refuse it:
 * walks rel a component at a time with O_PATH|O_NOFOLLOW, following at most 40 symbolic links, as
 * root_openat() describes (RESOLVE_IN_ROOT when dirfd is root_fd, RESOLVE_BENEATH otherwise), then
 * opens the last component with flags and O_NOFOLLOW. Returns the fd or -errno. Exposed for the tests.
 */
int root_resolve_fallback(int root_fd, int dirfd, const char *rel, int flags);

/* Whether dirfd/rel exists, as faccessat(F_OK) would say for a reader of r. Returns 0 or -errno. */
int root_access(const struct hr_root *r, int dirfd, const char *rel);

/* Upper bound for read_file_at(): no kernel text file headroom parses is larger. */
#define HR_READ_MAX (16u << 20)

/*
 * Reads the whole file at dirfd/rel, opened with root_openat() and O_NONBLOCK, into b (replacing its
 * contents). Returns the length read, or -errno. A file larger than HR_READ_MAX returns -EFBIG; unless r
 * is the live root, anything but a regular file returns -HR_ENOTREG (a FIFO or a device is never read).
 */
ssize_t read_file_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *b);

/*
 * read_file_at() for a file the kernel writes as one seq_file record, such as /proc/PID/status, limits,
 * cgroup, oom_score (single_open(), or simple_read_from_buffer()): a read that returns less than it
 * asked for has reached the end, which saves the read that would return 0. Only on the live root.
 */
ssize_t read_record_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *b);

/*
 * Reads the symbolic link dirfd/rel into out (NUL-terminated); the directories leading to it are
 * confined as by root_openat(). Returns its length or -errno.
 */
ssize_t readlink_at(const struct hr_root *r, int dirfd, const char *rel, char *out, size_t size);

/*
 * Upper bound for count_lines_at(): a maps file of 65,530 mappings (the default vm.max_map_count) is
 * about 7 MiB, and one of millions still far less than this.
 */
#define HR_COUNT_MAX (1ull << 30)

/*
 * Counts the newline characters of dirfd/rel, reading chunk bytes at a time into scratch, and leaves
 * the file's last bytes (up to tail_size - 1, NUL-terminated) in tail. For /proc/PID/maps, whose text
 * can be megabytes long. Returns the count or -errno; a file longer than HR_COUNT_MAX returns -EFBIG.
 */
long long count_lines_at(const struct hr_root *r, int dirfd, const char *rel, struct buf *scratch, size_t chunk,
			 char *tail, size_t tail_size);

/* Builds "<root>/<rel>" for messages, into out. */
const char *root_display_path(const struct hr_root *r, const char *rel, char *out, size_t size);

#endif
