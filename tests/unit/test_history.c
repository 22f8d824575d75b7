// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom history without logs on disk: log lines in every text form split into stamp, writer and
 * message; --since/--until times; and the history assembled from lines: the kernel's kills in each
 * domain and format, user-space killers, PID1's lines folded into the kill they report, the same kill
 * from two sources counted once, boots told apart, failure lines grouped per program and minute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/history.h"
#include "parse/log_text.h"
#include "parse/when.h"
#include "unit.h"

static struct log_text_line parse(const char *s)
{
	struct log_text_line t;

	log_text_parse(s, strlen(s), &t);
	return t;
}

static bool msg_is(const struct log_text_line *t, const char *want)
{
	return t->msg_len == strlen(want) && memcmp(t->msg, want, t->msg_len) == 0;
}

static bool ident_is(const struct log_text_line *t, const char *want)
{
	return want ? t->ident && t->ident_len == strlen(want) && memcmp(t->ident, want, t->ident_len) == 0 : !t->ident;
}

static void log_text_forms(void)
{
	struct log_text_line t;

	t = parse("[  123.456789] Memory cgroup out of memory: Killed process 42 (java)");
	CHECK(t.form == LOG_FORM_DMESG && t.has_mono && t.mono_usec == 123456789);
	CHECK(msg_is(&t, "Memory cgroup out of memory: Killed process 42 (java)"));
	t = parse("<3>[ 5.000001] oom-kill:constraint=CONSTRAINT_NONE");
	CHECK(t.form == LOG_FORM_DMESG && t.has_prio && t.prio == 3 && t.mono_usec == 5000001);
	t = parse("[Mon Jan  5 10:00:00 2026] Out of memory: Killed process 1 (a)");
	CHECK(t.form == LOG_FORM_DMESG && !t.has_mono && t.wall == LOG_WALL_LOCAL && t.year == 2026 && t.month == 1 &&
	      t.day == 5 && t.hour == 10);
	CHECK(msg_is(&t, "Out of memory: Killed process 1 (a)"));
	t = parse("[  +0.000003] x");
	CHECK(t.form == LOG_FORM_DMESG && !t.has_mono && t.wall == LOG_WALL_NONE && msg_is(&t, "x"));
	/* syslog, traditional: the day is space-padded, kernel lines keep their printk stamp */
	t = parse("Dec  7 00:45:34 host kernel: [  123.456789] Killed process 42 (java)");
	CHECK(t.form == LOG_FORM_SYSLOG && t.wall == LOG_WALL_NOYEAR && t.month == 12 && t.day == 7 && t.second == 34);
	CHECK(ident_is(&t, "kernel") && t.has_mono && t.mono_usec == 123456789 && msg_is(&t, "Killed process 42 (java)"));
	t = parse("Dec 07 00:45:34.123456 web-1 systemd[1]: app.service: Failed with result 'oom-kill'.");
	CHECK(t.form == LOG_FORM_SYSLOG && ident_is(&t, "systemd") && t.pid == 1 && t.usec == 123456);
	CHECK(t.host_len == 5 && memcmp(t.host, "web-1", 5) == 0);
	CHECK(msg_is(&t, "app.service: Failed with result 'oom-kill'."));
	/* the month in another language (journalctl under LC_TIME): split, month unknown; zh/ja's "12月" read */
	t = parse("Dez 07 00:45:34 host bash[9]: fork: retry");
	CHECK(t.form == LOG_FORM_SYSLOG && t.month == 0 && ident_is(&t, "bash") && msg_is(&t, "fork: retry"));
	t = parse("дек 07 00:45:34 host bash[9]: x");
	CHECK(t.form == LOG_FORM_SYSLOG && t.month == 0 && t.pid == 9);
	t = parse("12月 07 00:45:34 host bash[9]: x");
	CHECK(t.form == LOG_FORM_SYSLOG && t.month == 12);
	/* RFC 3339 (rsyslog's default), short-iso */
	t = parse("2026-12-07T00:45:34.123456+01:00 host earlyoom[812]: sending SIGTERM");
	CHECK(t.form == LOG_FORM_ISO && t.wall == LOG_WALL_ZONED && t.utc_offset_min == 60 && ident_is(&t, "earlyoom"));
	CHECK(log_text_zoned_usec(&t) == (1796604334LL - 3600) * 1000000 + 123456);
	t = parse("2026-12-07T00:45:34+0000 host kernel: x");
	CHECK(t.form == LOG_FORM_ISO && t.utc_offset_min == 0 && log_text_zoned_usec(&t) == 1796604334LL * 1000000);
	/* short-monotonic */
	t = parse("[ 1234.567890] host kernel: Killed process 1 (a)");
	CHECK(t.form == LOG_FORM_MONOTONIC && t.mono_usec == 1234567890 && ident_is(&t, "kernel"));
	/* a dmesg line whose message merely has two words before a colon is not taken for short-monotonic */
	t = parse("[ 12.000000] Out of memory: Killed process 1 (a)");
	CHECK(t.form == LOG_FORM_DMESG && msg_is(&t, "Out of memory: Killed process 1 (a)"));
	/* journalctl's separators */
	t = parse("-- Boot 0d5ad7ba4e6a4c3c9bbc2b2d2a1d6b8e --");
	CHECK(t.form == LOG_FORM_BOOT);
	CHECK_STR(t.boot_id, "0d5ad7ba4e6a4c3c9bbc2b2d2a1d6b8e");
	t = parse("-- Reboot --");
	CHECK(t.form == LOG_FORM_BOOT && t.boot_id[0] == '\0');
	t = parse("-- No entries --");
	CHECK(t.form == LOG_FORM_NOTE);
	/* quoted in a mail */
	t = parse("> > Dec  7 00:45:34 host kernel: Killed process 42 (java)");
	CHECK(t.form == LOG_FORM_SYSLOG && t.quote_depth == 2 && msg_is(&t, "Killed process 42 (java)"));
	t = parse(">[  1.000000] x\r\n");
	CHECK(t.form == LOG_FORM_DMESG && t.quote_depth == 1 && msg_is(&t, "x"));
	/* a plain message; hostile ones */
	t = parse("sh: 1: Cannot fork");
	CHECK(t.form == LOG_FORM_MESSAGE && msg_is(&t, "sh: 1: Cannot fork"));
	t = parse("");
	CHECK(t.form == LOG_FORM_MESSAGE && t.msg_len == 0);
	t = parse("[");
	CHECK(t.form == LOG_FORM_MESSAGE && msg_is(&t, "["));
	t = parse("Dec 99 00:45:34 host x: y");
	CHECK(t.form == LOG_FORM_MESSAGE);
	t = parse("[99999999999999999.1] x");
	CHECK(t.form == LOG_FORM_MESSAGE);
}

