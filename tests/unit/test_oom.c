// SPDX-License-Identifier: GPL-2.0-or-later
/* The OOM killer's badness and oom_score by kernel version (mm/oom_kill.c, fs/proc/base.c: d46078b28889, 9066e5cfb73c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "diagnose/oom.h"
#include "diagnose/oom_badness.h"
#include "diagnose/oom_history.h"
#include "parse/oom_log.h"
#include "parse/kmsg.h"
#include "parse/kversion.h"
#include "probe/probe.h"
#include "unit.h"

static struct kversion kv(const char *s)
{
	struct kversion k;

	kversion_parse(s, strlen(s), &k);
	return k;
}

static void badness_by_version(void)
{
	struct kversion k618 = kv("6.18.44"), k419 = kv("4.19.72"), k310 = kv("3.10.0-1160.el7.x86_64");
	struct oom_task t = { .rss_pages = 1000, .swap_pages = 20, .pgtables_pages = 10 };
	uint64_t machine = 6000000, memcg = 16384; /* pages: 23 GiB; a 64 MiB cgroup */

	CHECK(oom_badness(&t, machine, &k618) == 1030);
	/* an idle task with adj 0 reads about 666 since 5.9, about 0 before */
	CHECK(oom_score_from_badness(oom_badness(&t, machine, &k618), machine, &k618) == 666);
	CHECK(oom_score_from_badness(oom_badness(&t, machine, &k419), machine, &k419) == 0);
	/* the adj term scales with the domain: 1000 x (totalpages / 1000) */
	t.oom_score_adj = 1000;
	CHECK(oom_badness(&t, memcg, &k618) == 1030 + 16 * 1000);
	CHECK(oom_badness(&t, machine, &k618) == 1030 + 6000 * 1000);
	CHECK(oom_score_from_badness(oom_badness(&t, machine, &k618), machine, &k618) == (1000 + 1000) * 2 / 3);
	/* negative points since 5.9; clamped to 1 before */
	t.oom_score_adj = -999;
	CHECK(oom_badness(&t, machine, &k618) == 1030 - 999LL * 6000);
	CHECK(oom_badness(&t, machine, &k419) == 1);
	/* -1000 and unkillable tasks are never chosen, and read 0 */
	t.oom_score_adj = -1000;
	CHECK(oom_badness(&t, machine, &k618) == OOM_BADNESS_NEVER);
	CHECK(oom_score_from_badness(OOM_BADNESS_NEVER, machine, &k618) == 0);
	t.oom_score_adj = 0;
	t.unkillable = true;
	CHECK(oom_badness(&t, machine, &k419) == OOM_BADNESS_NEVER);
	/* the 3% bonus of CAP_SYS_ADMIN until 4.17 */
	t.unkillable = false;
	t.cap_sys_admin = true;
	CHECK(oom_badness(&t, machine, &k310) == 1030 - 1030 * 3 / 100);
	CHECK(oom_badness(&t, machine, &k419) == 1030);
}

static void legacy_oom_adj(void)
{
	CHECK(oom_adj_from_score_adj(1000) == 15);
	CHECK(oom_adj_from_score_adj(-1000) == -17);
	CHECK(oom_adj_from_score_adj(0) == 0);
	CHECK(oom_adj_from_score_adj(500) == 8);
	CHECK(oom_adj_from_score_adj(-500) == -8);
}

/* Feeds log lines in order; returns the history. */
static struct oom_history feed(const char *const *lines, size_t n)
{
	struct oom_history h = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct kmsg_record r = { .usec = (uint64_t)(i + 1) * 1000000 };

		oom_history_feed(&h, &r, lines[i]);
	}
	return h;
}

