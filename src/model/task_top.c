// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who holds the tasks of a limit: processes grouped by parent (live children, zombies) and by command
 * name, besides each process's own threads, from the tally's leaves within the limit's scope. Pure:
 * plain structs in, plain structs out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/sort.h"
#include "core/strtab.h"
#include "model/assess_internal.h"

/*
 * A scope's groups, merged from its leaves' (see model/tally.h): a parent's children and a command's
 * processes may span leaves (a user's processes in several cgroups). Open-addressing tables sized to
 * the entries merged.
 */
struct parent_group {
	int pid;
	uint32_t live, zombies;
	uint64_t tasks, live_tasks;
};

struct command_group {
	const char *comm;
	uint32_t processes;
	uint64_t tasks;
	int largest_pid;
	uint64_t largest_threads;
	const char *largest_cgroup;
};

struct parents {
	struct parent_group *g;
	size_t cap; /* a power of two */
};

struct commands {
	struct command_group *g;
	size_t cap;
};

static uint64_t hash_pid(int pid)
{
	return (uint64_t)(unsigned)pid * 0x9E3779B97F4A7C15ULL;
}

static uint64_t hash_comm(const char *s)
{
	return hash_bytes(s, strlen(s));
}

static size_t table_cap(size_t entries)
{
	size_t cap = 16;

	while (cap < entries + entries / 2)
		cap *= 2;
	return cap;
}

/*
 * One block for both tables, released at once: the daemon's arena takes back only its last block.
 */
static void tables_init(struct arena *mem, struct parents *pt, struct commands *ct, size_t nparents, size_t ncommands)
{
	char *block;

	pt->cap = table_cap(nparents);
	ct->cap = table_cap(ncommands);
	block = mem_calloc(mem, 1, pt->cap * sizeof(*pt->g) + ct->cap * sizeof(*ct->g));
	pt->g = (struct parent_group *)(void *)block;
	ct->g = (struct command_group *)(void *)(block + pt->cap * sizeof(*pt->g));
}

static void tables_free(struct parents *pt, struct commands *ct)
{
	(void)ct;
	xfree(pt->g);
}

static struct parent_group *by_pid(struct parents *t, int pid)
{
	size_t i = hash_pid(pid) & (t->cap - 1);

	while (t->g[i].pid && t->g[i].pid != pid)
		i = (i + 1) & (t->cap - 1);
	t->g[i].pid = pid;
	return &t->g[i];
}

static struct command_group *by_comm(struct commands *t, const char *comm)
{
	size_t i = hash_comm(comm) & (t->cap - 1);

	while (t->g[i].comm && strcmp(t->g[i].comm, comm) != 0)
		i = (i + 1) & (t->cap - 1);
	t->g[i].comm = comm;
	return &t->g[i];
}

static void merge_parent(struct parents *parents, const struct tally_parent *e)
{
	struct parent_group *g = by_pid(parents, e->pid);

	g->live += e->live;
	g->zombies += e->zombies;
	g->tasks += e->tasks;
	g->live_tasks += e->live_tasks;
}

static void merge_command(const struct tally *t, struct commands *commands, const struct tally_command *e)
{
	struct command_group *g = by_comm(commands, e->comm);
	bool first = !g->processes;

	g->processes += e->processes;
	g->tasks += e->tasks;
	if (first || tally_more_threads(e->largest_threads, e->largest_pid, g->largest_threads, g->largest_pid)) {
		g->largest_pid = e->largest_pid;
		g->largest_threads = e->largest_threads;
		g->largest_cgroup = tally_leaf_at(t, e->leaf)->cgroup;
	}
}

/* The parents and commands of leaves[0..n), found by x, merged into tables_init()'s tables. */
static void merge_groups(const struct tally *t, const struct tally_index *x, const size_t *leaves, size_t n,
			 struct parents *parents, struct commands *commands)
{
	for (size_t k = 0; k < n; k++) {
		size_t leaf = leaves[k];

		for (size_t j = x->parents_at[leaf]; j < x->parents_at[leaf + 1]; j++)
			merge_parent(parents, TALLY_AT(&t->parents, const struct tally_parent, x->parents[j]));
		for (size_t j = x->commands_at[leaf]; j < x->commands_at[leaf + 1]; j++)
			merge_command(t, commands, TALLY_AT(&t->commands, const struct tally_command, x->commands[j]));
	}
}

/*
 * A parent whose children say nothing about a leak: pid 0 (the idle task's), the reader's init, to
 * which every orphan is reparented, and kthreadd.
 */
static bool plain_parent(int pid)
{
	return pid <= 2;
}

