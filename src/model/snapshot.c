// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "core/buf.h"

void snapshot_init(struct snapshot *s, struct arena *mem)
{
	memset(s, 0, sizeof(*s));
	s->mem = mem;
	s->sys.uid0_is_host_root = true;
	s->cgroups_left_out_max_pct = -1;
	strtab_init(&s->strings, mem);
	tally_init(&s->tally, mem);
}

void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->nhiers; i++) {
		xfree(s->hiers[i].mount_point);
		xfree(s->hiers[i].mount_root);
		xfree(s->hiers[i].label);
	}
	for (size_t i = 0; i < s->ncgroups; i++) {
		xfree(s->cgroups[i].path);
		xfree(s->cgroups[i].dir);
	}
	for (size_t i = 0; i < s->nproblems; i++) {
		xfree(s->problems[i].what);
		xfree(s->problems[i].path);
	}
	xfree(s->procs);
	xfree(s->hiers);
	xfree(s->cgroups);
	xfree(s->pidns);
	xfree(s->problems);
	xfree(s->user_names);
	xfree(s->limits_rules);
	strtab_free(&s->strings);
	tally_free(&s->tally);
	memset(s, 0, sizeof(*s));
}

static void add_problem(struct snapshot *s, const char *what, const char *path, int err, bool malformed,
			bool essential)
{
	struct problem *p;

	for (size_t i = 0; i < s->nproblems; i++) {
		p = &s->problems[i];
		if (p->err == err && p->malformed == malformed && strcmp(p->what, what) == 0) {
			p->count++;
			p->essential |= essential;
			return;
		}
	}
	MEM_GROW(s->mem, s->problems, s->problems_cap, s->nproblems + 1);
	p = &s->problems[s->nproblems++];
	p->what = mem_strdup(s->mem, what);
	p->path = mem_strdup(s->mem, path ? path : "");
	p->err = err;
	p->malformed = malformed;
	p->count = 1;
	p->essential = essential;
}

void snapshot_problem(struct snapshot *s, const char *what, const char *path, int err, bool essential)
{
	add_problem(s, what, path, err, false, essential);
}

void snapshot_malformed(struct snapshot *s, const char *what, const char *path, bool essential)
{
	add_problem(s, what, path, EINVAL, true, essential);
}

struct pidns_info *snapshot_pidns(const struct snapshot *s, uint64_t inode)
{
	for (size_t i = 0; i < s->npidns; i++)
		if (s->pidns[i].inode == inode)
			return &s->pidns[i];
	return NULL;
}

struct proc_info *snapshot_proc(const struct snapshot *s, int pid)
{
	/* procs are sorted by pid (probe/procs.c) */
	size_t lo = 0, hi = s->nprocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid == pid)
			return &s->procs[mid];
		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *snapshot_user_name(const struct snapshot *s, uint32_t uid)
{
	for (size_t i = 0; i < s->nuser_names; i++)
		if (s->user_names[i].uid == uid)
			return s->user_names[i].name;
	return NULL;
}
