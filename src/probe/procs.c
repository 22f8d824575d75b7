// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The process scan: one pass over /proc/PID, reading per process its status, its limits (prlimit(2) on
 * the live system), its namespace links where needed, its cgroup (from cgroup.procs on a live system of
 * many processes, see probe_procs_cgroups) and, for processes whose size allows it, the number of
 * mappings. Threads are counted from status (Threads:), never by walking /proc/PID/task: the cost grows
 * with processes, not threads.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/sort.h"
#include "core/text.h"
#include "parse/pid_cgroup.h"
#include "parse/pid_limits.h"
#include "parse/pid_status.h"
#include "probe/mapcount.h"
#include "probe/probe.h"

/* A process that exits mid-scan makes its files fail with one of these: skip it quietly. */
static bool vanished(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/*
 * A process's files are read from its directory when it is open (a tree), or from proc by "PID/file"
 * (the live system: an open and a close saved per process; its pid cannot be reused while it is listed
 * and read within microseconds). rel_of() gives the path for file, in out (room for 64).
 */
struct pdir {
	int fd;         /* the process's directory, or proc */
	bool own;       /* fd is the process's directory (closed by its owner) */
	char name[16];  /* the pid */
};

static void pdir_close(const struct pdir *d)
{
	if (d->own && d->fd >= 0)
		close(d->fd);
}

static const char *rel_of(const struct pdir *d, const char *file, char *out)
{
	if (d->own)
		return file;
	snprintf(out, 64, "%s/%.40s", d->name, file);
	return out;
}

/* After a file failed with a vanished() error: is the process really gone? */
static bool gone(const struct hr_root *root, const struct pdir *d, int err)
{
	char rel[64];

	return vanished(err) && root_access(root, d->fd, rel_of(d, "status", rel)) < 0;
}

static bool is_pid_name(const char *s)
{
	if (!*s || *s == '0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * The cgroup a process is counted in for pids.max: the v1 pids hierarchy when pids is a v1
 * controller, else the v2 path, else name=systemd's. *ret_memcg: its path in a v1 memory hierarchy,
 * NULL when memory is not a v1 controller (then the memory cgroup is the v2 one).
 */
static const char *primary_cgroup(struct snapshot *snap, const char *buf, size_t len, const char **ret_memcg)
{
	struct pid_cgroup pc;
	const struct pid_cgroup_entry *v1pids = NULL, *v1mem = NULL, *v2 = NULL, *named = NULL, *pick;

	*ret_memcg = NULL;
	if (pid_cgroup_parse(buf, len, &pc) < 0)
		return NULL;
	for (int i = 0; i < pc.n; i++) {
		const struct pid_cgroup_entry *e = &pc.e[i];

		if (e->hierarchy_id == 0 && e->controllers_len == 0) {
			v2 = e;
			continue;
		}
		if (controller_list_has(e->controllers, e->controllers_len, "pids"))
			v1pids = e;
		if (controller_list_has(e->controllers, e->controllers_len, "memory"))
			v1mem = e;
		if (controller_list_has(e->controllers, e->controllers_len, "name=systemd"))
			named = e;
	}
	if (v1mem)
		*ret_memcg = strtab_intern(&snap->strings, v1mem->path, v1mem->path_len);
	pick = v1pids ? v1pids : v2 ? v2 : named;
	return pick ? strtab_intern(&snap->strings, pick->path, pick->path_len) : NULL;
}

/*
 * The cgroups of p from its /proc/PID/cgroup (dirfd: its directory, or proc with name "PID/"). Returns 0,
 * -EINVAL for content without a cgroup, -ESRCH when it is gone, or -errno.
 */
static int read_cgroup_file(const struct hr_root *root, struct snapshot *snap, int dirfd, const char *name,
			    struct proc_info *p, struct buf *b)
{
	char rel[48];
	ssize_t n;

	if (dirfd == root->proc_fd)
		snprintf(rel, sizeof(rel), "%.32s/cgroup", name);
	else
		snprintf(rel, sizeof(rel), "cgroup");
	n = read_record_at(root, dirfd, rel, b);
	if (n == -ENOENT)
		return -ESRCH;
	if (n < 0)
		return (int)n;
	p->cgroup = primary_cgroup(snap, b->data, b->len, &p->memcg);
	return p->cgroup ? 0 : -EINVAL;
}

/* A problem found by the scan, recorded into the snapshot at its end (the map worker's too). */
struct scan_problem {
	const char *what;
	char rel[64];
	int err;
};

struct scan {
	const struct hr_root *root;
	const struct probe_opts *opts;
	struct snapshot *snap;
	uint64_t largest_vm_kib; /* the largest VmSize of the walk so far, whose maps were counted */
	uint64_t most_threads;   /* the most threads of the walk so far, whose maps were counted */
	bool own_pids;           /* proc is this process's own pid namespace's: its pids are ours for prlimit() */
	uid_t euid;              /* ours: whose maps we may read */
	struct mapcount *mc;   /* the worker counting maps; NULL: count inline */
	struct buf b, scratch;
	/* what the scan found, moved into the snapshot at its end (merge_scan) */
	struct proc_info *procs;
	size_t nprocs, procs_cap;
	struct scan_problem *problems;
	size_t nproblems, problems_cap;
	size_t maps_bounded;
	/* folding (probe_opts.fold): the cgroups of the last zombie's parent, whose they are */
	int zombie_parent;
	const char *zombie_parent_cgroup, *zombie_parent_memcg;
};

/* A problem with proc/PID/file: err is -errno, or -EINVAL for malformed content. Kept until flush_problems(). */
static void scan_problem(struct scan *s, const char *what, const char *pid, const char *file, int err)
{
	struct scan_problem *sp;

	if (s->nproblems == s->problems_cap) {
		s->problems_cap = s->problems_cap ? 2 * s->problems_cap : 16;
		s->problems = mem_reallocarray(s->snap->mem, s->problems, s->problems_cap, sizeof(*s->problems));
	}
	sp = &s->problems[s->nproblems++];
	sp->what = what;
	sp->err = err;
	snprintf(sp->rel, sizeof(sp->rel), "proc/%.15s/%.40s", pid, file);
}

/* Records the scan's problems into the snapshot, in the order they were found. */
static void flush_problems(struct scan *s)
{
	for (size_t i = 0; i < s->nproblems; i++)
		probe_problem(s->root, s->snap, s->problems[i].what, s->problems[i].err, false, "%s", s->problems[i].rel);
	s->nproblems = 0;
}

/* Stores a map count, or reports why it could not be read (a process that is gone is not a problem). */
static void set_map_count(struct scan *s, struct proc_info *p, const char *name, long long count)
{
	if (count >= 0) {
		p->map_count = (uint64_t)count;
		p->map_count_known = true;
	} else if (count != -ESRCH) {
		scan_problem(s, count == -EACCES || count == -EPERM ? "map count of processes (needs ptrace access)" :
								      "map count of processes",
			     name, "maps", (int)count);
	}
}

/* A process between the two passes of its reading: its status is read, its directory open (a tree). */
struct pending {
	struct proc_info p;
	struct pdir dir;
	bool count_maps;  /* its mappings are counted (maps_worth_counting) */
	bool maps_queued; /* the worker counts its mappings */
};

/*
 * A zombie's cgroup is its parent's (zombies_in_parents_cgroups): read from the parent's file when
 * folding, once for a run of zombies of one parent.
 */
static void fold_zombie_cgroup(struct scan *s, struct proc_info *p)
{
	struct proc_info parent;
	char name[16];

	if (!p->zombie || (p->cgroup && strcmp(p->cgroup, "/") != 0) || p->ppid <= 0)
		return;
	if (s->zombie_parent != p->ppid) {
		memset(&parent, 0, sizeof(parent));
		snprintf(name, sizeof(name), "%d", p->ppid);
		s->zombie_parent = p->ppid;
		s->zombie_parent_cgroup = s->zombie_parent_memcg = NULL;
		if (read_cgroup_file(s->root, s->snap, s->root->proc_fd, name, &parent, &s->scratch) == 0) {
			s->zombie_parent_cgroup = parent.cgroup;
			s->zombie_parent_memcg = parent.memcg;
		}
	}
	if (s->zombie_parent_cgroup) {
		p->cgroup = s->zombie_parent_cgroup;
		p->memcg = s->zombie_parent_memcg;
	}
}

static void add_proc(struct scan *s, struct proc_info *p)
{
	if (s->opts->fold) {
		/* folded and kept only if tally_retain() wants it: the name lives on, interned */
		fold_zombie_cgroup(s, p);
		tally_add(&s->snap->tally, s->snap, p, strtab_intern(&s->snap->strings, p->comm, strlen(p->comm)));
		tally_retain(&s->snap->tally, s->snap, s->opts->fold, p);
		return;
	}
	if (s->nprocs == s->procs_cap) {
		s->procs_cap = s->procs_cap ? 2 * s->procs_cap : 256;
		s->procs = mem_reallocarray(s->snap->mem, s->procs, s->procs_cap, sizeof(*s->procs));
	}
	s->procs[s->nprocs++] = *p;
}

/*
 * The limits headroom uses (AS, DATA; NPROC when need_nproc), by prlimit(2): a system call each instead
 * of the kernel formatting sixteen lines of /proc/PID/limits. It needs the same credentials or
 * CAP_SYS_RESOURCE: a root without that capability, such as in some containers, gets EPERM for other
 * users' processes and reads the file instead. Returns 0 or -errno; *ret is complete only on success.
 */
static int limits_by_prlimit(int pid, bool need_nproc, struct pid_limits *ret)
{
	static const struct {
		int resource;
		enum pid_rlimit key;
	} which[] = { { RLIMIT_AS, PID_RLIMIT_AS }, { RLIMIT_DATA, PID_RLIMIT_DATA }, { RLIMIT_NPROC, PID_RLIMIT_NPROC } };
	struct pid_limits l;

	memset(&l, 0, sizeof(l));
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		struct rlimit rl;

		if (which[i].key == PID_RLIMIT_NPROC && !need_nproc)
			continue;
		if (prlimit(pid, which[i].resource, NULL, &rl) < 0)
			return -errno;
		l.soft[which[i].key] = (struct rlim_value){ true, rl.rlim_cur == RLIM_INFINITY, rl.rlim_cur };
		l.hard[which[i].key] = (struct rlim_value){ true, rl.rlim_max == RLIM_INFINITY, rl.rlim_max };
		if (rl.rlim_cur == RLIM_INFINITY)
			l.soft[which[i].key].value = 0;
		if (rl.rlim_max == RLIM_INFINITY)
			l.hard[which[i].key].value = 0;
	}
	*ret = l;
	return 0;
}

/* Whether proc is the procfs of this process's pid namespace: its "self" link names our pid. */
static bool proc_is_own(const struct hr_root *root)
{
	char link[32];

	return root->live && readlink_at(root, root->proc_fd, "self", link, sizeof(link)) > 0 && atoi(link) == getpid();
}

/*
 * Whether p's maps are worth counting: its VmSize in pages (each mapping spans one at least; the
 * [vsyscall] gate is in neither) could reach map_count_min_pct of vm.max_map_count, or it is the largest
 * so far, or it is the one asked for. A fork leak of 26,000 small processes counts a handful.
 */
static bool maps_worth_counting(struct scan *s, const struct proc_info *p)
{
	const struct sys_info *sys = &s->snap->sys;

	if (!p->has_mm || !s->opts->map_counts)
		return false;
	if (s->opts->map_count_min_pct <= 0 || !sys->max_map_count.known || p->pid == s->opts->focus_pid)
		return true;
	/*
	 * The largest so far, and the one with the most threads so far (each thread stack is one or two
	 * mappings), among those this user can read (ptrace access: root, or the same uid).
	 */
	if (s->euid == 0 || p->uid == s->euid) {
		bool largest = p->vm_size_kib > s->largest_vm_kib, most = p->threads > s->most_threads;

		if (largest)
			s->largest_vm_kib = p->vm_size_kib;
		if (most)
			s->most_threads = p->threads;
		if (largest || most)
			return true;
	}
	if ((double)(p->vm_size_kib / 4) * 100.0 >= s->opts->map_count_min_pct * (double)sys->max_map_count.v)
		return true;
	s->maps_bounded++;
	return false;
}

/*
 * The first part of reading a process: its status, and its maps queued for the worker by size. Returns 0
 * when scan_rest() is to read the rest from *ret, 1 when it is gone, unreadable or finished here.
 */
static int scan_status(struct scan *s, const char *name, struct pending *ret)
{
	struct proc_info *p = &ret->p;
	struct pdir *d = &ret->dir;
	struct pid_status st;
	char rel[64];
	ssize_t n;

	snprintf(d->name, sizeof(d->name), "%.15s", name);
	d->own = !s->root->live;
	d->fd = s->root->proc_fd;
	if (d->own) {
		d->fd = root_openat(s->root, s->root->proc_fd, name, O_RDONLY | O_DIRECTORY);
		if (d->fd < 0) {
			if (!vanished(d->fd))
				scan_problem(s, "process directory", name, "", d->fd);
			return 1;
		}
	}
	memset(p, 0, sizeof(*p));
	p->pid = atoi(name);

	n = read_record_at(s->root, d->fd, rel_of(d, "status", rel), &s->b);
	if (n < 0) {
		if (!vanished((int)n))
			scan_problem(s, "process status", name, "status", (int)n);
		pdir_close(d);
		return 1;
	}
	if (pid_status_parse(s->b.data, s->b.len, &st) < 0) {
		/* An exiting task can also return a partial file; only a present one is malformed. */
		if (root_access(s->root, d->fd, rel_of(d, "status", rel)) == 0)
			scan_problem(s, "process status", name, "status", -EINVAL);
		pdir_close(d);
		return 1;
	}
	memcpy(p->comm, st.name, sizeof(p->comm));
	p->ppid = st.has_ppid ? st.ppid : 0;
	p->uid = st.ruid;
	p->threads = st.threads;
	p->has_mm = st.has_mm;
	p->zombie = st.state == 'Z';
	p->vm_size_kib = st.vm_size_kib;
	p->vm_data_kib = st.vm_data_kib;
	p->vm_rss_kib = st.vm_rss_kib;
	p->vm_swap_kib = st.vm_swap_kib;
	p->vm_pte_kib = st.vm_pte_kib;
	p->has_cap_eff = st.has_cap_eff;
	p->cap_eff = st.cap_eff;
	p->nspid_count = st.nspid_count;
	p->nspid_inner = st.nspid_inner;

	/*
	 * A kernel thread (no mm, kthreadd or its child) needs nothing more: uid 0 is exempt from RLIMIT_NPROC,
	 * it has no mappings, and it lives in the initial pid namespace (only a reader there sees it).
	 * On a large server they are hundreds of the processes: four system calls each saved.
	 */
	if (!st.has_mm && st.state != 'Z' && (p->pid == 2 || p->ppid == 2)) {
		p->kernel_thread = true;
		p->pidns = s->snap->sys.own_pidns;
		add_proc(s, p);
		pdir_close(d);
		return 1;
	}
	/* the largest address spaces first: their maps take longest; the worker holds the directory open */
	ret->count_maps = maps_worth_counting(s, p);
	ret->maps_queued = false;
	if (ret->count_maps && s->mc) {
		if (mapcount_early(s->mc, p->pid)) {
			ret->maps_queued = true;
		} else {
			int dfd = d->own ? d->fd : root_openat(s->root, s->root->proc_fd, name, O_RDONLY | O_DIRECTORY);

			ret->maps_queued = dfd >= 0 && mapcount_queue(s->mc, p->pid, dfd, p->vm_size_kib);
			if (dfd >= 0 && !d->own)
				close(dfd);
		}
	}
	return 0;
}

/* The rest of one process (limits, cgroup, namespaces; maps when not queued). Closes its directory. */
static void scan_rest(struct scan *s, struct pending *pe)
{
	struct proc_info *p = &pe->p;
	const struct pdir *d = &pe->dir;
	const char *name = d->name;
	char rel[64];
	int err;
	ssize_t n;

	/* host root's processes are exempt from RLIMIT_NPROC: its value is not needed */
	if (s->own_pids && limits_by_prlimit(p->pid, !(p->uid == 0 && s->snap->sys.uid0_is_host_root), &p->limits) == 0) {
		p->has_limits = true;
		goto limits_done;
	}
	n = read_record_at(s->root, d->fd, rel_of(d, "limits", rel), &s->b);
	if (n < 0) {
		if (gone(s->root, d, (int)n))
			goto gone;
		scan_problem(s, "resource limits", name, "limits", (int)n);
	} else if (pid_limits_parse(s->b.data, s->b.len, &p->limits) == 0) {
		p->has_limits = true;
	} else {
		scan_problem(s, "resource limits", name, "limits", -EINVAL);
	}
limits_done:

	/* on the live system, membership comes from each cgroup's cgroup.procs (probe_procs_cgroups) */
	if (!s->snap->cgroups_deferred)
	{
		err = read_cgroup_file(s->root, s->snap, d->fd, name, p, &s->b);
		if (err < 0 && err != -ESRCH)
			scan_problem(s, "cgroup membership", name, "cgroup", err);
	}

	/* The capabilities that exempt from RLIMIT_NPROC count only in the initial user namespace. */
	if (p->uid != 0 && p->has_cap_eff && (p->cap_eff & ((1ULL << 21) | (1ULL << 24)))) {
		p->userns = probe_ns_inode(s->root, d->fd, rel_of(d, "ns/user", rel), &err);
		if (!p->userns && !gone(s->root, d, err))
			scan_problem(s, "user namespace of processes with CAP_SYS_ADMIN or CAP_SYS_RESOURCE (needs ptrace "
				     "access; counted as not exempt from RLIMIT_NPROC)", name, "ns/user", err);
	}

	/*
	 * One pid in NSpid (4.1+): the process is in the reader's own pid namespace, no link to read. Otherwise
	 * the link, which needs ptrace read access: other users' processes fail with EACCES.
	 */
	if (p->nspid_count == 1 && s->snap->sys.own_pidns) {
		p->pidns = s->snap->sys.own_pidns;
	} else {
		p->pidns = probe_ns_inode(s->root, d->fd, rel_of(d, "ns/pid", rel), &err);
		if (!p->pidns && !vanished(err))
			scan_problem(s, "pid namespace of processes (needs ptrace access)", name, "ns/pid", err);
	}
	if (p->pidns) {
		/* ENOENT here: no process was ever created in the namespace it would fork into (no reaper). */
		uint64_t c = probe_ns_inode(s->root, d->fd, rel_of(d, "ns/pid_for_children", rel), NULL);

		if (c && c != p->pidns)
			p->pidns_children = c;
	}

	if (s->opts->oom_scores) {
		const char *file = "oom_score_adj", *q;
		int64_t adj, score;

		n = read_record_at(s->root, d->fd, rel_of(d, file, rel), &s->b);
		if (n >= 0 && (q = s->b.data, parse_i64(&q, q + s->b.len, &adj) == 0) && adj >= -1000 && adj <= 1000) {
			file = "oom_score";
			n = read_record_at(s->root, d->fd, rel_of(d, file, rel), &s->b);
			if (n >= 0 && (q = s->b.data, parse_i64(&q, q + s->b.len, &score) == 0)) {
				p->has_oom = true;
				p->oom_score_adj = (int)adj;
				p->oom_score = (long)score;
			}
		}
		if (root_refused((int)n))
			scan_problem(s, "OOM scores of processes", name, file, (int)n);
	}
	if (pe->count_maps && !pe->maps_queued) {
		int dfd = d->own ? d->fd : root_openat(s->root, s->root->proc_fd, name, O_RDONLY | O_DIRECTORY);

		set_map_count(s, p, name, dfd >= 0 ? mapcount_one(s->root, dfd, &s->scratch) : dfd == -ENOENT ? -ESRCH : dfd);
		if (dfd >= 0 && !d->own)
			close(dfd);
	}
	add_proc(s, p);
gone:
	pdir_close(d);
}

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * Queues the maps of the process that allocated the newest pid (/proc/loadavg field 5), before the
 * scan starts: the process that most recently created tasks is the likeliest to hold thousands of
 * them, and its maps file is the longest to read. Only the order of work changes.
 */
static void queue_newest(struct scan *s)
{
	const struct loadavg *la = &s->snap->sys.loadavg;
	struct pid_status st;
	char rel[32];
	int fd;

	/* probe_system has read /proc/loadavg already */
	if (!s->mc || !s->root->live || !s->snap->sys.have_loadavg || !la->last_pid || la->last_pid > INT32_MAX)
		return;
	snprintf(rel, sizeof(rel), "%llu/status", (unsigned long long)la->last_pid);
	if (read_file_at(s->root, s->root->proc_fd, rel, &s->b) < 0 || pid_status_parse(s->b.data, s->b.len, &st) < 0 ||
	    !st.has_tgid || !st.has_mm)
		return;
	/* a thread hog's maps are long; a small process's are not worth the early start */
	if (s->opts->map_count_min_pct > 0 && s->snap->sys.max_map_count.known &&
	    (double)(st.vm_size_kib / 4) * 100.0 < s->opts->map_count_min_pct * (double)s->snap->sys.max_map_count.v)
		return;
	snprintf(rel, sizeof(rel), "%d", st.tgid);
	fd = root_openat(s->root, s->root->proc_fd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return;
	mapcount_queue_early(s->mc, st.tgid, fd);
	close(fd);
}

/* Puts the worker's counts into the processes, and reports what it could not read. */
static void apply_mapcounts(struct scan *s)
{
	struct mapcount_result *res;
	size_t n = mapcount_finish(s->mc, &res);

	s->mc = NULL;
	for (size_t i = 0; i < n; i++) {
		struct proc_info *p = snapshot_proc(s->snap, res[i].pid);
		char pid[16];

		if (!p)
			continue; /* counted speculatively, gone before the scan saw it */
		snprintf(pid, sizeof(pid), "%d", res[i].pid);
		set_map_count(s, p, pid, res[i].count);
	}
	xfree(res);
}

/*
 * Lists /proc a few entries at a time. The kernel's listing walks every pid, threads included, and a
 * full 32 KiB getdents64 returns only once that walk is done: with one process of 20,000 threads,
 * that process would be seen only after its 20,000 thread ids were stepped over. Asking for one entry
 * a call for the first PID_LIST_SMALL pids returns each process as soon as the walk reaches it, so its
 * maps are being counted while the walk steps over its threads (whose ids follow its own). Past that,
 * full buffers keep the call count low on hosts with many processes: measured with 3,000 processes,
 * small reads throughout cost 10 ms of a 224 ms report; for the first 256 pids, no more than noise.
 */
#define PID_LIST_SMALL 256
#define PID_LIST_ENTRY 64 /* room for one entry: 19 bytes of header and a name up to 44 bytes */

struct pid_list {
	int fd;
	size_t ask, len, pos, seen;
	char buf[32768];
};

/* The next pid directory name, NULL at the end; *ret_err is 0 or -errno. */
static const char *pid_list_next(struct pid_list *l, int *ret_err)
{
	*ret_err = 0;
	for (;;) {
		while (l->pos < l->len) {
			struct dirent64 *de = (struct dirent64 *)(void *)(l->buf + l->pos);

			l->pos += de->d_reclen;
			if (is_pid_name(de->d_name)) {
				if (++l->seen == PID_LIST_SMALL)
					l->ask = sizeof(l->buf);
				return de->d_name;
			}
		}
		ssize_t n = getdents64(l->fd, l->buf, l->ask);

		if (n < 0 && errno == EINVAL && l->ask < sizeof(l->buf)) {
			l->ask = sizeof(l->buf); /* an entry longer than asked for */
			continue;
		}
		if (n <= 0) {
			*ret_err = n < 0 ? -errno : 0;
			return NULL;
		}
		l->len = (size_t)n;
		l->pos = 0;
	}
}

/*
 * A zombie's /proc/PID/cgroup reads the root once it has exited (seen on 6.18, v1 and v2: an exiting task
 * is unlinked from its css_set, and so from cgroup.procs), while the pids controller charges it to its
 * cgroup until it is reaped. It was forked into its parent's cgroup, and a zombie leak is a parent's:
 * count it there.
 */
static void zombies_in_parents_cgroups(struct snapshot *snap)
{
	for (size_t i = 0; i < snap->nprocs; i++) {
		struct proc_info *p = &snap->procs[i];
		const struct proc_info *parent;

		if (!p->zombie || (p->cgroup && strcmp(p->cgroup, "/") != 0))
			continue;
		parent = snapshot_proc(snap, p->ppid);
		if (parent && parent->cgroup) {
			p->cgroup = parent->cgroup;
			p->memcg = parent->memcg;
		}
	}
}

/*
 * A folded scan names a parent when it reads it after a child; the parents read before their children
 * (most) are named here from their status, a read per parent.
 */
static void name_parents(const struct hr_root *root, struct snapshot *snap, struct buf *b)
{
	struct tally *t = &snap->tally;

	for (size_t i = 0; i < t->names.n; i++) {
		struct tally_name *n = TALLY_AT(&t->names, struct tally_name, i);
		struct pid_status st;
		char rel[32];

		if (n->comm)
			continue;
		snprintf(rel, sizeof(rel), "%d/status", n->pid);
		if (read_record_at(root, root->proc_fd, rel, b) >= 0 && pid_status_parse(b->data, b->len, &st) == 0)
			n->comm = strtab_intern(&snap->strings, st.name, strnlen(st.name, sizeof(st.name)));
	}
}

void probe_procs_cgroups(const struct hr_root *root, struct snapshot *snap)
{
	struct buf b;

	buf_init_in(&b, snap->mem);
	for (size_t i = 0; snap->cgroups_deferred && i < snap->nprocs; i++) {
		struct proc_info *p = &snap->procs[i];
		char name[16];
		int r;

		/* kernel threads are in no cgroup of interest, zombies are their parents' (below) */
		if (p->kernel_thread || p->zombie || (p->cgroup && (p->memcg || !snap->memcg_v1)))
			continue;
		/* not in any cgroup.procs read: a hierarchy not walked, or it came in between */
		snprintf(name, sizeof(name), "%d", p->pid);
		r = read_cgroup_file(root, snap, root->proc_fd, name, p, &b);
		if (r < 0 && r != -ESRCH)
			probe_problem(root, snap, "cgroup membership", r, false, "proc/%s/cgroup", name);
	}
	if (snap->folded) {
		name_parents(root, snap, &b);
	} else {
		zombies_in_parents_cgroups(snap);
		tally_build(&snap->tally, snap);
	}
	buf_free(&b);
}

/* The state of a scan whose map counts are still being read by the worker. */
struct procs_scan {
	struct scan s;
};

/* Reads one process entirely (both passes back to back). */
static void scan_one(struct scan *s, const char *name)
{
	struct pending pe;

	if (scan_status(s, name, &pe) == 0)
		scan_rest(s, &pe);
}

/* Moves the scan's processes into the snapshot and records its problems. */
static void merge_scan(struct scan *s, struct snapshot *snap)
{
	if (!snap->nprocs) {
		/* handed over, not copied: at 26,000 processes the array is 10 MiB */
		xfree(snap->procs);
		snap->procs = s->procs;
		snap->nprocs = s->nprocs;
	} else if (s->nprocs) {
		snap->procs = mem_reallocarray(snap->mem, snap->procs, snap->nprocs + s->nprocs, sizeof(*snap->procs));
		memcpy(snap->procs + snap->nprocs, s->procs, s->nprocs * sizeof(*s->procs));
		snap->nprocs += s->nprocs;
		xfree(s->procs);
	} else {
		xfree(s->procs);
	}
	s->procs = NULL;
	s->nprocs = s->procs_cap = 0;
	snap->maps_bounded += s->maps_bounded;
	s->maps_bounded = 0;
	flush_problems(s);
}

static int cmp_pid_name(const void *a, const void *b)
{
	long x = atol(*(char *const *)a), y = atol(*(char *const *)b);

	return (x > y) - (x < y);
}

/*
 * A tree's processes in pid order, as the kernel lists them: a directory lists its entries in an order
 * of the file system's own, and which maps the walk counts depends on the order it meets processes.
 */
static void scan_sorted(struct scan *s, struct pid_list *l, int *ret_err)
{
	char **names = NULL;
	const char *name;
	size_t n = 0, cap = 0;

	while ((name = pid_list_next(l, ret_err))) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			names = mem_reallocarray(s->snap->mem, names, cap, sizeof(*names));
		}
		names[n++] = mem_strdup(s->snap->mem, name);
	}
	if (n)
		xsort(names, n, sizeof(*names), cmp_pid_name, s->snap->mem);
	for (size_t i = 0; i < n; i++) {
		scan_one(s, names[i]);
		xfree(names[i]);
	}
	xfree(names);
}

struct procs_scan *probe_procs(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap)
{
	struct procs_scan *ps = mem_calloc(snap->mem, 1, sizeof(*ps));
	struct scan *s = &ps->s;
	struct pid_list *l = mem_alloc(snap->mem, sizeof(*l));
	const char *name;
	int err;

	*s = (struct scan){ .root = root, .opts = opts, .snap = snap, .own_pids = proc_is_own(root), .euid = geteuid() };
	/* reading /proc/PID/cgroup for every process costs more than each cgroup's cgroup.procs (but folding needs it at once) */
	snap->cgroups_deferred = root->live && !opts->fold;
	snap->folded = opts->fold != NULL;
	buf_init_in(&s->b, snap->mem);
	buf_init_in(&s->scratch, snap->mem);
	if (opts->map_counts && !opts->no_threads && !opts->fold)
		s->mc = mapcount_start(root);
	queue_newest(s);
	l->fd = root_openat(root, root->proc_fd, ".", O_RDONLY | O_DIRECTORY);
	l->ask = PID_LIST_ENTRY;
	l->len = l->pos = l->seen = 0;
	if (l->fd < 0) {
		probe_problem(root, snap, "process list", l->fd, true, "proc");
	} else {
		/* each process as the listing reaches it: a thread hog's maps are queued before its threads' ids are walked */
		if (root->live) {
			while ((name = pid_list_next(l, &err)))
				scan_one(s, name);
		} else {
			scan_sorted(s, l, &err);
		}
		if (err)
			probe_problem(root, snap, "process list", err, true, "proc");
		close(l->fd);
	}
	xfree(l);
	merge_scan(s, snap);
	if (opts->fold)
		tally_take_kept(&snap->tally, snap); /* sorted by pid */
	else if (snap->nprocs)
		xsort(snap->procs, snap->nprocs, sizeof(*snap->procs), cmp_pid, snap->mem);
	return ps;
}

void probe_procs_finish(struct procs_scan *ps)
{
	if (!ps)
		return;
	apply_mapcounts(&ps->s);
	flush_problems(&ps->s);
	xfree(ps->s.problems);
	buf_free(&ps->s.b);
	buf_free(&ps->s.scratch);
	xfree(ps);
}
