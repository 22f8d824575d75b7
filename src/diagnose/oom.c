// SPDX-License-Identifier: GPL-2.0-or-later
#include "diagnose/oom.h"
#include "diagnose/history.h"

#include "core/sort.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "diagnose/oom_badness.h"
#include "model/limits.h"

/* The global init (pid 1 of the initial pid namespace) and kernel threads are never chosen. */
static bool unkillable(const struct snapshot *snap, const struct proc_info *p)
{
	if (!p->has_mm || p->kernel_thread)
		return true;
	return p->pid == 1 && (!snap->sys.own_pidns || p->nspid_count <= 1);
}

static void add_candidate(struct oom_domain *d, const struct snapshot *snap, const struct kversion *k,
			  const struct proc_info *p, long page_size, bool machine)
{
	struct oom_task t = { 0 };
	struct oom_candidate *c;

	d->cands = xreallocarray(d->cands, d->ncands + 1, sizeof(*d->cands));
	c = &d->cands[d->ncands++];
	memset(c, 0, sizeof(*c));
	c->pid = p->pid;
	c->comm = p->comm;
	c->uid = p->uid;
	c->oom_score_adj = p->has_oom ? p->oom_score_adj : 0;
	c->rss_bytes = p->vm_rss_kib * 1024;
	c->swap_bytes = p->vm_swap_kib * 1024;
	c->pgtables_bytes = p->vm_pte_kib * 1024;
	t.rss_pages = c->rss_bytes / (uint64_t)page_size;
	t.swap_pages = c->swap_bytes / (uint64_t)page_size;
	t.pgtables_pages = c->pgtables_bytes / (uint64_t)page_size;
	t.oom_score_adj = c->oom_score_adj;
	t.unkillable = unkillable(snap, p);
	t.cap_sys_admin = p->has_cap_eff && (p->cap_eff & (1ULL << 21));
	c->badness = oom_badness(&t, d->totalpages, k);
	c->kernel_oom_score = p->has_oom ? p->oom_score : -1;
	c->model_oom_score = machine ? oom_score_from_badness(c->badness, d->totalpages, k) : -1;
}

/* Most likely first; an equal score goes to the task met later in the scan since 4.19 (pid order here). */
static int cmp_badness(const void *x, const void *y)
{
	const struct oom_candidate *a = x, *b = y;

	if (a->badness != b->badness)
		return a->badness > b->badness ? -1 : 1;
	return (a->pid < b->pid) - (a->pid > b->pid);
}

static void rank(struct oom_domain *d)
{
	if (d->ncands > 1)
		xsort(d->cands, d->ncands, sizeof(*d->cands), cmp_badness, NULL);
	d->victim = d->ncands && d->cands[0].badness != OOM_BADNESS_NEVER ? 0 : -1;
}

/* The memory cgroup path of a process: its v1 memory hierarchy path, else its (v2) cgroup. */
static const char *memcg_of(const struct proc_info *p)
{
	return p->memcg ? p->memcg : p->cgroup;
}

/* A process a memory cgroup's OOM kill may choose, by its memory cgroup's path: the order of memcg_order. */
struct memcg_member {
	const char *memcg;
	const struct proc_info *p;
};

static int cmp_memcg_member(const void *x, const void *y)
{
	const struct memcg_member *a = x, *b = y;
	int r = cgroup_path_cmp(a->memcg, b->memcg);

	return r ? r : (a->p->pid > b->p->pid) - (a->p->pid < b->p->pid);
}

static const char *member_memcg_at(const void *ctx, size_t i)
{
	return ((const struct memcg_member *)ctx)[i].memcg;
}

/*
 * The processes with memory, by memory cgroup in subtree order (cgroup_path_cmp): those within a cgroup
 * follow each other, so that each domain reads its own members, not every process.
 */
static struct memcg_member *memcg_order(const struct snapshot *snap, size_t *ret_n)
{
	struct memcg_member *m = xcalloc(snap->nprocs ? snap->nprocs : 1, sizeof(*m));
	size_t n = 0;

	for (size_t j = 0; j < snap->nprocs; j++) {
		const struct proc_info *p = &snap->procs[j];

		if (p->has_mm && !p->kernel_thread && memcg_of(p))
			m[n++] = (struct memcg_member){ memcg_of(p), p };
	}
	xsort(m, n, sizeof(*m), cmp_memcg_member, NULL);
	*ret_n = n;
	return m;
}

