// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pid namespaces. On 6.14+ each has its own kernel.pid_max (7863dcc72d0f) and a task needs a free
 * number at every level up to the root, so the effective limit is the smallest headroom along the
 * chain. On every kernel, a namespace whose init has exited refuses all forks with ENOMEM.
 */
#include <stdio.h>

#include "core/buf.h"
#include "core/human.h"
#include "model/assess_internal.h"

#define PID_MAX_LIMIT 4194304ULL

static bool in_ns_subtree(const struct tally_leaf *l, const void *ctx)
{
	const struct snapshot *snap = ((const void *const *)ctx)[0];
	const struct pidns_info *ns = ((const void *const *)ctx)[1];
	uint64_t cur = l->pidns;

	for (int d = 0; cur && d < 40; d++) {
		const struct pidns_info *x;

		if (cur == ns->inode)
			return true;
		x = snapshot_pidns(snap, cur);
		if (!x || !x->parent || x->parent == cur)
			return false;
		cur = x->parent;
	}
	return false;
}

/* The smallest free headroom from ns up to the reader's namespace (the system level when it is the root). */
static bool chain_headroom(const struct snapshot *snap, const struct pidns_info *ns, uint64_t *ret)
{
	bool any = false;
	uint64_t best = UINT64_MAX;

	for (int d = 0; ns && d < 40; d++) {
		uint64_t cap, h;

		if (ns->pid_max.known) {
			cap = ns->pid_max.v > 1 ? ns->pid_max.v - 1 : 1;
			h = cap > ns->tasks ? cap - ns->tasks : 0;
			if (h < best)
				best = h;
			any = true;
		}
		if (!ns->parent || ns->parent == ns->inode)
			break;
		ns = snapshot_pidns(snap, ns->parent);
	}
	if (in_initial_pidns(snap) && snap->sys.pid_max.known && snap->sys.have_loadavg) {
		uint64_t cap = snap->sys.pid_max.v - 1, used = snap->sys.loadavg.nr_threads;
		uint64_t h = cap > used ? cap - used : 0;

		if (h < best)
			best = h;
		any = true;
	}
	*ret = best;
	return any;
}

static void assess_ns_pid_max(const struct snapshot *snap, const struct tally *t, struct assessment *a,
			      const struct pidns_info *ns)
{
	struct arena *mem = snap->mem;
	char used[32], max[32];
	const void *ctx[2] = { snap, ns };
	bool own = ns->inode == snap->sys.own_pidns;
	struct limit *l;
	uint64_t h, raise;

	l = limit_add(a, snap, LIMIT_PID_MAX, scope_pidns(ns->inode),
		      own ? mem_asprintf(mem, "this pid namespace (%llu)", (unsigned long long)ns->inode) :
			    mem_asprintf(mem, "pid namespace %llu", (unsigned long long)ns->inode));
	l->used = ns->tasks;
	l->max = ns->pid_max.v;
	l->capacity = l->max > 1 ? l->max - 1 : 1;
	limit_set_top(l, t, in_ns_subtree, ctx);
	l->source = mem_asprintf(mem, "the namespace's own kernel.pid_max (per namespace since 6.14), %s",
				      ns->pid_max_how ? ns->pid_max_how : "read inside it");
	l->meaning = mem_asprintf(mem, "%s of %s process ids of this namespace in use (its tasks and those of "
				       "namespaces below it)%s",
				       human_count(l->used, used, sizeof(used)), human_count(l->max, max, sizeof(max)),
				       own ? "; the host's pid_max and the levels above cannot be read from inside" : "");
	raise = suggest_raise(l->max, l->used, PID_MAX_LIMIT);
	if (own) {
		fix_text(&l->fix_now, mem_strdup(mem, "raise this namespace's kernel.pid_max (needs CAP_SYS_ADMIN over "
						      "it)"));
		fix_command(mem, &l->fix_now, "sysctl -w kernel.pid_max=%llu", (unsigned long long)raise);
	} else {
		fix_text(&l->fix_now, mem_strdup(mem, "raise the namespace's kernel.pid_max from inside it: nsenter "
						      "needs one free pid in the namespace, so stop a process there "
						      "first if it is full"));
		fix_command(mem, &l->fix_now, "nsenter --target %d --pid --mount sysctl -w kernel.pid_max=%llu",
			    ns->init_pid, (unsigned long long)raise);
	}
	fix_text(&l->fix_durable, mem_strdup(mem, "set kernel.pid_max where the container or namespace is created (its "
						  "runtime's sysctl settings), or do not lower it"));
	if (ns->init_pid)
		fact_u64(l, FACT_INIT_PID, (uint64_t)ns->init_pid);
	if (ns->parent && !own)
		fact_u64(l, FACT_PARENT_PIDNS, ns->parent);
	fact_u64(l, FACT_DEPTH, (uint64_t)ns->depth);
	if (ns->probe_err)
		fact_str(mem, l, FACT_PROBE_FORK_ERRNO, errno_name(-ns->probe_err));
	if (chain_headroom(snap, ns, &h))
		fact_u64(l, FACT_CHAIN_HEADROOM, h);
}

