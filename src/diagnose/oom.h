/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_DIAGNOSE_OOM_H
#define HEADROOM_DIAGNOSE_OOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diagnose/oom_history.h"
#include "model/snapshot.h"

/*
 * OOM domains and their predicted victims: the whole machine, and every memory cgroup with a limit.
 * Each domain ranks its processes by the kernel's badness with the domain's own totalpages (the
 * cgroup's limit for a cgroup OOM), so the ranking inside a cgroup can differ from oom_score.
 * Pure: computed from a snapshot read with probe_opts.oom_scores.
 */

struct oom_candidate {
	int pid;
	const char *comm;
	uint32_t uid;
	int oom_score_adj;
	uint64_t rss_bytes, swap_bytes, pgtables_bytes;
	long badness;          /* OOM_BADNESS_NEVER (LONG_MIN) when it can never be chosen */
	long kernel_oom_score; /* /proc/PID/oom_score as read; -1 unknown */
	long model_oom_score;  /* what the model computes for it (machine domain only; -1 otherwise) */
};

/* What the kernel does when a domain runs out (vm.panic_on_oom, vm.oom_kill_allocating_task). */
enum oom_action { OOM_KILL_VICTIM, OOM_PANIC, OOM_KILL_ALLOCATING };

struct oom_policy {
	long panic_on_oom;     /* 0, 1 (machine-wide OOMs only), 2 (every OOM) */
	long kill_allocating;  /* machine-wide OOMs only */
	/* the kernel whose formulas apply; NULL: the snapshot's (see oom_formula_kernel) */
	const struct kversion *kernel;
};

/*
 * The kernel version to compute badness with. 5.4.y took the 5.9 formula in a stable update whose
 * number is not verified: there it is read from the kernel itself, from the oom_score of a process
 * with oom_score_adj 0 (about 666 with the new formula, about 0 with the old). Fills *ret.
 */
void oom_formula_kernel(const struct snapshot *snap, struct kversion *ret);

struct oom_domain {
	enum oom_action action;
	char *scope;           /* "system" or "cgroup:<path>" */
	char *subject;         /* "the whole machine", "cgroup /a" */
	uint64_t usage_bytes;
	uint64_t limit_bytes;  /* RAM + swap for the machine */
	uint64_t totalpages;   /* the kernel's totalpages for this domain */
	struct oom_candidate *cands; /* most likely victim first */
	size_t ncands;
	int victim;            /* index in cands, -1 when nothing is killable */
	bool group_kill;       /* memory.oom.group: every task of the cgroup is killed with the victim */
	bool has_oom_kills;
	uint64_t oom_kills;    /* kills in it since the cgroup was created (oom_kill counter) */
};

/* page_size: the machine's. Returns the domains, the machine first. */
void oom_domains(const struct snapshot *snap, const struct oom_policy *policy, long page_size, struct oom_domain **ret,
		 size_t *ret_n);
void oom_domains_free(struct oom_domain *d, size_t n);

/*
 * Everything headroom oom shows: the configuration (snap->sys.oom, read with probe_opts.oom_config),
 * each domain with its ranked candidates, and the kills the kernel log still holds (hist, fed by the
 * caller with oom_history_feed; log_read says whether the log could be read at all).
 */
struct history;
struct history_filter;
struct oom_view {
	const struct snapshot *snap;
	struct oom_domain *doms;
	size_t ndoms;
	uint64_t top;          /* candidates shown per domain */
	struct oom_history hist;
	bool log_read;
	int64_t boot_epoch;    /* to date the log's records; 0 unknown */
	/* the kills of every log (headroom history's reader), when the caller read them; hist is then unused */
	const struct history *events;
	const struct history_filter *filter;
};

/* Whether headroom oom lists event e: a kill, an eviction or a panic, in the filter's range. */
struct hist_event;
bool oom_view_shows(const struct oom_view *v, const struct hist_event *e);

/* Computes the domains with the policy the snapshot's sysctls give. Free with oom_view_free. */
void oom_view_build(const struct snapshot *snap, long page_size, uint64_t top, struct oom_view *ret);
void oom_view_free(struct oom_view *v);

#endif
