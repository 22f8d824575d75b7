// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One run of headroom repro: the sandbox made for the mode, the workload forked into it and its result,
 * headroom's own report while the failure is held, the kernel's OOM lines, and the outcome.
 */
#include "repro/run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/root.h"
#include "parse/kernel_line.h"
#include "parse/kmsg.h"
#include "parse/oom_log.h"
#include "probe/probe.h"

void repro_run_init(struct repro_run *run, const struct repro_mode *m, const volatile sig_atomic_t *stop)
{
	struct buf b;

	memset(run, 0, sizeof(*run));
	run->m = m;
	run->cg = -1;
	run->stop = stop;
	buf_init(&b);
	if (read_file_at(NULL, AT_FDCWD, "/proc/sys/kernel/osrelease", &b) < 0 || kversion_parse(b.data, b.len, &run->kernel) < 0)
		snprintf(run->kernel.release, sizeof(run->kernel.release), "unknown");
	buf_free(&b);
	(void)read_u64_once(NULL, AT_FDCWD, "/proc/sys/vm/overcommit_memory", &run->overcommit);
	run->expected = repro_expected_errno((enum repro_mode_id)(m - repro_modes), &run->kernel, (int)run->overcommit);
}

/* The inode of a process's namespace link ("pid", "pid_for_children"); 0 unknown. */
static uint64_t ns_of(pid_t pid, const char *link)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, link);
	return probe_ns_inode(NULL, AT_FDCWD, path, NULL);
}

/* A uid from 64000 up that no process has as its real uid (RLIMIT_NPROC counts them all). */
int repro_free_uid(uint32_t *ret)
{
	static bool used[1000];
	struct hr_root root;

	if (root_open(&root, "/") < 0)
		return -EIO;
	if (root.proc_fd >= 0) {
		struct snapshot snap;
		struct probe_opts po = { .no_fork = true, .map_counts = false };
		struct procs_scan *ps;

		snapshot_init(&snap, NULL);
		ps = probe_procs(&root, &po, &snap);
		probe_procs_finish(ps);
		for (size_t i = 0; i < snap.nprocs; i++)
			if (snap.procs[i].uid >= 64000 && snap.procs[i].uid < 65000)
				used[snap.procs[i].uid - 64000] = true;
		snapshot_free(&snap);
	}
	root_close(&root);
	for (uint32_t i = 0; i < 1000; i++)
		if (!used[i]) {
			*ret = 64000 + i;
			return 0;
		}
	return -EBUSY;
}


static void oom_log_start(struct repro_oom_log *k)
{
	k->open = kernel_log_open(&k->log, true) == 0;
}

/* A log line about the sandbox's kill: the OOM killer's lines for the allocator or the sandbox's cgroup. */
static bool oom_line_about(const char *t, pid_t victim, const char *cg_path)
{
	struct kernel_line k;

	switch (kernel_line_classify(t, strlen(t), &k)) {
	case KLINE_MEMCG_USAGE:
		return true; /* the memcg's usage, printed with the header */
	case KLINE_OOM:
		break;
	default:
		return false;
	}
	switch (k.oom.kind) {
	case OOM_LINE_INVOKED:
		return strcmp(k.oom.comm, "repro-alloc") == 0;
	case OOM_LINE_SUMMARY:
	case OOM_LINE_TASK_IN:
	case OOM_LINE_GROUP:
		return strcmp(k.oom.oom_memcg, cg_path) == 0;
	case OOM_LINE_SELECTED:
	case OOM_LINE_KILLED:
	case OOM_LINE_REAPED:
		break;
	}
	return k.oom.pid == victim;
}

/* Reads the records written since kernel_log_start(), keeping those about the sandbox's OOM kill. */
static void oom_log_collect(struct repro_oom_log *k, pid_t victim, const char *cg_path)
{
	struct kmsg_record r;
	char text[4096];

	if (!k->open)
		return;
	/* bounded: the log since the run started, at most 100,000 records (or runs of user-space ones) */
	for (int i = 0; i < 100000; i++) {
		int got = kernel_log_next(&k->log, &r, text, sizeof(text));

		if (got == -EAGAIN)
			continue; /* KERNEL_LOG_SKIP_MAX records from user space in a row: the kernel's may follow */
		if (got <= 0)
			break;
		if (oom_line_about(text, victim, cg_path) && k->n < 32) {
			k->lines = xreallocarray(k->lines, k->n + 1, sizeof(*k->lines));
			k->lines[k->n++] = xstrdup(text);
		}
	}
}