const char *top_kind_name(enum top_kind k)
{
	static const char *const names[] = { "threads", "children", "zombies", "command" };

	return names[k];
}

/*
 * The top consumer among leaves[0..n) of t (their parents and commands from x): the work of
 * task_top_find and task_top_find_cgroup, in time of the leaves' own entries, not the tally's.
 */
static bool top_of_leaves(const struct tally *t, const struct tally_index *x, const size_t *leaves, size_t n,
			  struct task_top *ret)
{
	const struct tally_leaf *hog = NULL;
	const struct parent_group *children = NULL, *zombies = NULL;
	const struct command_group *command = NULL;
	struct parents parents;
	struct commands commands;
	struct task_top cand[4];
	size_t nparents = 0, ncommands = 0;
	int nc = 0;
	uint64_t most = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tally_leaf *l = tally_leaf_at(t, leaves[i]);

		if (!hog || tally_more_threads(l->hog_threads, l->hog_pid, hog->hog_threads, hog->hog_pid))
			hog = l;
		nparents += x->parents_at[leaves[i] + 1] - x->parents_at[leaves[i]];
		ncommands += x->commands_at[leaves[i] + 1] - x->commands_at[leaves[i]];
	}
	if (!hog)
		return false;
	tables_init(t->mem, &parents, &commands, nparents, ncommands);
	merge_groups(t, x, leaves, n, &parents, &commands);
	for (size_t i = 0; i < parents.cap; i++) {
		const struct parent_group *g = &parents.g[i];

		if (!g->pid || plain_parent(g->pid))
			continue;
		if (g->live && (!children || g->live_tasks > children->live_tasks ||
				(g->live_tasks == children->live_tasks && g->pid < children->pid)))
			children = g;
		if (g->zombies &&
		    (!zombies || g->zombies > zombies->zombies || (g->zombies == zombies->zombies && g->pid < zombies->pid)))
			zombies = g;
	}
	for (size_t i = 0; i < commands.cap; i++) {
		const struct command_group *g = &commands.g[i];

		if (g->comm && (!command || g->tasks > command->tasks ||
				(g->tasks == command->tasks && strcmp(g->comm, command->comm) < 0)))
			command = g;
	}

	/* the candidates, most specific first: one process, one parent's zombies or children, one command */
	cand[nc++] = (struct task_top){ TOP_THREADS, hog->hog_threads, hog->hog_threads, hog->hog_pid, hog->hog_comm,
				       hog->hog_threads, hog->cgroup };
	if (zombies)
		cand[nc++] = (struct task_top){ TOP_ZOMBIES, zombies->zombies, zombies->zombies, zombies->pid,
					       tally_name_of(t, zombies->pid), 0, NULL };
	if (children)
		cand[nc++] = (struct task_top){ TOP_CHILDREN, children->live, children->live_tasks, children->pid,
					       tally_name_of(t, children->pid), 0, NULL };
	if (command && command->processes > 1)
		cand[nc++] = (struct task_top){ TOP_COMMAND, command->processes, command->tasks, command->largest_pid,
					       command->comm, command->largest_threads, command->largest_cgroup };
	for (int k = 0; k < nc; k++)
		if (cand[k].tasks > most)
			most = cand[k].tasks;
	/* the most specific that holds at least half of the largest: a fork leak is named by its parent even
	 * though its command also counts the parent itself; a command over twenty parents by the command */
	*ret = cand[0];
	for (int k = 0; k < nc; k++)
		if (cand[k].tasks * 2 >= most) {
			*ret = cand[k];
			break;
		}
	tables_free(&parents, &commands);
	return true;
}

