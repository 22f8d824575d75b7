/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_LIMITS_H
#define HEADROOM_MODEL_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/scope.h"
#include "model/snapshot.h"

/*
 * The limit model: every limit that can make fork, thread creation or memory allocation fail, as
 * plain structs computed from a snapshot without I/O. Renderers (text, JSON) print these
 * and decide nothing.
 *
 * The ids are a fixed, documented vocabulary (headroom(1)): add ids, never rename one.
 */
enum limit_id {
	LIMIT_PID_MAX,
	LIMIT_THREADS_MAX,
	LIMIT_CGROUP_PIDS,
	LIMIT_USER_NPROC,
	LIMIT_MEMORY,
	LIMIT_COMMIT,
	LIMIT_CGROUP_MEMORY,
	LIMIT_MAP_COUNT,
	LIMIT_RLIMIT_AS,
	LIMIT_RLIMIT_DATA,
	LIMIT_PIDNS_INIT,
	LIMIT_NIDS
};

/* Ordered: a worse status compares greater. */
enum status { STATUS_OK, STATUS_WARNING, STATUS_CRITICAL };

enum unit { UNIT_TASKS, UNIT_PIDS, UNIT_BYTES, UNIT_MAPPINGS, UNIT_PROCESSES };

/* Where a limit is set, as far as a cgroup path tells (systemd unit, container, pod). */
enum owner_kind { OWNER_NONE, OWNER_SYSTEMD, OWNER_DOCKER, OWNER_PODMAN, OWNER_KUBERNETES, OWNER_LXC, OWNER_CONTAINER_VIEW };

struct owner {
	enum owner_kind kind;
	char name[160]; /* unit name, container id, pod uid */
};

/*
 * Who holds the most of a limit counted in tasks, inside its scope: one process's threads, one parent's
 * live children, one parent's unreaped children (zombies), or one command name's processes. A fork
 * leak is its parent's children, a zombie leak its parent's zombies, a prefork server or a cron storm
 * its command, a JVM its threads.
 */
enum top_kind { TOP_THREADS, TOP_CHILDREN, TOP_ZOMBIES, TOP_COMMAND };
struct task_top {
	enum top_kind kind;
	uint64_t count;   /* threads of the process; children or zombies of the parent; processes of the command */
	uint64_t tasks;   /* the tasks they hold (each zombie one; a child or a process its threads) */
	int pid;          /* the process; the parent; the command's largest process */
	const char *comm; /* its name (the parent's for children and zombies); may be NULL when the parent is gone */
	uint64_t threads; /* TOP_THREADS and TOP_COMMAND: the threads of that process */
	const char *cgroup; /* TOP_THREADS and TOP_COMMAND: that process's cgroup, when known (not in JSON) */
};

const char *top_kind_name(enum top_kind k);

/*
 * The top consumer in words, raw (names unescaped: escape them where they are shown):
 * "java (pid 4242) with 28,440 threads", "26,000 children of holdforks (pid 3857)",
 * "5,000 zombies of leaker (pid 77), which does not wait() for its children",
 * "300 processes named php-fpm, with 300 tasks (the largest pid 901)".
 */
const char *task_top_words(const struct task_top *t, char *out, size_t size);

/*
 * An extra, kind-specific number or word of a limit, printed by name in JSON. Every fact is a line of
 * fact_kinds[] (its JSON key and type): a fact is named by its enum, so a misspelt one does not compile.
 */
enum fact_type { FACT_TYPE_U64, FACT_TYPE_STR, FACT_TYPE_BOOL };
enum fact_id {
	FACT_CHAIN_HEADROOM,
	FACT_COMM,
	FACT_COMMIT_LIMIT_BYTES,
	FACT_CONFIGURED_IN,
	FACT_CONFIGURED_VALUE,
	FACT_DEPTH,
	FACT_DIR,
	FACT_EVENTS_MAX,
	FACT_EXEMPT_REASON,
	FACT_FAILCNT,
	FACT_HIERARCHY,
	FACT_HOLDER_PID,
	FACT_INIT_PID,
	FACT_LAST_PID,
	FACT_LIMIT_PID,
	FACT_LIMITED_PROCESSES,
	FACT_MEM_AVAILABLE_BYTES,
	FACT_MEM_AVAILABLE_ESTIMATED,
	FACT_MEM_TOTAL_BYTES,
	FACT_OOM_KILL,
	FACT_OVERCOMMIT_KBYTES,
	FACT_OVERCOMMIT_MEMORY,
	FACT_OVERCOMMIT_RATIO,
	FACT_OWNER,
	FACT_OWNER_KIND,
	FACT_PARENT_PIDNS,
	FACT_PEAK,
	FACT_PEAK_BYTES,
	FACT_PID,
	FACT_PROBE_FORK_ERRNO,
	FACT_PROCESSES,
	FACT_PSI_FULL_AVG10_CENTIPERCENT,
	FACT_PSI_SOME_AVG10_CENTIPERCENT,
	FACT_REJECTED_FORKS,
	FACT_SWAP_FREE_BYTES,
	FACT_SWAP_TOTAL_BYTES,
	FACT_THREADS,
	FACT_UID,
	FACT_USER,
	FACT_WORKING_SET_BYTES,
	FACT_NIDS
};
struct fact_kind {
	const char *key;      /* the JSON key */
	enum fact_type type;
};
extern const struct fact_kind fact_kinds[FACT_NIDS];

