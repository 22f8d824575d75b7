// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: creates child processes (or threads with -t) until one fails or -n is reached,
 * prints what happened on one line, then holds everything until it gets SIGTERM/SIGINT or its
 * -T timeout passes. Children die with it (PR_SET_PDEATHSIG). Every loop is bounded.
 *
 *   forker [-t] [-z] [-u] [-n MAX] [-T SECONDS] [-N NAME_HEX]
 *
 * -z: the children exit at once and are not reaped until the end (a zombie leak: each holds its pid);
 * "ready" is printed once all of them have exited.
 *
 * Output: "created K errno NAME" when creation failed after K successes, "created K" otherwise,
 * followed by "ready". -N sets the process name from hexadecimal bytes (for hostile names). -u names each
 * child apart ("u" and its number: as many command names as children).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static volatile int started; /* threads that have begun to run */

static void *thread_idle(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
	return NULL;
}

static const char *errname(int e)
{
	switch (e) {
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	default: return "OTHER";
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	long max = 100000, timeout = 120, made = 0;
	int threads = 0, zombies = 0, unique = 0, opt, err = 0;
	struct sigaction sa;
	pid_t *kids = NULL;
	time_t start = time(NULL);

	while ((opt = getopt(argc, argv, "tzun:T:N:")) != -1) {
		switch (opt) {
		case 't': threads = 1; break;
		case 'z': zombies = 1; break;
		case 'u': unique = 1; break;
		case 'n': max = atol(optarg); break;
		case 'T': timeout = atol(optarg); break;
		case 'N': {
			char name[16] = { 0 };
			size_t n = 0;

			for (const char *h = optarg; h[0] && h[1] && n < sizeof(name) - 1; h += 2) {
				int a = hexval(h[0]), b = hexval(h[1]);

				if (a < 0 || b < 0)
					return 2;
				name[n++] = (char)(a * 16 + b);
			}
			prctl(PR_SET_NAME, name, 0, 0, 0);
			break;
		}
		default:
			fprintf(stderr, "usage: forker [-t] [-z] [-u] [-n MAX] [-T SECONDS] [-N NAME_HEX]\n");
			return 2;
		}
	}
	if (max < 0 || max > 1000000 || timeout < 1 || timeout > 3600)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (!threads)
		kids = calloc((size_t)max + 1, sizeof(*kids));
	while (made < max && !stop && time(NULL) - start < timeout) {
		if (threads) {
			pthread_attr_t at;
			pthread_t t;

			pthread_attr_init(&at);
			pthread_attr_setstacksize(&at, 64 * 1024);
			err = pthread_create(&t, &at, thread_idle, NULL);
			pthread_attr_destroy(&at);
			if (err)
				break;
		} else {
			pid_t pid = fork();

			if (pid < 0) {
				err = errno;
				break;
			}
			if (pid == 0) {
				if (unique) {
					char name[16];

					snprintf(name, sizeof(name), "u%ld", made);
					prctl(PR_SET_NAME, name, 0, 0, 0);
				}
				if (zombies)
					_exit(0);
				prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
				if (getppid() == 1)
					_exit(0);
				for (;;)
					pause();
			}
			kids[made] = pid;
		}
		made++;
	}
	/* "ready" only once every thread runs: a starting thread may still map memory (bounded: 10 s) */
	for (int i = 0; threads && i < 1000 && __atomic_load_n(&started, __ATOMIC_SEQ_CST) < made; i++)
		usleep(10000);
	/* zombies: each has exited (waitid with WNOWAIT leaves it unreaped) */
	for (long i = 0; zombies && kids && i < made; i++) {
		siginfo_t si;

		while (waitid(P_PID, (id_t)kids[i], &si, WEXITED | WNOWAIT) < 0 && errno == EINTR && !stop)
			;
	}
	if (err)
		printf("created %ld errno %s\n", made, errname(err));
	else
		printf("created %ld\n", made);
	printf("ready\n");
	fflush(stdout);
	while (!stop && time(NULL) - start < timeout)
		sleep(1);
	if (kids) {
		for (long i = 0; i < made; i++)
			kill(kids[i], SIGKILL);
		/* reap them, so that their cgroup is empty when we are gone */
		for (long i = 0; i < made; i++)
			while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
				;
		free(kids);
	}
	return 0;
}
