/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_SCOPE_H
#define HEADROOM_MODEL_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where a limit applies: its kind and its id. Its text form, the one key the JSON, the metrics'
 * scope label and explain's causes use, is made by scope_format and read back by scope_parse only:
 *   "system", "user:<uid>", "pid:<pid>", "pidns:<inode>", "cgroup:<path>", and "<kind>:?" when the
 *   id is not known.
 */
enum scope_kind { SCOPE_SYSTEM, SCOPE_USER, SCOPE_PID, SCOPE_PIDNS, SCOPE_CGROUP };

struct scope {
	enum scope_kind kind;
	bool unknown;       /* the id is not known ("pid:?") */
	uint64_t id;        /* uid, pid or namespace inode */
	const char *path;   /* cgroup: the path in the hierarchy, not owned */
};

static inline struct scope scope_system(void) { return (struct scope){ .kind = SCOPE_SYSTEM }; }
static inline struct scope scope_user(uint32_t uid) { return (struct scope){ .kind = SCOPE_USER, .id = uid }; }
static inline struct scope scope_pid(int pid) { return (struct scope){ .kind = SCOPE_PID, .id = (uint64_t)pid }; }
static inline struct scope scope_pidns(uint64_t inode) { return (struct scope){ .kind = SCOPE_PIDNS, .id = inode }; }
static inline struct scope scope_cgroup(const char *path) { return (struct scope){ .kind = SCOPE_CGROUP, .path = path }; }
static inline struct scope scope_unknown(enum scope_kind k) { return (struct scope){ .kind = k, .unknown = true }; }

/* The text form into out. Returns its length, or -ENAMETOOLONG when it does not fit (out is then cut). */
int scope_format(struct scope s, char *out, size_t size);

/* The text form, allocated (xmalloc). */
struct arena;
char *scope_str(struct arena *mem, struct scope s);

/* Reads a text form. Returns 0 with *ret filled (ret->path points into text), or -EINVAL. */
int scope_parse(const char *text, struct scope *ret);

#endif