struct fact {
	enum fact_id id;      /* its key and type are fact_kinds[id]'s */
	uint64_t u;
	char *s;
	bool b;
};
#define LIMIT_MAX_FACTS 12

/*
 * What to do about a limit, now or durably: words for people (text, may quote hostile names: shown
 * through the display escaping), and commands, any one of which does it. Each command is complete and
 * built by shell_commandf (core/shell.h): its arguments are shell-quoted and it is printable ASCII, so
 * it is shown as it is and pastes into bash doing exactly what it says. No prose in a command.
 */
#define FIX_MAX_COMMANDS 3
struct fix {
	char *text;
	char *commands[FIX_MAX_COMMANDS];
	int ncommands;
};

struct limit {
	enum limit_id id;
	char *scope;         /* where, as text (scope_format): the key of JSON, metrics and explain */
	struct scope where;  /* where it applies; a cgroup's path points into scope */
	char *subject;       /* the scope in plain words: "cgroup /a", "uid 1000", "pid 42 (java)" */
	enum unit unit;
	uint64_t used;
	bool unlimited;      /* no maximum: "max" is null, never 0% */
	uint64_t max;
	uint64_t capacity;   /* the usage at which the next operation fails (pid_max - 1 for pids) */
	uint64_t basis;      /* what the status is judged on: used, or a working set for memory cgroups */
	bool has_basis;      /* basis was set; otherwise it is used */
	bool enforced;       /* false: reported for information (overcommit modes 0 and 1) */
	bool exempt;         /* the limit does not apply (root for RLIMIT_NPROC) */
	bool forced;         /* status set by the assessment, not by thresholds (pidns_init) */
	enum status status;
	bool listed;         /* listed without --all (see limit_shown) */
	int err;             /* the errno a failure produces on this kernel */
	char *source;        /* where the limit comes from */
	char *meaning;       /* what the number means, in plain words */
	struct fix fix_now;
	struct fix fix_durable;
	char *state;         /* when set, shown instead of used / max ("init exited") */
	/* the biggest consumer inside the scope (see struct task_top) */
	bool has_top;
	struct task_top top;
	struct fact facts[LIMIT_MAX_FACTS];
	int nfacts;
};

struct limit_kind {
	const char *id;         /* JSON id */
	const char *title;      /* the kernel's name for it */
	enum unit unit;
	const char *fails;      /* what fails, a phrase that reads before "fail with EAGAIN" */
};

extern const struct limit_kind limit_kinds[LIMIT_NIDS];

struct proc_consumer {
	int pid;
	const char *comm;
	uint64_t threads;
	uint32_t uid;
	const char *cgroup;
	bool kernel_thread;
};

struct user_consumer {
	uint32_t uid;
	uint64_t tasks;
	uint64_t processes;
};

/* A parent of processes: its live children and its zombies (unreaped children). */
struct parent_consumer {
	int pid;
	const char *comm; /* NULL when the parent itself was not seen */
	uint64_t children;
	uint64_t zombies;
	uint64_t tasks;   /* held by its children, zombies included */
};

/* The processes of one command name (comm), and the tasks they hold. */
struct command_consumer {
	const char *comm;
	uint64_t processes;
	uint64_t tasks;
};

struct cgroup_consumer {
	const char *path;
	uint64_t tasks;
	uint64_t processes;
};