static int cmp_parent(const void *x, const void *y)
{
	const struct parent_consumer *a = x, *b = y;
	uint64_t na = a->children + a->zombies, nb = b->children + b->zombies;

	if (na != nb)
		return na > nb ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

static int cmp_command(const void *x, const void *y)
{
	const struct command_consumer *a = x, *b = y;

	if (a->tasks != b->tasks)
		return a->tasks > b->tasks ? -1 : 1;
	if (a->processes != b->processes)
		return a->processes > b->processes ? -1 : 1;
	return strcmp(a->comm, b->comm);
}

void task_groups_consumers(const struct tally *t, struct consumers *c)
{
	struct parents parents;
	struct commands commands;
	size_t np = 0, nc = 0;

	tables_init(t->mem, &parents, &commands, t->parents.n, t->commands.n);
	for (size_t i = 0; i < t->parents.n; i++)
		merge_parent(&parents, TALLY_AT(&t->parents, const struct tally_parent, i));
	for (size_t i = 0; i < t->commands.n; i++)
		merge_command(t, &commands, TALLY_AT(&t->commands, const struct tally_command, i));
	for (size_t i = 0; i < parents.cap; i++)
		np += parents.g[i].pid != 0;
	for (size_t i = 0; i < commands.cap; i++)
		nc += commands.g[i].comm != NULL;
	c->parents = mem_calloc(t->mem, np ? np : 1, sizeof(*c->parents));
	c->nparents = 0;
	for (size_t i = 0; i < parents.cap; i++) {
		const struct parent_group *g = &parents.g[i];

		if (g->pid)
			c->parents[c->nparents++] = (struct parent_consumer){ g->pid, tally_name_of(t, g->pid), g->live,
									      g->zombies, g->tasks };
	}
	c->commands = mem_calloc(t->mem, nc ? nc : 1, sizeof(*c->commands));
	c->ncommands = 0;
	for (size_t i = 0; i < commands.cap; i++) {
		const struct command_group *g = &commands.g[i];

		if (g->comm)
			c->commands[c->ncommands++] = (struct command_consumer){ g->comm, g->processes, g->tasks };
	}
	if (c->nparents)
		xsort(c->parents, c->nparents, sizeof(*c->parents), cmp_parent, t->mem);
	if (c->ncommands)
		xsort(c->commands, c->ncommands, sizeof(*c->commands), cmp_command, t->mem);
	tables_free(&parents, &commands);
}

/* A process is in cgroup path ctx or below it. */
static bool in_cgroup(const struct tally_leaf *l, const void *ctx)
{
	return l->cgroup && cgroup_path_within(l->cgroup, ctx);
}

bool task_top_find(const struct tally *t, leaf_match_fn match, const void *ctx, struct task_top *ret)
{
	struct tally own = *t;
	const struct tally_index *x = t->index;
	size_t *leaves, n = 0;
	bool found;

	/* without an index made for the assessment, one for this call: as costly as reading every entry */
	if (!x) {
		tally_index_build(&own, t->mem);
		x = own.index;
	}
	leaves = mem_calloc(t->mem, t->leaves.n ? t->leaves.n : 1, sizeof(*leaves));
	for (size_t i = 0; i < t->leaves.n; i++)
		if (!match || match(tally_leaf_at(t, i), ctx))
			leaves[n++] = i;
	found = top_of_leaves(t, x, leaves, n, ret);
	xfree(leaves);
	if (!t->index)
		tally_index_free(own.index);
	return found;
}

/* The cgroup of the leaf at place i of the tally's cgroup order. */
static const char *leaf_cgroup_at(const void *ctx, size_t i)
{
	const struct tally *t = ctx;

	return tally_leaf_at(t, t->index->by_cgroup[i])->cgroup;
}

bool task_top_find_cgroup(const struct tally *t, const char *path, struct task_top *ret)
{
	const struct tally_index *x = t->index;
	size_t lo, end;

	/* a root's are every leaf with a cgroup, in whatever order its path sorts */
	if (!x || strcmp(path, "/") == 0)
		return task_top_find(t, in_cgroup, path, ret);
	lo = cgroup_subtree_range(x->nby_cgroup, leaf_cgroup_at, t, path, &end);
	return top_of_leaves(t, x, x->by_cgroup + lo, end - lo, ret);
}

const char *task_top_words(const struct task_top *t, char *out, size_t size)
{
	char count[32], tasks[32], who[HR_COMM_MAX + 32];

	human_count(t->count, count, sizeof(count));
	human_count(t->tasks, tasks, sizeof(tasks));
	if (t->comm)
		snprintf(who, sizeof(who), "%s (pid %d)", t->comm, t->pid);
	else
		snprintf(who, sizeof(who), "pid %d", t->pid);
	switch (t->kind) {
	case TOP_THREADS:
		snprintf(out, size, "%s with %s thread%s", who, count, t->count == 1 ? "" : "s");
		break;
	case TOP_CHILDREN:
		if (t->tasks != t->count)
			snprintf(out, size, "%s children of %s, with %s tasks", count, who, tasks);
		else
			snprintf(out, size, "%s child%s of %s", count, t->count == 1 ? "" : "ren", who);
		break;
	case TOP_ZOMBIES:
		snprintf(out, size, "%s zombie%s of %s, which does not wait() for its children", count,
			 t->count == 1 ? "" : "s", who);
		break;
	case TOP_COMMAND:
		snprintf(out, size, "%s processes named %s, with %s tasks (the largest pid %d)", count, t->comm, tasks,
			 t->pid);
		break;
	}
	return out;
}
