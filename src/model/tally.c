// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The processes folded into counts per leaf, parent, command and pid namespace (see tally.h). Pure:
 * plain structs in, plain structs out.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/sort.h"
#include "core/strtab.h"
#include "model/assess_internal.h"
#include "model/tally.h"

/* ---- the tables ---- */

static void table_init(struct tally_table *t, size_t size, struct arena *mem)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
	t->mem = mem;
}

static void table_free(struct tally_table *t)
{
	xfree(t->entries);
	xfree(t->slots);
	table_init(t, t->size, t->mem);
}

static uint64_t entry_hash(const struct tally_table *t, size_t i)
{
	uint64_t h;

	memcpy(&h, (const char *)t->entries + i * t->size, sizeof(h));
	return h;
}

static void table_rehash(struct tally_table *t, size_t nslots)
{
	xfree(t->slots);
	t->slots = mem_calloc(t->mem, nslots, sizeof(*t->slots));
	t->mask = nslots - 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t s = entry_hash(t, i) & t->mask;

		while (t->slots[s])
			s = (s + 1) & t->mask;
		t->slots[s] = (uint32_t)(i + 1);
	}
}

typedef bool (*entry_eq_fn)(const void *entry, const void *key);

/* The entry of hash that eq() matches with key, or NULL. */
static void *table_find(const struct tally_table *t, uint64_t hash, entry_eq_fn eq, const void *key)
{
	if (!t->slots)
		return NULL;
	for (size_t s = hash & t->mask; t->slots[s]; s = (s + 1) & t->mask) {
		void *e = (char *)t->entries + (t->slots[s] - 1) * t->size;

		if (entry_hash(t, t->slots[s] - 1) == hash && eq(e, key))
			return e;
	}
	return NULL;
}

/* The entry of hash and key, added zeroed (with its hash) when missing; *ret_added says which. */
static void *table_get(struct tally_table *t, uint64_t hash, entry_eq_fn eq, const void *key, bool *ret_added)
{
	void *e = table_find(t, hash, eq, key);
	size_t s;

	*ret_added = !e;
	if (e)
		return e;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->entries = mem_reallocarray(t->mem, t->entries, t->cap, t->size);
	}
	if (!t->slots || 4 * (t->n + 1) > 3 * (t->mask + 1))
		table_rehash(t, t->slots ? 2 * (t->mask + 1) : 32);
	e = (char *)t->entries + t->n * t->size;
	memset(e, 0, t->size);
	memcpy(e, &hash, sizeof(hash));
	for (s = hash & t->mask; t->slots[s]; s = (s + 1) & t->mask)
		;
	t->slots[s] = (uint32_t)(++t->n);
	return e;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x9E3779B97F4A7C15ULL;
}

static uint64_t hash_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ---- the keys ---- */

static bool leaf_eq(const void *e, const void *key)
{
	const struct tally_leaf *a = e, *b = key;

	return a->uid == b->uid && a->kernel == b->kernel && a->cgroup == b->cgroup && a->memcg == b->memcg &&
	       a->pidns == b->pidns;
}

static bool parent_eq(const void *e, const void *key)
{
	const struct tally_parent *a = e, *b = key;

	return a->leaf == b->leaf && a->pid == b->pid;
}

static bool command_eq(const void *e, const void *key)
{
	const struct tally_command *a = e, *b = key;

	return a->leaf == b->leaf && strcmp(a->comm, b->comm) == 0;
}

static bool name_eq(const void *e, const void *key)
{
	return ((const struct tally_name *)e)->pid == *(const int *)key;
}

static bool inode_eq(const void *e, const void *key)
{
	const struct tally_ns *a = e; /* tally_forks_into has its inode at the same place */

	return a->inode == *(const uint64_t *)key;
}

