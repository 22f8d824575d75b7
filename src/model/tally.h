/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_TALLY_H
#define HEADROOM_MODEL_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/pid_limits.h"

/*
 * What the model needs of the processes, folded one process at a time: counts and the few processes
 * worth naming, kept per leaf (the processes sharing a uid, a cgroup, a memory cgroup and a pid
 * namespace), so that a limit's scope (a user, a cgroup and its children, a namespace and those below
 * it) is the sum of the leaves it covers. Its size grows with leaves, parents and command names, not
 * with processes: a fork leak of 26,000 children is one parent and one command.
 *
 * The report folds the processes it keeps (probe_procs_cgroups); the daemon folds each process as it
 * is read and keeps none but those tally_retain() picks, so its scan does not grow with processes.
 * Names (comm) are pointers that live as long as the snapshot: a kept proc_info's, or interned.
 */

struct snapshot;
struct proc_info;
struct thresholds;

/* An open-addressing table of entries whose first member is their uint64_t hash. */
struct tally_table {
	void *entries;   /* n entries of size bytes, in the order they were added */
	size_t n, cap, size;
	uint32_t *slots; /* entry index + 1, 0 empty; mask + 1 slots, a power of two */
	size_t mask;
	struct arena *mem; /* where entries and slots live (NULL: the heap) */
};

struct tally_leaf {
	uint64_t hash;
	/* the key */
	uint32_t uid;
	bool kernel;                /* kernel threads */
	const char *cgroup, *memcg; /* interned, or NULL */
	uint64_t pidns;
	/* what its processes hold */
	uint64_t tasks, processes;
	int hog_pid;                /* the most threads; on a tie the lowest pid */
	const char *hog_comm;
	uint64_t hog_threads;
	/* RLIMIT_NPROC (see nproc_exempt in assess_procs.c) */
	uint64_t nproc_exempt, nproc_subject, nproc_unknown;
	bool nproc_finite;          /* a subject process has a finite soft limit: the lowest is below */
	int nproc_pid;
	const char *nproc_comm;
	struct rlim_value nproc_soft, nproc_hard;
	/* the most resident memory */
	int rss_pid;
	const char *rss_comm;
	uint64_t rss_kib;
};

/* One parent's children in one leaf. */
struct tally_parent {
	uint64_t hash;
	size_t leaf;
	int pid;
	uint32_t live, zombies;
	uint64_t tasks, live_tasks;
};

/* One command name's processes in one leaf. */
struct tally_command {
	uint64_t hash;
	size_t leaf;
	const char *comm;
	uint32_t processes;
	uint64_t tasks;
	int largest_pid;            /* the most threads; on a tie the lowest pid */
	uint64_t largest_threads;
};

/* The name of a process that is a parent, once seen (NULL until then). */
struct tally_name {
	uint64_t hash;
	int pid;
	const char *comm;
};

/* A pid namespace its processes live in. */
struct tally_ns {
	uint64_t hash;
	uint64_t inode;
	uint64_t tasks;
	uint64_t max_nspid;         /* the highest pid number seen inside it */
	int init_pid, init_ppid;    /* the lowest pid that is 1 inside it; 0 none */
};

/* A namespace processes fork into (pid_for_children) other than their own. */
struct tally_forks_into {
	uint64_t hash;
	uint64_t inode;
	uint64_t holder_ns;         /* the first holder's own namespace */
	int holder_pid;             /* the lowest pid of those that fork into it */
	const char *holder_comm;
	uint64_t holder_threads;
	unsigned holders;
};

/* Why tally_retain() keeps a process: a bit each. */
enum tally_keep {
	KEEP_THREADS = 1u << 0,     /* among the TALLY_KEEP_THREADS with the most threads */
	KEEP_CLOSEST = 1u << 1,     /* bits 1-3: the closest ok limit of a per-process kind */
	KEEP_NOT_OK = 1u << 4,      /* bits 4-6: among the TALLY_KEEP_NOT_OK closest not-ok limits of a kind */
};
#define TALLY_KEEP_THREADS 16
#define TALLY_KEEP_NOT_OK 16
#define TALLY_KINDS 3

struct tally {
	bool built;
	struct tally_table leaves, parents, commands, names, ns, forks_into;
	uint64_t processes;
	bool pidns_all_known;       /* no init of a namespace hid its namespace */
	/* tally_retain(): the kept processes and the per-process limits seen */
	struct proc_info *kept;     /* their kept member says why */
	size_t nkept;
	uint64_t per_process_limits;
	struct arena *mem;          /* where its tables live (NULL: the heap) */
	const struct tally_index *index; /* tally_index_build(): NULL until made */
};

/*
 * Where a scope's top consumer is found from its own leaves, not every leaf (model/task_top.c): each
 * leaf's entries of the parents and commands tables, and the leaves that have a cgroup in the order of
 * cgroup_path_cmp, so that those within a cgroup follow each other. Valid while the tally is unchanged.
 */
struct tally_index {
	size_t *parents_at, *parents;   /* leaf i's: parents[parents_at[i] .. parents_at[i + 1]) */
	size_t *commands_at, *commands; /* likewise */
	size_t *by_cgroup, nby_cgroup;
};
/* Builds t's index in mem and sets t->index to it; tally_index_free releases one (NULL: none). */
void tally_index_build(struct tally *t, struct arena *mem);
void tally_index_free(const struct tally_index *x);

/* Starts t empty; its tables grow in mem (NULL: the heap). */
void tally_init(struct tally *t, struct arena *mem);
void tally_free(struct tally *t);

/* Folds p in; comm is p's name where it lives as long as the snapshot. */
void tally_add(struct tally *t, const struct snapshot *snap, const struct proc_info *p, const char *comm);

/* Every process of snap, folded (the report; assess for a snapshot that has no tally). */
void tally_build(struct tally *t, const struct snapshot *snap);

/*
 * The daemon's choice: keeps a copy of p when it is among those with the most threads, or the closest
 * ok, or among the closest not-ok, of a per-process limit kind, dropping what it displaces. Counts p's
 * per-process limits. The kept are moved to the snapshot by tally_take_kept().
 */
void tally_retain(struct tally *t, const struct snapshot *snap, const struct thresholds *th, const struct proc_info *p);
/* Moves the kept processes into snap->procs, sorted by pid (snap->procs must be empty). */
void tally_take_kept(struct tally *t, struct snapshot *snap);

/* Entry i of a table, as its type. */
#define TALLY_AT(tab, type, i) ((type *)(tab)->entries + (i))

/* The leaf of index i. */
static inline const struct tally_leaf *tally_leaf_at(const struct tally *t, size_t i)
{
	return TALLY_AT(&t->leaves, const struct tally_leaf, i);
}

/* Whether (threads, pid) goes before (threads2, pid2): more threads, then the lower pid. */
static inline bool tally_more_threads(uint64_t threads, int pid, uint64_t threads2, int pid2)
{
	return threads > threads2 || (threads == threads2 && pid < pid2);
}

/* The name recorded for pid (a parent), or NULL. */
const char *tally_name_of(const struct tally *t, int pid);
/* The pid namespace entry of inode, or NULL. */
const struct tally_ns *tally_ns_of(const struct tally *t, uint64_t inode);

#endif
