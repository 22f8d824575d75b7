// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/replace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Eight random characters of [a-z0-9] (getrandom, or the clock and a counter when it cannot say). */
static void random_suffix(char out[9])
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned counter;
	unsigned char r[8];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;
		unsigned long long x;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 20) ^ (++counter * 2654435761u);
		for (size_t i = 0; i < sizeof(r); i++, x >>= 8)
			r[i] = (unsigned char)x;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		out[i] = set[r[i] % (sizeof(set) - 1)];
	out[8] = '\0';
}

int replace_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, bool sync)
{
	char tmp[256], suffix[9];
	const char *p = data;
	int fd = -1, r = 0;

	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		random_suffix(suffix);
		if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.%s", name, suffix) >= sizeof(tmp))
			return -ENAMETOOLONG;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -ENOSPC;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	return r;
}

int dir_takes_files(int dirfd)
{
	int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	return faccessat(dirfd, ".", W_OK, AT_EACCESS) < 0 ? -errno : 0;
}