static void oom_log_free(struct repro_oom_log *k)
{
	if (k->open)
		kernel_log_close(&k->log);
	for (size_t i = 0; i < k->n; i++)
		xfree(k->lines[i]);
	xfree(k->lines);
}


int repro_run_check_support(struct repro_run *run, char *why, size_t size)
{
	return run->m->check ? run->m->check(&run->kernel, &run->o, why, size) : 0;
}

static void describe_setup(struct repro_run *run)
{
	const struct sandbox_cgroup *c = run->cg >= 0 ? &run->sb.cg[run->cg] : NULL;

	if (c)
		snprintf(run->setup[0], sizeof(run->setup[0]), "cgroup %s (%s %s)%s", c->dir, c->v2 ? "v2" : "v1",
			 c->controller, run->place.own ? "" : ", under the nearest cgroup with the controller enabled");
	run->m->describe(run->m, &run->o, run->overcommit, run->setup[1], sizeof(run->setup[1]));
}

int repro_run_sandbox(struct repro_run *run, char *why, size_t size)
{
	struct hr_root root;
	int placed;

	const char *ctl = run->m->controller;
	char num[32];
	int r;

	run->cg = -1;
	r = root_open(&root, "/");
	if (r < 0) {
		snprintf(why, size, "cannot open '/': %s", strerror(-r));
		return r;
	}
	placed = sandbox_cgroup_place(&root, ctl, &run->place, why, size);
	root_close(&root);
	if (placed < 0)
		return -ENOTSUP;
	run->stale = sandbox_remove_stale(&run->place);
	r = sandbox_cgroup_make(&run->sb, &run->place, ctl, why, size);
	if (r < 0)
		return r == -ENOTSUP ? -EIO : r;
	run->cg = r;
	if (strcmp(ctl, "pids") == 0) {
		/* the mode's own limit for pids-cgroup and threads; elsewhere a bound well above what the mode makes */
		uint64_t max = run->m->pids_per_count * run->o.count + run->m->pids_extra;

		snprintf(num, sizeof(num), "%llu", (unsigned long long)max);
		r = sandbox_cgroup_write(&run->sb, run->cg, "pids.max", num);
	} else {
		struct sandbox_cgroup *c = &run->sb.cg[run->cg];

		snprintf(num, sizeof(num), "%llu", (unsigned long long)run->o.size);
		if (c->v2) {
			r = sandbox_cgroup_write(&run->sb, run->cg, "memory.max", num);
			/* no swap: the limit must end in an OOM kill, not in swapping */
			if (r == 0)
				sandbox_cgroup_write(&run->sb, run->cg, "memory.swap.max", "0");
			snprintf(run->o.usage_file, sizeof(run->o.usage_file), "%s/memory.current", c->dir);
		} else {
			r = sandbox_cgroup_write(&run->sb, run->cg, "memory.limit_in_bytes", num);
			if (r == 0 && sandbox_cgroup_write(&run->sb, run->cg, "memory.memsw.limit_in_bytes", num) < 0)
				sandbox_cgroup_write(&run->sb, run->cg, "memory.swappiness", "0");
			snprintf(run->o.usage_file, sizeof(run->o.usage_file), "%s/memory.usage_in_bytes", c->dir);
		}
	}
	if (r < 0) {
		snprintf(why, size, "cannot set the limit of cgroup '%s': %s", run->sb.cg[run->cg].dir, strerror(-r));
		return r == -ENOTSUP ? -EIO : r;
	}
	describe_setup(run);
	return 0;
}


