// SPDX-License-Identifier: GPL-2.0-or-later
/* The table of limit kinds, status rules, errno rules and the assessment driver. */
#include "model/limits.h"

#include "core/human.h"
#include "core/shell.h"
#include "core/sort.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/assess_internal.h"

/* One line a limit kind. Adding a limit: a line here, a reader in src/probe, an assess function. */
const struct limit_kind limit_kinds[LIMIT_NIDS] = {
	[LIMIT_PID_MAX] = { "pid_max", "kernel.pid_max", UNIT_PIDS, "fork, clone and pthread_create" },
	[LIMIT_THREADS_MAX] = { "threads_max", "kernel.threads-max", UNIT_TASKS,
				"fork, clone and pthread_create, machine-wide" },
	[LIMIT_CGROUP_PIDS] = { "cgroup_pids", "cgroup pids.max", UNIT_TASKS,
				"fork, clone and pthread_create in the cgroup" },
	[LIMIT_USER_NPROC] = { "user_nproc", "RLIMIT_NPROC (ulimit -u)", UNIT_TASKS,
			       "fork, clone and pthread_create by the user's processes" },
	[LIMIT_MEMORY] = { "memory", "RAM and swap", UNIT_BYTES,
			   "allocations that reclaim and the OOM killer cannot satisfy" },
	[LIMIT_COMMIT] = { "commit", "overcommit CommitLimit", UNIT_BYTES,
			   "mmap, brk and the fork of a large process" },
	[LIMIT_CGROUP_MEMORY] = { "cgroup_memory", "cgroup memory limit", UNIT_BYTES,
				  "allocations and fork in the cgroup that its reclaim and OOM killer cannot satisfy" },
	[LIMIT_MAP_COUNT] = { "map_count", "vm.max_map_count", UNIT_MAPPINGS,
			      "mmap, mprotect and thread creation in the process" },
	[LIMIT_RLIMIT_AS] = { "rlimit_as", "RLIMIT_AS (ulimit -v)", UNIT_BYTES,
			      "mmap, brk and thread stacks in the process" },
	[LIMIT_RLIMIT_DATA] = { "rlimit_data", "RLIMIT_DATA (ulimit -d)", UNIT_BYTES,
				"malloc, brk and private writable mmap in the process" },
	[LIMIT_PIDNS_INIT] = { "pidns_init", "pid namespace without init", UNIT_PROCESSES,
			       "every fork into the namespace" },
};

