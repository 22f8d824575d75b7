// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: allocates and touches MIB mebibytes in 1 MiB steps, prints "allocated N MiB" (and the
 * errno when malloc failed first), then "ready", and holds until SIGTERM/SIGINT or -T seconds. -r reserves
 * RESERVE_MIB more of address space, inaccessible and never touched: VmSize grows, memory does not.
 *   hog [-m MIB] [-r RESERVE_MIB] [-T SECONDS]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	long mib = 16, reserve = 0, timeout = 120, got = 0;
	struct sigaction sa;
	time_t start = time(NULL);
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "m:r:T:")) != -1) {
		if (opt == 'm')
			mib = atol(optarg);
		else if (opt == 'r')
			reserve = atol(optarg);
		else if (opt == 'T')
			timeout = atol(optarg);
		else
			return 2;
	}
	if (mib < 0 || mib > 4096 || reserve < 0 || reserve > 65536 || timeout < 1 || timeout > 3600)
		return 2;
	if (reserve && mmap(NULL, (size_t)reserve << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ==
			       MAP_FAILED) {
		perror("hog: mmap");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (; got < mib && !stop; got++) {
		char *p = malloc(1 << 20);

		if (!p) {
			err = errno;
			break;
		}
		memset(p, 0x5a, 1 << 20);
	}
	if (err)
		printf("allocated %ld MiB errno %s\n", got, err == ENOMEM ? "ENOMEM" : "OTHER");
	else
		printf("allocated %ld MiB\n", got);
	printf("ready\n");
	fflush(stdout);
	while (!stop && time(NULL) - start < timeout)
		sleep(1);
	return 0;
}
