// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom repro MODE: builds a sandbox, makes one failure happen inside it, shows what the failing
 * program saw and what the report says while the failure is held, then removes everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/escape.h"
#include "core/human.h"
#include "core/json.h"
#include "core/root.h"
#include "core/text.h"
#include "model/limits.h"
#include "parse/kmsg.h"
#include "parse/kversion.h"
#include "parse/oom_log.h"
#include "parse/pid_status.h"
#include "probe/kernel_log.h"
#include "probe/probe.h"
#include "render/render.h"
#include "repro/repro.h"
#include "repro/sandbox.h"

/* Exit statuses of repro (headroom(1), EXIT STATUS). */
enum {
	REPRO_EXIT_NAMED = 0,       /* the failure happened and the report named its limit critical */
	REPRO_EXIT_NOT_NAMED = 1,   /* the failure happened; the report did not name it as expected */
	REPRO_EXIT_NO_FAILURE = 2,  /* nothing failed within the bounds */
	REPRO_EXIT_ERROR = 3,       /* a bad option, or the sandbox could not be set up */
	REPRO_EXIT_NOT_ROOT = 4,    /* refused: needs root */
	REPRO_EXIT_UNSUPPORTED = 5, /* refused: the kernel or the system lacks what the mode needs */
};

static const char usage_text[] =
	"Usage: headroom repro [OPTION]... MODE\n"
	"Reproduce one failure mode inside a sandbox that is removed afterwards: show the error the\n"
	"failing call got, and headroom's report of the limit while the failure is held.\n"
	"\n"
	"  -l, --list           list the modes\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -n, --count N        the small limit to fill: pids.max, RLIMIT_NPROC, the namespace's pid_max\n"
	"  -s, --size SIZE      rlimit-as, rlimit-data: the room left under the limit; oom-cgroup: the\n"
	"                       cgroup's memory limit (default 64M; suffixes K, M, G)\n"
	"  -u, --uid UID        nproc: the unprivileged uid (default: a free uid from 64000)\n"
	"  -H, --hold SEC       keep the failure held SEC seconds after the report (for alerts and other\n"
	"                       tools to see it; Ctrl-C ends it early), then remove the sandbox\n"
	"  -t, --timeout SEC    every process of the sandbox exits by itself after SEC seconds (default 60,\n"
	"                       and at least --hold + 30)\n"
	"      --color[=WHEN]   colour status words: auto (default), always or never\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 reproduced and named by the report, 1 reproduced but not named, 2 nothing failed,\n"
	"3 bad usage or set-up error, 4 needs root, 5 the kernel or system lacks what the mode needs.\n";

enum { OPT_COLOR = 256 };