void tally_init(struct tally *t, struct arena *mem)
{
	memset(t, 0, sizeof(*t));
	t->mem = mem;
	table_init(&t->leaves, sizeof(struct tally_leaf), mem);
	table_init(&t->parents, sizeof(struct tally_parent), mem);
	table_init(&t->commands, sizeof(struct tally_command), mem);
	table_init(&t->names, sizeof(struct tally_name), mem);
	table_init(&t->ns, sizeof(struct tally_ns), mem);
	table_init(&t->forks_into, sizeof(struct tally_forks_into), mem);
	t->pidns_all_known = true;
}

void tally_free(struct tally *t)
{
	table_free(&t->leaves);
	table_free(&t->parents);
	table_free(&t->commands);
	table_free(&t->names);
	table_free(&t->ns);
	table_free(&t->forks_into);
	xfree(t->kept);
	tally_init(t, t->mem);
}

/* Whether p goes before q in the consumers' table of processes: more threads, user before kernel, lower pid. */
static bool listed_before(const struct proc_info *p, const struct proc_info *q)
{
	if (p->threads != q->threads)
		return p->threads > q->threads;
	if (p->kernel_thread != q->kernel_thread)
		return !p->kernel_thread;
	return p->pid < q->pid;
}

#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_RESOURCE_BIT 24

/*
 * copy_process() skips the RLIMIT_NPROC check for real uid 0 (INIT_USER: a container's root mapped to
 * another host uid is not) and for a task with CAP_SYS_RESOURCE or CAP_SYS_ADMIN in the initial user
 * namespace (capable()), so capabilities held only inside a container do not exempt.
 */
static bool nproc_exempt(const struct snapshot *snap, const struct proc_info *p)
{
	if (p->uid == 0 && snap->sys.uid0_is_host_root)
		return true;
	return p->has_cap_eff && (p->cap_eff & ((1ULL << CAP_SYS_ADMIN_BIT) | (1ULL << CAP_SYS_RESOURCE_BIT))) &&
	       p->userns == PROC_USER_INIT_INO;
}

static void add_nproc(const struct snapshot *snap, struct tally_leaf *l, const struct proc_info *p, const char *comm)
{
	const struct rlim_value *soft = &p->limits.soft[PID_RLIMIT_NPROC];

	if (nproc_exempt(snap, p)) {
		l->nproc_exempt++;
		return;
	}
	if (!p->has_limits || !soft->known) {
		l->nproc_unknown++;
		return;
	}
	l->nproc_subject++;
	if (soft->unlimited)
		return;
	if (!l->nproc_finite || soft->value < l->nproc_soft.value ||
	    (soft->value == l->nproc_soft.value && p->pid < l->nproc_pid)) {
		l->nproc_finite = true;
		l->nproc_pid = p->pid;
		l->nproc_comm = comm;
		l->nproc_soft = *soft;
		l->nproc_hard = p->limits.hard[PID_RLIMIT_NPROC];
	}
}

/* Parents and commands: kernel threads belong to neither. */
static void add_groups(struct tally *t, size_t leaf, const struct proc_info *p, const char *comm)
{
	uint64_t tasks = p->zombie ? 1 : p->threads;
	struct tally_command ck = { .leaf = leaf, .comm = comm }, *c;
	bool added;

	if (p->ppid > 0) {
		struct tally_parent key = { .leaf = leaf, .pid = p->ppid }, *g;
		struct tally_name *n;

		g = table_get(&t->parents, mix(mix(0, leaf), (uint64_t)(unsigned)p->ppid), parent_eq, &key, &added);
		g->leaf = leaf;
		g->pid = p->ppid;
		g->tasks += tasks;
		if (p->zombie) {
			g->zombies++;
		} else {
			g->live++;
			g->live_tasks += tasks;
		}
		n = table_get(&t->names, mix(0, (uint64_t)(unsigned)p->ppid), name_eq, &p->ppid, &added);
		n->pid = p->ppid;
	}
	c = table_get(&t->commands, mix(hash_bytes(comm, strlen(comm)), leaf), command_eq, &ck, &added);
	if (added) {
		c->leaf = leaf;
		c->comm = comm;
	}
	c->processes++;
	c->tasks += tasks;
	if (added || tally_more_threads(p->threads, p->pid, c->largest_threads, c->largest_pid)) {
		c->largest_pid = p->pid;
		c->largest_threads = p->threads;
	}
}

