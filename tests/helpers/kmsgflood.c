// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: overruns the kernel log past one record, as a flood of messages does, so that a reader
 * that stopped before it loses it. Finds the newest record whose text contains PATTERN, then writes
 * filler lines into /dev/kmsg (from user space, so they carry a user-space facility: never kernel events)
 * until the oldest record the log still has comes after it, and prints
 *   "overwrote SEQ with N lines; the log now starts at SEQ2"
 * Bounded: at most -n lines (default 2,000,000) and -T seconds (default 60); exit 0 when done, 1 when
 * the bound came first or the pattern is not in the log, 2 on bad arguments.
 *   kmsgflood [-n MAX] [-T SECONDS] PATTERN
 * /dev/kmsg lets one open file write 10 lines in 5 s unless kernel.printk_devkmsg is "on"
 * (kernel/printk/printk.c devkmsg_write()): it opens the device anew for every 10 lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The sequence number of a record "PRIO,SEQ,USEC,FLAGS;TEXT", or -1. */
static long long record_seq(const char *rec)
{
	const char *comma = strchr(rec, ',');

	return comma ? strtoll(comma + 1, NULL, 10) : -1;
}

/* The oldest record's sequence number, or -1. */
static long long oldest_seq(void)
{
	char rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	long long seq = -1;

	if (fd < 0)
		return -1;
	for (int tries = 0; tries < 4; tries++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n > 0) {
			rec[n] = '\0';
			seq = record_seq(rec);
			break;
		}
		if (n < 0 && errno != EPIPE)
			break; /* EPIPE: overwritten while opening; the next read is the oldest */
	}
	close(fd);
	return seq;
}

/* The newest record whose text holds pattern, or -1. Reads at most the whole log once. */
static long long find_seq(const char *pattern)
{
	char rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	long long found = -1;

	if (fd < 0)
		return -1;
	for (long i = 0; i < 10000000; i++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		const char *text;

		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (text && strstr(text, pattern))
			found = record_seq(rec);
	}
	close(fd);
	return found;
}

int main(int argc, char **argv)
{
	long max = 2000000, timeout = 60, lines = 0;
	time_t start = time(NULL);
	long long target, oldest = -1;
	int opt;

	while ((opt = getopt(argc, argv, "n:T:")) != -1) {
		if (opt == 'n')
			max = atol(optarg);
		else if (opt == 'T')
			timeout = atol(optarg);
		else
			return 2;
	}
	if (optind != argc - 1 || max < 1 || timeout < 1 || timeout > 3600) {
		fprintf(stderr, "usage: kmsgflood [-n MAX] [-T SECONDS] PATTERN\n");
		return 2;
	}
	target = find_seq(argv[optind]);
	if (target < 0) {
		fprintf(stderr, "kmsgflood: no record holds '%s'\n", argv[optind]);
		return 1;
	}
	while (lines < max && time(NULL) - start < timeout) {
		int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		char line[160];

		if (fd < 0) {
			perror("kmsgflood: /dev/kmsg");
			return 1;
		}
		for (int k = 0; k < 10 && lines < max; k++, lines++) {
			int n = snprintf(line, sizeof(line), "headroom-test-flood: filler %ld, overwriting the log past record %lld\n",
					 lines, target);

			if (write(fd, line, (size_t)n) < 0)
				break;
		}
		close(fd);
		if (lines % 500 == 0 && (oldest = oldest_seq()) > target)
			break;
	}
	if (oldest <= target)
		oldest = oldest_seq();
	if (oldest <= target) {
		fprintf(stderr, "kmsgflood: %ld lines in %ld s did not overwrite record %lld (the log starts at %lld)\n", lines,
			(long)(time(NULL) - start), target, oldest);
		return 1;
	}
	printf("overwrote %lld with %ld lines; the log now starts at %lld\n", target, lines, oldest);
	return 0;
}
