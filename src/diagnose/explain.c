// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain: which limit made an operation fail. The candidates and their order are the kernel's
 * (kernel/fork.c:copy_process, glibc's nptl/pthread_create.c, mm/mmap.c
 * and mm/util.c:__vm_enough_memory); the verdicts come from the assessment of the same snapshot
 * the report prints, so explain and the report cannot disagree about a number.
 */
#include "core/sort.h"
#include "diagnose/explain.h"
#include "diagnose/oom_history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/shell.h"
#include "parse/kernel_line.h"
#include "parse/kmsg.h"

/* One check on the way of an operation, in the kernel's order. */
struct step {
	enum limit_id id;
	int order;
};

/*
 * fork/clone: copy_process() charges the kernel stack (memcg, memory), then checks RLIMIT_NPROC and
 * threads-max, duplicates the address space (commit under mode 2), allocates a pid at every namespace
 * level (pid_max; ENOMEM in a namespace whose init is gone), then asks the pids controller.
 */
static const struct step fork_steps[] = {
	{ LIMIT_CGROUP_MEMORY, 1 }, { LIMIT_MEMORY, 1 }, { LIMIT_USER_NPROC, 2 }, { LIMIT_THREADS_MAX, 3 },
	{ LIMIT_COMMIT, 4 },	    { LIMIT_PID_MAX, 5 }, { LIMIT_PIDNS_INIT, 5 }, { LIMIT_CGROUP_PIDS, 6 },
};

/* pthread_create: glibc maps the stack first (RLIMIT_AS, RLIMIT_DATA, map count, commit), then clones. */
static const struct step thread_steps[] = {
	{ LIMIT_RLIMIT_AS, 1 },	    { LIMIT_RLIMIT_DATA, 1 }, { LIMIT_MAP_COUNT, 1 },  { LIMIT_COMMIT, 1 },
	{ LIMIT_CGROUP_MEMORY, 2 }, { LIMIT_MEMORY, 2 },      { LIMIT_USER_NPROC, 3 }, { LIMIT_THREADS_MAX, 4 },
	{ LIMIT_PID_MAX, 5 },	    { LIMIT_PIDNS_INIT, 5 },  { LIMIT_CGROUP_PIDS, 6 },
};

/* malloc/mmap/brk: may_expand_vm (RLIMIT_AS, RLIMIT_DATA), the map count, overcommit, then the pages. */
static const struct step alloc_steps[] = {
	{ LIMIT_RLIMIT_AS, 1 }, { LIMIT_RLIMIT_DATA, 2 },   { LIMIT_MAP_COUNT, 3 },
	{ LIMIT_COMMIT, 4 },	{ LIMIT_CGROUP_MEMORY, 5 }, { LIMIT_MEMORY, 6 },
};

/* The kill's cgroup is the one the line names, or its last component is the unit the line names. */
static bool kill_in(const struct oom_kill *k, const struct failure_msg *m)
{
	struct scope s;
	const char *last;

	if (scope_parse(k->scope, &s) < 0 || s.kind != SCOPE_CGROUP || s.unknown)
		return false;
	if (m->cgroup[0])
		return strcmp(s.path, m->cgroup) == 0;
	last = strrchr(s.path, '/');
	return last && strcmp(last + 1, m->unit) == 0;
}

const struct oom_kill *explain_oom_kill(const struct oom_history *h, const struct failure_msg *m)
{
	if (!m->oom_kill || (!m->oom_victim && !m->cgroup[0] && !m->unit[0]))
		return NULL;
	for (size_t i = h->n; i-- > 0;) {
		const struct oom_kill *k = &h->kills[i];

		if (m->oom_victim ? k->pid == m->oom_victim : kill_in(k, m))
			return k;
	}
	return NULL;
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "confirmed", "likely", "possible", "ruled_out" };

	return names[v];
}

static struct cause *add_cause(struct explanation *e, enum limit_id id, struct scope where, int order)
{
	struct cause *c;