static void history_by_version(void)
{
	static const char *const v310[] = {
		"java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0",
		"java cpuset=/ mems_allowed=0",
		"Task in /system.slice/tomcat.service killed as a result of limit of /system.slice/tomcat.service",
		"memory: usage 2097152kB, limit 2097152kB, failcnt 1234",
		"Memory cgroup out of memory: Kill process 4242 (java) score 956 or sacrifice child",
		"Killed process 4242 (java) total-vm:8123456kB, anon-rss:2012345kB, file-rss:1234kB",
		"sshd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
		"Out of memory: Kill process 900 (mysqld) score 700 or sacrifice child",
		"Killed process 900 (mysqld) total-vm:1kB, anon-rss:100kB, file-rss:28kB",
	};
	static const char *const v618[] = {
		"repro-alloc invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000",
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,"
		"task_memcg=/a/b,task=repro-alloc,pid=17861,uid=1000",
		"Memory cgroup out of memory: Killed process 17861 (repro-alloc) total-vm:4304kB, anon-rss:2836kB, "
		"file-rss:268kB, shmem-rss:0kB, UID:1000 pgtables:40kB oom_score_adj:1000",
		"oom_reaper: reaped process 17861 (repro-alloc), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
		"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
		"task_memcg=/user.slice,task=stress,pid=5,uid=0",
		"Out of memory: Killed process 5 (stress) total-vm:1kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:24kB, UID:0 "
		"pgtables:8kB oom_score_adj:0",
	};
	struct oom_history h;

	h = feed(v310, sizeof(v310) / sizeof(v310[0]));
	CHECK(h.n == 2);
	CHECK(h.kills[0].pid == 4242 && h.kills[0].rss_kib == 2012345 + 1234 && !h.kills[0].has_uid);
	CHECK_STR(h.kills[0].scope, "cgroup:/system.slice/tomcat.service");
	CHECK_STR(h.kills[0].constraint, "CONSTRAINT_MEMCG");
	CHECK_STR(h.kills[0].trigger, "java");
	CHECK_STR(h.kills[1].scope, "system");
	CHECK_STR(h.kills[1].trigger, "sshd");
	CHECK_STR(h.kills[1].comm, "mysqld");
	CHECK(h.kills[1].usec == 9000000);
	oom_history_free(&h);

	h = feed(v618, sizeof(v618) / sizeof(v618[0]));
	CHECK(h.n == 2);
	CHECK(h.kills[0].pid == 17861 && h.kills[0].has_uid && h.kills[0].uid == 1000 && h.kills[0].has_adj &&
	      h.kills[0].oom_score_adj == 1000);
	CHECK_STR(h.kills[0].scope, "cgroup:/a");
	CHECK_STR(h.kills[0].victim_cgroup, "/a/b");
	CHECK_STR(h.kills[1].scope, "system");
	CHECK_STR(h.kills[1].constraint, "CONSTRAINT_NONE");
	CHECK(h.kills[1].rss_kib == 1024);
	oom_history_free(&h);
}

/* The action per domain, from vm.panic_on_oom and vm.oom_kill_allocating_task (mm/oom_kill.c:check_panic_on_oom, out_of_memory). */
static void domain_actions(void)
{
	static const struct {
		long panic, allocating;
		enum oom_action machine, cgroup;
	} cases[] = {
		{ 0, 0, OOM_KILL_VICTIM, OOM_KILL_VICTIM },
		{ 0, 1, OOM_KILL_ALLOCATING, OOM_KILL_VICTIM },
		{ 1, 0, OOM_PANIC, OOM_KILL_VICTIM },
		{ 2, 1, OOM_PANIC, OOM_PANIC },
	};
	struct snapshot snap;
	struct cgroup_info cg = { 0 };

	snapshot_init(&snap, NULL);
	snap.sys.have_meminfo = true;
	snap.sys.meminfo.kib[MEMINFO_MEM_TOTAL] = 1 << 20;
	cg.path = "/a";
	cg.has_mem_max = true;
	cg.mem_max_bytes = 64 << 20;
	snap.cgroups = &cg;
	snap.ncgroups = 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oom_policy pol = { cases[i].panic, cases[i].allocating, NULL };
		struct oom_domain *d;
		size_t n;

		struct oom_view v;

		oom_domains(&snap, &pol, 4096, &d, &n);
		CHECK(n == 2 && d[0].action == cases[i].machine && d[1].action == cases[i].cgroup);
		CHECK(n == 2 && d[1].totalpages == 16384 && d[0].totalpages == 262144);
		oom_domains_free(d, n);
		/* the view takes the same policy from the sysctls the snapshot holds */
		snap.sys.oom.panic_on_oom = (struct opt_i64){ true, cases[i].panic };
		snap.sys.oom.kill_allocating_task = (struct opt_i64){ true, cases[i].allocating };
		oom_view_build(&snap, 4096, 5, &v);
		CHECK(v.ndoms == 2 && v.doms[0].action == cases[i].machine && v.doms[1].action == cases[i].cgroup);
		oom_view_free(&v);
	}
	/* unknown sysctls: the kernel's defaults (0, 0) */
	snap.sys.oom.panic_on_oom.known = snap.sys.oom.kill_allocating_task.known = false;
	{
		struct oom_view v;

		oom_view_build(&snap, 4096, 5, &v);
		CHECK(v.ndoms == 2 && v.doms[0].action == OOM_KILL_VICTIM && v.doms[1].action == OOM_KILL_VICTIM);
		oom_view_free(&v);
	}
	snap.cgroups = NULL;
	snap.ncgroups = 0;
	snapshot_free(&snap);
}