static const struct option long_options[] = {
	{ "list", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ "count", required_argument, NULL, 'n' },
	{ "size", required_argument, NULL, 's' },
	{ "uid", required_argument, NULL, 'u' },
	{ "timeout", required_argument, NULL, 't' },
	{ "hold", required_argument, NULL, 'H' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* "64M", "1G", "65536": bytes. */
static int parse_size(const char *s, uint64_t *ret)
{
	size_t len = strlen(s);
	uint64_t v, mult = 1;

	if (len && strchr("kKmMgG", s[len - 1])) {
		mult = strchr("kK", s[len - 1]) ? 1ull << 10 : strchr("mM", s[len - 1]) ? 1ull << 20 : 1ull << 30;
		len--;
	}
	if (!len || parse_u64_str(s, len, &v) < 0 || v > UINT64_MAX / mult)
		return -EINVAL;
	*ret = v * mult;
	return 0;
}

static int read_u64_file(const char *path, uint64_t *ret)
{
	struct buf b;
	int r;

	buf_init(&b);
	r = read_u64_at(NULL, AT_FDCWD, path, &b, ret);
	buf_free(&b);
	return r;
}

/* A uid from 64000 up that no process has as its real uid (RLIMIT_NPROC counts them all). */
static int free_uid(uint32_t *ret)
{
	static bool used[1000];
	struct hr_root root;

	if (root_open(&root, "/") < 0)
		return -EIO;
	if (root.proc_fd >= 0) {
		struct snapshot snap;
		struct probe_opts po = { .no_fork = true, .map_counts = false };
		struct procs_scan *ps;

		snapshot_init(&snap);
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

/* The kernel log since the run started: the OOM killer's lines about the sandbox. */
struct oom_log {
	struct kernel_log log;
	bool open;
	char **lines;
	size_t n;
};

static void kernel_log_start(struct oom_log *k)
{
	k->open = kernel_log_open(&k->log, true) == 0;
}

/* A log line about the sandbox's kill: the OOM killer's lines for the allocator or the sandbox's cgroup. */
static bool oom_line_about(const char *t, pid_t victim, const char *cg_path)
{
	struct oom_line l;

	if (oom_line_parse(t, strlen(t), &l) < 0)
		return strncmp(t, "memory: usage", 13) == 0; /* the memcg's usage, printed with the header */
	switch (l.kind) {
	case OOM_LINE_INVOKED:
		return strcmp(l.comm, "repro-alloc") == 0;
	case OOM_LINE_SUMMARY:
	case OOM_LINE_TASK_IN:
	case OOM_LINE_GROUP:
		return strcmp(l.oom_memcg, cg_path) == 0;
	case OOM_LINE_SELECTED:
	case OOM_LINE_KILLED:
	case OOM_LINE_REAPED:
		break;
	}
	return l.pid == victim;
}

/* Reads the records written since kernel_log_start(), keeping those about the sandbox's OOM kill. */
static void kernel_log_collect(struct oom_log *k, pid_t victim, const char *cg_path)
{
	struct kmsg_record r;
	char text[4096];

	if (!k->open)
		return;
	/* bounded: the log since the run started, at most 100,000 records */
	for (int i = 0; i < 100000 && kernel_log_next(&k->log, &r, text, sizeof(text)) > 0; i++) {
		if (oom_line_about(text, victim, cg_path) && k->n < 32) {
			k->lines = xreallocarray(k->lines, k->n + 1, sizeof(*k->lines));
			k->lines[k->n++] = xstrdup(text);
		}
	}
}

static void kernel_log_free(struct oom_log *k)
{
	if (k->open)
		kernel_log_close(&k->log);
	for (size_t i = 0; i < k->n; i++)
		xfree(k->lines[i]);
	xfree(k->lines);
}

/* Everything one run sets up, sees and removes. */
struct run {
	const struct repro_mode *m;
	struct repro_opts o;
	struct sandbox sb;
	struct cg_place place;
	int cg;                   /* the sandbox cgroup the mode's limit is in */
	int stale;                /* sandboxes of earlier runs removed */
	struct kversion kernel;
	uint64_t overcommit;
	int expected;             /* the errno kernel-facts.md gives for this kernel */
	struct repro_result res;
	bool got_result;
	char died[160];           /* how the workload ended when it reported nothing */
	char setup[2][300];       /* what was set up, in words */
	char scope[PATH_MAX + 32];
	struct oom_log klog;
	/* the report, taken while the failure is held */
	struct snapshot snap;
	struct assessment a;
	bool have_report;
	const struct limit *named;
};

static enum repro_mode_id mode_of(const struct run *run)
{
	return (enum repro_mode_id)(run->m - repro_modes);
}

static int read_kernel(struct kversion *k)
{
	struct buf b;
	int r;

	buf_init(&b);
	r = (int)read_file_at(NULL, AT_FDCWD, "/proc/sys/kernel/osrelease", &b);
	if (r >= 0)
		r = kversion_parse(b.data, b.len, k);
	buf_free(&b);
	return r;
}

/* Refusals: the kernel or system lacks what the mode needs. Returns 0, or fills why. */
static int check_support(struct run *run, char *why, size_t size)
{
	enum repro_mode_id id = mode_of(run);

	if (id == REPRO_PID_MAX && !kversion_at_least(&run->kernel, 6, 14)) {
		snprintf(why, size,
			 "kernel %s has one kernel.pid_max for the whole machine (it is per pid namespace only since "
			 "6.14): filling it would make every fork on this machine fail, so this mode is not run",
			 run->kernel.release);
		return -ENOTSUP;
	}
	if (id == REPRO_MAP_COUNT) {
		uint64_t max;

		if (read_u64_file("/proc/sys/vm/max_map_count", &max) < 0) {
			snprintf(why, size, "cannot read '/proc/sys/vm/max_map_count'");
			return -ENOTSUP;
		}
		if (!run->o.count)
			run->o.count = max + 4096;
		if (max > run->m->count_max) {
			snprintf(why, size,
				 "vm.max_map_count is %llu here: reaching it would take over a million mappings "
				 "(this mode stops at %llu)",
				 (unsigned long long)max, (unsigned long long)run->m->count_max);
			return -ENOTSUP;
		}
	}
	return 0;
}

static void describe_setup(struct run *run)
{
	enum repro_mode_id id = mode_of(run);
	const struct sandbox_cgroup *c = run->cg >= 0 ? &run->sb.cg[run->cg] : NULL;
	char sz[32];

	if (c)
		snprintf(run->setup[0], sizeof(run->setup[0]), "cgroup %s (%s %s)%s", c->dir, c->v2 ? "v2" : "v1",
			 c->controller, run->place.own ? "" : ", under the nearest cgroup with the controller enabled");
	switch (id) {
	case REPRO_PID_MAX:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "a new pid namespace whose init sets its kernel.pid_max to %llu and forks until it fails",
			 (unsigned long long)run->o.count);
		break;
	case REPRO_PIDS_CGROUP:
		snprintf(run->setup[1], sizeof(run->setup[1]), "pids.max = %llu; the workload forks until fork fails",
			 (unsigned long long)run->o.count);
		break;
	case REPRO_THREADS:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "pids.max = %llu; the workload creates threads until pthread_create fails",
			 (unsigned long long)run->o.count);
		break;
	case REPRO_NPROC:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "uid %u with RLIMIT_NPROC = %llu (the cgroup only bounds and cleans up); it forks until fork fails",
			 run->o.uid, (unsigned long long)run->o.count);
		break;
	case REPRO_DEAD_PIDNS_INIT:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "unshare(CLONE_NEWPID) without a forked init: the first child becomes the namespace's init and "
			 "exits, then the workload forks again");
		break;
	case REPRO_RLIMIT_AS:
	case REPRO_RLIMIT_DATA:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "%s soft limit = what the workload uses + %s; it mallocs 1 MiB at a time until malloc returns NULL",
			 id == REPRO_RLIMIT_AS ? "RLIMIT_AS" : "RLIMIT_DATA", human_bytes(run->o.size, sz, sizeof(sz)));
		break;
	case REPRO_MAP_COUNT:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "the workload maps one page at a time (at most %llu) until mmap fails",
			 (unsigned long long)run->o.count);
		break;
	case REPRO_OOM_CGROUP:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "memory limit %s, no swap; a holder fills it to about 1 MiB under the limit, then an allocator "
			 "(oom_score_adj 1000) touches 1 MiB at a time until the OOM killer kills it",
			 human_bytes(run->o.size, sz, sizeof(sz)));
		break;
	case REPRO_COMMIT:
		snprintf(run->setup[1], sizeof(run->setup[1]),
			 "vm.overcommit_memory is %llu (left as it is); one private writable mapping larger than RAM + "
			 "swap and CommitLimit is requested and never touched",
			 (unsigned long long)run->overcommit);
		break;
	case REPRO_NMODES:
		break;
	}
}

