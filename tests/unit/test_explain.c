// SPDX-License-Identifier: GPL-2.0-or-later
/* explain's pure parts: the context from what the user gave, and the kernel log's evidence for it. */
#include <stdio.h>
#include <string.h>

#include "diagnose/explain.h"
#include "diagnose/oom_history.h"
#include "parse/kmsg.h"
#include "unit.h"

static void context_from_process_and_overrides(void)
{
	struct snapshot snap;
	struct proc_info p = { 0 };
	struct explain_context c;
	uint32_t uid = 1000;

	snapshot_init(&snap, NULL);
	p.pid = 42;
	p.uid = 33;
	p.cgroup = "/system.slice/app.service";
	p.memcg = "/app";
	p.pidns = 4026531836ULL;
	p.pidns_children = 4026532000ULL;
	snap.procs = &p;
	snap.nprocs = 1;
	/* the process gives its uid, cgroups and the namespace its children go to */
	CHECK(explain_context_build(&snap, 42, NULL, NULL, &c) == &p);
	CHECK(c.pid == 42 && c.has_uid && c.uid == 33 && c.pidns == 4026532000ULL);
	CHECK_STR(c.cgroup, "/system.slice/app.service");
	CHECK_STR(c.memcg, "/app");
	/* a uid and a cgroup given override the process's own */
	CHECK(explain_context_build(&snap, 42, &uid, "/other", &c) == &p);
	CHECK(c.uid == 1000 && strcmp(c.cgroup, "/other") == 0 && strcmp(c.memcg, "/other") == 0);
	/* a process that is gone: the pid stays, nothing else is known */
	CHECK(explain_context_build(&snap, 7, NULL, NULL, &c) == NULL);
	CHECK(c.pid == 7 && !c.has_uid && !c.cgroup && !c.pidns);
	snap.procs = NULL;
	snap.nprocs = 0;
	snapshot_free(&snap);
}

static void feed(struct log_evidence *ev, const struct explain_context *ctx, const char *text, uint64_t usec)
{
	struct kmsg_record r = { .usec = usec };

	explain_log_feed(&(struct explain_log_scan){ ev, ctx }, &r, text);
}

static void log_evidence_for_the_context(void)
{
	struct explain_context ctx = { .pid = 4242, .cgroup = "/system.slice/app.service" };
	struct log_evidence ev = { 0 };
	char line[4096], path[3000];

	/* the cgroup itself, one below it and one above it count; a sibling with the same prefix does not */
	feed(&ev, &ctx, "cgroup: fork rejected by pids controller in /system.slice/app.service", 10);
	feed(&ev, &ctx, "cgroup: fork rejected by pids controller in /system.slice/app.service/worker", 20);
	feed(&ev, &ctx, "cgroup: fork rejected by pids controller in /system.slice", 30);
	feed(&ev, &ctx, "cgroup: fork rejected by pids controller in /system.slice/app.service2", 40);
	CHECK(ev.pids_rejected == 3 && ev.pids_rejected_usec == 30);
	CHECK_STR(ev.pids_rejected_path, "/system.slice");
	/* another process's data ulimit line does not count; the context's does */
	feed(&ev, &ctx, "mmap: java (4243): VmData 1073741824 exceed data ulimit 536870912. Update limits.", 50);
	CHECK(ev.data_exceeded == 0);
	feed(&ev, &ctx, "mmap: java (4242): VmData 1073741824 exceed data ulimit 536870912. Update limits.", 60);
	CHECK(ev.data_exceeded == 1 && ev.data_exceeded_usec == 60);
	feed(&ev, &ctx, "__vm_enough_memory: pid: 4242, comm: java, bytes: 4096 not enough memory for the allocation", 70);
	CHECK(ev.commit_refused == 1 && ev.commit_refused_usec == 70);
	/*
	 * A long path is kept whole: cut to its first 255 bytes, a sibling's path would read as the
	 * context's parent (255 bytes of "/aaa..." are followed by "/sibling" in the log, "/mine" here).
	 */
	memset(path, 'a', 255);
	path[0] = '/';
	snprintf(path + 255, sizeof(path) - 255, "/mine");
	ctx.cgroup = path;
	memset(&ev, 0, sizeof(ev));
	snprintf(line, sizeof(line), "cgroup: fork rejected by pids controller in %.255s/sibling", path);
	feed(&ev, &ctx, line, 80);
	CHECK(ev.pids_rejected == 0);
	snprintf(line, sizeof(line), "cgroup: fork rejected by pids controller in %s/child", path);
	feed(&ev, &ctx, line, 90);
	CHECK(ev.pids_rejected == 1 && strlen(ev.pids_rejected_path) == strlen(path) + 6);
}