static void add_pidns(struct tally *t, const struct proc_info *p, const char *comm)
{
	struct tally_ns *ns;
	bool added;

	if (!p->pidns) {
		/* an init whose namespace could not be read may be the init of any namespace */
		if (p->nspid_count >= 2 && p->nspid_inner == 1)
			t->pidns_all_known = false;
		return;
	}
	ns = table_get(&t->ns, mix(0, p->pidns), inode_eq, &p->pidns, &added);
	ns->inode = p->pidns;
	ns->tasks += p->threads;
	if (p->nspid_inner > 0 && (uint64_t)p->nspid_inner > ns->max_nspid)
		ns->max_nspid = (uint64_t)p->nspid_inner;
	if (p->nspid_inner == 1 && p->nspid_count >= 1 && (!ns->init_pid || p->pid < ns->init_pid)) {
		ns->init_pid = p->pid;
		ns->init_ppid = p->ppid;
	}
	if (p->pidns_children) {
		struct tally_forks_into *f =
			table_get(&t->forks_into, mix(0, p->pidns_children), inode_eq, &p->pidns_children, &added);

		f->inode = p->pidns_children;
		if (added || p->pid < f->holder_pid) {
			f->holder_pid = p->pid;
			f->holder_ns = p->pidns;
			f->holder_comm = comm;
			f->holder_threads = p->threads;
		}
		f->holders++;
	}
}

void tally_add(struct tally *t, const struct snapshot *snap, const struct proc_info *p, const char *comm)
{
	struct tally_leaf key = { .uid = p->uid, .kernel = p->kernel_thread, .cgroup = p->cgroup, .memcg = p->memcg,
				  .pidns = p->pidns };
	struct tally_leaf *l;
	struct tally_name *n;
	size_t leaf;
	bool added;

	t->built = true;
	t->processes++;
	l = table_get(&t->leaves,
		      mix(mix(mix(mix(mix(0, p->uid), p->kernel_thread), hash_ptr(p->cgroup)), hash_ptr(p->memcg)), p->pidns),
		      leaf_eq, &key, &added);
	if (added) {
		uint64_t h = l->hash;

		*l = key;
		l->hash = h;
	}
	leaf = (size_t)(l - TALLY_AT(&t->leaves, struct tally_leaf, 0));
	l->tasks += p->threads;
	l->processes++;
	if (added || tally_more_threads(p->threads, p->pid, l->hog_threads, l->hog_pid)) {
		l->hog_pid = p->pid;
		l->hog_comm = comm;
		l->hog_threads = p->threads;
	}
	if (added || p->vm_rss_kib > l->rss_kib || (p->vm_rss_kib == l->rss_kib && p->pid < l->rss_pid)) {
		l->rss_pid = p->pid;
		l->rss_comm = comm;
		l->rss_kib = p->vm_rss_kib;
	}
	add_nproc(snap, l, p, comm);
	if (!p->kernel_thread)
		add_groups(t, leaf, p, comm);
	add_pidns(t, p, comm);
	/* a parent seen before or after its children: its name */
	n = table_find(&t->names, mix(0, (uint64_t)(unsigned)p->pid), name_eq, &p->pid);
	if (n)
		n->comm = comm;
}

void tally_build(struct tally *t, const struct snapshot *snap)
{
	tally_free(t);
	t->built = true;
	for (size_t i = 0; i < snap->nprocs; i++)
		tally_add(t, snap, &snap->procs[i], snap->procs[i].comm);
	/* the parents seen before their children: named from the snapshot */
	for (size_t i = 0; i < t->names.n; i++) {
		struct tally_name *n = TALLY_AT(&t->names, struct tally_name, i);
		const struct proc_info *p = n->comm ? NULL : snapshot_proc(snap, n->pid);

		if (p)
			n->comm = p->comm;
	}
}

