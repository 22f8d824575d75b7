// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark helper: what the kernel charges for each per-process file or call a report may need, each
 * read once for every process by a bare loop: listing /proc, then stat, status, limits, cgroup, statm,
 * the ns/pid and ns/pid_for_children links, opening each directory, three prlimit(2) calls. Prints the
 * milliseconds of each over all processes.
 *   filecost
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 1000000

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char buf[65536];

static void read_once(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

int main(void)
{
	static const char *const files[] = { "stat", "status", "limits", "cgroup", "statm" };
	static const char *const links[] = { "ns/pid", "ns/pid_for_children" };
	int *pids = calloc(MAX_PIDS, sizeof(*pids));
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64];
	size_t n = 0;
	double t;

	if (!pids || !d)
		return 1;
	t = now();
	while ((e = readdir(d)) && n < MAX_PIDS)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			pids[n++] = atoi(e->d_name);
	closedir(d);
	printf("%-28s %8.1f ms  (%zu processes)\n", "list /proc", (now() - t) * 1e3, n);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		t = now();
		for (size_t i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/proc/%d/%s", pids[i], files[f]);
			read_once(path);
		}
		printf("%-28s %8.1f ms\n", files[f], (now() - t) * 1e3);
	}
	for (size_t f = 0; f < sizeof(links) / sizeof(links[0]); f++) {
		t = now();
		for (size_t i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/proc/%d/%s", pids[i], links[f]);
			if (readlink(path, buf, 100) < 0)
				continue;
		}
		printf("readlink %-19s %8.1f ms\n", links[f], (now() - t) * 1e3);
	}
	t = now();
	for (size_t i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "/proc/%d", pids[i]);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
	printf("%-28s %8.1f ms\n", "open each directory", (now() - t) * 1e3);
	t = now();
	for (size_t i = 0; i < n; i++) {
		struct rlimit r;

		prlimit(pids[i], RLIMIT_NPROC, NULL, &r);
		prlimit(pids[i], RLIMIT_AS, NULL, &r);
		prlimit(pids[i], RLIMIT_DATA, NULL, &r);
	}
	printf("%-28s %8.1f ms\n", "prlimit x3", (now() - t) * 1e3);
	free(pids);
	return 0;
}