static void strongest_verdict(void)
{
	struct cause c[3] = { { .verdict = VERDICT_RULED_OUT }, { .verdict = VERDICT_LIKELY }, { .verdict = VERDICT_POSSIBLE } };
	struct explanation e = { .causes = c, .ncauses = 3 };

	CHECK(explanation_strongest(&e) == VERDICT_LIKELY);
	c[2].verdict = VERDICT_CONFIRMED;
	CHECK(explanation_strongest(&e) == VERDICT_CONFIRMED);
	e.ncauses = 0;
	CHECK(explanation_strongest(&e) == VERDICT_RULED_OUT);
}

/* The kill an OOM-kill line is about: its victim's newest, else the newest at its cgroup's limit. */
static void the_kill_of_a_message(void)
{
	struct oom_kill kills[3] = { { .usec = 1, .pid = 70, .scope = "cgroup:/a" }, { .usec = 2, .pid = 71, .scope = "system" },
				     { .usec = 3, .pid = 72, .scope = "cgroup:/a" } };
	struct oom_history h = { .kills = kills, .n = 3 };
	struct failure_msg m;

	CHECK(failure_msg_parse(S("Memory cgroup out of memory: Killed process 70 (x) total-vm:1kB"), &m) == 0);
	CHECK(explain_oom_kill(&h, &m) == &kills[0]);
	CHECK(failure_msg_parse(S("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
				  "oom_memcg=/a,task_memcg=/a,task=x,pid=99,uid=0"), &m) == 0);
	CHECK(explain_oom_kill(&h, &m) == NULL); /* its victim is not in the log: not another kill of the cgroup */
	m.oom_victim = 0;
	CHECK(explain_oom_kill(&h, &m) == &kills[2]);
	CHECK(failure_msg_parse(S("x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"), &m) == 0);
	CHECK(explain_oom_kill(&h, &m) == NULL); /* names neither */
	CHECK(failure_msg_parse(S("fork: Resource temporarily unavailable"), &m) == 0);
	CHECK(explain_oom_kill(&h, &m) == NULL);
}

/* The cause of e for limit id, or NULL. */
static const struct cause *cause_of(const struct explanation *e, enum limit_id id)
{
	for (size_t i = 0; i < e->ncauses; i++)
		if (e->causes[i].id == id)
			return &e->causes[i];
	return NULL;
}

/* systemd's line names the unit only: the newest kill in a cgroup of that name, not one whose name ends so. */
static void the_kill_of_a_unit(void)
{
	struct oom_kill kills[3] = { { .usec = 1, .pid = 70, .scope = "cgroup:/system.slice/app.service" },
				     { .usec = 2, .pid = 71, .scope = "cgroup:/system.slice/myapp.service" },
				     { .usec = 3, .pid = 72, .scope = "system" } };
	struct oom_history h = { .kills = kills, .n = 3 };
	struct failure_msg m;

	CHECK(failure_msg_parse(S("app.service: A process of this unit has been killed by the OOM killer."), &m) == 0);
	CHECK(explain_oom_kill(&h, &m) == &kills[0]);
	CHECK(failure_msg_parse(S("other.service: Failed with result 'oom-kill'."), &m) == 0);
	CHECK(explain_oom_kill(&h, &m) == NULL);
}

/* systemd's EXEC step with EAGAIN: RLIMIT_NPROC confirmed by the line, of the unit's user, not the reader's. */
static void the_limit_a_line_implies(void)
{
	static const struct thresholds th = { 80, 95 };
	struct snapshot snap;
	struct assessment a;
	struct explain_context ctx = { .has_uid = true, .uid = 0 };
	struct log_evidence log = { 0 };
	struct explanation e;
	struct failure_msg m;
	const struct cause *nproc;

	snapshot_init(&snap, NULL);
	snap.sys.threads_max = (struct opt_u64){ true, 1000 };
	assess(&snap, &th, NULL, &a);
	CHECK(failure_msg_parse(S("app.service: Failed at step EXEC spawning /bin/x: Resource temporarily unavailable"),
				&m) == 0);
	explain(&snap, &a, &ctx, &log, &m, m.op, m.err, &e);
	nproc = cause_of(&e, LIMIT_USER_NPROC);
	CHECK(nproc && nproc->verdict == VERDICT_CONFIRMED && strcmp(nproc->scope, "user:?") == 0);
	CHECK(nproc && strstr(nproc->evidence, "systemctl edit app.service") != NULL);
	CHECK(e.ncauses > 0 && e.causes[0].id == LIMIT_USER_NPROC);
	explanation_free(&e);
	/* the user asked about (--user) keeps its scope */
	ctx.uid_given = true;
	ctx.uid = 65534;
	explain(&snap, &a, &ctx, &log, &m, m.op, m.err, &e);
	nproc = cause_of(&e, LIMIT_USER_NPROC);
	CHECK(nproc && nproc->verdict == VERDICT_CONFIRMED && strcmp(nproc->scope, "user:65534") == 0);
	explanation_free(&e);
	assessment_free(&a);
	snapshot_free(&snap);
}