	e->causes = xreallocarray(e->causes, e->ncauses + 1, sizeof(*e->causes));
	c = &e->causes[e->ncauses++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->scope = scope_str(NULL, where);
	c->order = order;
	return c;
}

/* ", last logged at 2026-11-22 03:01:02 UTC", when the log gives a time and the boot time is known. */
static void append_when(char **s, const struct log_evidence *log, uint64_t usec)
{
	char when[64];

	if (usec && log->boot_epoch)
		str_appendf(NULL, s, ", last at %s", human_log_time(usec, log->boot_epoch, when, sizeof(when)));
}

/* The verdict of one limit of the report, and its evidence. */
static void judge(struct cause *c, const struct limit *l, enum failure_op op, const struct log_evidence *log)
{
	uint64_t fired = 0;
	const char *counter = NULL;

	c->limit = l;
	/* evidence that outlives the failure: event counters, then peaks */
	if (l->id == LIMIT_CGROUP_PIDS) {
		fired = limit_fact_u64(l, FACT_REJECTED_FORKS);
		counter = "forks rejected at this limit since the cgroup was created (pids.events)";
		if (!fired && !l->unlimited && l->max && limit_fact_u64(l, FACT_PEAK) >= l->max) {
			fired = 1;
			counter = "time at least, its pids.peak reached pids.max since the cgroup was created";
		}
	} else if (l->id == LIMIT_CGROUP_MEMORY) {
		if ((fired = limit_fact_u64(l, FACT_OOM_KILL)))
			counter = "tasks killed by the OOM killer in it since the cgroup was created";
		else if ((fired = limit_fact_u64(l, FACT_EVENTS_MAX)) || (fired = limit_fact_u64(l, FACT_FAILCNT)))
			counter = "times its usage hit the limit (memory.events max, or failcnt on v1)";
		else if (!l->unlimited && l->max && limit_fact_u64(l, FACT_PEAK_BYTES) >= l->max) {
			fired = 1;
			counter = "time at least, its peak usage reached the limit since the cgroup was created";
		}
	}
	if (l->exempt) {
		c->verdict = VERDICT_RULED_OUT;
		c->evidence = xasprintf("does not apply: %s", l->meaning ? l->meaning : "exempt");
		return;
	}
	if (!l->enforced) {
		/* overcommit modes 0 and 1 */
		c->verdict = op == OP_ALLOC && limit_fact_u64(l, FACT_OVERCOMMIT_MEMORY) == 0 ? VERDICT_POSSIBLE : VERDICT_RULED_OUT;
		c->evidence = xstrdup(l->meaning ? l->meaning : "not enforced in this mode");
		return;
	}
	c->evidence = xstrdup(l->meaning ? l->meaning : "");
	if (l->status == STATUS_CRITICAL) {
		c->verdict = VERDICT_CONFIRMED;
		if (l->forced || (l->has_basis ? l->basis : l->used) >= l->capacity)
			str_appendf(NULL, &c->evidence, "; at its maximum now");
		else
			str_appendf(NULL, &c->evidence, "; critical now: %.1f%% of it used", limit_percent(l));
	} else if (fired) {
		c->verdict = VERDICT_CONFIRMED;
		str_appendf(NULL, &c->evidence, "; it fired: %" PRIu64 " %s", fired, counter);
	} else if (l->status == STATUS_WARNING) {
		c->verdict = VERDICT_LIKELY;
		str_appendf(NULL, &c->evidence, "; within the warning margin");
	} else {
		c->verdict = VERDICT_RULED_OUT;
	}
	/* who holds a limit counted in tasks, in the report's words */
	if (c->verdict == VERDICT_CONFIRMED && l->has_top && (l->unit == UNIT_TASKS || l->unit == UNIT_PIDS)) {
		char words[256];

		str_appendf(NULL, &c->evidence, "; top consumer: %s", task_top_words(&l->top, words, sizeof(words)));
	}
	if (log && log->read && c->verdict != VERDICT_CONFIRMED) {
		if (l->id == LIMIT_RLIMIT_DATA && log->data_exceeded) {
			c->verdict = VERDICT_CONFIRMED;
			str_appendf(NULL, &c->evidence, "; the kernel log has %u \"exceed data ulimit\" line%s",
				    log->data_exceeded, log->data_exceeded == 1 ? "" : "s");
			append_when(&c->evidence, log, log->data_exceeded_usec);
		} else if (l->id == LIMIT_COMMIT && log->commit_refused) {
			c->verdict = VERDICT_CONFIRMED;
			str_appendf(NULL, &c->evidence, "; the kernel log has %u \"__vm_enough_memory\" refusal%s",
				    log->commit_refused, log->commit_refused == 1 ? "" : "s");
			append_when(&c->evidence, log, log->commit_refused_usec);
		}
	}
}

/* A candidate with one scope: judged from the report, or, when the report has no such limit, said why. */
static void add_scoped(struct explanation *e, const struct assessment *a, const struct step *s, struct scope where,
		       const char *absent, enum verdict absent_verdict, enum failure_op op, const struct log_evidence *log)
{
	struct cause *c = add_cause(e, s->id, where, s->order);
	const struct limit *l = assessment_limit(a, s->id, c->scope);

	if (l) {
		judge(c, l, op, log);
	} else {
		c->verdict = absent_verdict;
		c->evidence = xstrdup(absent);
	}
}

static void add_pid_max(struct explanation *e, const struct snapshot *snap, const struct assessment *a,
			const struct explain_context *ctx, const struct step *s, enum failure_op op,
			const struct log_evidence *log)
{
	/* a pid is taken at every level, up to the machine's */
	for (uint64_t ns = ctx->pidns; ns;) {
		const struct pidns_info *p = snapshot_pidns(snap, ns);

		if (!p || ns == snap->sys.own_pidns)
			break;
		add_scoped(e, a, s, scope_pidns(ns),
			   "its own kernel.pid_max (6.14+) could not be read: run headroom as root, without --no-fork",
			   VERDICT_POSSIBLE, op, log);
		ns = p->parent;
	}
	add_scoped(e, a, s, scope_system(), "kernel.pid_max could not be read", VERDICT_POSSIBLE, op, log);
}

static void add_cgroups(struct explanation *e, const struct assessment *a, const char *path, const struct step *s,
			enum failure_op op, const struct log_evidence *log)
{
	bool any = false;