int repro_run_workload(struct repro_run *run, unsigned wait_s, char *why, size_t size)
{
	struct timespec start, now;
	int fds[2];
	pid_t w, parent = getpid();
	size_t got = 0;

	if (run->m->ends_in_kill)
		oom_log_start(&run->klog);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, size, "cannot create a pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	w = fork();
	if (w < 0) {
		int err = errno;

		snprintf(why, size, "cannot fork the workload: %s", strerror(err));
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (w == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGTERM, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(fds[0]);
		if (sandbox_enter(&run->sb) < 0) {
			struct repro_result r = { .err = -1 };

			snprintf(r.note, sizeof(r.note), "cannot move the workload into the sandbox cgroup");
			(void)!write(fds[1], &r, sizeof(r));
			_exit(1);
		}
		repro_workload(run->m, &run->o, fds[1]);
	}
	setpgid(w, w);
	run->sb.workload = w;
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (got < sizeof(run->res) && !*run->stop) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > (time_t)wait_s)
			break;
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fds[0], (char *)&run->res + got, sizeof(run->res) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	run->got_result = got == sizeof(run->res);
	if (!run->got_result && !*run->stop) {
		int status;

		if (waitpid(w, &status, WNOHANG) == w) {
			run->sb.workload = 0;
			if (WIFSIGNALED(status))
				snprintf(run->died, sizeof(run->died), "the workload was killed by signal %d (%s)",
					 WTERMSIG(status), strsignal(WTERMSIG(status)));
			else
				snprintf(run->died, sizeof(run->died), "the workload exited with status %d",
					 WEXITSTATUS(status));
		} else {
			snprintf(run->died, sizeof(run->died), "the workload reported nothing within %u s", wait_s);
		}
	}
	return 0;
}


/* The scope in the report where the mode's limit is. */
static void find_scope(struct repro_run *run)
{
	struct scope where = scope_system();

	switch (run->m->where) {
	case REPRO_AT_SYSTEM: break;
	case REPRO_AT_CGROUP: where = scope_cgroup(run->sb.cg[run->cg].path); break;
	case REPRO_AT_UID: where = scope_user(run->o.uid); break;
	case REPRO_AT_PID: where = scope_pid((int)run->res.subject); break;
	case REPRO_AT_PIDNS: where = scope_pidns(ns_of(run->res.subject, "pid")); break;
	case REPRO_AT_CHILD_PIDNS: where = scope_pidns(ns_of(run->res.subject, "pid_for_children")); break;
	}
	scope_format(where, run->scope, sizeof(run->scope));
}

/* headroom's own report, taken while the failure is held; finds the mode's limit in it. */
static void take_report(struct repro_run *run)
{
	struct thresholds th = THRESHOLDS_DEFAULT;
	struct probe_opts po = { .no_fork = false, .map_counts = true, .map_count_min_pct = th.warning_pct };
	struct hr_root root;

	if (root_open(&root, "/") < 0)
		return;
	snapshot_init(&run->snap, NULL);
	probe_snapshot(&root, &po, &run->snap);
	assess(&run->snap, &th, NULL, &run->a);
	root_close(&root);
	run->have_report = true;
	run->named = assessment_limit(&run->a, run->m->limit, run->scope);
}

bool repro_run_named(const struct repro_run *run)
{
	if (!run->named)
		return false;
	/* commit is reported for information unless overcommit mode 2 binds */
	if (run->m->informational)
		return true;
	return run->named->status == STATUS_CRITICAL;
}

enum repro_outcome repro_run_observe(struct repro_run *run)
{
	const struct repro_mode *m = run->m;

	if (!run->got_result || run->res.err < 0)
		return REPRO_SETUP_FAILED;
	find_scope(run);
	take_report(run);
	if (m->ends_in_kill)
		oom_log_collect(&run->klog, run->res.victim, run->sb.cg[run->cg].path);
	/* a kill that did not come (a note says why), or a call that did not fail */
	if (m->ends_in_kill ? run->res.note[0] != '\0' : run->res.err == 0 && !m->informational)
		return REPRO_NO_FAILURE;
	return repro_run_named(run) ? REPRO_NAMED : REPRO_NOT_NAMED;
}

void repro_run_free(struct repro_run *run)
{
	if (run->have_report) {
		assessment_free(&run->a);
		snapshot_free(&run->snap);
		run->have_report = false;
	}
	oom_log_free(&run->klog);
	memset(&run->klog, 0, sizeof(run->klog));
}