static void when_forms(void)
{
	int64_t now = 1796604334LL * 1000000, v;

	CHECK(when_parse(S("now"), now, &v) == 0 && v == now);
	CHECK(when_parse(S("-2h"), now, &v) == 0 && v == now - 7200LL * 1000000);
	CHECK(when_parse(S("30min ago"), now, &v) == 0 && v == now - 1800LL * 1000000);
	CHECK(when_parse(S("3 days ago"), now, &v) == 0 && v == now - 3 * 86400LL * 1000000);
	CHECK(when_parse(S("@1796604334"), now, &v) == 0 && v == now);
	CHECK(when_parse(S("2026-12-07T00:45:34Z"), now, &v) == 0 && v == now);
	CHECK(when_parse(S("2026-12-07 01:45:34+01:00"), now, &v) == 0 && v == now);
	setenv("TZ", "UTC", 1);
	CHECK(when_parse(S("2026-12-07"), now, &v) == 0 && v == (1796604334LL - 2734) * 1000000);
	CHECK(when_parse(S("2026-12-07 00:45"), now, &v) == 0 && v == (1796604334LL - 34) * 1000000);
	CHECK(when_parse(S("today"), now, &v) == 0 && v == (1796604334LL - 2734) * 1000000);
	CHECK(when_parse(S("yesterday"), now, &v) == 0 && v == (1796604334LL - 2734 - 86400) * 1000000);
	CHECK(when_parse(S("2h"), now, &v) == -EINVAL);
	CHECK(when_parse(S("-2 fortnights"), now, &v) == -EINVAL);
	CHECK(when_parse(S("-2h ago"), now, &v) == -EINVAL);
	CHECK(when_parse(S("2026-13-07"), now, &v) == -EINVAL);
	CHECK(when_parse(S(""), now, &v) == -EINVAL);
	CHECK(when_parse(S("@"), now, &v) == -EINVAL);
	CHECK(when_parse(S("-9999999999h"), now, &v) == -EINVAL);
	/* found by the fuzzer: 621720175 days is past what 64-bit microseconds hold */
	CHECK(when_parse(S("-621720175d"), now, &v) == -EINVAL);
	CHECK(when_parse(S("-36500d"), now, &v) == 0 && v == now - 36500LL * 86400 * 1000000);
}