const struct fact_kind fact_kinds[FACT_NIDS] = {
	[FACT_CHAIN_HEADROOM] = { "chain_headroom", FACT_TYPE_U64 },
	[FACT_COMM] = { "comm", FACT_TYPE_STR },
	[FACT_COMMIT_LIMIT_BYTES] = { "commit_limit_bytes", FACT_TYPE_U64 },
	[FACT_CONFIGURED_IN] = { "configured_in", FACT_TYPE_STR },
	[FACT_CONFIGURED_VALUE] = { "configured_value", FACT_TYPE_STR },
	[FACT_DEPTH] = { "depth", FACT_TYPE_U64 },
	[FACT_DIR] = { "dir", FACT_TYPE_STR },
	[FACT_EVENTS_MAX] = { "events_max", FACT_TYPE_U64 },
	[FACT_EXEMPT_REASON] = { "exempt_reason", FACT_TYPE_STR },
	[FACT_FAILCNT] = { "failcnt", FACT_TYPE_U64 },
	[FACT_HIERARCHY] = { "hierarchy", FACT_TYPE_STR },
	[FACT_HOLDER_PID] = { "holder_pid", FACT_TYPE_U64 },
	[FACT_INIT_PID] = { "init_pid", FACT_TYPE_U64 },
	[FACT_LAST_PID] = { "last_pid", FACT_TYPE_U64 },
	[FACT_LIMIT_PID] = { "limit_pid", FACT_TYPE_U64 },
	[FACT_LIMITED_PROCESSES] = { "limited_processes", FACT_TYPE_U64 },
	[FACT_MEM_AVAILABLE_BYTES] = { "mem_available_bytes", FACT_TYPE_U64 },
	[FACT_MEM_AVAILABLE_ESTIMATED] = { "mem_available_estimated", FACT_TYPE_BOOL },
	[FACT_MEM_TOTAL_BYTES] = { "mem_total_bytes", FACT_TYPE_U64 },
	[FACT_OOM_KILL] = { "oom_kill", FACT_TYPE_U64 },
	[FACT_OVERCOMMIT_KBYTES] = { "overcommit_kbytes", FACT_TYPE_U64 },
	[FACT_OVERCOMMIT_MEMORY] = { "overcommit_memory", FACT_TYPE_U64 },
	[FACT_OVERCOMMIT_RATIO] = { "overcommit_ratio", FACT_TYPE_U64 },
	[FACT_OWNER] = { "owner", FACT_TYPE_STR },
	[FACT_OWNER_KIND] = { "owner_kind", FACT_TYPE_STR },
	[FACT_PARENT_PIDNS] = { "parent_pidns", FACT_TYPE_U64 },
	[FACT_PEAK] = { "peak", FACT_TYPE_U64 },
	[FACT_PEAK_BYTES] = { "peak_bytes", FACT_TYPE_U64 },
	[FACT_PID] = { "pid", FACT_TYPE_U64 },
	[FACT_PROBE_FORK_ERRNO] = { "probe_fork_errno", FACT_TYPE_STR },
	[FACT_PROCESSES] = { "processes", FACT_TYPE_U64 },
	[FACT_PSI_FULL_AVG10_CENTIPERCENT] = { "psi_full_avg10_centipercent", FACT_TYPE_U64 },
	[FACT_PSI_SOME_AVG10_CENTIPERCENT] = { "psi_some_avg10_centipercent", FACT_TYPE_U64 },
	[FACT_REJECTED_FORKS] = { "rejected_forks", FACT_TYPE_U64 },
	[FACT_SWAP_FREE_BYTES] = { "swap_free_bytes", FACT_TYPE_U64 },
	[FACT_SWAP_TOTAL_BYTES] = { "swap_total_bytes", FACT_TYPE_U64 },
	[FACT_THREADS] = { "threads", FACT_TYPE_U64 },
	[FACT_UID] = { "uid", FACT_TYPE_U64 },
	[FACT_USER] = { "user", FACT_TYPE_STR },
	[FACT_WORKING_SET_BYTES] = { "working_set_bytes", FACT_TYPE_U64 },
};

const struct fact *limit_fact(const struct limit *l, enum fact_id id)
{
	for (int i = 0; i < l->nfacts; i++)
		if (l->facts[i].id == id)
			return &l->facts[i];
	return NULL;
}

uint64_t limit_fact_u64(const struct limit *l, enum fact_id id)
{
	const struct fact *f = limit_fact(l, id);

	return f && fact_kinds[id].type == FACT_TYPE_U64 ? f->u : 0;
}

int limit_id_find(const char *id)
{
	for (int i = 0; id && i < LIMIT_NIDS; i++)
		if (strcmp(limit_kinds[i].id, id) == 0)
			return i;
	return -1;
}

const char *status_name(enum status s)
{
	return s == STATUS_CRITICAL ? "critical" : s == STATUS_WARNING ? "warning" : "ok";
}

const char *unit_name(enum unit u)
{
	switch (u) {
	case UNIT_TASKS: return "tasks";
	case UNIT_PIDS: return "pids";
	case UNIT_BYTES: return "bytes";
	case UNIT_MAPPINGS: return "mappings";
	case UNIT_PROCESSES: return "processes";
	}
	return "";
}

