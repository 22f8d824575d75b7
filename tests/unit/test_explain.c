// SPDX-License-Identifier: GPL-2.0-or-later
/* explain's pure parts: the context from what the user gave, and the kernel log's evidence for it. */
#include <stdio.h>
#include <string.h>

#include "diagnose/explain.h"
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

int main(void)
{
	RUN(context_from_process_and_overrides);
	RUN(log_evidence_for_the_context);
	RUN(strongest_verdict);
	return unit_failures ? 1 : 0;
}