/* Feeds text lines as one source, each parsed as a reader does. */
static void feed(struct history *h, const char *name, const char *const *lines, size_t n, const char *boot_id)
{
	history_source_begin(h, name);
	for (size_t i = 0; i < n; i++) {
		struct log_text_line t;
		struct hist_line l;

		log_text_parse(lines[i], strlen(lines[i]), &t);
		history_line_from_text(&t, lines[i], strlen(lines[i]), &l);
		l.boot_id = boot_id;
		l.boot_start = t.form == LOG_FORM_BOOT || (t.msg_len > 14 && memcmp(t.msg, "Linux version ", 14) == 0);
		history_add_line(h, &l);
	}
}

static const struct hist_event *only(const struct history *h, enum hist_kind kind, size_t nth)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->events[i].kind == kind && nth-- == 0)
			return &h->events[i];
	return NULL;
}

static size_t count_kind(const struct history *h, enum hist_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++)
		n += h->events[i].kind == kind;
	return n;
}

/* The boots after merging: those that are their own. */
static size_t roots(const struct history *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nboots; i++)
		n += h->boots[i].same_as == (int)i;
	return n;
}

static void memcg_kill_with_systemd(void)
{
	static const char *const lines[] = {
		"2026-12-07T03:12:01.000100+00:00 node kernel: [  500.000100] stress-ng invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"2026-12-07T03:12:01.000200+00:00 node kernel: [  500.000200] memory: usage 65536kB, limit 65536kB, failcnt 12",
		"2026-12-07T03:12:01.000300+00:00 node kernel: [  500.000300] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/hog.service,task_memcg=/system.slice/hog.service,task=stress-ng,pid=4242,uid=0",
		"2026-12-07T03:12:01.000400+00:00 node kernel: [  500.000400] Memory cgroup out of memory: Killed process 4242 (stress-ng) total-vm:70000kB, anon-rss:65000kB, file-rss:1000kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0",
		"2026-12-07T03:12:01.100000+00:00 node systemd[1]: hog.service: A process of this unit has been killed by the OOM killer.",
		"2026-12-07T03:12:01.100100+00:00 node systemd[1]: system.slice: A process of this unit has been killed by the OOM killer.",
		"2026-12-07T03:12:01.200000+00:00 node systemd[1]: hog.service: Main process exited, code=killed, status=9/KILL",
		"2026-12-07T03:12:01.300000+00:00 node systemd[1]: hog.service: Failed with result 'oom-kill'.",
	};
	/* the same kill, as kern.log also keeps it */
	static const char *const kern[] = {
		"2026-12-07T03:12:01.000400+00:00 node kernel: [  500.000400] Memory cgroup out of memory: Killed process 4242 (stress-ng) total-vm:70000kB, anon-rss:65000kB, file-rss:1000kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0",
	};
	struct history h;
	const struct hist_event *e;

	history_init(&h);
	feed(&h, "syslog", lines, sizeof(lines) / sizeof(lines[0]), NULL);
	feed(&h, "kern.log", kern, 1, NULL);
	history_finish(&h, NULL, 0);
	CHECK_U64(h.n, 1);
	e = only(&h, HIST_OOM_KILL, 0);
	CHECK(e && e->killer == HIST_KILLER_KERNEL && e->domain == HIST_DOMAIN_MEMCG && e->pid == 4242);
	CHECK(e && e->comm && strcmp(e->comm, "stress-ng") == 0 && e->has_uid && e->uid == 0);
	CHECK(e && e->has_rss && e->rss_bytes == 66000ULL * 1024 && e->has_adj && e->oom_score_adj == 0);
	CHECK(e && e->oom_cgroup && strcmp(e->oom_cgroup, "/system.slice/hog.service") == 0);
	CHECK(e && e->unit && strcmp(e->unit, "hog.service") == 0);
	CHECK(e && e->trigger && strcmp(e->trigger, "stress-ng") == 0);
	/* header, usage, summary, kill; PID1's two "killed by the OOM killer", the exit, the result */
	CHECK(e && e->n_evidence == 8);
	CHECK(e && e->seen_in == 3);
	CHECK_U64(h.nincidents, 1);
	/* two sources without boot ids: one boot, from the kernel's start each line implies */
	CHECK_U64(roots(&h), 1);
	history_free(&h);
}