const char *errno_name(int err)
{
	switch (err) {
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ENOSPC: return "ENOSPC";
	case EEXIST: return "EEXIST";
	case EINTR: return "EINTR";
	case ENOSYS: return "ENOSYS";
	case EIO: return "EIO";
	case EFBIG: return "EFBIG";
	case ERANGE: return "ERANGE";
	case ENOTDIR: return "ENOTDIR";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case E2BIG: return "E2BIG";
	case ECANCELED: return "ECANCELED";
	case EXDEV: return "EXDEV";
	case EMEDIUMTYPE: return "EMEDIUMTYPE";
	case ELOOP: return "ELOOP";
	default: return "EUNKNOWN";
	}
}

int limit_errno(enum limit_id id, const struct kversion *k)
{
	switch (id) {
	case LIMIT_PID_MAX:
		/* EAGAIN since 4.1 (35f71bc0a09a "fork: report pid reservation failure properly");
		 * ENOMEM before, and on RHEL/CentOS 7, which never took the fix. */
		if (k->rhel7 || !kversion_at_least(k, 4, 1))
			return ENOMEM;
		return EAGAIN;
	case LIMIT_THREADS_MAX:
	case LIMIT_CGROUP_PIDS:
	case LIMIT_USER_NPROC:
		return EAGAIN;
	case LIMIT_MEMORY:
	case LIMIT_COMMIT:
	case LIMIT_CGROUP_MEMORY:
	case LIMIT_MAP_COUNT:
	case LIMIT_RLIMIT_AS:
	case LIMIT_RLIMIT_DATA:
	case LIMIT_PIDNS_INIT: /* alloc_pid() without PIDNS_ADDING; kept ENOMEM for pid_namespaces(7) */
	case LIMIT_NIDS:
		return ENOMEM;
	}
	return ENOMEM;
}

double limit_percent(const struct limit *l)
{
	if (l->unlimited || l->exempt || !l->enforced || l->max == 0)
		return -1;
	return (double)l->basis * 100.0 / (double)l->max;
}

enum status limit_status(const struct limit *l, const struct thresholds *th)
{
	double pct;

	if (l->forced)
		return l->status;
	if (l->unlimited || l->exempt || !l->enforced)
		return STATUS_OK;
	if (l->basis >= l->capacity)
		return STATUS_CRITICAL;
	pct = limit_percent(l);
	if (pct >= th->critical_pct)
		return STATUS_CRITICAL;
	if (pct >= th->warning_pct)
		return STATUS_WARNING;
	return STATUS_OK;
}

uint64_t suggest_raise(uint64_t max, uint64_t used, uint64_t cap)
{
	uint64_t v = max > UINT64_MAX / 2 ? UINT64_MAX : max * 2;

	if (v <= used)
		v = used + used / 2 + 1;
	if (cap && v > cap)
		v = cap;
	return v;
}

struct limit *limit_add(struct assessment *a, const struct snapshot *snap, enum limit_id id, struct scope where,
			char *subject)
{
	struct arena *mem = snap->mem;
	struct limit *l;

	if (a->nlimits == a->limits_cap) {
		a->limits_cap = a->limits_cap ? 2 * a->limits_cap : 32;
		a->limits = mem_reallocarray(mem, a->limits, a->limits_cap, sizeof(*a->limits));
	}
	l = &a->limits[a->nlimits++];
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->scope = scope_str(mem, where);
	l->where = where;
	/* the path is the scope text's own, so it lives as long as the limit */
	if (where.kind == SCOPE_CGROUP && !where.unknown)
		l->where.path = l->scope + strlen("cgroup:");
	l->subject = subject;
	l->unit = limit_kinds[id].unit;
	l->enforced = true;
	l->err = limit_errno(id, &snap->sys.kernel);
	return l;
}

/* A new fact of l; its type must be the table's (a programming error otherwise). */
static struct fact *fact_new(struct limit *l, enum fact_id id, enum fact_type t)
{
	struct fact *f;

	if (l->nfacts >= LIMIT_MAX_FACTS || id >= FACT_NIDS || fact_kinds[id].type != t)
		abort(); /* raise LIMIT_MAX_FACTS, or fix the fact's type in fact_kinds[] */
	f = &l->facts[l->nfacts++];
	memset(f, 0, sizeof(*f));
	f->id = id;
	return f;
}