	if (!path) {
		add_cause(e, s->id, scope_unknown(SCOPE_CGROUP), s->order)->verdict = VERDICT_POSSIBLE;
		e->causes[e->ncauses - 1].evidence = xstrdup("the cgroup of the failing process is not known: give --cgroup");
		return;
	}
	/* the charge walks up the hierarchy: every limited ancestor can refuse */
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];

		if (l->id != s->id || l->where.kind != SCOPE_CGROUP || !cgroup_path_within(path, l->where.path))
			continue;
		judge(add_cause(e, s->id, l->where, s->order), l, op, log);
		any = true;
		if (s->id == LIMIT_CGROUP_PIDS && log && log->read && log->pids_rejected &&
		    cgroup_path_within(log->pids_rejected_path, l->where.path)) {
			struct cause *c = &e->causes[e->ncauses - 1];

			c->verdict = VERDICT_CONFIRMED;
			/* printed once per cgroup, when its limit is first hit */
			str_appendf(NULL, &c->evidence,
				    "; the kernel log says \"cgroup: fork rejected by pids controller in %s\"",
				    log->pids_rejected_path);
			append_when(&c->evidence, log, log->pids_rejected_usec);
		}
	}
	if (!any) {
		struct cause *c = add_cause(e, s->id, scope_cgroup(path), s->order);

		c->verdict = VERDICT_RULED_OUT;
		c->evidence = xasprintf("no %s on cgroup %s or any cgroup above it",
					s->id == LIMIT_CGROUP_PIDS ? "pids.max" : "memory limit", path);
	}
}

/* RLIMIT_AS, RLIMIT_DATA, map count: limits of the failing process. */
static void add_process(struct explanation *e, const struct snapshot *snap, const struct assessment *a,
			const struct explain_context *ctx, const struct step *s, enum failure_op op,
			const struct log_evidence *log)
{
	const struct proc_info *p = ctx->pid ? snapshot_proc(snap, ctx->pid) : NULL;
	const char *absent;
	enum verdict v = VERDICT_RULED_OUT;

	if (!p) {
		struct cause *c = add_cause(e, s->id, scope_unknown(SCOPE_PID), s->order);

		c->verdict = VERDICT_POSSIBLE;
		c->evidence = xstrdup(ctx->pid ? "the failing process is gone: its limits cannot be read any more" :
						 "a limit of the failing process: give --pid to check it");
		return;
	}
	if (s->id == LIMIT_MAP_COUNT) {
		absent = p->map_count_known ? "far from vm.max_map_count" :
					      "its map count could not be read (other users' maps need ptrace access: run as root)";
		if (!p->map_count_known)
			v = VERDICT_POSSIBLE;
	} else if (!p->has_limits) {
		absent = "its limits could not be read";
		v = VERDICT_POSSIBLE;
	} else {
		absent = s->id == LIMIT_RLIMIT_AS ? "RLIMIT_AS is unlimited" : "RLIMIT_DATA is unlimited";
	}
	add_scoped(e, a, s, scope_pid(p->pid), absent, v, op, log);
}

