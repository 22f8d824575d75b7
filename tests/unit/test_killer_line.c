// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space killers' and PID 1's log lines, one case per version's format, each with the source it
 * was read from (file @tag), every field of the result compared; then lines built to mislead.
 */
#include <stdlib.h>

#include "parse/killer_line.h"
#include "unit.h"

/* Classifies msg (copied to a buffer of exactly its length: no NUL after it) as logged by ident. */
static enum killer_line_kind classify(const char *ident, const char *msg, size_t len, struct killer_line *k)
{
	char *buf = malloc(len ? len : 1);
	enum killer_line_kind kind;

	memcpy(buf, msg, len);
	kind = killer_line_classify(ident, ident ? strlen(ident) : 0, buf, len, k);
	free(buf);
	return kind;
}

#define SAME_STR(f)                                                                                            \
	do {                                                                                                   \
		if (strcmp(k.f, want->f) != 0) {                                                               \
			printf("    line %d: %s == \"%s\", expected \"%s\"\n", line, #f, k.f, want->f);           \
			unit_failures++;                                                                       \
		}                                                                                              \
	} while (0)
#define SAME_NUM(f)                                                                                            \
	do {                                                                                                   \
		if ((int64_t)k.f != (int64_t)want->f) {                                                        \
			printf("    line %d: %s == %" PRId64 ", expected %" PRId64 "\n", line, #f, (int64_t)k.f,   \
			       (int64_t)want->f);                                                              \
			unit_failures++;                                                                       \
		}                                                                                              \
	} while (0)

/* Classifies msg and compares every field with want. */
static void expect(int line, const char *ident, const char *msg, const struct killer_line *want)
{
	struct killer_line k;
	enum killer_line_kind kind = classify(ident, msg, strlen(msg), &k);

	if (kind != k.kind) {
		printf("    line %d: returned %d, ret->kind %d\n", line, kind, k.kind);
		unit_failures++;
	}
	SAME_NUM(kind);
	SAME_STR(unit);
	SAME_STR(cgroup);
	SAME_STR(reason);
	SAME_STR(step);
	SAME_NUM(pid);
	SAME_NUM(has_uid);
	SAME_NUM(uid);
	SAME_STR(comm);
	SAME_NUM(signal);
	SAME_NUM(has_badness);
	SAME_NUM(badness);
	SAME_NUM(has_rss);
	SAME_NUM(rss_bytes);
	SAME_NUM(processes);
	SAME_STR(pod);
	SAME_STR(pod_namespace);
	SAME_STR(resource);
	SAME_STR(container_id);
}

#define EXPECT(ident, msg, ...) expect(__LINE__, (ident), (msg), &(struct killer_line){ __VA_ARGS__ })
#define OTHER(ident, msg) EXPECT((ident), (msg), .kind = KILLER_LINE_OTHER)
#define MIB(n) ((uint64_t)(n) << 20)

static void oomd_lines(void)
{
	/* src/oom/oomd-manager.c @v247: notices only, no kill line */
	EXPECT("systemd-oomd", "Memory pressure for /user.slice is greater than 6000 for more than 30 seconds and there was reclaim activity",
	       .kind = KILLER_LINE_OOMD_NOTICE, .cgroup = "/user.slice",
	       .reason = "Memory pressure for /user.slice is greater than 6000 for more than 30 seconds and there was reclaim activity");
	EXPECT("systemd-oomd", "Swap used (8000000) / total (9000000) is more than 90%", .kind = KILLER_LINE_OOMD_NOTICE,
	       .reason = "Swap used (8000000) / total (9000000) is more than 90%");
	/* @v248 .. @v256: the pressure kill */
	EXPECT("systemd-oomd", "Killed /system.slice/foo.service due to memory pressure for /system.slice being 72.50% > 60.00% for > 30s with reclaim activity",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/system.slice/foo.service",
	       .reason = "memory pressure for /system.slice being 72.50% > 60.00% for > 30s with reclaim activity");
	/* @v248: the swap kill */
	EXPECT("systemd-oomd", "Killed /user.slice/user-1000.slice/user@1000.service/app.slice/a.scope due to swap used (8589934592) / total (8589934592) being more than 90.00%",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/user.slice/user-1000.slice/user@1000.service/app.slice/a.scope",
	       .reason = "swap used (8589934592) / total (8589934592) being more than 90.00%");
	/* @v249 .. @v256: memory and swap used */
	EXPECT("systemd-oomd", "Killed /user.slice/x.scope due to memory used (16000000000) / total (16384000000) and swap used (7900000000) / total (8000000000) being more than 90.00%",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/user.slice/x.scope",
	       .reason = "memory used (16000000000) / total (16384000000) and swap used (7900000000) / total (8000000000) being more than 90.00%");
	/* main after v256 (code index): the kill is marked, made later */
	EXPECT("systemd-oomd", "Marked /user.slice/user-1000.slice/user@1000.service/app.slice/run-p1.service for killing due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 36.66% > 20.00% for > 5s with reclaim activity",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/user.slice/user-1000.slice/user@1000.service/app.slice/run-p1.service",
	       .reason = "memory pressure for /user.slice/user-1000.slice/user@1000.service being 36.66% > 20.00% for > 5s with reclaim activity");
	EXPECT("systemd-oomd", "Marked /a.scope for killing due to memory used (1) / total (2) and swap used (3) / total (4) being more than 90.00%",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/a.scope",
	       .reason = "memory used (1) / total (2) and swap used (3) / total (4) being more than 90.00%");
	/* src/oom/oomd-util.c:oomd_dump_kill_candidates @v251 .. @v256 */
	EXPECT("systemd-oomd", "Considered 7 cgroups for killing, top candidates were:", .kind = KILLER_LINE_OOMD_NOTICE);
	/* @v248+ log_debug */
	EXPECT("systemd-oomd", "Memory pressure for /system.slice is 72.50% > 60.00% for > 30s with reclaim activity",
	       .kind = KILLER_LINE_OOMD_NOTICE, .cgroup = "/system.slice",
	       .reason = "Memory pressure for /system.slice is 72.50% > 60.00% for > 30s with reclaim activity");
	/* a victim cgroup (delegated to a user, so named by them) holding the glue: the fixed tail decides */
	EXPECT("systemd-oomd", "Killed /u/a due to memory pressure for /b due to memory pressure for /u being 50.00% > 40.00% for > 20s with reclaim activity",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/u/a due to memory pressure for /b",
	       .reason = "memory pressure for /u being 50.00% > 40.00% for > 20s with reclaim activity");
	EXPECT("systemd-oomd", "Killed /u/x due to swap used (1) / total (2) being more than 1% due to swap used (5) / total (6) being more than 90.00%",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/u/x due to swap used (1) / total (2) being more than 1%",
	       .reason = "swap used (5) / total (6) being more than 90.00%");
	/* ident NULL: the words are oomd's own */
	EXPECT(NULL, "Killed /a.scope due to memory pressure for /b being 1.00% > 0.50% for > 1s with reclaim activity",
	       .kind = KILLER_LINE_OOMD_KILL, .cgroup = "/a.scope",
	       .reason = "memory pressure for /b being 1.00% > 0.50% for > 1s with reclaim activity");
	/* not a kill: dry runs and failures to kill; a relative cgroup; a truncated reason */
	OTHER("systemd-oomd", "oomd dry-run: Would have tried to kill /a.scope with recurse=true");
	OTHER("systemd-oomd", "Failed to kill any cgroup(s) based on swap: No such file or directory");
	OTHER("systemd-oomd", "Killed a.scope due to memory pressure for /b being 1.00% > 0.50% for > 1s with reclaim activity");
	OTHER("systemd-oomd", "Killed /a.scope due to memory pressure for /b being");
	OTHER("systemd-oomd", "Killed /a.scope due to swap used (1) / total (");
	OTHER("systemd-oomd", "Killed  due to swap used (1) / total (2) being more than 9%");
}

static void pid1_lines(void)
{
	/* src/core/cgroup.c:unit_check_oomd_kill @v247 .. @v256 (N_PROCESSES=) */
	EXPECT("systemd", "session-3.scope: systemd-oomd killed 12 process(es) in this unit.", .kind = KILLER_LINE_UNIT_OOMD_KILL,
	       .unit = "session-3.scope", .processes = 12);
	/* @v251 .. @v256: the count unknown */
	EXPECT("systemd", "app-gnome-firefox-1234.scope: systemd-oomd killed some process(es) in this unit.",
	       .kind = KILLER_LINE_UNIT_OOMD_KILL, .unit = "app-gnome-firefox-1234.scope");
	/* cgroup.c:unit_check_oom @v243 .. @v256: the kernel's kill, seen in memory.events */
	EXPECT("systemd", "user@1000.service: A process of this unit has been killed by the OOM killer.", .kind = KILLER_LINE_UNIT_OOM,
	       .unit = "user@1000.service");
	/* the user manager says it of its units alike (USER_UNIT=) */
	EXPECT("systemd", "app-org.gnome.Terminal.slice: A process of this unit has been killed by the OOM killer.",
	       .kind = KILLER_LINE_UNIT_OOM, .unit = "app-org.gnome.Terminal.slice");
	/* unit.c:unit_log_failure @v240 .. @v256; service.c @v220 .. @v239 */
	EXPECT("systemd", "foo.service: Failed with result 'oom-kill'.", .kind = KILLER_LINE_UNIT_RESULT, .unit = "foo.service",
	       .reason = "oom-kill");
	EXPECT("systemd", "foo.service: Failed with result 'signal'.", .kind = KILLER_LINE_UNIT_RESULT, .unit = "foo.service",
	       .reason = "signal");
	EXPECT("systemd", "dev-sda\\x2d1.swap: Failed with result 'start-limit-hit'.", .kind = KILLER_LINE_UNIT_RESULT,
	       .unit = "dev-sda\\x2d1.swap", .reason = "start-limit-hit");
	/* unit.c:unit_log_process_exit @v240 .. @v256; service.c @v220 .. @v239 */
	EXPECT("systemd", "foo.service: Main process exited, code=killed, status=9/KILL", .kind = KILLER_LINE_UNIT_KILLED,
	       .unit = "foo.service", .signal = 9);
	EXPECT("systemd", "foo.service: Control process exited, code=killed, status=15/TERM", .kind = KILLER_LINE_UNIT_KILLED,
	       .unit = "foo.service", .signal = 15);
	/* service.c @v220 .. @v239: the control process's had no comma */
	EXPECT("systemd", "foo.service: Control process exited, code=killed status=9", .kind = KILLER_LINE_UNIT_KILLED,
	       .unit = "foo.service", .signal = 9);
	/* service.c:service_sigchld_event @v219 (CentOS 7) */
	EXPECT("systemd", "httpd.service: main process exited, code=killed, status=9/KILL", .kind = KILLER_LINE_UNIT_KILLED,
	       .unit = "httpd.service", .signal = 9);
	EXPECT("systemd", "httpd.service: control process exited, code=killed status=9", .kind = KILLER_LINE_UNIT_KILLED,
	       .unit = "httpd.service", .signal = 9);
	/* not killed: exited, dumped, success */
	OTHER("systemd", "foo.service: Main process exited, code=exited, status=1/FAILURE");
	OTHER("systemd", "foo.service: Main process exited, code=dumped, status=11/SEGV");
	OTHER("systemd", "foo.service: Deactivated successfully.");
	OTHER("systemd", "Unit foo.service entered failed state.");
}

static void fork_lines(void)
{
	/* src/core/execute.c:exec_spawn @v219: no unit prefix */
	EXPECT("systemd", "Failed to fork: Resource temporarily unavailable", .kind = KILLER_LINE_UNIT_FORK_FAILED,
	       .reason = "Resource temporarily unavailable");
	/* execute.c:exec_spawn @v220 .. @v254 */
	EXPECT("systemd", "foo.service: Failed to fork: Resource temporarily unavailable", .kind = KILLER_LINE_UNIT_FORK_FAILED,
	       .unit = "foo.service", .reason = "Resource temporarily unavailable");
	/* execute.c:exec_spawn @v255 .. @v256: posix_spawn of systemd-executor */
	EXPECT("systemd", "foo.service: Failed to spawn executor: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.service", .reason = "Resource temporarily unavailable");
	/* service.c:service_enter_start @v220 .. @v254 */
	EXPECT("systemd", "foo.service: Failed to run 'start' task: Cannot allocate memory", .kind = KILLER_LINE_UNIT_FORK_FAILED,
	       .unit = "foo.service", .reason = "Cannot allocate memory");
	/* service.c @v255 .. @v256 */
	EXPECT("systemd", "foo.service: Failed to spawn 'start-pre' task: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.service", .reason = "Resource temporarily unavailable");
	EXPECT("systemd", "foo.service: Failed to spawn next control task: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.service", .reason = "Resource temporarily unavailable");
	EXPECT("systemd", "foo.mount: Failed to spawn cleaning task: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.mount", .reason = "Resource temporarily unavailable");
	/* socket.c @v232 .. @v254 */
	EXPECT("systemd", "foo.socket: Failed to fork 'start-chown' task: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.socket", .reason = "Resource temporarily unavailable");
	/* socket.c @v240 .. @v256 */
	EXPECT("systemd", "foo.socket: Failed to fork off accept stub process: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.socket", .reason = "Resource temporarily unavailable");
	/* service.c @v219: the unit in the format, lowercase */
	EXPECT("systemd", "foo.service failed to run 'start' task: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.service", .reason = "Resource temporarily unavailable");
	EXPECT("systemd", "foo.service failed to run next control task: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.service", .reason = "Resource temporarily unavailable");
	/* execute.c @v220 .. @v254 (the forked child logs, as "systemd"); executor.c @v255+ as "(COMM)" */
	EXPECT("systemd", "foo.service: Failed at step CGROUP spawning /usr/bin/foo: Resource temporarily unavailable",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "foo.service", .step = "CGROUP", .reason = "Resource temporarily unavailable");
	EXPECT("(agetty)", "getty@tty1.service: Failed at step EXEC spawning /sbin/a: b: Cannot allocate memory",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .unit = "getty@tty1.service", .step = "EXEC", .reason = "Cannot allocate memory");
	/* execute.c @v219: no unit prefix */
	EXPECT("systemd", "Failed at step EXEC spawning /usr/sbin/httpd: Cannot allocate memory",
	       .kind = KILLER_LINE_UNIT_FORK_FAILED, .step = "EXEC", .reason = "Cannot allocate memory");
	/* src/basic/process-util.c:safe_fork_full @v254 .. @v256 */
	EXPECT("systemd", "Failed to fork off '(sd-gens)': Cannot allocate memory", .kind = KILLER_LINE_UNIT_FORK_FAILED,
	       .reason = "Cannot allocate memory");
	/* ident NULL: a unit's line is PID 1's; a bare "Failed to fork" could be anyone's */
	EXPECT(NULL, "foo.service: Failed to fork: Resource temporarily unavailable", .kind = KILLER_LINE_UNIT_FORK_FAILED,
	       .unit = "foo.service", .reason = "Resource temporarily unavailable");
	OTHER(NULL, "Failed to fork: Resource temporarily unavailable");
	OTHER(NULL, "Failed at step EXEC spawning /usr/sbin/httpd: Cannot allocate memory");
	/* no errno text, no task, an unknown unit type, a name too long */
	OTHER("systemd", "foo.service: Failed to fork: ");
	OTHER("systemd", "foo.service: Failed to run 'start task: x");
	OTHER("systemd", "foo.service: Failed to load configuration: No such file or directory");
	OTHER("systemd", "foo.bar: Failed to fork: Resource temporarily unavailable");
}

static void earlyoom_lines(void)
{
	/* main.c:handle_oom @v1.0: the name printed is the last process scanned, not the victim's */
	EXPECT("earlyoom", "Killing process 1234 firefox", .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 1234);
	/* kill.c:userspace_kill @v1.1 */
	EXPECT("earlyoom", "Killing process: firefox, pid: 1234, badness: 800, VmRSS: 2048 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 1234, .comm = "firefox", .has_badness = true, .badness = 800, .has_rss = true, .rss_bytes = MIB(2048));
	/* kill.c:userspace_kill @v1.2 */
	EXPECT("earlyoom", "Killing process 'Web Content' with signal 15, pid: 1234, badness: 800, VmRSS: 2048 MiB",
	       .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 1234, .comm = "Web Content", .signal = 15, .has_badness = true,
	       .badness = 800, .has_rss = true, .rss_bytes = MIB(2048));
	/* main.c:poll_loop @v1.2 */
	EXPECT("earlyoom", "Low Memory! At or below sigterm limits (mem: 10 %, swap: 10 %)", .kind = KILLER_LINE_EARLYOOM_LOW,
	       .signal = 15, .reason = "mem: 10 %, swap: 10 %");
	EXPECT("earlyoom", "Low memory! At or below sigkill limits (mem: 5 %, swap: 5 %)", .kind = KILLER_LINE_EARLYOOM_LOW,
	       .signal = 9, .reason = "mem: 5 %, swap: 5 %");
	/* kill.c:kill_largest_process @v1.3 */
	EXPECT("earlyoom", "sending SIGTERM to process 1234 \"firefox\": badness 800, VmRSS 2048 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 1234, .comm = "firefox", .signal = 15, .has_badness = true, .badness = 800, .has_rss = true,
	       .rss_bytes = MIB(2048));
	/* main.c:poll_loop @v1.3 .. @v1.4 */
	EXPECT("earlyoom", "low memory! at or below SIGKILL limits: mem  5 %, swap  5 %", .kind = KILLER_LINE_EARLYOOM_LOW,
	       .signal = 9, .reason = "mem  5 %, swap  5 %");
	/* kill.c:kill_wait @v1.3 .. @v1.7 */
	EXPECT("earlyoom", "process exited after 0.3 seconds", .kind = KILLER_LINE_EARLYOOM_EXITED);
	EXPECT("earlyoom", "escalating to SIGKILL after 10.0 seconds", .kind = KILLER_LINE_EARLYOOM_EXITED, .signal = 9);
	/* kill.c:kill_process @v1.4 .. @v1.7 (Debian 12's 1.7) */
	EXPECT("earlyoom", "sending SIGKILL to process 1234 uid 1000 \"firefox\": badness 800, VmRSS 2048 MiB",
	       .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 1234, .has_uid = true, .uid = 1000, .comm = "firefox", .signal = 9,
	       .has_badness = true, .badness = 800, .has_rss = true, .rss_bytes = MIB(2048));
	/* main.c:poll_loop @v1.5 .. @v1.9.0: PRIPCT "%5.2lf%%" */
	EXPECT("earlyoom", "low memory! at or below SIGTERM limits: mem 10.00%, swap  5.00%", .kind = KILLER_LINE_EARLYOOM_LOW,
	       .signal = 15, .reason = "mem 10.00%, swap  5.00%");
	/* kill.c:kill_process @v1.8 .. @v1.8.2 */
	EXPECT("earlyoom", "sending SIGTERM to process 1234 uid 1000 \"Web Content\": oom_score 800, VmRSS 2048 MiB, cmdline \"/usr/lib/firefox/firefox -contentproc\"",
	       .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 1234, .has_uid = true, .uid = 1000, .comm = "Web Content", .signal = 15,
	       .has_badness = true, .badness = 800, .has_rss = true, .rss_bytes = MIB(2048));
	/* kill.c:kill_wait @v1.8 .. @v1.9.0 */
	EXPECT("earlyoom", "process 1234 exited after 0.125 seconds", .kind = KILLER_LINE_EARLYOOM_EXITED, .pid = 1234);
	EXPECT("earlyoom", "escalating to SIGKILL after 10.000 seconds", .kind = KILLER_LINE_EARLYOOM_EXITED, .signal = 9);
	/* kill.c:kill_process @v1.9.0 and master */
	EXPECT("earlyoom", "sending SIGTERM to process 4321 uid 0 \"tail\": oom_score 668, oom_score_adj 0, VmRSS 9 MiB, cmdline \"tail /dev/zero\"",
	       .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 4321, .has_uid = true, .uid = 0, .comm = "tail", .signal = 15,
	       .has_badness = true, .badness = 668, .has_rss = true, .rss_bytes = MIB(9));
	/* an uid that could not be read prints as -errno */
	EXPECT("earlyoom", "sending SIGTERM to process 5 uid -2 \"x\": badness 1, VmRSS 0 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 5, .comm = "x", .signal = 15, .has_badness = true, .badness = 1, .has_rss = true);
	/* ident NULL: the kill and low lines from v1.1 on are earlyoom's own words; v1.0's and "exited" are not */
	EXPECT(NULL, "sending SIGTERM to process 1234 \"firefox\": badness 800, VmRSS 2048 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 1234, .comm = "firefox", .signal = 15, .has_badness = true, .badness = 800, .has_rss = true,
	       .rss_bytes = MIB(2048));
	EXPECT(NULL, "low memory! at or below SIGTERM limits: mem 10.00%, swap  5.00%", .kind = KILLER_LINE_EARLYOOM_LOW,
	       .signal = 15, .reason = "mem 10.00%, swap  5.00%");
	OTHER(NULL, "Killing process 1234 firefox");
	OTHER(NULL, "process 1234 exited after 0.125 seconds");
	/* a self-test with signal 0, a dry run, the status line */
	OTHER("earlyoom", "sending 0 (no-op signal) to process 1234 uid 1000 \"x\": oom_score 1, VmRSS 1 MiB, cmdline \"x\"");
	OTHER("earlyoom", "mem avail: 21242 of 31738 MiB (66.93%), swap free:    0 of    0 MiB ( 0.00%)");
	OTHER("earlyoom", "kill failed: Operation not permitted");
}

static void nohang_lines(void)
{
	/* src/nohang:find_victim_info @v0.2.0 .. main: the victim status, one journal line each */
	EXPECT("nohang", "  PID:       1234, name: firefox, state: S (sleeping), EUID: 1000, SID: 900 (bash), lifetime: 123.4s",
	       .kind = KILLER_LINE_NOHANG_VICTIM, .pid = 1234, .comm = "firefox", .has_uid = true, .uid = 1000);
	EXPECT("nohang", "  badness:   900, oom_score:  900, oom_score_adj:  0", .kind = KILLER_LINE_NOHANG_VICTIM,
	       .has_badness = true, .badness = 900);
	/* src/nohang:find_victim @v0.2.0 .. main: the chosen process ("name" with the table, "Name" without) */
	EXPECT("nohang", "  PID: 1234, name: firefox, badness: 900", .kind = KILLER_LINE_NOHANG_VICTIM, .pid = 1234,
	       .comm = "firefox", .has_badness = true, .badness = 900);
	EXPECT("nohang-desktop", "  PID: 1234, Name: firefox, badness: 900", .kind = KILLER_LINE_NOHANG_VICTIM, .pid = 1234,
	       .comm = "firefox", .has_badness = true, .badness = 900);
	/* src/nohang:implement_corrective_action @v0.2.0 .. main */
	EXPECT("nohang", "  Sending SIGTERM to the victim", .kind = KILLER_LINE_NOHANG_ACTION, .signal = 15);
	EXPECT("nohang", "  [ OK ] Sending SIGKILL to firefox: 3", .kind = KILLER_LINE_NOHANG_ACTION, .signal = 9,
	       .comm = "firefox", .processes = 3);
	/* nohang @v0.1 */
	EXPECT("nohang", "  Victim is firefox, pid: 1234, badness: 900, VmRSS: 2048 MiB, VmSwap: 10 MiB",
	       .kind = KILLER_LINE_NOHANG_VICTIM, .pid = 1234, .comm = "firefox", .has_badness = true, .badness = 900,
	       .has_rss = true, .rss_bytes = MIB(2048));
	EXPECT("nohang", "  Sending SIGTERM to the victim; OK; response time: 4 ms", .kind = KILLER_LINE_NOHANG_ACTION,
	       .signal = 15);
	/* a viewer that strips the indent */
	EXPECT("nohang", "Sending SIGINT to the victim", .kind = KILLER_LINE_NOHANG_ACTION, .signal = 2);
	/* ident NULL: nohang's lines are too plain to be told from anyone's */
	OTHER(NULL, "  PID: 1234, name: firefox, badness: 900");
	OTHER(NULL, "  Sending SIGTERM to the victim");
	OTHER("nohang", "  Sending SIGTERM to the victims");
	OTHER("nohang", "Victim status (found in 3ms):");
}

static void kubelet_lines(void)
{
	/* pkg/kubelet/eviction/eviction_manager.go (klog structured, 1.21+) */
	EXPECT("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:368] \"Eviction manager: attempting to reclaim\" resourceName=\"memory\"",
	       .kind = KILLER_LINE_KUBELET_RECLAIM, .resource = "memory");
	EXPECT("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:395] \"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"ephemeral-storage\"",
	       .kind = KILLER_LINE_KUBELET_RECLAIM, .resource = "ephemeral-storage");
	EXPECT("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:610] \"Eviction manager: pod is evicted successfully\" pod=\"default/web-0\"",
	       .kind = KILLER_LINE_KUBELET_EVICTED, .pod = "web-0", .pod_namespace = "default");
	/* the same without the klog header (a JSON or pre-stripped log) */
	EXPECT("kubelet", "\"Eviction manager: attempting to reclaim\" resourceName=\"pids\"", .kind = KILLER_LINE_KUBELET_RECLAIM,
	       .resource = "pids");
	/* glog/klog Infof (1.7 .. 1.20): "eviction manager: attempting to reclaim %v", format.Pod NAME_NS(UID) */
	EXPECT("kubelet", "W0105 10:00:00.123456    1234 eviction_manager.go:344] eviction manager: attempting to reclaim memory",
	       .kind = KILLER_LINE_KUBELET_RECLAIM, .resource = "memory");
	EXPECT("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:357] eviction manager: must evict pod(s) to reclaim nodefs",
	       .kind = KILLER_LINE_KUBELET_RECLAIM, .resource = "nodefs");
	EXPECT("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:580] eviction manager: pod web-0_default(0d8a3f6e-1111-2222-3333-444455556666) is evicted successfully",
	       .kind = KILLER_LINE_KUBELET_EVICTED, .pod = "web-0", .pod_namespace = "default");
	/* ident NULL: the eviction manager's words are its own */
	EXPECT(NULL, "I0105 10:00:00.123456    1234 eviction_manager.go:610] \"Eviction manager: pod is evicted successfully\" pod=\"kube-system/coredns-5d78c9869d-abcde\"",
	       .kind = KILLER_LINE_KUBELET_EVICTED, .pod = "coredns-5d78c9869d-abcde", .pod_namespace = "kube-system");
	OTHER("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:336] \"Eviction manager: no resources are starved\"");
	OTHER("kubelet", "I0105 10:00:00.123456    1234 eviction_manager.go:610] \"Eviction manager: pod is evicted successfully\" pod=\"\"");
}

static void containerd_lines(void)
{
	/* CRI events.go, containerd 1.x (gogo protobuf %+v), as the logrus text line */
	EXPECT("containerd", "time=\"2023-01-05T10:00:00.123456789Z\" level=info msg=\"TaskOOM event &TaskOOM{ContainerID:a38973e2086019e6411254a3b9e2b8885929f005f4c814414739227673df7e56,XXX_unrecognized:[],}\"",
	       .kind = KILLER_LINE_CONTAINERD_OOM, .container_id = "a38973e2086019e6411254a3b9e2b8885929f005f4c814414739227673df7e56");
	/* internal/cri/server/events.go, containerd 1.7 / 2.x (protobuf-go text), seen on AKS */
	EXPECT("containerd", "time=\"2025-05-19T18:14:43.578084676Z\" level=info msg=\"TaskOOM event container_id:\\\"9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987\\\"\"",
	       .kind = KILLER_LINE_CONTAINERD_OOM, .container_id = "9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987");
	EXPECT(NULL, "TaskOOM event container_id:\"9192cb33\"", .kind = KILLER_LINE_CONTAINERD_OOM, .container_id = "9192cb33");
	OTHER("containerd", "time=\"2025-05-19T18:14:43Z\" level=info msg=\"TaskExit event container_id:\\\"9192\\\"\"");
	OTHER("containerd", "TaskOOM event container_id:\"\"");
}

static void hostile_names(void)
{
	/* a comm of quotes, a space, parentheses and a comma, and one that holds the closer itself */
	EXPECT("earlyoom", "sending SIGTERM to process 7 uid 1000 \"a (b), c\": badness 5, VmRSS 1 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 7, .has_uid = true, .uid = 1000, .comm = "a (b), c", .signal = 15, .has_badness = true, .badness = 5,
	       .has_rss = true, .rss_bytes = MIB(1));
	EXPECT("earlyoom", "sending SIGTERM to process 7 uid 1 \"x\": badness 1\": badness 5, VmRSS 1 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 7, .has_uid = true, .uid = 1, .comm = "x\": badness 1", .signal = 15, .has_badness = true, .badness = 5,
	       .has_rss = true, .rss_bytes = MIB(1));
	/* v1.8+: a cmdline that repeats the closer; a comm that holds it (15 bytes) */
	EXPECT("earlyoom", "sending SIGKILL to process 8 uid 2 \"\"a\"\": oom_score 3, VmRSS 4 MiB, cmdline \"x\": oom_score 9, VmRSS 9 MiB\"",
	       .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 8, .has_uid = true, .uid = 2, .comm = "\"a\"", .signal = 9,
	       .has_badness = true, .badness = 3, .has_rss = true, .rss_bytes = MIB(4));
	EXPECT("earlyoom", "sending SIGKILL to process 8 uid 2 \"x\": oom_score 1\": oom_score 3, VmRSS 4 MiB, cmdline \"x\"",
	       .kind = KILLER_LINE_EARLYOOM_KILL, .pid = 8, .has_uid = true, .uid = 2, .comm = "x\": oom_score 1", .signal = 9,
	       .has_badness = true, .badness = 3, .has_rss = true, .rss_bytes = MIB(4));
	EXPECT("earlyoom", "Killing process: a, pid: 1, b, pid: 2, badness: 3, VmRSS: 4 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 2, .comm = "a, pid: 1, b", .has_badness = true, .badness = 3, .has_rss = true, .rss_bytes = MIB(4));
	EXPECT("nohang", "  PID:       1, name: a, state: x, state: R (running), EUID: 0, SID: 1 (, state: ), lifetime: 1s",
	       .kind = KILLER_LINE_NOHANG_VICTIM, .pid = 1, .comm = "a, state: x", .has_uid = true, .uid = 0);
	EXPECT("nohang", "  [ OK ] Sending SIGTERM to a: b: 12", .kind = KILLER_LINE_NOHANG_ACTION, .signal = 15, .comm = "a: b",
	       .processes = 12);
	/* a name longer than a comm (15 bytes) is not a v1.8 line's */
	OTHER("earlyoom", "sending SIGTERM to process 8 uid 2 \"0123456789abcdefg\": oom_score 3, VmRSS 4 MiB, cmdline \"x\"");
}

static void hostile_lines(void)
{
	static const char *const truncated[] = {
		"sending SIGTERM to process 1234 uid 1000 \"firefox\": badness 800, VmRSS 2048",
		"sending SIGTERM to process 1234 uid 1000 \"firefox",
		"sending SIGTERM to process ",
		"Killing process: firefox, pid: 1234, badness: 800",
		"foo.service: systemd-oomd killed 12 process(es)",
		"foo.service: Failed with result 'oom-kill",
		"foo.service: Main process exited, code=killed, status=",
		"foo.service: A process of this unit has been killed by the OOM",
		"I0105 10:00:00.123456    1234 eviction_manager.go:368] \"Eviction manager: attempting to reclaim\" resourceName=\"",
		"eviction manager: pod web-0_default(0d8a) is evicted",
		"TaskOOM event &TaskOOM{ContainerID:a389",
		"Killed /a.scope due to memory pressure for /b being ",
		"  PID:       1234, name: ",
		"",
	};
	static const char *const idents[] = { NULL, "systemd-oomd", "systemd", "earlyoom", "nohang", "kubelet", "containerd" };
	struct killer_line k;
	char *big;
	size_t n = 1 << 20;

	for (size_t i = 0; i < sizeof(truncated) / sizeof(truncated[0]); i++)
		for (size_t j = 0; j < sizeof(idents) / sizeof(idents[0]); j++)
			CHECK(classify(idents[j], truncated[i], strlen(truncated[i]), &k) == KILLER_LINE_OTHER);

	/* another program's prefix before the words, or another program's ident */
	OTHER(NULL, "myapp: Killed /a.scope due to memory pressure for /b being 1.00% > 0.50% for > 1s with reclaim activity");
	OTHER(NULL, "[worker] foo.service: A process of this unit has been killed by the OOM killer.");
	OTHER(NULL, "note: sending SIGTERM to process 1234 \"firefox\": badness 800, VmRSS 2048 MiB");
	OTHER(NULL, "bash: foo.service: Failed with result 'oom-kill'.");
	OTHER("bash", "Killed /a.scope due to memory pressure for /b being 1.00% > 0.50% for > 1s with reclaim activity");
	OTHER("bash", "foo.service: Failed with result 'oom-kill'.");
	OTHER("bash", "sending SIGTERM to process 1234 \"firefox\": badness 800, VmRSS 2048 MiB");
	OTHER("systemd", "Killed /a.scope due to memory pressure for /b being 1.00% > 0.50% for > 1s with reclaim activity");
	OTHER("systemd-oomd", "foo.service: systemd-oomd killed 12 process(es) in this unit.");
	OTHER("earlyoom", "  Sending SIGTERM to the victim");
	OTHER("nohang", "sending SIGTERM to process 1234 \"firefox\": badness 800, VmRSS 2048 MiB");
	OTHER("containerd", "I0105 10:00:00.123456    1234 eviction_manager.go:344] eviction manager: attempting to reclaim memory");
	OTHER("kubelet", "TaskOOM event container_id:\"9192cb33\"");
	OTHER("systemdX", "foo.service: Failed with result 'oom-kill'.");

	/* numbers that overflow, pids out of range */
	OTHER("earlyoom", "sending SIGTERM to process 99999999999999999999 \"x\": badness 1, VmRSS 1 MiB");
	OTHER("earlyoom", "sending SIGTERM to process 0 \"x\": badness 1, VmRSS 1 MiB");
	OTHER("earlyoom", "sending SIGTERM to process 4194305 \"x\": badness 1, VmRSS 1 MiB");
	OTHER("earlyoom", "sending SIGTERM to process 1 \"x\": badness 99999999999999999999, VmRSS 1 MiB");
	OTHER("earlyoom", "sending SIGTERM to process 1 \"x\": badness 1, VmRSS 18446744073709551615 MiB");
	EXPECT("earlyoom", "sending SIGTERM to process 1 uid 4294967296 \"x\": badness 1, VmRSS 1 MiB", .kind = KILLER_LINE_EARLYOOM_KILL,
	       .pid = 1, .comm = "x", .signal = 15, .has_badness = true, .badness = 1, .has_rss = true, .rss_bytes = MIB(1));
	OTHER("systemd", "foo.service: systemd-oomd killed 18446744073709551616 process(es) in this unit.");
	EXPECT("systemd", "foo.service: systemd-oomd killed 18446744073709551615 process(es) in this unit.",
	       .kind = KILLER_LINE_UNIT_OOMD_KILL, .unit = "foo.service", .processes = UINT64_MAX);
	OTHER("systemd", "foo.service: Main process exited, code=killed, status=99999999999999999999/KILL");

	/* a NUL ends the message; a trailing newline is not part of it; invalid UTF-8 and escapes are kept as bytes */
	CHECK(classify("systemd", S("foo.service: Failed with result 'oom-kill'.\0 trailing"), &k) == KILLER_LINE_UNIT_RESULT);
	CHECK_STR(k.reason, "oom-kill");
	CHECK(classify("systemd", S("foo.service: Failed with result 'oom-kill'.\n"), &k) == KILLER_LINE_UNIT_RESULT);
	CHECK(classify("earlyoom", S("sending SIGTERM to process 9 \"\xff\xfe\x1b[31m\": badness 1, VmRSS 1 MiB"), &k) ==
	      KILLER_LINE_EARLYOOM_KILL);
	CHECK_STR(k.comm, "\xff\xfe\x1b[31m");
	CHECK(classify("systemd", S("\xc3\x28.service: Failed with result 'oom-kill'."), &k) == KILLER_LINE_OTHER);

	/* a 1 MB line: the fields stay bounded and terminated */
	big = malloc(n);
	memset(big, 'a', n);
	memcpy(big, "Killed /", 8);
	memcpy(big + n - 40, " due to swap used (1) / total (2) being ", 40);
	for (size_t j = 0; j < sizeof(idents) / sizeof(idents[0]); j++)
		CHECK(classify(idents[j], big, n, &k) == KILLER_LINE_OTHER);
	memcpy(big + n - 60, " due to swap used (1) / total (2) being more than 90.00%", 56);
	CHECK(classify("systemd-oomd", big, n - 4, &k) == KILLER_LINE_OOMD_KILL);
	CHECK_U64(strlen(k.cgroup), sizeof(k.cgroup) - 1);
	CHECK_STR(k.reason, "swap used (1) / total (2) being more than 90.00%");
	memset(big, ' ', n);
	memcpy(big, "  PID: 1, name: ", 16);
	memcpy(big + n - 12, ", badness: 7", 12);
	CHECK(classify("nohang", big, n, &k) == KILLER_LINE_NOHANG_VICTIM);
	CHECK(k.badness == 7 && k.pid == 1 && strlen(k.comm) == sizeof(k.comm) - 1);
	memset(big, 'x', n);
	memcpy(big, "sending SIGTERM to process 1 uid 2 \"", 36);
	CHECK(classify("earlyoom", big, n, &k) == KILLER_LINE_OTHER);
	memcpy(big, "foo.service: Failed at step EXEC spawning ", 42);
	CHECK(classify("systemd", big, n, &k) == KILLER_LINE_OTHER);
	free(big);
}

int main(void)
{
	RUN(oomd_lines);
	RUN(pid1_lines);
	RUN(fork_lines);
	RUN(earlyoom_lines);
	RUN(nohang_lines);
	RUN(kubelet_lines);
	RUN(containerd_lines);
	RUN(hostile_names);
	RUN(hostile_lines);
	return unit_failures ? 1 : 0;
}