static void kernel_formats(void)
{
	static const char *const lines[] = {
		/* RHEL 6 */
		"[  10.000000] Out of memory: Kill process 100 (java) score 900 or sacrifice child",
		"[  10.000001] Killed process 101, UID 27, (mysqld) total-vm:100kB, anon-rss:50kB, file-rss:0kB",
		/* RHEL 7.9 */
		"[  20.000000] Out of memory: Kill process 200 (a (b), c) score 900 or sacrifice child",
		"[  21.000000] Killed process 201 (x), UID 1000, total-vm:100kB, anon-rss:40kB, file-rss:0kB, shmem-rss:0kB",
		/* 3.10 upstream, memcg by its "Task in" line */
		"[  30.000000] Task in /docker/abc killed as a result of limit of /docker/abc",
		"[  30.000001] Memory cgroup out of memory: Kill process 300 (node) score 1000 or sacrifice child",
		"[  30.000002] Killed process 300 (node) total-vm:100kB, anon-rss:60kB, file-rss:4kB",
		/* 6.x global */
		"[  40.000000] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=chrome,pid=400,uid=1000",
		"[  40.000001] Out of memory: Killed process 400 (chrome) total-vm:100kB, anon-rss:70kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:8kB oom_score_adj:300",
		"[  40.100000] oom_reaper: reaped process 400 (chrome), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		/* cpuset */
		"[  50.000000] oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=pinned,mems_allowed=1,global_oom,task_memcg=/,task=numa,pid=500,uid=0",
		"[  50.000001] Out of memory: Killed process 500 (numa) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0",
		/* a kill line cut short */
		"[  60.000000] Out of memory: Killed process 600 (trunc",
		/* the pids controller, a panic */
		"[  70.000000] cgroup: fork rejected by pids controller in /system.slice/app.service",
		"[  80.000000] Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
	};
	struct history h;
	const struct hist_event *e;

	history_init(&h);
	feed(&h, "dmesg", lines, sizeof(lines) / sizeof(lines[0]), NULL);
	history_finish(&h, NULL, 0);
	CHECK_U64(count_kind(&h, HIST_OOM_KILL), 6);
	e = only(&h, HIST_OOM_KILL, 0);
	CHECK(e && e->pid == 101 && e->has_uid && e->uid == 27 && strcmp(e->comm, "mysqld") == 0 &&
	      e->domain == HIST_DOMAIN_GLOBAL);
	e = only(&h, HIST_OOM_KILL, 1);
	CHECK(e && e->pid == 201 && e->uid == 1000 && strcmp(e->comm, "x") == 0);
	e = only(&h, HIST_OOM_KILL, 2);
	CHECK(e && e->pid == 300 && e->domain == HIST_DOMAIN_MEMCG && e->oom_cgroup &&
	      strcmp(e->oom_cgroup, "/docker/abc") == 0);
	e = only(&h, HIST_OOM_KILL, 3);
	CHECK(e && e->pid == 400 && e->domain == HIST_DOMAIN_GLOBAL && e->oom_score_adj == 300 && e->n_evidence == 3);
	e = only(&h, HIST_OOM_KILL, 4);
	CHECK(e && e->pid == 500 && e->domain == HIST_DOMAIN_CPUSET);
	e = only(&h, HIST_OOM_KILL, 5);
	CHECK(e && e->partial && e->n_evidence == 1);
	e = only(&h, HIST_FORK_REJECTED, 0);
	CHECK(e && strcmp(e->cgroup, "/system.slice/app.service") == 0 && strcmp(e->unit, "app.service") == 0);
	CHECK(only(&h, HIST_PANIC, 0) != NULL);
	/* no wall clock in a plain dmesg: times since boot, one boot */
	CHECK(!h.events[0].has_time && h.events[0].has_mono);
	history_free(&h);
}

