/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_REPRO_RUN_H
#define HEADROOM_REPRO_RUN_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/limits.h"
#include "model/snapshot.h"
#include "parse/kversion.h"
#include "probe/kernel_log.h"
#include "repro/repro.h"
#include "repro/sandbox.h"

/*
 * One run of headroom repro, in the order the command layer calls it: repro_run_init (the kernel and
 * the errno expected there), repro_run_check_support, repro_run_sandbox (the cgroups and the mode's
 * limit), repro_run_workload (forks the workload into them and waits for its result),
 * repro_run_observe (headroom's report while the failure is held, the kernel's OOM lines, the
 * outcome), then sandbox_remove(&run->sb) and repro_run_free. Nothing here prints: failures come back
 * as -errno with the reason in words.
 */

/* The kernel log since the workload started: the OOM killer's lines about the sandbox (oom-cgroup). */
struct repro_oom_log {
	struct kernel_log log;
	bool open;
	char **lines;
	size_t n;
};

struct repro_run {
	const struct repro_mode *m;
	struct repro_opts o;
	struct sandbox sb;
	struct cg_place place;
	int cg;                   /* the sandbox cgroup the mode's limit is in; -1 none */
	int stale;                /* sandboxes of earlier runs removed */
	struct kversion kernel;
	uint64_t overcommit;      /* vm.overcommit_memory */
	int expected;             /* the errno this kernel gives (repro_expected_errno) */
	struct repro_result res;
	bool got_result;
	char died[160];           /* how the workload ended when it reported nothing */
	char setup[2][300];       /* what was set up, in words */
	char scope[PATH_MAX + 32];/* the scope of the mode's limit in the report */
	struct repro_oom_log klog;
	/* the report, taken while the failure is held */
	struct snapshot snap;
	struct assessment a;
	bool have_report;
	const struct limit *named; /* the mode's limit in it; NULL when the report has none */
	const volatile sig_atomic_t *stop; /* set by a signal handler: stop waiting */
};

enum repro_outcome {
	REPRO_NAMED,        /* the failure happened and the report named its limit as expected */
	REPRO_NOT_NAMED,    /* the failure happened; the report did not name it */
	REPRO_NO_FAILURE,   /* nothing failed within the bounds */
	REPRO_SETUP_FAILED, /* the workload reported nothing, or could not set itself up */
};

void repro_run_init(struct repro_run *run, const struct repro_mode *m, const volatile sig_atomic_t *stop);

/* Refuses what the kernel or system lacks (-ENOTSUP, why filled); may set run->o.count (map-count). */
int repro_run_check_support(struct repro_run *run, char *why, size_t size);

/* A uid from 64000 up that no process has as its real uid (RLIMIT_NPROC counts them all). 0 or -errno. */
int repro_free_uid(uint32_t *ret);

/* Makes the mode's cgroups and sets its limit. 0, or -errno with why filled (-ENOTSUP: no place for them). */
int repro_run_sandbox(struct repro_run *run, char *why, size_t size);

/*
 * Forks the workload into the sandbox and waits up to wait_s seconds (or until *run->stop) for its
 * result: run->res and run->got_result, or run->died. 0, or -errno when it could not be started.
 */
int repro_run_workload(struct repro_run *run, unsigned wait_s, char *why, size_t size);

/* After the workload reported: finds the limit in headroom's report, collects the OOM lines, decides. */
enum repro_outcome repro_run_observe(struct repro_run *run);

/* The report named the mode's limit: critical, or present at all for commit (information unless mode 2). */
bool repro_run_named(const struct repro_run *run);

void repro_run_free(struct repro_run *run);

#endif
