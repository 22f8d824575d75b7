/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_MODEL_SNAPSHOT_H
#define HEADROOM_MODEL_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strtab.h"
#include "model/tally.h"
#include "parse/kversion.h"
#include "parse/loadavg.h"
#include "parse/meminfo.h"
#include "parse/pid_limits.h"
#include "parse/pid_status.h"
#include "parse/psi.h"

/*
 * Everything the readers (src/probe/) found, as plain data. The model (src/model/) turns it into
 * limits without doing any I/O, so it can be fed hand-made snapshots in unit tests.
 */

/* A value that may be absent (a file or key the kernel does not have): absent is not zero. */
struct opt_u64 {
	bool known;
	uint64_t v;
};

struct opt_i64 {
	bool known;
	int64_t v;
};

/* What the kernel does when memory runs out: read only with probe_opts.oom_config (headroom oom). */
struct oom_sysctls {
	struct opt_i64 panic_on_oom;         /* vm.panic_on_oom: 0 kill, 1 panic on machine-wide OOMs, 2 on all */
	struct opt_i64 kill_allocating_task; /* vm.oom_kill_allocating_task */
	struct opt_i64 dump_tasks;           /* vm.oom_dump_tasks */
	struct opt_i64 panic;                /* kernel.panic: seconds to reboot after a panic, < 0 at once, 0 never */
	char core_pattern[256];              /* kernel.core_pattern without its newline; "" unreadable */
};

/* Initial namespaces have fixed inode numbers (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO 0xEFFFFFFCULL
#define PROC_USER_INIT_INO 0xEFFFFFFDULL

struct sys_info {
	struct kversion kernel;
	bool have_loadavg;
	struct loadavg loadavg;
	struct opt_u64 pid_max;           /* kernel.pid_max as the reader's pid namespace sees it */
	struct opt_u64 threads_max;       /* kernel.threads-max */
	struct opt_u64 max_map_count;     /* vm.max_map_count */
	struct opt_u64 overcommit_memory; /* vm.overcommit_memory: 0 heuristic, 1 always, 2 never */
	struct opt_u64 overcommit_ratio;
	struct opt_u64 overcommit_kbytes; /* absent before 3.14 */
	bool have_meminfo;
	struct meminfo meminfo;
	bool have_psi_memory;
	struct psi psi_memory;
	struct opt_u64 vmstat_oom_kill;   /* OOM kills since boot, /proc/vmstat oom_kill (4.13+) */
	struct oom_sysctls oom;
	uint64_t own_pidns;               /* the reader's pid namespace inode, 0 unknown */
	uint64_t own_userns;              /* the reader's user namespace inode, 0 unknown */
	bool uid0_is_host_root;           /* uid 0 as the reader sees it is the initial namespace's root */
};

struct proc_info {
	int pid;
	int ppid;
	uint32_t uid;          /* real uid */
	uint64_t threads;
	char comm[HR_COMM_MAX];
	bool has_mm;           /* false for kernel threads and zombies */
	bool zombie;           /* exited, not yet reaped by its parent (State: Z): holds its pid */
	bool kernel_thread;    /* only its status was read */
	uint64_t vm_size_kib, vm_data_kib, vm_rss_kib, vm_swap_kib, vm_pte_kib;
	bool has_cap_eff;
	uint64_t cap_eff;
	uint64_t userns;       /* read only for a non-root process with CAP_SYS_ADMIN or CAP_SYS_RESOURCE; 0 unknown */
	bool has_limits;
	struct pid_limits limits;
	bool map_count_known;
	uint64_t map_count;    /* VMAs: lines of /proc/PID/maps minus the [vsyscall] gate VMA */
	uint64_t pidns;        /* 0 unknown */
	uint64_t pidns_children; /* pid_for_children when it differs from pidns and resolves; else 0 */
	int nspid_count;
	int64_t nspid_inner;
	const char *cgroup;    /* interned path in the primary hierarchy (see probe/cgroups.c); NULL unknown */
	const char *memcg;     /* interned path in a v1 memory hierarchy; NULL when memory is not on v1 */
	bool has_oom;          /* oom_score_adj and oom_score were read (probe_opts.oom_scores) */
	int oom_score_adj;
	long oom_score;        /* the kernel's /proc/PID/oom_score: global totalpages */
	unsigned kept;         /* a folded scan: why it was kept (enum tally_keep); 0 otherwise */
};