static int cmp_cause(const void *x, const void *y)
{
	const struct cause *a = x, *b = y;

	if (a->verdict != b->verdict)
		return (int)a->verdict - (int)b->verdict;
	return a->order - b->order;
}

/* Whether a check can give err on this kernel (glibc's pthread_create turns every error into EAGAIN). */
static bool gives(enum limit_id id, enum failure_op op, int err, const struct kversion *k)
{
	if (!err || (op == OP_THREAD && err == EAGAIN))
		return true;
	return limit_errno(id, k) == err;
}

/* Where a limit applies, for a cause the message names that the steps did not list. */
static struct scope natural_scope(enum limit_id id)
{
	switch (id) {
	case LIMIT_MAP_COUNT:
	case LIMIT_RLIMIT_AS:
	case LIMIT_RLIMIT_DATA:
		return scope_unknown(SCOPE_PID);
	case LIMIT_USER_NPROC:
		return scope_unknown(SCOPE_USER);
	case LIMIT_CGROUP_PIDS:
	case LIMIT_CGROUP_MEMORY:
		return scope_unknown(SCOPE_CGROUP);
	case LIMIT_PIDNS_INIT:
		return scope_unknown(SCOPE_PIDNS);
	default:
		return scope_system();
	}
}

/*
 * A limit the line implies (systemd's "Failed at step EXEC spawning ...: Resource temporarily
 * unavailable": execve(2) fails with EAGAIN only when the set*uid() before it left the user over
 * RLIMIT_NPROC, PF_NPROC_EXCEEDED, Linux 3.1+): confirmed by the line itself. The limit was the failed
 * process's own (the unit's LimitNPROC=), so the live processes of the user may be under theirs; the
 * user is the unit's User=, which the line does not name, unless --user named it.
 */
static void implied_limit(struct explanation *e, struct cause *c, const struct failure_msg *msg,
			  const struct explain_context *ctx)
{
	static const char why[] = "execve() after a change of user fails with EAGAIN only when that user has more "
				  "processes than the RLIMIT_NPROC of the process changing to it (Linux 3.1+): here "
				  "the unit's User= against its LimitNPROC=";

	if (c && c->verdict == VERDICT_CONFIRMED) {
		str_appendf(NULL, &c->evidence, "; the message implies it: %s", why);
		return;
	}
	if (!c)
		c = add_cause(e, LIMIT_USER_NPROC, natural_scope(LIMIT_USER_NPROC), 0);
	if (!ctx->uid_given) {
		xfree(c->scope);
		c->scope = scope_str(NULL, natural_scope(LIMIT_USER_NPROC));
		c->limit = NULL;
	}
	c->verdict = VERDICT_CONFIRMED;
	xfree(c->evidence);
	c->evidence = xstrdup(why);
	if (msg->unit[0]) {
		char *edit = shell_commandf(NULL, "systemctl edit %s", msg->unit);
		char *user = shell_commandf(NULL, "systemctl show -p User -p LimitNPROC %s", msg->unit);

		str_appendf(NULL, &c->evidence, ". Its user and limit: %s. The fix: raise LimitNPROC= under [Service] "
			    "(%s), or run fewer processes as that user", user, edit);
		xfree(edit);
		xfree(user);
	}
}

/*
 * The limit the message names. A program's own check that gives the limit's value and the value it
 * needs ("vm.max_map_count [65530] is too low, increase to at least [262144]") confirms it; a name alone
 * is said, not weighed (Go names ulimit -u for any failed thread).
 */
static void message_limit(struct explanation *e, const struct snapshot *snap, const struct failure_msg *msg,
			  const struct explain_context *ctx)
{
	struct cause *c = NULL;
	int id = msg ? limit_id_find(msg->limit) : -1;

	if (id < 0)
		return;
	for (size_t i = 0; i < e->ncauses && !c; i++)
		if (e->causes[i].id == (enum limit_id)id)
			c = &e->causes[i];
	if (msg->limit_implied && id == LIMIT_USER_NPROC) {
		implied_limit(e, c, msg, ctx);
		return;
	}
	if (!c) {
		c = add_cause(e, (enum limit_id)id, natural_scope((enum limit_id)id), 99);
		c->verdict = VERDICT_POSSIBLE;
		c->evidence = xstrdup("not among the checks of this operation");
	}
	if (msg->limit_value && msg->limit_needed > msg->limit_value) {
		/* the program's own check of the setting first; then the setting now, then the context's count */
		char *here = c->evidence;

		c->verdict = VERDICT_CONFIRMED;
		c->evidence = NULL;
		str_appendf(NULL, &c->evidence, "the message says it is %llu and must be at least %llu",
			    (unsigned long long)msg->limit_value, (unsigned long long)msg->limit_needed);
		if (id == LIMIT_MAP_COUNT && snap->sys.max_map_count.known)
			str_appendf(NULL, &c->evidence, "; vm.max_map_count is %llu now%s",
				    (unsigned long long)snap->sys.max_map_count.v,
				    snap->sys.max_map_count.v >= msg->limit_needed ? ", as much as it asks: raised since" : "");
		str_appendf(NULL, &c->evidence, "; here: %s", here);
		xfree(here);
	} else {
		str_appendf(NULL, &c->evidence, "; the message names it");
	}
}

