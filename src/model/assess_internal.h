/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_ASSESS_INTERNAL_H
#define HEADROOM_MODEL_ASSESS_INTERNAL_H

/* Shared by the assess_*.c files; not for renderers. */

#include "model/limits.h"

/* Adds a limit of kind id with a malloc'ed scope and subject (taken over). Defaults: enforced, errno by kernel. */
struct limit *limit_add(struct assessment *a, const struct snapshot *snap, enum limit_id id, char *scope, char *subject);

void fact_u64(struct limit *l, const char *key, uint64_t v);
void fact_str(struct limit *l, const char *key, const char *s);
void fact_bool(struct limit *l, const char *key, bool b);
/* Sets the words of a fix (taking text, which may be NULL); fix_command adds a command, see shell_commandf. */
void fix_text(struct fix *f, char *text);
void fix_command(struct fix *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The fixes of a sysctl (name) raised to value: sysctl -w now, a file in /etc/sysctl.d/ durably. */
void sysctl_fixes(struct limit *l, const char *name, uint64_t value);

/* Sets the limit's top consumer to the process with the most threads among those match() accepts. */
typedef bool (*proc_match_fn)(const struct proc_info *p, const void *ctx);
void limit_set_top(struct limit *l, const struct snapshot *snap, proc_match_fn match, const void *ctx);

/*
 * The top consumer among the processes match() accepts (all with NULL), by task_top's rule: the most
 * specific of one process's threads, one parent's zombies, one parent's live children and one command's
 * processes that holds at least half as many tasks as the largest of them. False when none matches.
 */
bool task_top_find(const struct snapshot *snap, proc_match_fn match, const void *ctx, struct task_top *ret);

/* Sets l's top consumer to one process (per-process limits). */
void limit_set_top_process(struct limit *l, const struct proc_info *p);

/* The parents and commands tables of the consumers, over every process of snap. */
void task_groups_consumers(const struct snapshot *snap, struct consumers *c);

/* The assessment of each group of limits. */
void assess_system(const struct snapshot *snap, struct assessment *a);
void assess_pidns(const struct snapshot *snap, struct assessment *a);
void assess_cgroups(const struct snapshot *snap, struct assessment *a);
void assess_users(const struct snapshot *snap, struct assessment *a);
void assess_processes(const struct snapshot *snap, const struct assess_opts *opts, struct assessment *a);
void assess_consumers(const struct snapshot *snap, struct assessment *a); /* processes and cgroups; users in assess_users */

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
