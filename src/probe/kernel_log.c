// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/kernel_log.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

int kernel_log_open(struct kernel_log *k, bool at_end)
{
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (at_end)
		lseek(k->fd, 0, SEEK_END);
	return 0;
}

int kernel_log_next(struct kernel_log *k, struct kmsg_record *r, char *text, size_t size)
{
	/* bounded: a record that cannot be parsed is skipped, at most this many in a row */
	for (int tries = 0; tries < 1000; tries++) {
		ssize_t n = read(k->fd, k->rec, sizeof(k->rec) - 1);

		if (n < 0 && errno == EPIPE)
			continue; /* overwritten before it was read: go on with the next */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 0;
		if (kmsg_parse(k->rec, (size_t)n, r) < 0)
			continue;
		kmsg_unescape(r->text, r->text_len, text, size);
		return 1;
	}
	return 0;
}

void kernel_log_close(struct kernel_log *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

long kernel_log_read_all(kernel_log_fn *each, void *ctx, long max)
{
	struct kernel_log k;
	struct kmsg_record r;
	char text[4096];
	long n = 0;
	int err = kernel_log_open(&k, false);

	if (err < 0)
		return err;
	while (n < max && kernel_log_next(&k, &r, text, sizeof(text)) > 0) {
		each(ctx, &r, text);
		n++;
	}
	kernel_log_close(&k);
	return n;
}

int64_t kernel_log_boot_epoch(void)
{
	struct timespec now, up;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0 || clock_gettime(CLOCK_BOOTTIME, &up) < 0)
		return 0;
	return (int64_t)now.tv_sec - (int64_t)up.tv_sec;
}
