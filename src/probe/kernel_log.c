// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/kernel_log.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

int kernel_log_open(struct kernel_log *k, bool at_end)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	k->fd = fd;
	k->lost = k->user_records = k->overruns = 0;
	k->seen = k->returned = false;
	k->last_seq = k->gap_lost = k->gap_first = k->gap_last = 0;
	if (at_end) {
		/*
		 * To the end by reading every record there is, not by SEEK_END (devkmsg_llseek(): prb_next_seq()),
		 * which tells no sequence number: the last one read is the starting point, so that records
		 * overwritten before the first one that comes next are counted too. Bounded: a flood while this
		 * reads ends it; the counters start after it.
		 */
		for (long i = 0; i < KERNEL_LOG_DRAIN_MAX; i++) {
			ssize_t n = read(fd, k->rec, sizeof(k->rec) - 1);
			struct kmsg_record r;

			if (n < 0 && (errno == EPIPE || errno == EINTR))
				continue;
			if (n <= 0)
				break;
			if (kmsg_parse(k->rec, (size_t)n, &r) == 0) {
				k->seen = true;
				k->last_seq = r.seq;
			}
		}
		if (!k->seen && lseek(fd, 0, SEEK_END) < 0) {
			int err = -errno;

			close(fd);
			k->fd = -1;
			return err;
		}
	}
	return 0;
}

/* a + b, held at UINT64_MAX (sequence numbers are u64: only a forged input gets there) */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

bool kernel_log_account(struct kernel_log *k, const struct kmsg_record *r)
{
	if (k->returned) {
		k->gap_lost = k->gap_first = k->gap_last = 0;
		k->returned = false;
	}
	/* the first record after the open is the starting point: what came before is not this reader's loss */
	if (k->seen && r->seq > k->last_seq && r->seq - k->last_seq > 1) {
		uint64_t n = r->seq - k->last_seq - 1;

		if (!k->gap_lost)
			k->gap_first = k->last_seq + 1;
		k->gap_last = r->seq - 1;
		k->gap_lost = add_sat(k->gap_lost, n);
		k->lost = add_sat(k->lost, n);
	} else if (k->seen && r->seq <= k->last_seq) {
		/* a new starting point (not on one open file of /dev/kmsg): a range across it would mean nothing */
		k->gap_lost = k->gap_first = k->gap_last = 0;
	}
	k->seen = true;
	k->last_seq = r->seq;
	if (!kmsg_from_kernel(r)) {
		k->user_records++;
		return false;
	}
	k->returned = true;
	return true;
}

int kernel_log_next(struct kernel_log *k, struct kmsg_record *r, char *text, size_t size)
{
	/* bounded: a flood of user-space records cannot hold the caller here */
	for (int tries = 0; tries < KERNEL_LOG_SKIP_MAX; tries++) {
		ssize_t n = read(k->fd, k->rec, sizeof(k->rec) - 1);

		if (n < 0 && errno == EPIPE) {
			/* the reader now stands at the oldest record left: the next read's gap is the loss */
			k->overruns++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 0;
		/* one that cannot be parsed leaves a gap before the next: counted as lost */
		if (kmsg_parse(k->rec, (size_t)n, r) < 0)
			continue;
		if (!kernel_log_account(k, r))
			continue;
		kmsg_unescape(r->text, r->text_len, text, size);
		return 1;
	}
	return -EAGAIN;
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
	for (long calls = 0; calls < max && n < max; calls++) {
		err = kernel_log_next(&k, &r, text, sizeof(text));
		if (err == -EAGAIN)
			continue; /* a run of user-space records: go on past it */
		if (err <= 0)
			break;
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
