// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The failure modes and their workloads. Each workload runs in the sandbox's first process (the
 * command layer forked it, moved it into the sandbox cgroups and made it a process group leader),
 * makes one kind of call fail, reports the failure, then holds it. Every process it creates dies
 * with its parent (PR_SET_PDEATHSIG) and by itself after the timeout (alarm): nothing outlives the run.
 * Every loop is bounded in count and time.
 */
#include "repro/repro.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/oom_adj.h"
#include "core/root.h"
#include "core/text.h"
#include "parse/keyed.h"
#include "parse/meminfo.h"
#include "parse/pid_status.h"
#include "probe/probe.h"

#define MIB (1ull << 20)
/* The filling loops stop after this long even when nothing failed. */
#define FILL_SECONDS 20

/* The operations of the modes, defined below. */
static int errno_of_pid_max(const struct kversion *k, int overcommit_mode);
static int errno_of_commit(const struct kversion *k, int overcommit_mode);
static int check_pid_max(const struct kversion *k, struct repro_opts *o, char *why, size_t size);
static int check_map_count(const struct kversion *k, struct repro_opts *o, char *why, size_t size);
static void describe_pid_max(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_pids(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_nproc(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_dead_init(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_rlimit(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_maps(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_oom(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void describe_commit(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size);
static void workload_pid_max(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_forks(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_threads(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_nproc(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_dead_init(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_rlimit_as(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_rlimit_data(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_maps(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_oom(const struct repro_opts *o, int fd, struct repro_result *r);
static void workload_commit(const struct repro_opts *o, int fd, struct repro_result *r);

#define SHELL_PRINTS "a shell prints:"

const struct repro_mode repro_modes[REPRO_NMODES] = {
	[REPRO_PID_MAX] = {
		.name = "pid-max", .summary = "a child pid namespace with a small kernel.pid_max (6.14+), filled by forks",
		.call = "fork", .limit = LIMIT_PID_MAX, .where = REPRO_AT_PIDNS, .controller = "pids",
		.count_what = "the namespace's pid_max", .count_default = 301, .count_min = 301, .count_max = 4096,
		.pids_per_count = 1, .pids_extra = 64, .program_label = SHELL_PRINTS,
		.expected = errno_of_pid_max, .check = check_pid_max, .describe = describe_pid_max,
		.workload = workload_pid_max,
	},
	[REPRO_PIDS_CGROUP] = {
		.name = "pids-cgroup", .summary = "a temporary cgroup with a small pids.max, filled by forks",
		.call = "fork", .limit = LIMIT_CGROUP_PIDS, .where = REPRO_AT_CGROUP, .controller = "pids",
		.count_what = "pids.max", .count_default = 64, .count_min = 2, .count_max = 4096,
		.pids_per_count = 1, .program_label = SHELL_PRINTS,
		.err = EAGAIN, .describe = describe_pids, .workload = workload_forks,
	},
	[REPRO_THREADS] = {
		.name = "threads", .summary = "threads created in a temporary pids cgroup until pthread_create fails",
		.call = "pthread_create", .limit = LIMIT_CGROUP_PIDS, .where = REPRO_AT_CGROUP, .controller = "pids",
		.count_what = "pids.max", .count_default = 64, .count_min = 2, .count_max = 4096,
		.pids_per_count = 1, .program_label = "Java prints:",
		/* glibc turns every ENOMEM of pthread_create into EAGAIN */
		.err = EAGAIN, .describe = describe_pids, .workload = workload_threads,
	},
	[REPRO_NPROC] = {
		.name = "nproc", .summary = "an unprivileged uid with a small RLIMIT_NPROC, filled by forks",
		.call = "fork", .limit = LIMIT_USER_NPROC, .where = REPRO_AT_UID, .controller = "pids",
		.count_what = "RLIMIT_NPROC", .count_default = 32, .count_min = 2, .count_max = 4096, .takes_uid = true,
		.pids_per_count = 2, .pids_extra = 64, .program_label = SHELL_PRINTS,
		.err = EAGAIN, .describe = describe_nproc, .workload = workload_nproc,
	},
	[REPRO_DEAD_PIDNS_INIT] = {
		.name = "dead-pidns-init",
		.summary = "unshare --pid without --fork: the namespace's init exits, later forks fail with ENOMEM",
		.call = "fork", .limit = LIMIT_PIDNS_INIT, .where = REPRO_AT_CHILD_PIDNS, .controller = "pids",
		.pids_extra = 64, .program_label = SHELL_PRINTS,
		.err = ENOMEM, .describe = describe_dead_init, .workload = workload_dead_init,
	},
	[REPRO_RLIMIT_AS] = {
		.name = "rlimit-as", .summary = "malloc returns NULL under a small RLIMIT_AS (address space)",
		.call = "malloc", .limit = LIMIT_RLIMIT_AS, .where = REPRO_AT_PID, .controller = "pids",
		.uses_size = true, .size_default = 64 * MIB, .size_min = 8 * MIB, .pids_extra = 64,
		.program_label = SHELL_PRINTS,
		.err = ENOMEM, .describe = describe_rlimit, .workload = workload_rlimit_as,
	},
	[REPRO_RLIMIT_DATA] = {
		.name = "rlimit-data", .summary = "malloc returns NULL under a small RLIMIT_DATA (data segment)",
		.call = "malloc", .limit = LIMIT_RLIMIT_DATA, .where = REPRO_AT_PID, .controller = "pids",
		.uses_size = true, .size_default = 64 * MIB, .size_min = 8 * MIB, .pids_extra = 64,
		.program_label = SHELL_PRINTS,
		.err = ENOMEM, .describe = describe_rlimit, .workload = workload_rlimit_data,
	},
	[REPRO_MAP_COUNT] = {
		.name = "map-count", .summary = "one process maps regions until mmap fails at vm.max_map_count",
		.call = "mmap", .limit = LIMIT_MAP_COUNT, .where = REPRO_AT_PID, .controller = "pids",
		.count_what = "the bound on mappings tried", .count_default = 0, .count_min = 1, .count_max = 1u << 20,
		.pids_extra = 64, .program_label = SHELL_PRINTS,
		.err = ENOMEM, .check = check_map_count, .describe = describe_maps, .workload = workload_maps,
	},
	[REPRO_OOM_CGROUP] = {
		.name = "oom-cgroup",
		.summary = "a program allocates and touches memory in a memory cgroup until the OOM killer kills it",
		.call = "page fault", .limit = LIMIT_CGROUP_MEMORY, .where = REPRO_AT_CGROUP, .controller = "memory",
		.uses_size = true, .size_default = 64 * MIB, .size_min = 32 * MIB, .ends_in_kill = true,
		.program_label = SHELL_PRINTS,
		.err = 0, .describe = describe_oom, .workload = workload_oom,
	},
	[REPRO_COMMIT] = {
		.name = "commit", .summary = "what overcommit does to one request larger than memory (explains; changes nothing)",
		.call = "mmap", .limit = LIMIT_COMMIT, .where = REPRO_AT_SYSTEM, .controller = "pids", .pids_extra = 64,
		.informational = true, .program_label = SHELL_PRINTS,
		.expected = errno_of_commit, .describe = describe_commit, .workload = workload_commit,
	},
};

const struct repro_mode *repro_mode_find(const char *name)
{
	for (size_t i = 0; i < REPRO_NMODES; i++)
		if (strcmp(repro_modes[i].name, name) == 0)
			return &repro_modes[i];
	return NULL;
}

int repro_expected_errno(enum repro_mode_id id, const struct kversion *k, int overcommit_mode)
{
	const struct repro_mode *m = id < REPRO_NMODES ? &repro_modes[id] : NULL;

	if (!m)
		return 0;
	return m->expected ? m->expected(k, overcommit_mode) : m->err;
}

/* Pid exhaustion: ENOMEM before 4.1 and on RHEL 7, EAGAIN since (limit_errno knows which). */
static int errno_of_pid_max(const struct kversion *k, int overcommit_mode)
{
	return limit_errno(LIMIT_PID_MAX, k);
}

/* Mode 1 grants every request; modes 0 (a request larger than RAM + swap) and 2 refuse it. */
static int errno_of_commit(const struct kversion *k, int overcommit_mode)
{
	return overcommit_mode == 1 ? 0 : ENOMEM;
}

static int check_pid_max(const struct kversion *k, struct repro_opts *o, char *why, size_t size)
{
	if (kversion_at_least(k, 6, 14))
		return 0;
	snprintf(why, size,
		 "kernel %s has one kernel.pid_max for the whole machine (it is per pid namespace only since "
		 "6.14): filling it would make every fork on this machine fail, so this mode is not run",
		 k->release);
	return -ENOTSUP;
}

static int check_map_count(const struct kversion *k, struct repro_opts *o, char *why, size_t size)
{
	const struct repro_mode *m = &repro_modes[REPRO_MAP_COUNT];
	uint64_t max;

	if (read_u64_once(NULL, AT_FDCWD, "/proc/sys/vm/max_map_count", &max) < 0) {
		snprintf(why, size, "cannot read '/proc/sys/vm/max_map_count'");
		return -ENOTSUP;
	}
	if (!o->count)
		o->count = max + 4096;
	if (max > m->count_max) {
		snprintf(why, size,
			 "vm.max_map_count is %llu here: reaching it would take over a million mappings "
			 "(this mode stops at %llu)",
			 (unsigned long long)max, (unsigned long long)m->count_max);
		return -ENOTSUP;
	}
	return 0;
}

static void describe_pid_max(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	snprintf(out, size, "a new pid namespace whose init sets its kernel.pid_max to %llu and forks until it fails",
		 (unsigned long long)o->count);
}

static void describe_pids(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	snprintf(out, size, "pids.max = %llu; the workload %s until %s fails", (unsigned long long)o->count,
		 strcmp(m->call, "fork") == 0 ? "forks" : "creates threads", m->call);
}

static void describe_nproc(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	snprintf(out, size, "uid %u with RLIMIT_NPROC = %llu (the cgroup only bounds and cleans up); it forks until fork fails",
		 o->uid, (unsigned long long)o->count);
}

static void describe_dead_init(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out,
			       size_t size)
{
	snprintf(out, size,
		 "unshare(CLONE_NEWPID) without a forked init: the first child becomes the namespace's init and "
		 "exits, then the workload forks again");
}

static void describe_rlimit(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	char sz[32];

	snprintf(out, size, "%s soft limit = what the workload uses + %s; it mallocs 1 MiB at a time until malloc returns NULL",
		 m->limit == LIMIT_RLIMIT_AS ? "RLIMIT_AS" : "RLIMIT_DATA", human_bytes(o->size, sz, sizeof(sz)));
}

static void describe_maps(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	snprintf(out, size, "the workload maps one page at a time (at most %llu) until mmap fails",
		 (unsigned long long)o->count);
}

static void describe_oom(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	char sz[32];

	snprintf(out, size,
		 "memory limit %s, no swap; a holder fills it to about 1 MiB under the limit, then an allocator "
		 "(oom_score_adj 1000) touches 1 MiB at a time until the OOM killer kills it",
		 human_bytes(o->size, sz, sizeof(sz)));
}

static void describe_commit(const struct repro_mode *m, const struct repro_opts *o, uint64_t oc, char *out, size_t size)
{
	snprintf(out, size,
		 "vm.overcommit_memory is %llu (left as it is); one private writable mapping larger than RAM + "
		 "swap and CommitLimit is requested and never touched",
		 (unsigned long long)oc);
}

void repro_messages(const struct repro_mode *m, int err, char *libc, size_t libc_size, char *shell, size_t shell_size)
{
	libc[0] = shell[0] = '\0';
	if (m - repro_modes == REPRO_OOM_CGROUP) {
		snprintf(libc, libc_size, "(no error: the process is killed with SIGKILL, exit status 137)");
		snprintf(shell, shell_size, "Killed");
		return;
	}
	if (!err)
		return;
	snprintf(libc, libc_size, "%s: %s", m->call, strerror(err));
	if (strcmp(m->call, "fork") == 0)
		/* bash retries a fork that failed with EAGAIN, printing this each time, before it gives up */
		snprintf(shell, shell_size, "bash: fork: %s%s", err == EAGAIN ? "retry: " : "", strerror(err));
	else if (strcmp(m->call, "pthread_create") == 0)
		snprintf(shell, shell_size, "java.lang.OutOfMemoryError: unable to create native thread: possibly out of "
					    "memory or process/resource limits reached (a JVM)");
}

/* ---- the workload side: runs in the sandbox ---- */

static unsigned hold_timeout;

static __attribute__((noreturn)) void hold(void)
{
	alarm(hold_timeout);
	for (;;)
		pause();
}

static void report(int fd, const struct repro_result *r)
{
	const char *p = (const char *)r;
	size_t left = sizeof(*r);

	while (left) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
}

static __attribute__((noreturn)) void setup_failed(int fd, const char *what, int err)
{
	struct repro_result r = { .err = -1 };

	snprintf(r.note, sizeof(r.note), "%s: %s", what, strerror(err));
	report(fd, &r);
	_exit(1);
}

/* Makes the calling process die with its parent, and by itself after the timeout. */
static void bind_to_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the parent died before the signal was armed; an init of a new namespace sees its parent as 0 */
	if (getppid() != parent && getppid() != 0)
		_exit(0);
	alarm(hold_timeout);
}

/* One idle child. Returns its pid, or -1 with errno from fork. */
static pid_t spawn_idle(void)
{
	pid_t parent = getpid(), p = fork();

	if (p == 0) {
		bind_to_parent(parent);
		hold();
	}
	return p;
}

static bool past(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec;
}

static struct timespec fill_deadline(void)
{
	struct timespec d;

	clock_gettime(CLOCK_MONOTONIC, &d);
	d.tv_sec += FILL_SECONDS;
	return d;
}

/* Forks idle children until fork fails or max are made. */
static void fill_forks(uint64_t max, struct repro_result *r)
{
	struct timespec deadline = fill_deadline();
	uint64_t i;

	for (i = 0; i < max && !past(&deadline); i++) {
		if (spawn_idle() < 0) {
			r->err = errno;
			break;
		}
	}
	r->after = i;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void fill_threads(uint64_t max, struct repro_result *r)
{
	struct timespec deadline = fill_deadline();
	pthread_attr_t attr;
	uint64_t i;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < max && !past(&deadline); i++) {
		pthread_t t;
		int e = pthread_create(&t, &attr, idle_thread, NULL);

		if (e) {
			r->err = e;
			break;
		}
	}
	pthread_attr_destroy(&attr);
	r->after = i;
}

static int read_own_status(struct pid_status *st)
{
	struct buf b;
	int r;

	buf_init(&b);
	r = (int)read_file_at(NULL, AT_FDCWD, "/proc/self/status", &b);
	if (r >= 0)
		r = pid_status_parse(b.data, b.len, st);
	buf_free(&b);
	return r;
}

/* rlimit-as, rlimit-data: the limit is what the process uses now plus size; malloc 1 MiB at a time. */
static void fill_malloc(int resource, const struct repro_opts *o, int fd, struct repro_result *r)
{
	struct pid_status st;
	struct rlimit rl;
	uint64_t i, max = o->size / MIB + 256;

	if (read_own_status(&st) < 0)
		setup_failed(fd, "cannot read /proc/self/status", errno ? errno : EINVAL);
	r->base = (resource == RLIMIT_AS ? st.vm_size_kib : st.vm_data_kib) * 1024;
	r->set_to = r->base + o->size;
	if (getrlimit(resource, &rl) < 0)
		setup_failed(fd, "getrlimit", errno);
	rl.rlim_cur = r->set_to;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(resource, &rl) < 0)
		setup_failed(fd, "setrlimit", errno);
	for (i = 0; i < max; i++) {
		char *p = malloc(MIB);

		if (!p) {
			r->err = errno ? errno : ENOMEM;
			break;
		}
		p[0] = 1; /* used, so that it is not optimised away */
	}
	r->after = i;
}

static void fill_maps(uint64_t max, struct repro_result *r)
{
	struct timespec deadline = fill_deadline();
	long page = sysconf(_SC_PAGESIZE);
	uint64_t i;

	/* alternating protections keep neighbouring mappings from merging into one VMA */
	for (i = 0; i < max && (i % 4096 || !past(&deadline)); i++) {
		void *p = mmap(NULL, (size_t)page, i % 2 ? PROT_READ : PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			r->err = errno;
			break;
		}
	}
	r->after = i;
}

/* nproc: drop to the unprivileged uid with RLIMIT_NPROC = count, then fork until it fails. */
static void run_nproc(const struct repro_opts *o, int fd, struct repro_result *r)
{
	struct rlimit rl = { o->count, o->count };
	pid_t parent = getppid();

	if (setrlimit(RLIMIT_NPROC, &rl) < 0)
		setup_failed(fd, "setrlimit(RLIMIT_NPROC)", errno);
	if (setgroups(0, NULL) < 0 || setgid(o->uid) < 0 || setuid(o->uid) < 0)
		setup_failed(fd, "cannot change to the unprivileged uid", errno);
	/* a change of credentials clears the parent-death signal */
	bind_to_parent(parent);
	r->set_to = o->count;
	fill_forks(o->count + 16, r);
}

/* Forks the first process of a new pid namespace (its init), as fork() returns. */
static pid_t fork_new_pidns(int fd)
{
	pid_t p;

	if (unshare(CLONE_NEWPID) < 0)
		setup_failed(fd, "unshare(CLONE_NEWPID)", errno);
	p = fork();
	if (p < 0)
		setup_failed(fd, "fork of the namespace's init", errno);
	return p;
}

/* pid-max: the init of a new pid namespace sets its pid_max, then fills it. */
static void run_pid_max(const struct repro_opts *o, int fd, struct repro_result *r)
{
	pid_t w = getpid(), init;
	char num[32];
	int pfd;

	init = fork_new_pidns(fd);
	if (init > 0) {
		/* the workload holds; the init reports */
		close(fd);
		hold();
	}
	bind_to_parent(w);
	/* the sysctl written is the one of the writer's own pid namespace (6.14+) */
	pfd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)o->count);
	if (pfd < 0 || write(pfd, num, strlen(num)) < 0)
		setup_failed(fd, "cannot set kernel.pid_max inside the namespace", errno);
	close(pfd);
	r->set_to = o->count;
	/* /proc is the parent namespace's mount: its "self" gives the init's pid as seen outside */
	{
		struct pid_status st;

		if (read_own_status(&st) == 0 && st.has_tgid)
			r->subject = st.tgid;
	}
	fill_forks(o->count + 16, r);
}

/* dead-pidns-init: the first child of unshare(CLONE_NEWPID) is the init; it exits; fork again. */
static void run_dead_init(int fd, struct repro_result *r)
{
	pid_t p;

	p = fork_new_pidns(fd);
	if (p == 0)
		_exit(0); /* what `unshare --pid sh -c 'cmd; ...'` does: the first command exits */
	waitpid(p, NULL, 0);
	r->after = 1;
	p = fork();
	if (p == 0)
		_exit(0);
	if (p < 0) {
		r->err = errno;
	} else {
		waitpid(p, NULL, 0);
		r->after = 2;
	}
	r->subject = getpid();
}

/* Reads the cgroup's memory usage (the file the command layer named); 0 when unreadable. */
static uint64_t cgroup_usage(const char *file)
{
	uint64_t v = 0;

	return read_u64_once(NULL, AT_FDCWD, file, &v) == 0 ? v : 0;
}

/* Maps and touches size bytes: the pages are charged to the memory cgroup. */
static void *touch(size_t size)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	for (size_t off = 0; off < size; off += 4096)
		p[off] = 1;
	return p;
}

/*
 * oom-cgroup: a holder fills the cgroup to about 1 MiB under its limit and keeps it there (the rest of a
 * service's memory); then the allocator, marked first to go (oom_score_adj 1000), allocates and
 * touches 1 MiB at a time until the kernel's OOM killer kills it.
 */
static void run_oom(const struct repro_opts *o, const char *usage_file, int fd, struct repro_result *r)
{
	pid_t w = getpid(), holder, alloc;
	int ready[2], progress[2], status;
	/*
	 * the room left for the allocator and for the workload's own allocations after the kill (a
	 * sanitizer build's runtime takes hundreds of KiB, and a second OOM would kill the holder): enough
	 * for both, small enough that the cgroup stays critical (62 of 64 MiB is 96.9%)
	 */
	uint64_t margin = 2 * MIB, step = MIB / 4, n = 0;
	char c;

	r->set_to = o->size;
	if (pipe(ready) < 0)
		setup_failed(fd, "pipe", errno);
	holder = fork();
	if (holder < 0)
		setup_failed(fd, "fork of the memory holder", errno);
	if (holder == 0) {
		close(fd);
		close(ready[0]);
		bind_to_parent(w);
		prctl(PR_SET_NAME, "repro-holder");
		for (uint64_t i = 0; i < o->size / step && cgroup_usage(usage_file) + step + margin <= o->size; i++)
			if (!touch(step))
				break;
		(void)!write(ready[1], "r", 1);
		hold();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		setup_failed(fd, "the memory holder did not start", EIO);
	close(ready[0]);
	/* made after the holder, so that only the allocator holds its write end */
	if (pipe(progress) < 0)
		setup_failed(fd, "pipe", errno);
	alloc = fork();
	if (alloc < 0)
		setup_failed(fd, "fork of the allocator", errno);
	if (alloc == 0) {
		close(fd);
		bind_to_parent(w);
		prctl(PR_SET_NAME, "repro-alloc");
		(void)oom_adj_write(0, 1000); /* the allocator, not the holder, is the victim */
		close(progress[0]);
		for (uint64_t i = 0; i < 2 * (o->size / MIB) + 64; i++) {
			if (!touch(MIB))
				_exit(3);
			(void)!write(progress[1], "m", 1);
		}
		_exit(4); /* not killed: the limit was not enforced */
	}
	close(progress[1]);
	while (read(progress[0], &c, 1) == 1)
		n++;
	waitpid(alloc, &status, 0);
	r->victim = alloc;
	r->subject = holder;
	r->after = n;
	if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
		snprintf(r->note, sizeof(r->note), "the allocator was not killed (%s %d)",
			 WIFSIGNALED(status) ? "signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* commit: one private writable mapping larger than RAM + swap and the commit limit, never touched. */
static void run_commit(int fd, struct repro_result *r)
{
	struct meminfo mi;
	struct buf b;
	uint64_t size;
	void *p;

	buf_init(&b);
	if (read_file_at(NULL, AT_FDCWD, "/proc/meminfo", &b) < 0 || meminfo_parse(b.data, b.len, &mi) < 0)
		setup_failed(fd, "cannot read /proc/meminfo", EINVAL);
	buf_free(&b);
	size = (mi.kib[MEMINFO_MEM_TOTAL] + mi.kib[MEMINFO_SWAP_TOTAL]) * 1024;
	if (mi.kib[MEMINFO_COMMIT_LIMIT] * 1024 > size)
		size = mi.kib[MEMINFO_COMMIT_LIMIT] * 1024;
	size += 1ull << 30;
	r->set_to = size;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		r->err = errno;
	} else {
		munmap(p, size); /* never touched: nothing was used */
		r->after = 1;
	}
}

/* The workloads in the shape of the table's operation. */
static void workload_pid_max(const struct repro_opts *o, int fd, struct repro_result *r)
{
	run_pid_max(o, fd, r);
}

static void workload_forks(const struct repro_opts *o, int fd, struct repro_result *r)
{
	fill_forks(o->count + 16, r);
}

static void workload_threads(const struct repro_opts *o, int fd, struct repro_result *r)
{
	fill_threads(o->count + 16, r);
}

static void workload_nproc(const struct repro_opts *o, int fd, struct repro_result *r)
{
	run_nproc(o, fd, r);
}

static void workload_dead_init(const struct repro_opts *o, int fd, struct repro_result *r)
{
	run_dead_init(fd, r);
}

static void workload_rlimit_as(const struct repro_opts *o, int fd, struct repro_result *r)
{
	fill_malloc(RLIMIT_AS, o, fd, r);
}

static void workload_rlimit_data(const struct repro_opts *o, int fd, struct repro_result *r)
{
	fill_malloc(RLIMIT_DATA, o, fd, r);
}

static void workload_maps(const struct repro_opts *o, int fd, struct repro_result *r)
{
	fill_maps(o->count, r);
}

static void workload_oom(const struct repro_opts *o, int fd, struct repro_result *r)
{
	run_oom(o, o->usage_file, fd, r);
}

static void workload_commit(const struct repro_opts *o, int fd, struct repro_result *r)
{
	run_commit(fd, r);
}

void repro_workload(const struct repro_mode *m, const struct repro_opts *o, int fd)
{
	struct repro_result r = { 0 };

	hold_timeout = o->timeout_s;
	alarm(hold_timeout);
	prctl(PR_SET_NAME, "repro-workload");
	r.subject = getpid();
	m->workload(o, fd, &r);
	report(fd, &r);
	close(fd);
	hold();
}
