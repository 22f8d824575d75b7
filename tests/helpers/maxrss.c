// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark helper: runs a command, its output discarded, and prints its peak resident set size in
 * KiB (getrusage's ru_maxrss of the child), its exit status, and its user and system CPU time in
 * milliseconds: "KIB STATUS USER_MS SYS_MS".
 *   maxrss COMMAND [ARG]...
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 2;
	printf("%ld %d %.1f %.1f\n", ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0, ru.ru_stime.tv_sec * 1000.0 + ru.ru_stime.tv_usec / 1000.0);
	return 0;
}