/* One of the kernel's checks: the causes it gives for the context. */
static void add_step(struct explanation *ret, const struct snapshot *snap, const struct assessment *a,
		     const struct explain_context *ctx, const struct step *s, enum failure_op op,
		     const struct log_evidence *log)
{
	switch (s->id) {
	case LIMIT_PID_MAX:
		add_pid_max(ret, snap, a, ctx, s, op, log);
		break;
	case LIMIT_PIDNS_INIT:
		if (ctx->pidns && ctx->pidns != snap->sys.own_pidns)
			add_scoped(ret, a, s, scope_pidns(ctx->pidns), "the namespace's init is alive",
				   VERDICT_RULED_OUT, op, log);
		else if (ctx->pidns)
			add_scoped(ret, a, s, scope_pidns(ctx->pidns),
				   "new processes go to the reader's own namespace, whose init is alive", VERDICT_RULED_OUT,
				   op, log);
		break;
	case LIMIT_CGROUP_PIDS:
		add_cgroups(ret, a, ctx->cgroup, s, op, log);
		break;
	case LIMIT_CGROUP_MEMORY:
		add_cgroups(ret, a, ctx->memcg ? ctx->memcg : ctx->cgroup, s, op, log);
		break;
	case LIMIT_USER_NPROC:
		if (ctx->has_uid)
			add_scoped(ret, a, s, scope_user(ctx->uid),
				   "no process of this uid has a finite RLIMIT_NPROC", VERDICT_RULED_OUT, op, log);
		break;
	case LIMIT_RLIMIT_AS:
	case LIMIT_RLIMIT_DATA:
	case LIMIT_MAP_COUNT:
		add_process(ret, snap, a, ctx, s, op, log);
		break;
	case LIMIT_THREADS_MAX:
	case LIMIT_MEMORY:
	case LIMIT_COMMIT:
		add_scoped(ret, a, s, scope_system(), "could not be read", VERDICT_POSSIBLE, op, log);
		break;
	case LIMIT_NIDS:
		break;
	}
}

/* Removes the causes from index from on that repeat one before them (the same limit and scope). */
static void drop_repeats(struct explanation *e, size_t from)
{
	size_t w = from;

	for (size_t i = from; i < e->ncauses; i++) {
		bool repeat = false;

		for (size_t j = 0; j < from && !repeat; j++)
			repeat = e->causes[j].id == e->causes[i].id && strcmp(e->causes[j].scope, e->causes[i].scope) == 0;
		if (repeat) {
			xfree(e->causes[i].scope);
			xfree(e->causes[i].evidence);
		} else {
			e->causes[w++] = e->causes[i];
		}
	}
	e->ncauses = w;
}

/* The kernel's checks for op, in its order, as causes of ret; a cause already there (the same limit and scope) is not added twice. */
static void add_steps(struct explanation *ret, const struct snapshot *snap, const struct assessment *a,
		      const struct explain_context *ctx, const struct log_evidence *log, enum failure_op op, int err)
{
	const struct step *steps;
	size_t nsteps, before = ret->ncauses;

	switch (op) {
	case OP_THREAD:
		steps = thread_steps;
		nsteps = sizeof(thread_steps) / sizeof(thread_steps[0]);
		break;
	case OP_ALLOC:
		steps = alloc_steps;
		nsteps = sizeof(alloc_steps) / sizeof(alloc_steps[0]);
		break;
	case OP_FORK:
	case OP_UNKNOWN:
	default:
		steps = fork_steps;
		nsteps = sizeof(fork_steps) / sizeof(fork_steps[0]);
		break;
	}
	for (size_t i = 0; i < nsteps; i++) {
		const struct step *s = &steps[i];

		if (!gives(s->id, op, err, &snap->sys.kernel))
			continue;
		add_step(ret, snap, a, ctx, s, op, log);
	}
	drop_repeats(ret, before);
}