static void user_space_killers(void)
{
	static const char *const lines[] = {
		"2026-12-07T03:00:00+00:00 h systemd-oomd[300]: Killed /system.slice/pressure.service due to memory pressure for /system.slice being 72.50% > 60.00% for > 30s with reclaim activity",
		"2026-12-07T03:00:00.5+00:00 h systemd[1]: pressure.service: systemd-oomd killed 3 process(es) in this unit.",
		"2026-12-07T04:00:00+00:00 h earlyoom[812]: sending SIGTERM to process 5151 uid 1000 \"chrome\": badness 900, VmRSS 2048 MiB",
		"2026-12-07T04:00:01+00:00 h kernel: Out of memory: Killed process 5151 (chrome) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1kB oom_score_adj:0",
		"2026-12-07T05:00:00+00:00 h earlyoom[812]: sending SIGTERM to process 6000 uid 1000 \"firefox\": badness 800, VmRSS 1024 MiB",
		"2026-12-07T06:00:00+00:00 h systemd[1]: lonely.service: Failed with result 'oom-kill'.",
	};
	struct history h;
	const struct hist_event *e;

	history_init(&h);
	feed(&h, "journal", lines, sizeof(lines) / sizeof(lines[0]), "0123456789abcdef0123456789abcdef");
	history_finish(&h, NULL, 0);
	CHECK_U64(count_kind(&h, HIST_OOM_KILL), 4);
	e = only(&h, HIST_OOM_KILL, 0);
	CHECK(e && e->killer == HIST_KILLER_OOMD && strcmp(e->cgroup, "/system.slice/pressure.service") == 0 &&
	      e->count == 3 && e->n_evidence == 2 && strcmp(e->unit, "pressure.service") == 0);
	/* earlyoom's SIGTERM, then the kernel's kill of that pid: one kill, the kernel's */
	e = only(&h, HIST_OOM_KILL, 1);
	CHECK(e && e->killer == HIST_KILLER_KERNEL && e->pid == 5151 && e->n_evidence == 2);
	e = only(&h, HIST_OOM_KILL, 2);
	CHECK(e && e->killer == HIST_KILLER_EARLYOOM && e->pid == 6000 && e->has_rss && e->rss_bytes == 1024ULL << 20);
	/* a result alone: the killer is not guessed */
	e = only(&h, HIST_OOM_KILL, 3);
	CHECK(e && e->killer == HIST_KILLER_NONE && strcmp(e->unit, "lonely.service") == 0);
	CHECK(h.events[0].boot >= 0 && strcmp(h.boots[h.events[0].boot].id, "0123456789abcdef0123456789abcdef") == 0);
	history_free(&h);
}

static void failures_and_boots(void)
{
	static const char *const lines[] = {
		"2026-12-07T03:12:00+00:00 db postgres[100]: LOG:  could not fork new process for connection: Resource temporarily unavailable",
		"2026-12-07T03:12:10+00:00 db postgres[100]: LOG:  could not fork new process for connection: Resource temporarily unavailable",
		"2026-12-07T03:12:59+00:00 db postgres[100]: LOG:  could not fork new process for connection: Resource temporarily unavailable",
		"2026-12-07T03:13:05+00:00 db postgres[100]: LOG:  could not fork new process for connection: Resource temporarily unavailable",
		"2026-12-07T03:14:00+00:00 db app[7]: all is well, memory is fine",
		"2026-12-07T03:20:00+00:00 db postgres[100]: LOG:  could not fork new process for connection: Resource temporarily unavailable",
		"2026-12-07T04:00:00+00:00 db kernel: [    0.000000] Linux version 6.1.0-27-amd64",
		"2026-12-07T04:00:05+00:00 db kernel: [    5.000000] cgroup: fork rejected by pids controller in /a",
	};
	struct history h;
	const struct hist_event *e;
	struct history_filter f = { .has_boot = true, .boot = 0 };

	history_init(&h);
	feed(&h, "syslog", lines, sizeof(lines) / sizeof(lines[0]), NULL);
	history_finish(&h, NULL, 0);
	/* grouped per program while its lines come at least once a minute */
	CHECK_U64(count_kind(&h, HIST_FAILURE_MESSAGE), 2);
	e = only(&h, HIST_FAILURE_MESSAGE, 0);
	CHECK(e && e->count == 4 && e->op == OP_FORK && e->err == EAGAIN && strcmp(e->program, "postgres") == 0);
	CHECK(e && e->last_usec - e->time_usec == 65LL * 1000000);
	CHECK(e && strcmp(e->reason, "LOG:  could not fork new process for connection: Resource temporarily unavailable") == 0);
	e = only(&h, HIST_FAILURE_MESSAGE, 1);
	CHECK(e && e->count == 1 && strcmp(e->program, "postgres") == 0);
	CHECK_U64(roots(&h), 2);
	e = only(&h, HIST_FORK_REJECTED, 0);
	CHECK(e && h.boots[e->boot].number == 0 && history_event_selected(&h, e, &f));
	e = only(&h, HIST_FAILURE_MESSAGE, 0);
	CHECK(e && h.boots[e->boot].number == -1 && !history_event_selected(&h, e, &f));
	history_free(&h);
}

int main(void)
{
	RUN(log_text_forms);
	RUN(when_forms);
	RUN(memcg_kill_with_systemd);
	RUN(kernel_formats);
	RUN(user_space_killers);
	RUN(failures_and_boots);
	return unit_failures != 0;
}