/* Elasticsearch's check names the setting with its value and the value it needs: confirmed, and the setting now said. */
static void the_setting_a_line_names(void)
{
	static const struct thresholds th = { 80, 95 };
	struct snapshot snap;
	struct assessment a;
	struct explain_context ctx = { 0 };
	struct log_evidence log = { 0 };
	struct explanation e;
	struct failure_msg m;
	const struct cause *c;

	snapshot_init(&snap, NULL);
	snap.sys.max_map_count = (struct opt_u64){ true, 300000 };
	assess(&snap, &th, NULL, &a);
	CHECK(failure_msg_parse(S("max virtual memory areas vm.max_map_count [65530] is too low, increase to at least "
				  "[262144]"), &m) == 0);
	explain(&snap, &a, &ctx, &log, &m, m.op, m.err, &e);
	c = cause_of(&e, LIMIT_MAP_COUNT);
	CHECK(c && c->verdict == VERDICT_CONFIRMED);
	CHECK(c && strncmp(c->evidence, "the message says it is 65530 and must be at least 262144; ", 58) == 0);
	CHECK(c && strstr(c->evidence, "; vm.max_map_count is 300000 now, as much as it asks: raised since") != NULL);
	explanation_free(&e);
	snap.sys.max_map_count.v = 65530;
	explain(&snap, &a, &ctx, &log, &m, m.op, m.err, &e);
	c = cause_of(&e, LIMIT_MAP_COUNT);
	CHECK(c && strstr(c->evidence, "is 65530 now;") && !strstr(c->evidence, "raised since"));
	explanation_free(&e);
	assessment_free(&a);
	snapshot_free(&snap);
}

/* .NET's OutOfMemoryException: the causes of an allocation and of a thread, each limit and scope once. */
static void both_causes_of_a_runtime_out_of_memory(void)
{
	static const struct thresholds th = { 80, 95 };
	struct snapshot snap;
	struct assessment a;
	struct explain_context ctx = { 0 };
	struct log_evidence log = { 0 };
	struct explanation e;
	struct failure_msg m;
	bool memory = false, threads_max = false, repeated = false;

	snapshot_init(&snap, NULL);
	snap.sys.threads_max = (struct opt_u64){ true, 1000 };
	assess(&snap, &th, NULL, &a);
	CHECK(failure_msg_parse(S("System.OutOfMemoryException"), &m) == 0 && m.also_thread);
	explain(&snap, &a, &ctx, &log, &m, m.op, m.err, &e);
	for (size_t i = 0; i < e.ncauses; i++) {
		memory |= e.causes[i].id == LIMIT_MEMORY;
		threads_max |= e.causes[i].id == LIMIT_THREADS_MAX;
		for (size_t j = 0; j < i; j++)
			repeated |= e.causes[j].id == e.causes[i].id && strcmp(e.causes[j].scope, e.causes[i].scope) == 0;
	}
	CHECK(memory && threads_max && !repeated);
	explanation_free(&e);
	/* without it, an allocation's causes only */
	m.also_thread = false;
	explain(&snap, &a, &ctx, &log, &m, m.op, m.err, &e);
	threads_max = false;
	for (size_t i = 0; i < e.ncauses; i++)
		threads_max |= e.causes[i].id == LIMIT_THREADS_MAX;
	CHECK(!threads_max);
	explanation_free(&e);
	assessment_free(&a);
	snapshot_free(&snap);
}

int main(void)
{
	RUN(context_from_process_and_overrides);
	RUN(log_evidence_for_the_context);
	RUN(strongest_verdict);
	RUN(the_kill_of_a_message);
	RUN(the_kill_of_a_unit);
	RUN(the_limit_a_line_implies);
	RUN(the_setting_a_line_names);
	RUN(both_causes_of_a_runtime_out_of_memory);
	return unit_failures ? 1 : 0;
}