void explain(const struct snapshot *snap, const struct assessment *a, const struct explain_context *ctx,
	     const struct log_evidence *log, const struct failure_msg *msg, enum failure_op op, int err,
	     struct explanation *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->op = op;
	ret->err = err;
	add_steps(ret, snap, a, ctx, log, op, err);
	/* nothing read of what failed (a line in a language no catalog here reads): an allocation's causes too */
	if (op == OP_UNKNOWN && !err && !(msg && msg->oom_kill))
		add_steps(ret, snap, a, ctx, log, OP_ALLOC, err);
	/* a runtime's "out of memory" that it also throws when a thread cannot be made (.NET, Java): both weighed */
	if (msg && msg->also_thread && op == OP_ALLOC)
		add_steps(ret, snap, a, ctx, log, OP_THREAD, err);
	message_limit(ret, snap, msg, ctx);
	/* most likely first; the kernel's order within a verdict (qsort is not stable: order is unique enough) */
	for (size_t i = 0; i < ret->ncauses; i++)
		ret->causes[i].order = ret->causes[i].order * 1000 + (int)i;
	if (ret->ncauses > 1)
		xsort(ret->causes, ret->ncauses, sizeof(*ret->causes), cmp_cause, NULL);
	for (size_t i = 0; i < ret->ncauses; i++)
		ret->causes[i].order /= 1000;
}

void explanation_free(struct explanation *e)
{
	for (size_t i = 0; i < e->ncauses; i++) {
		xfree(e->causes[i].scope);
		xfree(e->causes[i].evidence);
	}
	xfree(e->causes);
	memset(e, 0, sizeof(*e));
}

enum verdict explanation_strongest(const struct explanation *e)
{
	enum verdict v = VERDICT_RULED_OUT;

	for (size_t i = 0; i < e->ncauses; i++)
		if (e->causes[i].verdict < v)
			v = e->causes[i].verdict;
	return v;
}

const struct proc_info *explain_context_build(const struct snapshot *snap, int pid, const uint32_t *uid,
					      const char *cgroup, struct explain_context *ret)
{
	const struct proc_info *p = pid ? snapshot_proc(snap, pid) : NULL;

	memset(ret, 0, sizeof(*ret));
	ret->pid = pid;
	if (p) {
		ret->has_uid = true;
		ret->uid = p->uid;
		ret->cgroup = p->cgroup;
		ret->memcg = p->memcg;
		ret->pidns = p->pidns_children ? p->pidns_children : p->pidns;
	}
	if (uid) {
		ret->has_uid = ret->uid_given = true;
		ret->uid = *uid;
	}
	if (cgroup)
		ret->cgroup = ret->memcg = cgroup;
	return p;
}

/* Kernel log lines that outlive a failure, for the context. */
void explain_log_feed(void *scan, const struct kmsg_record *r, const char *t)
{
	const struct explain_log_scan *s = scan;
	struct kernel_line kl;
	char path[sizeof(s->ev->pids_rejected_path)];

	/* a line written into /dev/kmsg from user space is no evidence (kernel_log_next() drops them too) */
	if (!kmsg_from_kernel(r))
		return;
	switch (kernel_line_classify(t, strlen(t), &kl)) {
	case KLINE_FORK_REJECTED:
		snprintf(path, sizeof(path), "%.*s", (int)kl.path_len, kl.path);
		/* the path is the forking task's cgroup: it counts when it is the context's or below it */
		if (!s->ctx->cgroup || cgroup_path_within(path, s->ctx->cgroup) || cgroup_path_within(s->ctx->cgroup, path)) {
			s->ev->pids_rejected++;
			s->ev->pids_rejected_usec = r->usec;
			snprintf(s->ev->pids_rejected_path, sizeof(s->ev->pids_rejected_path), "%s", path);
		}
		break;
	case KLINE_DATA_ULIMIT:
		if (s->ctx->pid && kl.pid == s->ctx->pid) {
			s->ev->data_exceeded++;
			s->ev->data_exceeded_usec = r->usec;
		}
		break;
	case KLINE_COMMIT_REFUSED:
		if (s->ctx->pid && kl.pid == s->ctx->pid) {
			s->ev->commit_refused++;
			s->ev->commit_refused_usec = r->usec;
		}
		break;
	case KLINE_OOM:         /* headroom oom reads these */
	case KLINE_MEMCG_USAGE:
	case KLINE_OTHER:
		break;
	}
}