void oom_domains(const struct snapshot *snap, const struct oom_policy *policy, long page_size, struct oom_domain **ret,
		 size_t *ret_n)
{
	const struct meminfo *mi = &snap->sys.meminfo;
	const struct kversion *k = policy->kernel ? policy->kernel : &snap->sys.kernel;
	struct oom_domain *v = NULL;
	size_t n = 0, cap = 0, nm;
	struct memcg_member *m = memcg_order(snap, &nm);

	if (page_size <= 0)
		page_size = 4096;
	if (snap->sys.have_meminfo) {
		struct oom_domain *d;

		v = mem_array_grow(NULL, v, &cap, n + 1, sizeof(*v));
		d = &v[n++];
		memset(d, 0, sizeof(*d));
		d->scope = scope_str(NULL, scope_system());
		d->subject = xstrdup("the whole machine");
		d->limit_bytes = (mi->kib[MEMINFO_MEM_TOTAL] + mi->kib[MEMINFO_SWAP_TOTAL]) * 1024;
		d->usage_bytes = d->limit_bytes -
				 (mi->kib[meminfo_has(mi, MEMINFO_MEM_AVAILABLE) ? MEMINFO_MEM_AVAILABLE : MEMINFO_MEM_FREE] +
				  mi->kib[MEMINFO_SWAP_FREE]) * 1024;
		d->totalpages = d->limit_bytes / (uint64_t)page_size;
		for (size_t i = 0; i < snap->nprocs; i++)
			if (snap->procs[i].has_mm && !snap->procs[i].kernel_thread)
				add_candidate(d, snap, k, &snap->procs[i], page_size, true);
		rank(d);
		/* check_panic_on_oom: 1 and 2 both panic on a machine-wide (CONSTRAINT_NONE) OOM */
		d->action = policy->panic_on_oom ? OOM_PANIC : policy->kill_allocating ? OOM_KILL_ALLOCATING : OOM_KILL_VICTIM;
	}
	for (size_t i = 0; i < snap->ncgroups; i++) {
		const struct cgroup_info *c = &snap->cgroups[i];
		struct oom_domain *d;

		if (!c->has_mem_max || c->mem_unlimited || !c->mem_max_bytes)
			continue;
		v = mem_array_grow(NULL, v, &cap, n + 1, sizeof(*v));
		d = &v[n++];
		memset(d, 0, sizeof(*d));
		d->scope = scope_str(NULL, scope_cgroup(c->path));
		d->subject = xasprintf("cgroup %s", c->path);
		d->limit_bytes = c->mem_max_bytes;
		d->usage_bytes = c->mem_usage_bytes.known ? c->mem_usage_bytes.v : 0;
		d->totalpages = c->mem_max_bytes / (uint64_t)page_size;
		if (strcmp(c->path, "/") == 0) {
			/* a root's: every process with a memory cgroup, whatever its path */
			for (size_t j = 0; j < nm; j++)
				add_candidate(d, snap, k, m[j].p, page_size, false);
		} else {
			size_t end;

			for (size_t j = cgroup_subtree_range(nm, member_memcg_at, m, c->path, &end); j < end; j++)
				add_candidate(d, snap, k, m[j].p, page_size, false);
		}
		rank(d);
		/* memcg OOMs panic only with panic_on_oom 2; oom_kill_allocating_task does not apply to them */
		d->action = policy->panic_on_oom == 2 ? OOM_PANIC : OOM_KILL_VICTIM;
		d->group_kill = c->mem_oom_group.known && c->mem_oom_group.v == 1;
		d->has_oom_kills = c->mem_oom_kill.known;
		d->oom_kills = c->mem_oom_kill.v;
	}
	xfree(m);
	*ret = v;
	*ret_n = n;
}

void oom_formula_kernel(const struct snapshot *snap, struct kversion *ret)
{
	*ret = snap->sys.kernel;
	if (ret->major != 5 || ret->minor != 4)
		return;
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		/* a small process with adj 0: the new formula reads about 666, the old one about 0 */
		if (p->has_oom && p->oom_score_adj == 0 && p->has_mm && p->pid != 1) {
			ret->patch = p->oom_score >= 500 ? 214 : 0;
			return;
		}
	}
}

void oom_domains_free(struct oom_domain *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		xfree(d[i].scope);
		xfree(d[i].subject);
		xfree(d[i].cands);
	}
	xfree(d);
}

void oom_view_build(const struct snapshot *snap, long page_size, uint64_t top, struct oom_view *ret)
{
	const struct oom_sysctls *c = &snap->sys.oom;
	struct kversion formula;
	struct oom_policy pol = { c->panic_on_oom.known ? (long)c->panic_on_oom.v : 0,
				  c->kill_allocating_task.known ? (long)c->kill_allocating_task.v : 0, &formula };

	memset(ret, 0, sizeof(*ret));
	ret->snap = snap;
	ret->top = top;
	oom_formula_kernel(snap, &formula);
	oom_domains(snap, &pol, page_size, &ret->doms, &ret->ndoms);
}

void oom_view_free(struct oom_view *v)
{
	oom_history_free(&v->hist);
	oom_domains_free(v->doms, v->ndoms);
	v->doms = NULL;
	v->ndoms = 0;
}

bool oom_view_shows(const struct oom_view *v, const struct hist_event *e)
{
	return (e->kind == HIST_OOM_KILL || e->kind == HIST_EVICTION || e->kind == HIST_PANIC) &&
	       history_event_selected(v->events, e, v->filter);
}