enum cg_hier_kind { CG_HIER_V1, CG_HIER_V2 };

/* A cgroup hierarchy headroom walks: a v1 hierarchy with pids or memory, or the v2 one. */
struct cgroup_hier {
	enum cg_hier_kind kind;
	bool has_pids, has_memory; /* the controllers it carries */
	bool pids_localevents;     /* cgroup2 mounted with pids_localevents */
	char *mount_point;         /* as in mountinfo, e.g. "/sys/fs/cgroup/pids" */
	char *mount_root;          /* the hierarchy path mounted there, "/" unless inside a cgroup namespace */
	char *label;               /* "v1 pids", "v1 memory", "v2" */
};

struct cgroup_info {
	char *path;             /* path in its hierarchy, "/" for the root, as /proc/PID/cgroup names it */
	char *dir;              /* where it was read, as seen from the root: "/sys/fs/cgroup/pids/a" */
	int hier;               /* index in snapshot.hiers */
	/* pids controller */
	bool has_pids_max;
	bool pids_unlimited;
	uint64_t pids_max;
	struct opt_u64 pids_current;
	struct opt_u64 pids_events_max; /* forks rejected (see pids_events_hierarchical) */
	bool pids_events_hierarchical;  /* v2 with pids.events.local: the count covers the subtree's hits of this limit */
	struct opt_u64 pids_peak;       /* 6.1+ */
	/* memory controller */
	bool has_mem_max;
	bool mem_unlimited;
	uint64_t mem_max_bytes;         /* v1 memory.limit_in_bytes, v2 memory.max */
	struct opt_u64 mem_usage_bytes; /* v1 memory.usage_in_bytes, v2 memory.current */
	struct opt_u64 mem_peak_bytes;  /* v1 memory.max_usage_in_bytes, v2 memory.peak */
	struct opt_u64 mem_failcnt;     /* v1 memory.failcnt */
	struct opt_u64 mem_events_max;  /* v2 memory.events max */
	struct opt_u64 mem_oom;         /* v2 memory.events oom */
	struct opt_u64 mem_oom_kill;    /* v1 memory.oom_control, v2 memory.events oom_kill */
	struct opt_u64 mem_oom_group;   /* v2 memory.oom.group: 1 kills the whole cgroup */
	struct opt_u64 mem_inactive_file_bytes; /* memory.stat: reclaimable page cache */
};

struct pidns_info {
	uint64_t inode;
	uint64_t parent;        /* 0: none known (the reader's own namespace or an unknown parent) */
	int depth;              /* levels below the reader's namespace; 0 for the reader's own */
	int init_pid;           /* its init as the reader sees it; 0 when no process lives in it */
	uint64_t tasks;         /* threads in it and in every namespace below it: each holds a pid here */
	uint64_t max_pid_seen;  /* highest pid number seen at this level */
	struct opt_u64 pid_max; /* its own kernel.pid_max (6.14+) */
	const char *pid_max_how;/* how pid_max was found, for the evidence */
	int probe_err;          /* -errno of a probe fork into it; -EAGAIN means it is full */
	/* A namespace some process forks into (pid_for_children) but with no living init. */
	bool dead;
	int dead_holder_pid;            /* the lowest pid forking into it; 0 unknown */
	const char *dead_holder_comm;   /* its name, NULL unknown */
	uint64_t dead_holder_threads;
	unsigned dead_holders;
};

