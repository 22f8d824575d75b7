// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/oom_adj.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/root.h"
#include "core/text.h"

static void adj_path(int pid, char *out, size_t size)
{
	if (pid == 0)
		snprintf(out, size, "/proc/self/oom_score_adj");
	else
		snprintf(out, size, "/proc/%d/oom_score_adj", pid);
}

int oom_adj_write(int pid, int value)
{
	char path[48], num[16];
	int fd, len, err = 0;

	adj_path(pid, path, sizeof(path));
	len = snprintf(num, sizeof(num), "%d", value);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, num, (size_t)len) != len)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

int oom_adj_read(int pid, int *ret_value)
{
	char path[48];
	struct buf b;
	int64_t v;
	ssize_t n;

	adj_path(pid, path, sizeof(path));
	buf_init(&b);
	n = read_file_at(NULL, AT_FDCWD, path, &b);
	if (n >= 0 && (parse_i64_str(b.data, b.len, &v) < 0 || v < -1000 || v > 1000))
		n = -EINVAL;
	buf_free(&b);
	if (n < 0)
		return (int)n;
	*ret_value = (int)v;
	return 0;
}