static char tree[64];

static void put(const char *rel, const char *text)
{
	char path[256], cmd[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd) != 0 || !(f = fopen(path, "w"))) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* The OOM sysctls from a tree: signed values, a malformed one recorded as a problem, a missing one absent. */
static void sysctls_read(void)
{
	struct hr_root root;
	struct snapshot snap;
	char cmd[128];

	snprintf(tree, sizeof(tree), "/tmp/headroom-test-oom-XXXXXX");
	if (!mkdtemp(tree)) {
		perror("mkdtemp");
		exit(1);
	}
	put("proc/sys/vm/panic_on_oom", "2\n");
	put("proc/sys/vm/oom_dump_tasks", "yes\n");
	put("proc/sys/kernel/panic", "-1\n");
	put("proc/sys/kernel/core_pattern", "|/usr/lib/systemd/systemd-coredump %P %u\n");
	CHECK(root_open(&root, tree) == 0);
	snapshot_init(&snap, NULL);
	probe_oom_sysctls(&root, &snap);
	CHECK(snap.sys.oom.panic_on_oom.known && snap.sys.oom.panic_on_oom.v == 2);
	CHECK(snap.sys.oom.panic.known && snap.sys.oom.panic.v == -1);
	CHECK(!snap.sys.oom.kill_allocating_task.known);
	CHECK(!snap.sys.oom.dump_tasks.known);
	CHECK_STR(snap.sys.oom.core_pattern, "|/usr/lib/systemd/systemd-coredump %P %u");
	/* the malformed file is the only problem: a missing sysctl is an older kernel, not a problem */
	CHECK(snap.nproblems == 1 && strstr(snap.problems[0].path, "oom_dump_tasks") != NULL);
	snapshot_free(&snap);
	root_close(&root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	CHECK(system(cmd) == 0);
}

/* 5.4.y: the formula is read from a process's oom_score, not guessed from the patch number. */
static void formula_on_5_4(void)
{
	struct snapshot snap;
	struct proc_info p = { 0 };
	struct kversion k;

	snapshot_init(&snap, NULL);
	kversion_parse(S("5.4.100\n"), &snap.sys.kernel);
	p.pid = 42;
	p.has_mm = p.has_oom = true;
	p.oom_score = 667;
	snap.procs = &p;
	snap.nprocs = 1;
	oom_formula_kernel(&snap, &k);
	CHECK(kversion_at_least(&k, 5, 4) && k.patch >= 150);
	p.oom_score = 1;
	oom_formula_kernel(&snap, &k);
	CHECK(k.patch < 150);
	kversion_parse(S("6.1.0\n"), &snap.sys.kernel);
	oom_formula_kernel(&snap, &k);
	CHECK(k.major == 6 && k.minor == 1 && k.patch == 0);
	snap.procs = NULL;
	snap.nprocs = 0;
	snapshot_free(&snap);
}

int main(void)
{
	RUN(formula_on_5_4);
	RUN(domain_actions);
	RUN(history_by_version);
	RUN(badness_by_version);
	RUN(legacy_oom_adj);
	RUN(sysctls_read);
	return unit_failures ? 1 : 0;
}