void fact_u64(struct limit *l, enum fact_id id, uint64_t v)
{
	fact_new(l, id, FACT_TYPE_U64)->u = v;
}

void fact_str(struct arena *mem, struct limit *l, enum fact_id id, const char *s)
{
	fact_new(l, id, FACT_TYPE_STR)->s = mem_strdup(mem, s);
}

void fact_bool(struct limit *l, enum fact_id id, bool b)
{
	fact_new(l, id, FACT_TYPE_BOOL)->b = b;
}

void fix_text(struct fix *f, char *text)
{
	xfree(f->text);
	f->text = text;
}

void fix_command(struct arena *mem, struct fix *f, const char *fmt, ...)
{
	va_list ap;

	if (f->ncommands >= FIX_MAX_COMMANDS)
		abort(); /* a programming error: raise FIX_MAX_COMMANDS */
	va_start(ap, fmt);
	f->commands[f->ncommands++] = shell_vcommandf(mem, fmt, ap);
	va_end(ap);
}

void fix_free(struct fix *f)
{
	xfree(f->text);
	for (int i = 0; i < f->ncommands; i++)
		xfree(f->commands[i]);
	memset(f, 0, sizeof(*f));
}

void limit_set_top(struct limit *l, const struct tally *t, leaf_match_fn match, const void *ctx)
{
	l->has_top = task_top_find(t, match, ctx, &l->top);
}

void limit_set_top_process(struct limit *l, const struct proc_info *p)
{
	l->has_top = true;
	l->top = (struct task_top){ TOP_THREADS, p->threads, p->threads, p->pid, p->comm, p->threads, p->cgroup };
}

/* Worst first; within a status, the closest to its limit first; then by kind and scope, for stable output. */
static int cmp_limits(const void *x, const void *y)
{
	const struct limit *a = x, *b = y;
	double pa = limit_percent(a), pb = limit_percent(b);
	int r;

	if (a->status != b->status)
		return a->status > b->status ? -1 : 1;
	if (pa != pb)
		return pa > pb ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	r = strcmp(a->scope, b->scope);
	return r;
}

/* Sets listed: limits are sorted worst and closest first, so the first ok per-process limit of a kind is its closest. */
static void mark_listed(struct assessment *a)
{
	bool ok_seen[LIMIT_NIDS] = { false };

	for (size_t i = 0; i < a->nlimits; i++) {
		struct limit *l = &a->limits[i];

		l->listed = l->status != STATUS_OK || l->where.kind != SCOPE_PID || !ok_seen[l->id];
		if (l->status == STATUS_OK && l->where.kind == SCOPE_PID)
			ok_seen[l->id] = true;
	}
}

/*
 * A limit whose tasks are mostly zombies: what frees them is their parent's wait(), not a kill of the
 * zombies (they are dead already). Killing or restarting the parent reparents them to init, which reaps them.
 */
static void zombie_fix(struct arena *mem, struct limit *l)
{
	char count[32];

	if (!l->has_top || l->top.kind != TOP_ZOMBIES || l->fix_now.ncommands >= FIX_MAX_COMMANDS)
		return;
	str_appendf(mem, &l->fix_now.text, "; %s of its tasks are zombies of %s (pid %d), which does not wait() for "
		    "its children: killing or restarting it frees their pids (init reaps them), killing the zombies "
		    "does nothing",
		    human_count(l->top.count, count, sizeof(count)), l->top.comm ? l->top.comm : "a process", l->top.pid);
	fix_command(mem, &l->fix_now, "kill %d", l->top.pid);
}

void assess(const struct snapshot *snap, const struct thresholds *th, const struct assess_opts *opts,
	    struct assessment *ret)
{
	struct arena *mem = snap->mem;
	static const struct assess_opts defaults;
	struct assessment *a = ret;
	struct tally local, view;
	const struct tally *t = &snap->tally;