const char *tally_name_of(const struct tally *t, int pid)
{
	const struct tally_name *n = table_find(&t->names, mix(0, (uint64_t)(unsigned)pid), name_eq, &pid);

	return n ? n->comm : NULL;
}

const struct tally_ns *tally_ns_of(const struct tally *t, uint64_t inode)
{
	return table_find(&t->ns, mix(0, inode), inode_eq, &inode);
}

/* ---- what the daemon keeps ---- */

_Static_assert(TALLY_KINDS == NPER, "a kept bit for each per-process kind");

/* Whether p's limit of kind k (numbers n) is closer to its maximum than q's, as the report sorts them. */
static bool closer_limit(const struct snapshot *snap, const struct proc_info *p, const struct limit *n,
			 const struct proc_info *q, size_t k)
{
	struct limit m;

	if (!per_process_numbers(snap, q, per_process_ids[k], &m))
		return true;
	return per_process_closer(limit_percent(n), p->pid, limit_percent(&m), q->pid);
}

/* The kept process that is the worst of those kept for bit (the fewest threads, or the farthest from its limit). */
static struct proc_info *worst_kept(struct tally *t, const struct snapshot *snap, unsigned bit, size_t k, size_t *ret_count)
{
	struct proc_info *worst = NULL;

	*ret_count = 0;
	for (size_t i = 0; i < t->nkept; i++) {
		struct proc_info *q = &t->kept[i];
		struct limit n;

		if (!(q->kept & bit))
			continue;
		(*ret_count)++;
		if (!worst) {
			worst = q;
		} else if (bit == KEEP_THREADS) {
			if (listed_before(worst, q))
				worst = q;
		} else if (per_process_numbers(snap, worst, per_process_ids[k], &n) && closer_limit(snap, worst, &n, q, k)) {
			worst = q;
		}
	}
	return worst;
}

/* Whether p is to be kept for bit, given the worst kept for it; clears that one's bit when p displaces it. */
static bool displaces(struct tally *t, const struct snapshot *snap, const struct proc_info *p, const struct limit *n,
		      unsigned bit, size_t k, size_t room)
{
	size_t count;
	struct proc_info *worst = worst_kept(t, snap, bit, k, &count);
	bool better;

	if (count < room)
		return true;
	better = bit == KEEP_THREADS ? listed_before(p, worst) : closer_limit(snap, p, n, worst, k);
	if (better)
		worst->kept &= ~bit;
	return better;
}

