// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pid namespaces: which exist, how they nest, how many pids each holds, whether some process forks
 * into one whose init has died, and (6.14+) each one's own kernel.pid_max.
 *
 * A namespace's pid_max can only be read by a task inside it: /proc/sys/kernel/pid_max shows the
 * reader's namespace (pid_table_root_lookup uses task_active_pid_ns(current)). So on a live system
 * headroom forks a child that joins the namespace (setns) and forks a grandchild there to read it.
 * When the namespace is full that fork fails with EAGAIN; then clone3() with set_tid finds pid_max
 * without creating a task: alloc_pid() rejects a requested tid >= pid_max with EINVAL, before it
 * looks at whether the number is free (EEXIST) and before the permission check.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/text.h"
#include "probe/probe.h"

#define PID_MAX_LIMIT 4194304  /* include/linux/threads.h, 64-bit */
#define PIDNS_MAX_DEPTH 33     /* MAX_PID_NS_LEVEL 32, plus the root */
#define PROBE_TIMEOUT_S 5

static struct pidns_info *pidns_add(struct snapshot *snap, uint64_t inode)
{
	struct pidns_info *ns = snapshot_pidns(snap, inode);

	if (ns)
		return ns;
	MEM_GROW(snap->mem, snap->pidns, snap->pidns_cap, snap->npidns + 1);
	ns = &snap->pidns[snap->npidns++];
	memset(ns, 0, sizeof(*ns));
	ns->inode = inode;
	return ns;
}

/* The parent of the pid namespace of process pid, by NS_GET_PARENT (4.9+). 0 when unknown. */
static uint64_t live_parent(const struct hr_root *root, int pid)
{
	char rel[64];
	struct stat st;
	uint64_t ino = 0;
	int fd, pfd;

	snprintf(rel, sizeof(rel), "%d/ns/pid", pid);
	fd = root_openat(root, root->proc_fd, rel, O_RDONLY);
	if (fd < 0)
		return 0;
	pfd = ioctl(fd, NS_GET_PARENT);
	if (pfd >= 0) {
		if (fstat(pfd, &st) == 0)
			ino = st.st_ino;
		close(pfd);
	}
	close(fd);
	return ino;
}

/* ---- the pid_max probe, run in a forked child ---- */

/* Writes "<word> <value>\n" to the parent. */
static void probe_write(int fd, const char *word, long long v)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%s %lld\n", word, v);

	if (n > 0)
		(void)!write(fd, line, (size_t)n);
}