/* Makes the sandbox cgroups of the mode. Returns 0, or a repro exit status with why filled. */
static int make_sandbox(struct run *run, const struct hr_root *root, char *why, size_t size)
{
	enum repro_mode_id id = mode_of(run);
	const char *ctl = run->m->controller;
	char num[32];
	int r;

	run->cg = -1;
	if (sandbox_cgroup_place(root, ctl, &run->place, why, size) < 0)
		return REPRO_EXIT_UNSUPPORTED;
	run->stale = sandbox_remove_stale(&run->place);
	r = sandbox_cgroup_make(&run->sb, &run->place, ctl, why, size);
	if (r < 0)
		return REPRO_EXIT_ERROR;
	run->cg = r;
	if (strcmp(ctl, "pids") == 0) {
		/* the mode's own limit for pids-cgroup and threads; elsewhere a bound well above what the mode makes */
		uint64_t max = id == REPRO_PIDS_CGROUP || id == REPRO_THREADS ? run->o.count
			       : id == REPRO_PID_MAX			     ? run->o.count + 64
			       : id == REPRO_NPROC			     ? 2 * run->o.count + 64
									     : 64;

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
		return REPRO_EXIT_ERROR;
	}
	return 0;
}

/* Forks the workload into the sandbox and waits for its result. Returns 0, or a repro exit status. */
static int run_workload(struct run *run, unsigned wait_s)
{
	struct timespec start, now;
	int fds[2];
	pid_t w, parent = getpid();
	size_t got = 0;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		cli_error("cannot create a pipe: %s", strerror(errno));
		return REPRO_EXIT_ERROR;
	}
	fflush(NULL);
	w = fork();
	if (w < 0) {
		cli_error("cannot fork the workload: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return REPRO_EXIT_ERROR;
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
	while (got < sizeof(run->res) && !interrupted) {
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
	if (!run->got_result && !interrupted) {
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

static uint64_t ns_inode(pid_t pid, const char *link)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, link);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return strtoull(strchr(target, '[') ? strchr(target, '[') + 1 : target, NULL, 10);
}

/* The scope in the report where the mode's limit is. */
static void find_scope(struct run *run)
{
	enum repro_mode_id id = mode_of(run);

	switch (id) {
	case REPRO_PID_MAX:
		snprintf(run->scope, sizeof(run->scope), "pidns:%llu",
			 (unsigned long long)ns_inode(run->res.subject, "pid"));
		break;
	case REPRO_DEAD_PIDNS_INIT:
		snprintf(run->scope, sizeof(run->scope), "pidns:%llu",
			 (unsigned long long)ns_inode(run->res.subject, "pid_for_children"));
		break;
	case REPRO_PIDS_CGROUP:
	case REPRO_THREADS:
	case REPRO_OOM_CGROUP:
		snprintf(run->scope, sizeof(run->scope), "cgroup:%s", run->sb.cg[run->cg].path);
		break;
	case REPRO_NPROC:
		snprintf(run->scope, sizeof(run->scope), "user:%u", run->o.uid);
		break;
	case REPRO_RLIMIT_AS:
	case REPRO_RLIMIT_DATA:
	case REPRO_MAP_COUNT:
		snprintf(run->scope, sizeof(run->scope), "pid:%d", (int)run->res.subject);
		break;
	case REPRO_COMMIT:
	case REPRO_NMODES:
		snprintf(run->scope, sizeof(run->scope), "system");
		break;
	}
}

/* headroom's own report, taken while the failure is held; finds the mode's limit in it. */
static void take_report(struct run *run)
{
	struct thresholds th = { 80, 95 };
	struct probe_opts po = { .no_fork = false, .map_counts = true, .map_count_min_pct = th.warning_pct };
	struct hr_root root;

	if (root_open(&root, "/") < 0)
		return;
	snapshot_init(&run->snap);
	probe_snapshot(&root, &po, &run->snap);
	assess(&run->snap, &th, NULL, &run->a);
	root_close(&root);
	run->have_report = true;
	run->named = assessment_limit(&run->a, run->m->limit, run->scope);
}

static bool named_as_expected(const struct run *run)
{
	if (!run->named)
		return false;
	/* commit is reported for information unless overcommit mode 2 binds */
	if (mode_of(run) == REPRO_COMMIT)
		return true;
	return run->named->status == STATUS_CRITICAL;
}

static const char *errno_or_none(int err)
{
	return err > 0 ? errno_name(err) : NULL;
}

static void print_report_text(const struct run *run, bool color, struct buf *out)
{
	char libc[300], shell[300];
	const struct repro_result *r = &run->res;

	buf_printf(out, "headroom repro %s: %s\n\n", run->m->name, run->m->summary);
	for (int i = 0; i < 2; i++)
		if (run->setup[i][0])
		{
			buf_printf(out, "%-10s", i ? "" : "Set up:");
			escape_text_str(out, run->setup[i]);
			buf_addc(out, '\n');
		}
	if (run->stale)
		buf_printf(out, "%-10s%d empty sandbox cgroup%s left by an earlier run that was killed outright removed\n",
			   "", run->stale, run->stale == 1 ? "" : "s");
	if (!run->got_result) {
		buf_adds(out, "Failure:  none seen: ");
		escape_text_str(out, run->died[0] ? run->died : "interrupted");
		buf_addc(out, '\n');
	} else if (r->err < 0) {
		buf_adds(out, "Set-up failed: ");
		escape_text_str(out, r->note);
		buf_addc(out, '\n');
	} else if (mode_of(run) == REPRO_OOM_CGROUP) {
		buf_printf(out, "Failure:  pid %d (repro-alloc) touched %llu MiB, then ", (int)r->victim,
			   (unsigned long long)r->after);
		escape_text_str(out, r->note[0] ? r->note : "the OOM killer killed it (SIGKILL)");
		buf_addc(out, '\n');
	} else if (r->err) {
		buf_printf(out, "Failure:  %s failed after %llu successful call%s: %s (%s)\n", run->m->call,
			   (unsigned long long)r->after, r->after == 1 ? "" : "s", errno_name(r->err), strerror(r->err));
	} else {
		buf_printf(out, "Failure:  none: %s succeeded %llu time%s\n", run->m->call, (unsigned long long)r->after,
			   r->after == 1 ? "" : "s");
	}
	if (run->got_result && r->err >= 0) {
		repro_messages(run->m, r->err, libc, sizeof(libc), shell, sizeof(shell));
		if (libc[0])
			buf_printf(out, "%-10s%-20s%s\n", "", "a C program prints:", libc);
		if (shell[0])
			buf_printf(out, "%-10s%-20s%s\n", "", mode_of(run) == REPRO_THREADS ? "Java prints:" : "a shell prints:",
				   shell);
		buf_printf(out, "%-10sexpected on kernel ", "");
		escape_text_str(out, run->kernel.release);
		buf_printf(out, ": %s%s\n", run->expected ? errno_name(run->expected) : "no errno",
			   mode_of(run) == REPRO_OOM_CGROUP ? " (a SIGKILL)" :
			   r->err == run->expected				 ? ", as seen" :
										   ", NOT what was seen");
		if (r->base)
			buf_printf(out, "%-10sthe limit was set to %llu bytes (%llu in use before + the requested room)\n", "",
				   (unsigned long long)r->set_to, (unsigned long long)r->base);
	}
	if (run->klog.open || run->klog.n) {
		if (run->klog.n) {
			buf_adds(out, "\nKernel log (/dev/kmsg):\n");
			for (size_t i = 0; i < run->klog.n; i++) {
				buf_adds(out, "  ");
				escape_text_str(out, run->klog.lines[i]);
				buf_addc(out, '\n');
			}
		} else if (mode_of(run) == REPRO_OOM_CGROUP) {
			buf_adds(out, "\nKernel log (/dev/kmsg): no line about this kill was found\n");
		}
	}
	if (run->have_report) {
		buf_adds(out, "\nheadroom, while the failure is held:\n");
		if (run->named)
			render_limit_text(run->named, color, out);
		else
		{
			buf_printf(out, "  no %s limit with scope ", limit_kinds[run->m->limit].id);
			escape_text_str(out, run->scope);
			buf_adds(out, " in the report\n");
		}
	}
}

static void print_removed(const struct run *run, struct buf *out)
{
	buf_printf(out, "\nRemoved:  %u process%s, %u cgroup%s", run->sb.removed_procs,
		   run->sb.removed_procs == 1 ? "" : "es", run->sb.removed_cgroups, run->sb.removed_cgroups == 1 ? "" : "s");
	if (run->sb.leftover[0])
	{
		buf_adds(out, "; could NOT remove ");
		escape_text_str(out, run->sb.leftover);
	}
	buf_addc(out, '\n');
}

static void print_json(const struct run *run, int status, struct buf *out)
{
	char libc[300], shell[300];
	const struct repro_result *r = &run->res;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "mode", run->m->name);
	json_str(&j, "kernel", run->kernel.release);
	json_str(&j, "call", run->m->call);
	json_bool(&j, "failed", run->got_result && r->err >= 0 &&
					(r->err > 0 || (mode_of(run) == REPRO_OOM_CGROUP && !r->note[0])));
	json_str(&j, "errno", run->got_result && r->err > 0 ? errno_name(r->err) : NULL);
	json_str(&j, "errno_expected", errno_or_none(run->expected));
	json_str(&j, "message", run->got_result && r->err > 0 ? strerror(r->err) : NULL);
	repro_messages(run->m, run->got_result && r->err > 0 ? r->err : 0, libc, sizeof(libc), shell, sizeof(shell));
	json_str(&j, "libc_message", libc[0] ? libc : NULL);
	json_str(&j, "shell_message", shell[0] ? shell : NULL);
	json_u64(&j, "after", run->got_result ? r->after : 0);
	if (mode_of(run) == REPRO_OOM_CGROUP) {
		json_str(&j, "signal", run->got_result && !r->note[0] ? "SIGKILL" : NULL);
		json_i64(&j, "victim_pid", r->victim);
	}
	if (r->set_to)
		json_u64(&j, "limit_set", r->set_to);
	if (r->base)
		json_u64(&j, "base", r->base);
	json_str(&j, "problem", !run->got_result ? (run->died[0] ? run->died : "interrupted") : r->err < 0 ? r->note : NULL);
	json_object_begin(&j, "sandbox");
	json_array_begin(&j, "setup");
	for (int i = 0; i < 2; i++)
		if (run->setup[i][0])
			json_str(&j, NULL, run->setup[i]);
	json_array_end(&j);
	json_str(&j, "cgroup", run->cg >= 0 ? run->sb.cg[run->cg].path : NULL);
	json_str(&j, "cgroup_dir", run->cg >= 0 ? run->sb.cg[run->cg].dir : NULL);
	json_i64(&j, "workload_pid", r->subject);
	json_u64(&j, "stale_removed", (uint64_t)run->stale);
	json_object_end(&j);
	json_str(&j, "scope", run->scope[0] ? run->scope : NULL);
	if (run->named)
		render_limit_json(&j, "limit", run->named);
	else
		json_null(&j, "limit");
	json_bool(&j, "named", named_as_expected(run));
	json_array_begin(&j, "kernel_log");
	for (size_t i = 0; i < run->klog.n; i++)
		json_str(&j, NULL, run->klog.lines[i]);
	json_array_end(&j);
	json_object_begin(&j, "removed");
	json_u64(&j, "processes", run->sb.removed_procs);
	json_u64(&j, "cgroups", run->sb.removed_cgroups);
	json_str(&j, "left_behind", run->sb.leftover[0] ? run->sb.leftover : NULL);
	json_object_end(&j);
	json_i64(&j, "exit_status", status);
	json_object_end(&j);
	buf_addc(out, '\n');
}

/* Sleeps up to seconds, in short slices, until a signal asks to stop. */
static void hold_for(uint64_t seconds)
{
	struct timespec slice = { 0, 100 * 1000 * 1000 };

	for (uint64_t i = 0; i < seconds * 10 && !interrupted; i++)
		nanosleep(&slice, NULL);
}

static int list_modes(void)
{
	for (size_t i = 0; i < REPRO_NMODES; i++)
		printf("%-16s %s\n", repro_modes[i].name, repro_modes[i].summary);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_UNKNOWN;
}

int cmd_repro(int argc, char **argv)
{
	struct run *run;
	const char *color = "auto";
	bool json = false, have_count = false, have_size = false, have_uid = false;
	uint64_t count = 0, size = 0, timeout = 60, uid = 0, hold = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	struct hr_root root;
	struct buf out;
	char why[600];
	int c, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ljn:s:u:t:H:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'l': return list_modes();
		case 'j': json = true; break;
		case 'n':
			if (parse_u64_str(optarg, strlen(optarg), &count) < 0) {
				cli_error("invalid --count value '%s': expected a number", optarg);
				return REPRO_EXIT_ERROR;
			}
			have_count = true;
			break;
		case 's':
			if (parse_size(optarg, &size) < 0) {
				cli_error("invalid --size value '%s': expected bytes, or a number with K, M or G", optarg);
				return REPRO_EXIT_ERROR;
			}
			have_size = true;
			break;
		case 'u':
			if (parse_u64_str(optarg, strlen(optarg), &uid) < 0 || uid == 0 || uid >= 0xffffffffu) {
				cli_error("invalid --uid value '%s': expected a uid above 0", optarg);
				return REPRO_EXIT_ERROR;
			}
			have_uid = true;
			break;
		case 't':
			if (parse_u64_str(optarg, strlen(optarg), &timeout) < 0 || timeout < 5 || timeout > 3600) {
				cli_error("invalid --timeout value '%s': expected seconds from 5 to 3600", optarg);
				return REPRO_EXIT_ERROR;
			}
			break;
		case 'H':
			if (parse_u64_str(optarg, strlen(optarg), &hold) < 0 || hold > 3600) {
				cli_error("invalid --hold value '%s': expected seconds from 0 to 3600", optarg);
				return REPRO_EXIT_ERROR;
			}
			break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &color) < 0)
				return REPRO_EXIT_ERROR;
			break;
		default:
			return cli_common_option(c, argv, "headroom repro", usage_text);
		}
	}
	if (optind >= argc) {
		cli_error("which mode? 'headroom repro --list' lists them");
		return REPRO_EXIT_ERROR;
	}
	if (optind + 1 < argc) {
		cli_error("unexpected argument '%s'; see 'headroom repro --help'", argv[optind + 1]);
		return REPRO_EXIT_ERROR;
	}

	run = xcalloc(1, sizeof(*run));
	run->cg = -1;
	run->m = repro_mode_find(argv[optind]);
	if (!run->m) {
		cli_error("unknown mode '%s'; 'headroom repro --list' lists them", argv[optind]);
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	if (have_count && !run->m->count_what) {
		cli_error("--count does not apply to mode %s", run->m->name);
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	if (have_count && (count < run->m->count_min || count > run->m->count_max)) {
		cli_error("--count for %s (%s) must be from %llu to %llu", run->m->name, run->m->count_what,
			  (unsigned long long)run->m->count_min, (unsigned long long)run->m->count_max);
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	if (have_size && !run->m->uses_size) {
		cli_error("--size does not apply to mode %s", run->m->name);
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	if (have_size && (size < (mode_of(run) == REPRO_OOM_CGROUP ? 32u << 20 : 8u << 20) || size > (1ull << 30))) {
		cli_error("--size for %s must be from %s to 1G", run->m->name,
			  mode_of(run) == REPRO_OOM_CGROUP ? "32M" : "8M");
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	if (have_uid && mode_of(run) != REPRO_NPROC) {
		cli_error("--uid applies to mode nproc only");
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	run->o.count = have_count ? count : run->m->count_default;
	run->o.size = have_size ? size : run->m->size_default;
	run->o.timeout_s = (unsigned)(timeout > hold + 30 ? timeout : hold + 30);
	if (read_kernel(&run->kernel) < 0)
		snprintf(run->kernel.release, sizeof(run->kernel.release), "unknown");
	read_u64_file("/proc/sys/vm/overcommit_memory", &run->overcommit);
	run->expected = repro_expected_errno(mode_of(run), &run->kernel, (int)run->overcommit);

	if (geteuid() != 0) {
		cli_error("repro %s needs root: it creates cgroups%s", run->m->name,
			  mode_of(run) == REPRO_NPROC ? " and changes to another uid" : "");
		status = REPRO_EXIT_NOT_ROOT;
		goto out;
	}
	if (check_support(run, why, sizeof(why)) < 0) {
		cli_error("cannot run mode %s here: %s", run->m->name, why);
		status = REPRO_EXIT_UNSUPPORTED;
		goto out;
	}
	if (mode_of(run) == REPRO_NPROC) {
		uint32_t u = (uint32_t)uid;

		if (!have_uid && free_uid(&u) < 0) {
			cli_error("no free uid from 64000 to 64999 for mode nproc; give one with --uid");
			status = REPRO_EXIT_ERROR;
			goto out;
		}
		run->o.uid = u;
	}

	/* orphans of the workload come to this process, which reaps them (sandbox_remove) */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* from here on, everything made is removed on any exit */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (root_open(&root, "/") < 0) {
		cli_error("cannot open '/': %s", strerror(errno));
		status = REPRO_EXIT_ERROR;
		goto out;
	}
	status = make_sandbox(run, &root, why, sizeof(why));
	root_close(&root);
	if (status) {
		cli_error("cannot run mode %s: %s", run->m->name, why);
		sandbox_remove(&run->sb);
		goto out;
	}
	describe_setup(run);
	if (mode_of(run) == REPRO_OOM_CGROUP)
		kernel_log_start(&run->klog);
	status = run_workload(run, 30);
	if (!status && !interrupted && run->got_result && run->res.err >= 0) {
		find_scope(run);
		take_report(run);
		if (mode_of(run) == REPRO_OOM_CGROUP)
			kernel_log_collect(&run->klog, run->res.victim, run->sb.cg[run->cg].path);
		if (mode_of(run) == REPRO_OOM_CGROUP ? run->res.note[0] != '\0'
							     : run->res.err == 0 && mode_of(run) != REPRO_COMMIT)
			status = REPRO_EXIT_NO_FAILURE;
		else
			status = named_as_expected(run) ? REPRO_EXIT_NAMED : REPRO_EXIT_NOT_NAMED;
	} else if (!status && !interrupted) {
		status = REPRO_EXIT_ERROR;
	}
	buf_init(&out);
	if (!json && !interrupted) {
		print_report_text(run, cli_use_color(color, STDOUT_FILENO), &out);
		if (hold)
			buf_printf(&out, "\nHolding the failure for %llu s (Ctrl-C ends it early)\n", (unsigned long long)hold);
		if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0)
			status = REPRO_EXIT_ERROR;
		buf_reset(&out);
	}
	hold_for(hold);
	sandbox_remove(&run->sb);
	if (interrupted) {
		/* said on stderr: the output a script reads stays one document, or nothing */
		cli_error("interrupted by %s; removed %u process%s and %u cgroup%s%s%s",
			strsignal(interrupted), run->sb.removed_procs, run->sb.removed_procs == 1 ? "" : "es",
			run->sb.removed_cgroups, run->sb.removed_cgroups == 1 ? "" : "s",
			run->sb.leftover[0] ? "; could not remove " : "", run->sb.leftover);
		status = 128 + interrupted;
	} else {
		if (json)
			print_json(run, status, &out);
		else
			print_removed(run, &out);
		if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0)
			status = REPRO_EXIT_ERROR;
	}
	buf_free(&out);
out:
	if (run->have_report) {
		assessment_free(&run->a);
		snapshot_free(&run->snap);
	}
	kernel_log_free(&run->klog);
	xfree(run);
	return status;
}
