// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who holds the tasks of a limit: processes grouped by parent (live children, zombies) and by command
 * name, besides each process's own threads. Pure: plain structs in, plain structs out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/sort.h"
#include "model/assess_internal.h"

/* One group: a parent's children (key pid) or a command's processes (key comm). */
struct group {
	bool used;
	int pid;
	const char *comm;
	uint64_t live, zombies, tasks, live_tasks, processes;
	const struct proc_info *largest; /* commands: the process with the most threads */
};

struct table {
	struct group *g;
	size_t cap; /* a power of two */
};

static uint64_t hash_pid(int pid)
{
	return (uint64_t)(unsigned)pid * 0x9E3779B97F4A7C15ULL;
}

static uint64_t hash_comm(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void table_init(struct table *t, size_t entries)
{
	t->cap = 16;
	while (t->cap < 2 * entries)
		t->cap *= 2;
	t->g = xcalloc(t->cap, sizeof(*t->g));
}

static struct group *by_pid(struct table *t, int pid)
{
	size_t i = hash_pid(pid) & (t->cap - 1);

	while (t->g[i].used && t->g[i].pid != pid)
		i = (i + 1) & (t->cap - 1);
	if (!t->g[i].used) {
		t->g[i].used = true;
		t->g[i].pid = pid;
	}
	return &t->g[i];
}

static struct group *by_comm(struct table *t, const char *comm)
{
	size_t i = hash_comm(comm) & (t->cap - 1);

	while (t->g[i].used && strcmp(t->g[i].comm, comm) != 0)
		i = (i + 1) & (t->cap - 1);
	if (!t->g[i].used) {
		t->g[i].used = true;
		t->g[i].comm = comm;
	}
	return &t->g[i];
}

/* Adds p to its parent's and its command's groups. Kernel threads belong to neither. */
static void add_to_groups(struct table *parents, struct table *commands, const struct proc_info *p)
{
	struct group *g;
	uint64_t tasks = p->zombie ? 1 : p->threads;

	if (p->kernel_thread)
		return;
	if (p->ppid > 0) {
		g = by_pid(parents, p->ppid);
		g->tasks += tasks;
		if (p->zombie) {
			g->zombies++;
		} else {
			g->live++;
			g->live_tasks += tasks;
		}
	}
	g = by_comm(commands, p->comm);
	g->processes++;
	g->tasks += tasks;
	if (!g->largest || p->threads > g->largest->threads)
		g->largest = p;
}

/* The parent's name, or NULL when it was not seen (gone, or in another pid namespace). */
static const char *parent_comm(const struct snapshot *snap, int pid)
{
	const struct proc_info *p = snapshot_proc(snap, pid);

	return p ? p->comm : NULL;
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

bool task_top_find(const struct snapshot *snap, proc_match_fn match, const void *ctx, struct task_top *ret)
{
	const struct proc_info *thread_hog = NULL;
	const struct group *children = NULL, *zombies = NULL, *command = NULL;
	struct table parents, commands;
	struct task_top cand[4];
	size_t m = 0;
	int n = 0;
	uint64_t most = 0;

	for (size_t i = 0; i < snap->nprocs; i++)
		m += !match || match(&snap->procs[i], ctx);
	if (!m)
		return false;
	table_init(&parents, m);
	table_init(&commands, m);
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		if (match && !match(p, ctx))
			continue;
		if (!thread_hog || p->threads > thread_hog->threads)
			thread_hog = p;
		add_to_groups(&parents, &commands, p);
	}
	for (size_t i = 0; i < parents.cap; i++) {
		const struct group *g = &parents.g[i];

		if (!g->used || plain_parent(g->pid))
			continue;
		if (g->live && (!children || g->live_tasks > children->live_tasks ||
				(g->live_tasks == children->live_tasks && g->pid < children->pid)))
			children = g;
		if (g->zombies &&
		    (!zombies || g->zombies > zombies->zombies || (g->zombies == zombies->zombies && g->pid < zombies->pid)))
			zombies = g;
	}
	for (size_t i = 0; i < commands.cap; i++) {
		const struct group *g = &commands.g[i];

		if (g->used && (!command || g->tasks > command->tasks ||
				(g->tasks == command->tasks && strcmp(g->comm, command->comm) < 0)))
			command = g;
	}

	/* the candidates, most specific first: one process, one parent's zombies or children, one command */
	cand[n++] = (struct task_top){ TOP_THREADS, thread_hog->threads, thread_hog->threads, thread_hog->pid,
				       thread_hog->comm, thread_hog->threads };
	if (zombies)
		cand[n++] = (struct task_top){ TOP_ZOMBIES, zombies->zombies, zombies->zombies, zombies->pid,
					       parent_comm(snap, zombies->pid), 0 };
	if (children)
		cand[n++] = (struct task_top){ TOP_CHILDREN, children->live, children->live_tasks, children->pid,
					       parent_comm(snap, children->pid), 0 };
	if (command && command->processes > 1)
		cand[n++] = (struct task_top){ TOP_COMMAND, command->processes, command->tasks, command->largest->pid,
					       command->comm, command->largest->threads };
	for (int k = 0; k < n; k++)
		if (cand[k].tasks > most)
			most = cand[k].tasks;
	/* the most specific that holds at least half of the largest: a fork leak is named by its parent even
	 * though its command also counts the parent itself; a command over twenty parents by the command */
	*ret = cand[0];
	for (int k = 0; k < n; k++)
		if (cand[k].tasks * 2 >= most) {
			*ret = cand[k];
			break;
		}
	xfree(parents.g);
	xfree(commands.g);
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

void task_groups_consumers(const struct snapshot *snap, struct consumers *c)
{
	struct table parents, commands;

	table_init(&parents, snap->nprocs);
	table_init(&commands, snap->nprocs);
	for (size_t i = 0; i < snap->nprocs; i++)
		add_to_groups(&parents, &commands, &snap->procs[i]);
	c->parents = xcalloc(parents.cap, sizeof(*c->parents));
	c->nparents = 0;
	for (size_t i = 0; i < parents.cap; i++) {
		const struct group *g = &parents.g[i];

		if (g->used)
			c->parents[c->nparents++] = (struct parent_consumer){ g->pid, parent_comm(snap, g->pid), g->live,
									      g->zombies, g->tasks };
	}
	c->commands = xcalloc(commands.cap, sizeof(*c->commands));
	c->ncommands = 0;
	for (size_t i = 0; i < commands.cap; i++) {
		const struct group *g = &commands.g[i];

		if (g->used)
			c->commands[c->ncommands++] = (struct command_consumer){ g->comm, g->processes, g->tasks };
	}
	if (c->nparents)
		xsort(c->parents, c->nparents, sizeof(*c->parents), cmp_parent);
	if (c->ncommands)
		xsort(c->commands, c->ncommands, sizeof(*c->commands), cmp_command);
	xfree(parents.g);
	xfree(commands.g);
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
