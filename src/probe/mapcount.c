// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/mapcount.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"

/* Directory fds held open by the queue at most: beyond this, the caller counts inline. */
#define MAPCOUNT_QUEUE_MAX 256
/* A 64 KiB read is the fastest for a large maps file here (the kernel's seq_file fills it per call). */
#define MAPCOUNT_READ_SIZE (64u << 10)

long long mapcount_one(const struct hr_root *root, int pfd, struct buf *scratch)
{
	char tail[32];
	long long lines;

	lines = count_lines_at(root, pfd, "maps", scratch, MAPCOUNT_READ_SIZE, tail, sizeof(tail));
	if (lines < 0)
		return (lines == -ENOENT || lines == -ESRCH) && root_access(root, pfd, "status") < 0 ? -ESRCH : lines;
	/* The x86-64 gate VMA [vsyscall] is printed last but is not in mm->map_count. */
	if (lines > 0 && strstr(tail, "[vsyscall]"))
		lines--;
	return lines;
}

struct job {
	int pid;
	int pfd;
	uint64_t priority;
};

struct mapcount {
	const struct hr_root *root;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t worker;
	bool closing;
	struct job heap[MAPCOUNT_QUEUE_MAX]; /* a max-heap on priority */
	size_t njobs;
	int early_pid;                       /* queued before the scan; 0 none */
	struct mapcount_result *results;
	size_t nresults, results_cap;
};

static void heap_push(struct mapcount *mc, struct job j)
{
	size_t i = mc->njobs++;

	while (i > 0 && mc->heap[(i - 1) / 2].priority < j.priority) {
		mc->heap[i] = mc->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	mc->heap[i] = j;
}

static struct job heap_pop(struct mapcount *mc)
{
	struct job top = mc->heap[0], last = mc->heap[--mc->njobs];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= mc->njobs)
			break;
		if (c + 1 < mc->njobs && mc->heap[c + 1].priority > mc->heap[c].priority)
			c++;
		if (mc->heap[c].priority <= last.priority)
			break;
		mc->heap[i] = mc->heap[c];
		i = c;
	}
	if (mc->njobs)
		mc->heap[i] = last;
	return top;
}

/* Counts one queued job and stores its result. Called with the lock held; returns with it held. */
static void run_job(struct mapcount *mc, struct buf *scratch)
{
	struct job j = heap_pop(mc);
	long long n;

	pthread_mutex_unlock(&mc->lock);
	n = mapcount_one(mc->root, j.pfd, scratch);
	close(j.pfd);
	pthread_mutex_lock(&mc->lock);
	MEM_GROW(NULL, mc->results, mc->results_cap, mc->nresults + 1);
	mc->results[mc->nresults++] = (struct mapcount_result){ j.pid, n };
}

static void *worker_main(void *arg)
{
	struct mapcount *mc = arg;
	struct buf scratch;

	buf_init(&scratch);
	pthread_mutex_lock(&mc->lock);
	for (;;) {
		while (!mc->njobs && !mc->closing)
			pthread_cond_wait(&mc->wake, &mc->lock);
		if (!mc->njobs)
			break;
		run_job(mc, &scratch);
	}
	pthread_mutex_unlock(&mc->lock);
	buf_free(&scratch);
	return NULL;
}

struct mapcount *mapcount_start(const struct hr_root *root)
{
	struct mapcount *mc;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL;
	mc = xcalloc(1, sizeof(*mc));
	mc->root = root;
	pthread_mutex_init(&mc->lock, NULL);
	pthread_cond_init(&mc->wake, NULL);
	if (pthread_create(&mc->worker, NULL, worker_main, mc) != 0) {
		pthread_cond_destroy(&mc->wake);
		pthread_mutex_destroy(&mc->lock);
		xfree(mc);
		return NULL;
	}
	return mc;
}

bool mapcount_early(const struct mapcount *mc, int pid)
{
	/* early_pid is written and read only by the thread that queues */
	return mc && mc->early_pid == pid;
}

bool mapcount_queue(struct mapcount *mc, int pid, int pfd, uint64_t priority)
{
	int fd;

	if (!mc)
		return false;
	pthread_mutex_lock(&mc->lock);
	if (mc->njobs >= MAPCOUNT_QUEUE_MAX) {
		pthread_mutex_unlock(&mc->lock);
		return false;
	}
	pthread_mutex_unlock(&mc->lock);
	fd = fcntl(pfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return false;
	pthread_mutex_lock(&mc->lock);
	heap_push(mc, (struct job){ pid, fd, priority });
	pthread_cond_signal(&mc->wake);
	pthread_mutex_unlock(&mc->lock);
	return true;
}

bool mapcount_queue_early(struct mapcount *mc, int pid, int pfd)
{
	if (!mapcount_queue(mc, pid, pfd, UINT64_MAX))
		return false;
	mc->early_pid = pid;
	return true;
}

size_t mapcount_finish(struct mapcount *mc, struct mapcount_result **ret)
{
	struct buf scratch;
	size_t n;

	*ret = NULL;
	if (!mc)
		return 0;
	buf_init(&scratch);
	pthread_mutex_lock(&mc->lock);
	mc->closing = true;
	pthread_cond_broadcast(&mc->wake);
	/* the caller helps: both CPUs drain the queue */
	while (mc->njobs)
		run_job(mc, &scratch);
	pthread_mutex_unlock(&mc->lock);
	pthread_join(mc->worker, NULL);
	buf_free(&scratch);
	*ret = mc->results;
	n = mc->nresults;
	pthread_cond_destroy(&mc->wake);
	pthread_mutex_destroy(&mc->lock);
	xfree(mc);
	return n;
}