/* clone3 with set_tid = {tid}: -EINVAL when tid >= this level's pid_max. A created task exits at once. */
static int try_tid(int tid)
{
	struct clone_args a;
	pid_t t = tid;
	long r;

	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	a.set_tid = (uint64_t)(uintptr_t)&t;
	a.set_tid_size = 1;
	r = syscall(SYS_clone3, &a, sizeof(a));
	if (r == 0)
		_exit(0);
	if (r < 0)
		return -errno;
	while (waitpid((pid_t)r, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* Finds the smallest tid the namespace rejects as out of range. Returns it, or -errno. */
static long long search_pid_max(long long lower)
{
	long long lo = lower < 1 ? 1 : lower, hi = PID_MAX_LIMIT;
	int r;

	if (lo > hi)
		return -ERANGE;
	while (lo < hi) {
		long long mid = lo + (hi - lo) / 2;

		r = try_tid((int)mid);
		if (r == -EINVAL)
			hi = mid;
		else if (r == 0 || r == -EEXIST || r == -EAGAIN || r == -ENOMEM)
			lo = mid + 1;
		else
			return r; /* EPERM, ENOSYS: this kernel or this caller cannot tell */
	}
	/* The answer must itself be rejected, and the number below it must not be. */
	if (try_tid((int)lo) != -EINVAL)
		return -ERANGE;
	return lo;
}

static void probe_child(int out, int nsfd, const struct hr_root *root, long long lower)
{
	struct buf b;
	uint64_t v;
	pid_t g;
	int r;

	alarm(PROBE_TIMEOUT_S);
	if (setns(nsfd, CLONE_NEWPID) < 0) {
		probe_write(out, "error", errno);
		return;
	}
	g = fork();
	if (g == 0) {
		alarm(PROBE_TIMEOUT_S);
		buf_init(&b); /* in the child: its own heap */
		r = read_u64_at(root, root->proc_fd, "sys/kernel/pid_max", &b, &v);
		if (r == 0)
			probe_write(out, "read", (long long)v);
		else
			probe_write(out, "error", -r);
		_exit(0);
	}
	if (g > 0) {
		while (waitpid(g, NULL, 0) < 0 && errno == EINTR)
			;
		return;
	}
	probe_write(out, "fork", errno);
	if (errno == EAGAIN) {
		long long pm = search_pid_max(lower);

		if (pm > 0)
			probe_write(out, "search", pm);
		else
			probe_write(out, "error", -pm);
	}
}

/*
 * Reads the pid_max of the namespace whose init is init_pid. Fills ns->pid_max, ns->pid_max_how and
 * ns->probe_err. Returns 0 or -errno.
 */
static int probe_pid_max_live(const struct hr_root *root, struct pidns_info *ns)
{
	char rel[64], out[256];
	size_t got = 0;
	int fds[2], nsfd, status;
	pid_t child;
	ssize_t n;

	snprintf(rel, sizeof(rel), "%d/ns/pid", ns->init_pid);
	nsfd = root_openat(root, root->proc_fd, rel, O_RDONLY);
	if (nsfd < 0)
		return nsfd;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		close(nsfd);
		return -errno;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		int err = -errno;

		close(nsfd);
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (child == 0) {
		close(fds[0]);
		probe_child(fds[1], nsfd, root, (long long)ns->max_pid_seen + 1);
		_exit(0);
	}
	close(fds[1]);
	close(nsfd);
	while (got < sizeof(out) - 1) {
		n = read(fds[0], out + got, sizeof(out) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fds[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;

	{
		const char *pos = out, *end = out + got;
		struct line l;
		int result = -EIO;

		while (next_line(&pos, end, &l)) {
			const char *p;
			uint64_t v;

			if (line_has_prefix(&l, "read ") || line_has_prefix(&l, "search ")) {
				bool searched = l.p[0] == 's';

				p = l.p + (searched ? 7 : 5);
				if (parse_u64(&p, l.p + l.len, &v) == 0) {
					ns->pid_max = (struct opt_u64){ true, v };
					ns->pid_max_how = searched ?
						"found with clone3 set_tid probes: the namespace had no free pid to read it from inside" :
						"read from inside the namespace";
					result = 0;
				}
			} else if (line_has_prefix(&l, "fork ")) {
				p = l.p + 5;
				if (parse_u64(&p, l.p + l.len, &v) == 0)
					ns->probe_err = -(int)v;
			} else if (line_has_prefix(&l, "error ")) {
				p = l.p + 6;
				if (parse_u64(&p, l.p + l.len, &v) == 0)
					result = -(int)v;
			}
		}
		return result;
	}
}

/* Fixture trees: a namespace's own view of pid_max is stored at proc/<init>/root/proc/sys/kernel/pid_max. */
static int read_pid_max_fixture(const struct hr_root *root, struct pidns_info *ns, struct buf *b)
{
	char rel[96];
	uint64_t v;
	int r;

	snprintf(rel, sizeof(rel), "%d/root/proc/sys/kernel/pid_max", ns->init_pid);
	r = read_u64_at(root, root->proc_fd, rel, b, &v);
	if (r < 0)
		return r;
	ns->pid_max = (struct opt_u64){ true, v };
	ns->pid_max_how = "read from the fixture's view inside the namespace";
	return 0;
}

/*
 * The pid namespace of process pid in a fixture tree: the kept process's, or its link read (a folded
 * scan keeps few). 0 unknown.
 */
static uint64_t fixture_pidns_of(const struct hr_root *root, const struct snapshot *snap, int pid)
{
	const struct proc_info *p = snapshot_proc(snap, pid);
	char rel[32];

	if (p || !snap->folded)
		return p ? p->pidns : 0;
	snprintf(rel, sizeof(rel), "%d/ns/pid", pid);
	return probe_ns_inode(root, root->proc_fd, rel, NULL);
}

/* Each namespace's parent: where its init's parent lives (live: from the kernel; a tree: from its files). */
static void link_parents(const struct hr_root *root, struct snapshot *snap, uint64_t own)
{
	const struct tally *t = &snap->tally;

	for (size_t i = 0; i < snap->npidns; i++) {
		struct pidns_info *ns = &snap->pidns[i];
		const struct tally_ns *tn = tally_ns_of(t, ns->inode);

		if (ns->inode == own || !ns->init_pid)
			continue;
		if (root->live) {
			ns->parent = live_parent(root, ns->init_pid);
		} else if (tn && tn->init_ppid) {
			/* Fixture trees: the namespace its init's parent lives in. */
			ns->parent = fixture_pidns_of(root, snap, tn->init_ppid);
			if (ns->parent == ns->inode)
				ns->parent = 0;
		}
		if (!ns->parent)
			ns->parent = own;
	}
}

/* Each namespace's depth below the reader's, guarding against cycles in a hostile fixture. */
static void set_depths(struct snapshot *snap, uint64_t own)
{
	for (size_t i = 0; i < snap->npidns; i++) {
		struct pidns_info *ns = &snap->pidns[i];
		uint64_t cur = ns->inode;
		int d = 0;

		while (cur != own && d < PIDNS_MAX_DEPTH) {
			struct pidns_info *x = snapshot_pidns(snap, cur);

			if (!x || !x->parent)
				break;
			cur = x->parent;
			d++;
		}
		ns->depth = d;
	}
}

/* Every task holds a pid in its own namespace and in each one above it. */
static void count_tasks(struct snapshot *snap, uint64_t own)
{
	const struct tally *t = &snap->tally;

	for (size_t i = 0; i < t->ns.n; i++) {
		const struct tally_ns *tn = TALLY_AT(&t->ns, const struct tally_ns, i);
		uint64_t cur = tn->inode;
		int d = 0;

		while (cur && d < PIDNS_MAX_DEPTH) {
			struct pidns_info *x = snapshot_pidns(snap, cur);

			if (!x)
				break;
			x->tasks += tn->tasks;
			if (x->inode == own)
				break;
			cur = x->parent;
			d++;
		}
	}
}

/* Namespaces a process forks into although nothing lives in them: their init has exited. */
static void mark_dead(struct snapshot *snap)
{
	const struct tally *t = &snap->tally;

	for (size_t i = 0; i < t->forks_into.n; i++) {
		const struct tally_forks_into *f = TALLY_AT(&t->forks_into, const struct tally_forks_into, i);
		struct pidns_info *ns = snapshot_pidns(snap, f->inode);

		if (ns && ns->init_pid)
			continue;
		if (!t->pidns_all_known) {
			for (unsigned k = 0; k < f->holders; k++)
				snapshot_problem(snap, "whether a pid namespace still has its init (needs ptrace access to its init)",
						 "", EACCES, false);
			continue;
		}
		if (!ns) {
			ns = pidns_add(snap, f->inode);
			ns->parent = f->holder_ns;
			ns->dead_holder_pid = f->holder_pid;
			ns->dead_holder_comm = f->holder_comm;
			ns->dead_holder_threads = f->holder_threads;
		}
		ns->dead = true;
		ns->dead_holders += f->holders;
	}
}

/* Each namespace's own pid_max: per namespace only since 6.14 (7863dcc72d0f). */
static void read_pid_maxes(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap, uint64_t own)
{
	struct buf b;

	if (!kversion_at_least(&snap->sys.kernel, 6, 14))
		return;
	buf_init_in(&b, snap->mem);
	for (size_t i = 0; i < snap->npidns; i++) {
		struct pidns_info *ns = &snap->pidns[i];
		char what[96];
		int r;

		if (ns->inode == own) {
			ns->pid_max = snap->sys.pid_max;
			ns->pid_max_how = "kernel.pid_max as this namespace reads it";
			continue;
		}
		if (ns->dead || !ns->init_pid)
			continue;
		if (!root->live)
			r = read_pid_max_fixture(root, ns, &b);
		else if (opts->no_fork)
			r = -ECANCELED;
		else
			r = probe_pid_max_live(root, ns);
		if (r < 0 && r != -ECANCELED) {
			snprintf(what, sizeof(what), "pid_max of pid namespace %llu", (unsigned long long)ns->inode);
			if (root->live)
				snapshot_problem(snap, what, "", -r, false);
			else /* the fixture's file, named: it may be refused (proc/INIT/root a link out of the tree) */
				probe_problem(root, snap, what, r, false, "proc/%d/root/proc/sys/kernel/pid_max", ns->init_pid);
		}
	}
	buf_free(&b);
}

void probe_pidns(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap)
{
	uint64_t own = snap->sys.own_pidns ? snap->sys.own_pidns : PROC_PID_INIT_INO;
	const struct tally *t = &snap->tally;

	pidns_add(snap, own);
	/* in the order first seen */
	for (size_t i = 0; i < t->ns.n; i++) {
		const struct tally_ns *tn = TALLY_AT(&t->ns, const struct tally_ns, i);
		struct pidns_info *ns = pidns_add(snap, tn->inode);

		/* A namespace's init shows in NSpid (readable by all) as pid 1 at a level below the reader's */
		if (tn->init_pid && !ns->init_pid)
			ns->init_pid = tn->init_pid;
		if (tn->max_nspid > ns->max_pid_seen)
			ns->max_pid_seen = tn->max_nspid;
	}
	link_parents(root, snap, own);
	set_depths(snap, own);
	count_tasks(snap, own);
	mark_dead(snap);
	read_pid_maxes(root, opts, snap, own);
}