	/* a snapshot made by hand (tests) has its processes but no tally: folded here */
	tally_init(&local, mem);
	if (!snap->tally.built) {
		tally_build(&local, snap);
		t = &local;
	}
	memset(a, 0, sizeof(*a));
	a->th = *th;
	/*
	 * Room for every limit at once: the machine's few, two a cgroup, two a namespace, one a user (at most
	 * one a leaf), and the per-process ones that are built. An arena copies an array it cannot grow in
	 * place: doubling from 32 cost the daemon's scan twice the array's 620 bytes a limit. Not cleared:
	 * pages not reached stay untouched.
	 */
	a->limits_cap = 64 + 2 * snap->ncgroups + 2 * snap->npidns + t->leaves.n;
	a->limits = mem_alloc(mem, a->limits_cap * sizeof(*a->limits));
	/* each scope's top consumer from its own leaves: a copy of the tally with its index */
	view = *t;
	tally_index_build(&view, mem);
	t = &view;
	assess_system(snap, t, a);
	assess_pidns(snap, t, a);
	assess_cgroups(snap, t, a);
	assess_users(snap, t, a);
	assess_processes(snap, t, opts ? opts : &defaults, a);
	assess_consumers(snap, t, a);
	tally_index_free(view.index);
	tally_free(&local);

	for (size_t i = 0; i < a->nlimits; i++) {
		struct limit *l = &a->limits[i];

		if (!l->has_basis)
			l->basis = l->used;
		zombie_fix(mem, l);
		l->status = limit_status(l, th);
		if (l->status > a->worst)
			a->worst = l->status;
	}
	if (a->nlimits)
		xsort(a->limits, a->nlimits, sizeof(*a->limits), cmp_limits, mem);
	mark_listed(a);
	for (size_t i = 0; i < snap->nproblems; i++)
		if (snap->problems[i].essential)
			a->unknown = true;
}

void assessment_free(struct assessment *a)
{
	for (size_t i = 0; i < a->nlimits; i++) {
		struct limit *l = &a->limits[i];

		xfree(l->scope);
		xfree(l->subject);
		xfree(l->source);
		xfree(l->meaning);
		fix_free(&l->fix_now);
		fix_free(&l->fix_durable);
		xfree(l->state);
		for (int f = 0; f < l->nfacts; f++)
			xfree(l->facts[f].s);
	}
	xfree(a->limits);
	xfree(a->consumers.procs);
	xfree(a->consumers.users);
	xfree(a->consumers.cgroups);
	xfree(a->consumers.parents);
	xfree(a->consumers.commands);
	memset(a, 0, sizeof(*a));
}

const struct limit *assessment_limit(const struct assessment *a, enum limit_id id, const char *scope)
{
	for (size_t i = 0; i < a->nlimits; i++)
		if (a->limits[i].id == id && strcmp(a->limits[i].scope, scope) == 0)
			return &a->limits[i];
	return NULL;
}

bool limit_shown(const struct assessment *a, size_t i, bool all)
{
	return all || a->limits[i].listed;
}


bool assessment_unknown(const struct assessment *a)
{
	return a->unknown && a->worst != STATUS_CRITICAL;
}

int assessment_exit_status(const struct assessment *a)
{
	if (assessment_unknown(a))
		return 3;
	return a->worst == STATUS_CRITICAL ? 2 : a->worst == STATUS_WARNING ? 1 : 0;
}

const struct limit *assessment_headline(const struct assessment *a, size_t *ret_ncritical, size_t *ret_nwarning)
{
	size_t ncrit = 0, nwarn = 0;
	const struct limit *worst = NULL;

	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];

		ncrit += l->status == STATUS_CRITICAL;
		nwarn += l->status == STATUS_WARNING;
		if (!worst && limit_percent(l) >= 0)
			worst = l;
		if (l->status != STATUS_OK && (!worst || worst->status == STATUS_OK))
			worst = l;
	}
	*ret_ncritical = ncrit;
	*ret_nwarning = nwarn;
	return worst;
}
