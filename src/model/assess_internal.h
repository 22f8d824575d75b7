/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_ASSESS_INTERNAL_H
#define HEADROOM_MODEL_ASSESS_INTERNAL_H

/* Shared by the assess_*.c files; not for renderers. */

#include "model/limits.h"

/* Adds a limit of kind id with a malloc'ed scope and subject (taken over). Defaults: enforced, errno by kernel. */
/* A new limit of kind id where it applies (its scope text is made from where); subject: allocated words. */
struct limit *limit_add(struct assessment *a, const struct snapshot *snap, enum limit_id id, struct scope where,
			char *subject);

void fact_u64(struct limit *l, enum fact_id id, uint64_t v);
void fact_str(struct arena *mem, struct limit *l, enum fact_id id, const char *s);
void fact_bool(struct limit *l, enum fact_id id, bool b);
/* Sets the words of a fix (taking text, which may be NULL); fix_command adds a command, see shell_commandf. */
void fix_text(struct fix *f, char *text);
void fix_command(struct arena *mem, struct fix *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The fixes of a sysctl (name) raised to value: sysctl -w now, a file in /etc/sysctl.d/ durably. */
void sysctl_fixes(struct arena *mem, struct limit *l, const char *name, uint64_t value);

/* Whether a leaf of the tally (its processes) is in a limit's scope. */
typedef bool (*leaf_match_fn)(const struct tally_leaf *leaf, const void *ctx);
/* Sets the limit's top consumer among the processes of the leaves match() accepts (task_top_find). */
void limit_set_top(struct limit *l, const struct tally *t, leaf_match_fn match, const void *ctx);

/*
 * The top consumer among the processes of the leaves match() accepts (all with NULL), by task_top's
 * rule: the most specific of one process's threads, one parent's zombies, one parent's live children and
 * one command's processes that holds at least half as many tasks as the largest of them. False when no
 * process is in the scope.
 */
bool task_top_find(const struct tally *t, leaf_match_fn match, const void *ctx, struct task_top *ret);
/* Likewise for the processes in cgroup path or below it: from the leaves within it (by t->index when made). */
bool task_top_find_cgroup(const struct tally *t, const char *path, struct task_top *ret);

/* Sets l's top consumer to one process (per-process limits). */
void limit_set_top_process(struct limit *l, const struct proc_info *p);

/* The parents and commands tables of the consumers, over every process tallied. */
void task_groups_consumers(const struct tally *t, struct consumers *c);

/* The per-process kinds, in the order their limits are built for one process. */
#define NPER 3
extern const enum limit_id per_process_ids[NPER];

/*
 * The numbers of p's per-process limit of kind id (map_count, rlimit_as, rlimit_data) in a scratch
 * limit (no strings): enough for its status and percent. False when p has no such limit.
 */
bool per_process_numbers(const struct snapshot *snap, const struct proc_info *p, enum limit_id id, struct limit *ret);
/* Whether a limit at percent pa of pid pida sorts before one at pb of pidb (percent, then scope "pid:N"). */
bool per_process_closer(double pa, int pida, double pb, int pidb);

/* The assessment of each group of limits. */
void assess_system(const struct snapshot *snap, const struct tally *t, struct assessment *a);
void assess_pidns(const struct snapshot *snap, const struct tally *t, struct assessment *a);
void assess_cgroups(const struct snapshot *snap, const struct tally *t, struct assessment *a);
void assess_users(const struct snapshot *snap, const struct tally *t, struct assessment *a);
void assess_processes(const struct snapshot *snap, const struct tally *t, const struct assess_opts *opts,
		      struct assessment *a);
/* processes and cgroups, parents and commands; users in assess_users */
void assess_consumers(const struct snapshot *snap, const struct tally *t, struct assessment *a);

/*
 * Appends to l->source where the sysctl is configured (sysctl.d, sysctl.conf) and whether the running
 * value is the configured one, and records the file as facts.
 */
void sysctl_origin_note(struct limit *l, const struct snapshot *snap, enum sysctl_id id, uint64_t running);

/* The reader runs in the initial pid namespace (or cannot tell). */
bool in_initial_pidns(const struct snapshot *snap);

/* A suggested new maximum: double the current one, at least used + 1, at most cap. */
uint64_t suggest_raise(uint64_t max, uint64_t used, uint64_t cap);

#endif