static void assess_dead_ns(const struct snapshot *snap, struct assessment *a, const struct pidns_info *ns)
{
	struct arena *mem = snap->mem;
	bool holder = ns->dead_holder_pid > 0 && ns->dead_holder_comm;
	struct limit *l;

	l = limit_add(a, snap, LIMIT_PIDNS_INIT, scope_pidns(ns->inode),
		      mem_asprintf(mem, "pid namespace %llu", (unsigned long long)ns->inode));
	l->used = ns->dead_holders;
	l->state = mem_asprintf(mem, "no init: %u process%s", ns->dead_holders, ns->dead_holders == 1 ? "" : "es");
	l->unlimited = true;
	l->forced = true;
	l->status = STATUS_CRITICAL;
	l->source = mem_strdup(mem, "the namespace's first process (its init) has exited: the kernel stops allocating "
				    "pids in it (PIDNS_ADDING cleared)");
	if (holder)
		l->meaning = mem_asprintf(mem, "%u process%s fork%s into this namespace and every such fork fails with "
					       "ENOMEM (\"fork: Cannot allocate memory\"), e.g. %s (pid %d)",
					       ns->dead_holders, ns->dead_holders == 1 ? "" : "es",
					       ns->dead_holders == 1 ? "s" : "", ns->dead_holder_comm, ns->dead_holder_pid);
	else
		l->meaning = mem_strdup(mem, "forks into this namespace fail with ENOMEM (\"fork: Cannot allocate "
					     "memory\")");
	if (holder)
		fact_u64(l, FACT_HOLDER_PID, (uint64_t)ns->dead_holder_pid);
	fix_text(&l->fix_now, mem_strdup(mem, "exit the shell or program that forks into it: the namespace cannot take "
					      "new processes again"));
	fix_text(&l->fix_durable, mem_strdup(mem, "create pid namespaces with 'unshare --pid --fork' (add --mount-proc "
						  "for ps): without --fork the first command run becomes the "
						  "namespace's init, and when it exits no fork works"));
	if (holder) {
		l->has_top = true;
		l->top = (struct task_top){ TOP_THREADS, ns->dead_holder_threads, ns->dead_holder_threads, ns->dead_holder_pid,
					    ns->dead_holder_comm, ns->dead_holder_threads, NULL };
	}
}

void assess_pidns(const struct snapshot *snap, const struct tally *t, struct assessment *a)
{
	bool per_ns = kversion_at_least(&snap->sys.kernel, 6, 14);

	for (size_t i = 0; i < snap->npidns; i++) {
		const struct pidns_info *ns = &snap->pidns[i];
		bool own = ns->inode == snap->sys.own_pidns || (!snap->sys.own_pidns && ns->inode == PROC_PID_INIT_INO);

		if (ns->dead) {
			assess_dead_ns(snap, a, ns);
			continue;
		}
		if (!per_ns || !ns->pid_max.known)
			continue;
		/* The initial namespace is the system-wide limit (assess_system). */
		if (own && in_initial_pidns(snap))
			continue;
		if (!own && !ns->init_pid)
			continue;
		assess_ns_pid_max(snap, t, a, ns);
	}
}