/* Something headroom could not read, and why: reported, never fatal. */
struct problem {
	char *what;
	char *path;      /* the first path that failed */
	int err;         /* errno; EINVAL with malformed set for content that could not be parsed */
	bool malformed;
	unsigned count;
	bool essential;  /* a core system reading: without it the verdict is "unknown" */
};

/* Where a sysctl is set in the configuration applied at boot (sysctl.d(5)). */
enum sysctl_id {
	SYSCTL_PID_MAX,
	SYSCTL_THREADS_MAX,
	SYSCTL_MAX_MAP_COUNT,
	SYSCTL_OVERCOMMIT_MEMORY,
	SYSCTL_OVERCOMMIT_RATIO,
	SYSCTL_OVERCOMMIT_KBYTES,
	SYSCTL_NIDS
};

struct config_origin {
	bool set;          /* an assignment was found */
	char value[64];
	char file[256];    /* as seen on the system: "/etc/sysctl.d/90-pid.conf" */
	int line;
};

/* A limits.conf(5) line for an item headroom reports (nproc, as, data). */
struct limits_rule {
	char domain[64];
	char type[8];      /* soft, hard or - (both) */
	char item[8];
	char value[32];
	char file[256];
	int line;
};

/* A user name from the root's /etc/passwd, for the uids that have processes. */
struct user_name {
	uint32_t uid;
	char name[64];
};

struct snapshot {
	struct sys_info sys;
	struct proc_info *procs;
	size_t nprocs;
	/* the arrays grow geometrically (MEM_GROW): each _cap is its room, 0 for an array set whole */
	struct cgroup_hier *hiers;
	size_t nhiers, hiers_cap;
	struct cgroup_info *cgroups;
	size_t ncgroups, cgroups_cap;
	/*
	 * A bounded walk (probe_opts.max_cgroups) keeps the cgroups closest to a limit: those with a limit it
	 * left out, and the use of the closest of them in percent (-1 none).
	 */
	size_t cgroups_left_out;
	double cgroups_left_out_max_pct;
	struct pidns_info *pidns;
	size_t npidns, pidns_cap;
	struct problem *problems;
	size_t nproblems, problems_cap;
	struct user_name *user_names;
	size_t nuser_names, user_names_cap;
	struct config_origin sysctl_origin[SYSCTL_NIDS];
	struct limits_rule *limits_rules;
	size_t nlimits_rules, limits_rules_cap;
	struct strtab strings;
	/*
	 * The processes folded (model/tally.h). folded: the scan kept only the processes tally_retain()
	 * picked, in procs; every count comes from the tally (the daemon).
	 */
	struct tally tally;
	bool folded;
	size_t maps_bounded;   /* processes whose maps were not counted: their VmSize keeps them below the warning */
	bool cgroups_deferred; /* processes' cgroups come from cgroup.procs (probe_procs_cgroups), not /proc/PID/cgroup */
	bool memcg_v1;         /* a v1 memory hierarchy is mounted and probe_opts.memcg asked: processes have a memcg path */
	bool live;
	/*
	 * Where every block of the snapshot comes from, and those of an assessment of it (assess): an
	 * arena of the daemon's loop, or NULL for the heap (snapshot_free frees them).
	 */
	struct arena *mem;
};

void snapshot_init(struct snapshot *s, struct arena *mem);
void snapshot_free(struct snapshot *s);

/* Records a problem, merging it with an earlier one of the same what and errno. */
void snapshot_problem(struct snapshot *s, const char *what, const char *path, int err, bool essential);
/* Records a file whose content could not be parsed. */
void snapshot_malformed(struct snapshot *s, const char *what, const char *path, bool essential);

/* The pid namespace with this inode, or NULL (non-const for the readers that fill it, like strchr). */
struct pidns_info *snapshot_pidns(const struct snapshot *s, uint64_t inode);
struct proc_info *snapshot_proc(const struct snapshot *s, int pid);
/* The name of uid from /etc/passwd, or NULL. */
const char *snapshot_user_name(const struct snapshot *s, uint32_t uid);

#endif