void tally_retain(struct tally *t, const struct snapshot *snap, const struct thresholds *th, const struct proc_info *p)
{
	unsigned why = 0;
	size_t w = 0;

	if (displaces(t, snap, p, NULL, KEEP_THREADS, 0, TALLY_KEEP_THREADS))
		why |= KEEP_THREADS;
	for (size_t k = 0; k < TALLY_KINDS; k++) {
		struct limit n;

		if (!per_process_numbers(snap, p, per_process_ids[k], &n))
			continue;
		t->per_process_limits++;
		if (limit_status(&n, th) == STATUS_OK) {
			if (displaces(t, snap, p, &n, KEEP_CLOSEST << k, k, 1))
				why |= KEEP_CLOSEST << k;
		} else if (displaces(t, snap, p, &n, KEEP_NOT_OK << k, k, TALLY_KEEP_NOT_OK)) {
			why |= KEEP_NOT_OK << k;
		}
	}
	/* those displaced for every reason go */
	for (size_t i = 0; i < t->nkept; i++)
		if (t->kept[i].kept)
			t->kept[w++] = t->kept[i];
	t->nkept = w;
	if (!why)
		return;
	if (!t->kept)
		t->kept = mem_calloc(t->mem, TALLY_KEEP_THREADS + TALLY_KINDS * (TALLY_KEEP_NOT_OK + 1) + 1, sizeof(*t->kept));
	t->kept[t->nkept] = *p;
	t->kept[t->nkept++].kept = why;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void tally_take_kept(struct tally *t, struct snapshot *snap)
{
	xfree(snap->procs);
	snap->procs = t->kept;
	snap->nprocs = t->nkept;
	t->kept = NULL;
	t->nkept = 0;
	if (snap->nprocs)
		xsort(snap->procs, snap->nprocs, sizeof(*snap->procs), cmp_pid, snap->mem);
}

/* Entry indexes of a table by their leaf: counted, then placed (a counting sort, in the table's order). */
static void index_by_leaf(const struct tally_table *tab, size_t leaf_offset, size_t nleaves, struct arena *mem,
			  size_t **ret_at, size_t **ret_idx)
{
	size_t *at = mem_calloc(mem, nleaves + 1, sizeof(*at));
	size_t *idx = mem_calloc(mem, tab->n ? tab->n : 1, sizeof(*idx));
	size_t *fill = mem_calloc(mem, nleaves + 1, sizeof(*fill));

	for (size_t i = 0; i < tab->n; i++) {
		size_t leaf;

		memcpy(&leaf, (const char *)tab->entries + i * tab->size + leaf_offset, sizeof(leaf));
		if (leaf < nleaves)
			at[leaf + 1]++;
	}
	for (size_t l = 0; l < nleaves; l++)
		at[l + 1] += at[l];
	memcpy(fill, at, (nleaves + 1) * sizeof(*fill));
	for (size_t i = 0; i < tab->n; i++) {
		size_t leaf;

		memcpy(&leaf, (const char *)tab->entries + i * tab->size + leaf_offset, sizeof(leaf));
		if (leaf < nleaves)
			idx[fill[leaf]++] = i;
	}
	xfree(fill);
	*ret_at = at;
	*ret_idx = idx;
}

struct cgroup_key {
	const char *cgroup;
	size_t leaf;
};

static int cgroup_key_cmp(const void *a, const void *b)
{
	const struct cgroup_key *x = a, *y = b;
	int r = x->cgroup == y->cgroup ? 0 : cgroup_path_cmp(x->cgroup, y->cgroup);

	if (r)
		return r;
	return x->leaf < y->leaf ? -1 : x->leaf > y->leaf;
}

void tally_index_build(struct tally *t, struct arena *mem)
{
	struct tally_index *x = mem_calloc(mem, 1, sizeof(*x));
	size_t n = t->leaves.n, k = 0;
	struct cgroup_key *keys = mem_calloc(mem, n ? n : 1, sizeof(*keys));

	index_by_leaf(&t->parents, offsetof(struct tally_parent, leaf), n, mem, &x->parents_at, &x->parents);
	index_by_leaf(&t->commands, offsetof(struct tally_command, leaf), n, mem, &x->commands_at, &x->commands);
	for (size_t i = 0; i < n; i++)
		if (tally_leaf_at(t, i)->cgroup)
			keys[k++] = (struct cgroup_key){ tally_leaf_at(t, i)->cgroup, i };
	xsort(keys, k, sizeof(*keys), cgroup_key_cmp, mem);
	x->by_cgroup = mem_calloc(mem, k ? k : 1, sizeof(*x->by_cgroup));
	for (size_t i = 0; i < k; i++)
		x->by_cgroup[i] = keys[i].leaf;
	x->nby_cgroup = k;
	xfree(keys);
	t->index = x;
}

void tally_index_free(const struct tally_index *x)
{
	if (!x)
		return;
	xfree(x->by_cgroup);
	xfree(x->commands);
	xfree(x->commands_at);
	xfree(x->parents);
	xfree(x->parents_at);
	xfree((void *)x);
}