struct consumers {
	struct proc_consumer *procs;
	size_t nprocs;
	struct user_consumer *users;
	size_t nusers;
	struct cgroup_consumer *cgroups;
	size_t ncgroups;
	struct parent_consumer *parents;   /* most children and zombies first */
	size_t nparents;
	struct command_consumer *commands; /* most tasks first */
	size_t ncommands;
};

struct thresholds {
	double warning_pct;   /* default 80 */
	double critical_pct;  /* default 95 */
};

/* The defaults of --warning and --critical, and of the daemon's configuration. */
#define THRESHOLDS_DEFAULT ((struct thresholds){ .warning_pct = 80, .critical_pct = 95 })

struct assessment {
	struct limit *limits;   /* worst first, then by percent */
	size_t nlimits;
	size_t limits_cap;
	size_t unbuilt;         /* per-process limits that are ok and not the closest of their kind: not built */
	struct consumers consumers;
	enum status worst;
	bool unknown;           /* an essential reading failed: the verdict cannot be trusted */
	struct thresholds th;
};

/*
 * What assess() builds beyond the default. Per-process limits (map_count, rlimit_as, rlimit_data) are
 * built only when they are not ok, or the closest of their kind, or asked for: a machine of 30,000
 * processes would otherwise build 30,000 limits to list one.
 */
struct assess_opts {
	bool every_process;  /* every per-process limit (--all) */
	int focus_pid;       /* and every one of this process (explain's context); 0: none */
};

/*
 * Builds the assessment of snap (opts may be NULL). Strings in it may point into snap: keep snap alive
 * while using it.
 */
void assess(const struct snapshot *snap, const struct thresholds *th, const struct assess_opts *opts,
	    struct assessment *ret);
void assessment_free(struct assessment *a);

/*
 * Whether limit i is listed: always with all; otherwise every limit that is not per process, every
 * per-process limit that is not ok, and the closest per-process limit of each kind. Text and JSON
 * use this one rule, so they list the same limits.
 */
bool limit_shown(const struct assessment *a, size_t i, bool all);

/* Exit status in the monitoring-plugin convention: 0 ok, 1 warning, 2 critical, 3 unknown. */
int assessment_exit_status(const struct assessment *a);

/*
 * The verdict is unknown: an essential reading failed and nothing is critical (a critical limit is
 * critical whatever could not be read). Text, JSON and the exit status use this one rule.
 */
bool assessment_unknown(const struct assessment *a);

/*
 * The limit the headline names: the first that is not ok (limits are sorted worst first), else the
 * closest with a percent; NULL when there is none. Counts the critical and warning limits.
 */
const struct limit *assessment_headline(const struct assessment *a, size_t *ret_ncritical, size_t *ret_nwarning);

/* The status of a limit by the thresholds (used by assess; exposed for tests). */
enum status limit_status(const struct limit *l, const struct thresholds *th);

/* Percent of max used by the status basis, or -1 when unlimited, exempt or not enforced. */
double limit_percent(const struct limit *l);

/* The errno each limit produces on kernel k. */
int limit_errno(enum limit_id id, const struct kversion *k);

/* Who owns a cgroup, from its path: systemd unit, docker/podman container, kubernetes pod, LXC. */
void cgroup_owner(const char *path, struct owner *ret);

/* The cgroup path is top or below it ("/a/b" is below "/a", "/ab" is not; everything is below "/"). */
bool cgroup_path_within(const char *path, const char *top);

/* strcmp but with '/' before every other byte: the paths within a path (cgroup_path_within) follow it. */
int cgroup_path_cmp(const char *a, const char *b);

/*
 * Of n entries sorted by cgroup_path_cmp of their paths (path_at(ctx, i)), those within top (not "/",
 * whose are every entry): [return value, *ret_end).
 */
size_t cgroup_subtree_range(size_t n, const char *(*path_at)(const void *ctx, size_t i), const void *ctx,
			    const char *top, size_t *ret_end);

/* The limit of kind id with this scope, or NULL. */
const struct limit *assessment_limit(const struct assessment *a, enum limit_id id, const char *scope);

/* Releases a fix's text and commands. */
void fix_free(struct fix *f);

/* The fact id of l, or NULL. */
const struct fact *limit_fact(const struct limit *l, enum fact_id id);
/* A number fact's value, or 0 when l has no such fact. */
uint64_t limit_fact_u64(const struct limit *l, enum fact_id id);

/* The limit whose report id is id ("map_count"), or -1. */
int limit_id_find(const char *id);
const char *status_name(enum status s);
const char *errno_name(int err);
const char *unit_name(enum unit u);

#endif
