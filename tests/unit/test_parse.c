// SPDX-License-Identifier: GPL-2.0-or-later
/* The parsers of kernel text, fed good, truncated, empty and hostile input. */
#include <errno.h>

#include "core/text.h"
#include "parse/conf.h"
#include "parse/failure_msg.h"
#include "parse/oom_log.h"
#include "parse/keyed.h"
#include "parse/kversion.h"
#include "parse/loadavg.h"
#include "parse/meminfo.h"
#include "parse/mountinfo.h"
#include "parse/passwd.h"
#include "parse/kernel_line.h"
#include "parse/pid_cgroup.h"
#include "parse/pid_limits.h"
#include "parse/pid_status.h"
#include "parse/psi.h"
#include "unit.h"

static void numbers_overflow_and_blanks(void)
{
	uint64_t v = 7;
	int64_t i;
	const char *p;

	CHECK(parse_u64_str(S("18446744073709551615\n"), &v) == 0);
	CHECK_U64(v, UINT64_MAX);
	CHECK(parse_u64_str(S("18446744073709551616"), &v) == -ERANGE);
	CHECK(parse_u64_str(S(""), &v) == -EINVAL);
	CHECK(parse_u64_str(S("12x"), &v) == -EINVAL);
	CHECK(parse_u64_str(S("-1"), &v) == -EINVAL);
	CHECK(parse_u64_str(S("  42  \n"), &v) == 0 && v == 42);
	p = "-1000";
	CHECK(parse_i64(&p, p + 5, &i) == 0 && i == -1000);
	p = "-9223372036854775808";
	CHECK(parse_i64(&p, p + 20, &i) == 0 && i == INT64_MIN);
	p = "9223372036854775808";
	CHECK(parse_i64(&p, p + 19, &i) == -ERANGE);
	p = "000001fffeffffff";
	CHECK(parse_hex_u64(&p, p + 16, &v) == 0 && v == 0x1fffeffffffULL);
}

static void lines_without_final_newline(void)
{
	const char *buf = "a\nbb\nccc", *pos = buf;
	struct line l;
	int n = 0;

	while (next_line(&pos, buf + 8, &l))
		n++;
	CHECK(n == 3);
	CHECK(l.len == 3 && memcmp(l.p, "ccc", 3) == 0);
	pos = buf;
	CHECK(!next_line(&pos, buf, &l));
}

static void meminfo_exact_keys(void)
{
	struct meminfo m;
	/* SwapCached before Cached: a substring match would take 999 for Cached. */
	static const char text[] = "MemTotal:       24684092 kB\nSwapCached:          999 kB\nCached:           380848 kB\n"
				   "MemAvailable:   24394692 kB\nCommitLimit:    12342044 kB\nCommitted_AS:     123 kB\n";

	CHECK(meminfo_parse(S(text), &m) == 0);
	CHECK_U64(m.kib[MEMINFO_CACHED], 380848);
	CHECK_U64(m.kib[MEMINFO_MEM_TOTAL], 24684092);
	CHECK(meminfo_has(&m, MEMINFO_MEM_AVAILABLE));
	CHECK(!meminfo_has(&m, MEMINFO_SWAP_TOTAL)); /* absent is not zero */
	CHECK(meminfo_parse(S(""), &m) == -EINVAL);
	CHECK(meminfo_parse(S("garbage\n\n\n"), &m) == -EINVAL);
	/* truncated mid-number still yields the digits read; truncated before the number: absent */
	CHECK(meminfo_parse(S("MemTotal:       2468"), &m) == 0 && m.kib[MEMINFO_MEM_TOTAL] == 2468);
	CHECK(meminfo_parse(S("MemTotal:  \nMemFree: 5 kB"), &m) == 0 && !meminfo_has(&m, MEMINFO_MEM_TOTAL) &&
	      m.kib[MEMINFO_MEM_FREE] == 5);
}

static void loadavg_fields(void)
{
	struct loadavg la;

	CHECK(loadavg_parse(S("0.37 0.09 0.03 1/80 1896\n"), &la) == 0);
	CHECK_U64(la.nr_running, 1);
	CHECK_U64(la.nr_threads, 80);
	CHECK_U64(la.last_pid, 1896);
	CHECK(loadavg_parse(S("0.37 0.09 0.03 1/"), &la) == -EINVAL);
	CHECK(loadavg_parse(S("0.37 0.09 0.03 1/ 80 5"), &la) == -EINVAL);
	CHECK(loadavg_parse(S(""), &la) == -EINVAL);
	CHECK(loadavg_parse(S("0.37 0.09 0.03 1/80"), &la) == -EINVAL);
	CHECK(loadavg_parse(S("a b c 99999999999999999999/1 1"), &la) == -EINVAL);
}

static void status_hostile_names(void)
{
	struct pid_status st;
	/* the kernel escapes "\n" and "\\" in Name; a raw ESC passes through */
	static const char text[] = "Name:\tevil\\n)x \\\\ \033[31m\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\n"
				   "PPid:\t1\nUid:\t1000\t1000\t1000\t1000\nNSpid:\t42\t7\t1\nVmSize:\t  3060 kB\n"
				   "VmData:\t 360 kB\nThreads:\t20001\nCapEff:\t0000000000000000\n";

	CHECK(pid_status_parse(S(text), &st) == 0);
	CHECK_STR(st.name, "evil\n)x \\ \033[31m");
	CHECK(st.state == 'S');
	CHECK_U64(st.ruid, 1000);
	CHECK_U64(st.threads, 20001);
	CHECK(st.has_mm);
	CHECK_U64(st.vm_size_kib, 3060);
	CHECK_U64(st.vm_data_kib, 360);
	CHECK(st.nspid_count == 3 && st.nspid_inner == 1);
	CHECK(st.has_cap_eff && st.cap_eff == 0);
}

static void status_kernel_thread_and_truncated(void)
{
	struct pid_status st;

	CHECK(pid_status_parse(S("Name:\tkthreadd\nUid:\t0\t0\t0\t0\nThreads:\t1\n"), &st) == 0);
	CHECK(!st.has_mm);
	CHECK(st.nspid_count == 0);
	/* a task exiting mid-read: no Threads line */
	CHECK(pid_status_parse(S("Name:\tx\nUid:\t0\t0\t0\t0\n"), &st) == -EINVAL);
	CHECK(pid_status_parse(S(""), &st) == -EINVAL);
	/* a name longer than the buffer is truncated, NUL-terminated */
	{
		char text[400];
		int n = snprintf(text, sizeof(text), "Name:\t%0200d\nUid:\t0\nThreads:\t1\n", 0);

		CHECK(pid_status_parse(text, (size_t)n, &st) == 0);
		CHECK(strlen(st.name) == HR_COMM_MAX - 1);
	}
}

static void limits_unlimited_and_values(void)
{
	struct pid_limits lim;
	static const char text[] =
		"Limit                     Soft Limit           Hard Limit           Units     \n"
		"Max data size             unlimited            unlimited            bytes     \n"
		"Max stack size            8388608              unlimited            bytes     \n"
		"Max processes             4096                 96365                processes \n"
		"Max address space         1073741824           unlimited            bytes     \n";

	CHECK(pid_limits_parse(S(text), &lim) == 0);
	CHECK(lim.soft[PID_RLIMIT_DATA].known && lim.soft[PID_RLIMIT_DATA].unlimited);
	CHECK(lim.soft[PID_RLIMIT_NPROC].known && !lim.soft[PID_RLIMIT_NPROC].unlimited);
	CHECK_U64(lim.soft[PID_RLIMIT_NPROC].value, 4096);
	CHECK_U64(lim.hard[PID_RLIMIT_NPROC].value, 96365);
	CHECK_U64(lim.soft[PID_RLIMIT_AS].value, 1073741824);
	CHECK_U64(lim.soft[PID_RLIMIT_STACK].value, 8388608);
	CHECK(pid_limits_parse(S("Limit  Soft Limit\n"), &lim) == -EINVAL);
	CHECK(pid_limits_parse(S("Max processes             40"), &lim) == -EINVAL); /* truncated: no hard */
	CHECK(pid_limits_parse(S("Max processesXYZ 1 1\n"), &lim) == -EINVAL);
}

static void cgroup_lines(void)
{
	struct pid_cgroup pc;
	static const char text[] = "9:name=systemd:/\n8:pids:/a:b c\n4:memory:/process_api/x\n0::/user.slice\nbad line\n";

	CHECK(pid_cgroup_parse(S(text), &pc) == 0);
	CHECK(pc.n == 4);
	CHECK(pc.e[1].path_len == 6 && memcmp(pc.e[1].path, "/a:b c", 6) == 0);
	CHECK(controller_list_has(pc.e[1].controllers, pc.e[1].controllers_len, "pids"));
	CHECK(!controller_list_has(S("cpu,cpuacct"), "cpu,"));
	CHECK(controller_list_has(S("cpu,cpuacct"), "cpuacct"));
	CHECK(pc.e[3].hierarchy_id == 0 && pc.e[3].controllers_len == 0);
	CHECK(pid_cgroup_parse(S(""), &pc) == -EINVAL);
	CHECK(pid_cgroup_parse(S("x:y:z\n"), &pc) == -EINVAL);
}

struct mi_seen {
	int n;
	char mp[3][256], root[3][256], fstype[3][32], sopts[3][64];
};

static int on_mi(const struct mountinfo_entry *e, void *ctx)
{
	struct mi_seen *s = ctx;

	if (s->n < 3) {
		snprintf(s->mp[s->n], sizeof(s->mp[0]), "%s", e->mount_point);
		snprintf(s->root[s->n], sizeof(s->root[0]), "%s", e->root);
		snprintf(s->fstype[s->n], sizeof(s->fstype[0]), "%s", e->fstype);
		snprintf(s->sopts[s->n], sizeof(s->sopts[0]), "%s", e->super_options);
	}
	s->n++;
	return 0;
}

static void mountinfo_fields(void)
{
	struct mi_seen s = { 0 };
	static const char text[] =
		"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime shared:5 - cgroup cgroup rw,pids\n"
		"41 31 0:38 /docker/abc /sys/fs/cgroup/with\\040space rw,relatime - cgroup2 cgroup2 rw\n"
		"42 31 0:38 / /broken rw,relatime shared:5 cgroup cgroup rw\n" /* no separator */
		"43 31 0:38 / /x rw - tmpfs\n";

	CHECK(mountinfo_parse(S(text), on_mi, &s) == 0);
	CHECK(s.n == 3);
	CHECK_STR(s.mp[0], "/sys/fs/cgroup/pids");
	CHECK_STR(s.sopts[0], "rw,pids");
	CHECK(mount_options_have(s.sopts[0], "pids"));
	CHECK_STR(s.mp[1], "/sys/fs/cgroup/with space");
	CHECK_STR(s.root[1], "/docker/abc");
	CHECK_STR(s.fstype[1], "cgroup2");
	CHECK_STR(s.fstype[2], "tmpfs");
}

static void psi_lines(void)
{
	struct psi p;

	CHECK(psi_parse(S("some avg10=1.50 avg60=0.05 avg300=100.00 total=12345\nfull avg10=0.00 avg60=0.00 "
			  "avg300=0.00 total=0\n"), &p) == 0);
	CHECK(p.some.present && p.full.present);
	CHECK_U64(p.some.avg10_centi, 150);
	CHECK_U64(p.some.avg60_centi, 5);
	CHECK_U64(p.some.avg300_centi, 10000);
	CHECK_U64(p.some.total_us, 12345);
	CHECK(psi_parse(S("some avg10=1.5"), &p) == -EINVAL);
	CHECK(psi_parse(S(""), &p) == -EINVAL);
}

static void keyed_and_limit_files(void)
{
	uint64_t v = 0;
	bool unl = false;

	CHECK(keyed_get(S("max 3\n"), "max", &v) == 0 && v == 3);
	CHECK(keyed_get(S("low 0\nhigh 0\nmax 7\noom 1\noom_kill 2\noom_group_kill 0\n"), "oom_kill", &v) == 0 && v == 2);
	CHECK(keyed_get(S("oom_kill_disable 0\nunder_oom 0\noom_kill 4\n"), "oom_kill", &v) == 0 && v == 4);
	CHECK(keyed_get(S("inactive_file 10\ntotal_inactive_file 99\n"), "total_inactive_file", &v) == 0 && v == 99);
	CHECK(keyed_get(S("max\n"), "max", &v) == -ENOENT);
	CHECK(keyed_get(S("max x\n"), "max", &v) == -EINVAL);
	CHECK(cgroup_limit_parse(S("max\n"), &unl, &v) == 0 && unl);
	CHECK(cgroup_limit_parse(S("512\n"), &unl, &v) == 0 && !unl && v == 512);
	CHECK(cgroup_limit_parse(S("maximum\n"), &unl, &v) == -EINVAL);
	CHECK(cgroup_limit_parse(S(""), &unl, &v) == -EINVAL);
	CHECK(word_list_has(S("cpuset cpu io memory hugetlb pids rdma misc\n"), "pids"));
	CHECK(!word_list_has(S("cpuset cpu io memory\n"), "pids"));
	CHECK(9223372036854771712ULL >= CGROUP_V1_UNLIMITED_MIN);
	CHECK(9223372036854775807ULL >= CGROUP_V1_UNLIMITED_MIN);
}

static void kernel_versions(void)
{
	struct kversion k;

	CHECK(kversion_parse(S("6.18.44-fc-v657\n"), &k) == 0);
	CHECK(k.major == 6 && k.minor == 18 && k.patch == 44 && !k.rhel7);
	CHECK(kversion_at_least(&k, 6, 14));
	CHECK(kversion_parse(S("3.10.0-1160.el7.x86_64\n"), &k) == 0);
	CHECK(k.major == 3 && k.minor == 10 && k.rhel7);
	CHECK(!kversion_at_least(&k, 4, 1));
	CHECK(kversion_parse(S("weird\033[2J"), &k) == -EINVAL);
	CHECK(strchr(k.release, '\033') == NULL);
	CHECK(kversion_parse(S("5.4"), &k) == 0 && k.minor == 4 && k.patch == 0);
}

static int on_pw(const char *name, size_t len, uint32_t uid, void *ctx)
{
	char *out = ctx;

	if (uid == 1000)
		snprintf(out, 32, "%.*s", (int)len, name);
	return 0;
}

static void passwd_lines(void)
{
	char name[32] = "";

	CHECK(passwd_parse(S("root:x:0:0:root:/root:/bin/bash\n# comment\nbad\nalice:x:1000:1000::/home/a:/bin/sh\n"
			     "mallory:x:99999999999:1::/:/bin/sh\n"), on_pw, name) == 0);
	CHECK_STR(name, "alice");
}

struct conf_seen {
	int n;
	char text[8][160];
};

static int on_sysctl_line(const char *key, const char *value, int line, void *ctx)
{
	struct conf_seen *s = ctx;

	if (s->n < 8)
		snprintf(s->text[s->n], sizeof(s->text[0]), "%d:%s=%s", line, key, value);
	s->n++;
	return 0;
}

static int on_limits_line(const char *d, const char *t, const char *i, const char *v, int line, void *ctx)
{
	struct conf_seen *s = ctx;

	if (s->n < 8)
		snprintf(s->text[s->n], sizeof(s->text[0]), "%d:%s|%s|%s|%s", line, d, t, i, v);
	s->n++;
	return 0;
}

static void sysctl_and_limits_conf(void)
{
	struct conf_seen s = { 0 };

	int bad;

	CHECK(sysctl_conf_parse(S("# comment\n; also\nkernel.pid_max = 4194304\n-kernel/threads-max=99 \n\n"
				  "no equals sign\n = novalue\nvm.max_map_count=\r\n"), on_sysctl_line, &s, &bad) == 0);
	CHECK(bad == 6);
	CHECK(s.n == 3);
	CHECK_STR(s.text[0], "3:kernel.pid_max=4194304");
	CHECK_STR(s.text[1], "4:kernel.threads-max=99");
	CHECK_STR(s.text[2], "8:vm.max_map_count=");
	memset(&s, 0, sizeof(s));
	CHECK(limits_conf_parse(S("#<domain> <type> <item> <value>\n*   soft  nproc  4096\n"
				  "root\thard\tnproc\tunlimited # trailing comment\n"
				  "too many fields here now\nshort line\n@dba - nproc 100\n"), on_limits_line, &s) == 0);
	CHECK(s.n == 3);
	CHECK_STR(s.text[0], "2:*|soft|nproc|4096");
	CHECK_STR(s.text[1], "3:root|hard|nproc|unlimited");
	CHECK_STR(s.text[2], "6:@dba|-|nproc|100");
}

/* The messages users paste, from each program, to the operation and errno they mean. */
static void failure_messages(void)
{
	static const struct {
		const char *text;
		enum failure_op op;
		int err;
		const char *program;
	} cases[] = {
		{ "bash: fork: retry: Resource temporarily unavailable", OP_FORK, EAGAIN, "bash" },
		{ "-bash: fork: Cannot allocate memory", OP_FORK, ENOMEM, "bash" },
		{ "fork: Resource temporarily unavailable", OP_FORK, EAGAIN, "" },
		{ "sh: 1: Cannot fork", OP_FORK, 0, "dash or another shell" },
		{ "Exception in thread \"main\" java.lang.OutOfMemoryError: unable to create native thread: possibly out "
		  "of memory or process/resource limits reached", OP_THREAD, EAGAIN, "Java" },
		{ "java.lang.OutOfMemoryError: unable to create new native thread", OP_THREAD, EAGAIN, "Java" },
		{ "java.lang.OutOfMemoryError: Java heap space", OP_ALLOC, 0, "Java (the JVM's own heap, -Xmx)" },
		{ "runtime/cgo: pthread_create failed: Resource temporarily unavailable", OP_THREAD, EAGAIN, "Go (cgo)" },
		{ "runtime: failed to create new OS thread (have 12 already; errno=11)", OP_THREAD, EAGAIN, "Go" },
		{ "pthread_create failed: Resource temporarily unavailable", OP_THREAD, EAGAIN, "" },
		{ "Error: spawn ENOMEM", OP_FORK, ENOMEM, "Node.js (child_process)" },
		{ "BlockingIOError: [Errno 11] Resource temporarily unavailable", OP_FORK, EAGAIN, "Python" },
		{ "RuntimeError: can't start new thread", OP_THREAD, EAGAIN, "Python" },
		{ "MemoryError", OP_ALLOC, ENOMEM, "Python" },
		{ "OSError: [Errno 12] Cannot allocate memory", OP_UNKNOWN, ENOMEM, "" },
		{ "malloc: Cannot allocate memory", OP_ALLOC, ENOMEM, "" },
		{ "mmap failed: Cannot allocate memory", OP_ALLOC, ENOMEM, "" },
		{ "EAGAIN", OP_UNKNOWN, EAGAIN, "" },
		{ "  12\n", OP_UNKNOWN, ENOMEM, "" },
		{ "5171", OP_UNKNOWN, 0, "" }, /* found by the fuzzer: no errno is that large */
		/* words inside longer words do not count */
		{ "forklift EAGAINX mmapped", OP_UNKNOWN, 0, "" },
	};
	struct failure_msg m;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = failure_msg_parse(cases[i].text, strlen(cases[i].text), &m);

		CHECK(r == ((cases[i].op != OP_UNKNOWN || cases[i].err) ? 0 : -EINVAL));
		if (m.op != cases[i].op || m.err != cases[i].err || strcmp(m.program, cases[i].program) != 0) {
			fprintf(stderr, "    case %zu: '%s' gave %s %d '%s'\n", i, cases[i].text, failure_op_name(m.op),
				m.err, m.program);
			CHECK(!"failure message read as expected");
		}
	}
	/* NUL bytes and control characters in the middle do not stop the reading */
	CHECK(failure_msg_parse(S("\x1b[31mfork:\0 Cannot allocate memory"), &m) == 0 && m.op == OP_FORK && m.err == ENOMEM);
	CHECK(failure_msg_parse(S(""), &m) == -EINVAL && m.op == OP_UNKNOWN && m.err == 0);
}

/*
 * What a line says beyond the operation: the process that printed it, a cgroup, a limit with its values,
 * an OOM kill. The server lines are quoted as issue 15 gives them; the corpus holds those captured here.
 */
static void failure_message_context(void)
{
	struct failure_msg m;

	CHECK(failure_msg_parse(S("Dec  1 08:00:00 host sshd[1234]: fatal: fork of unprivileged child failed"), &m) == 0);
	CHECK(m.op == OP_FORK && m.pid == 1234 && strcmp(m.program, "sshd") == 0);
	CHECK(failure_msg_parse(S("FATAL:  could not fork new process for connection: Resource temporarily unavailable"),
				&m) == 0);
	CHECK(m.op == OP_FORK && m.err == EAGAIN && strcmp(m.program, "PostgreSQL") == 0 && m.pid == 0);
	CHECK(failure_msg_parse(S("fork() failed while spawning \"worker process\" (11: Resource temporarily unavailable)"),
				&m) == 0);
	CHECK(m.op == OP_FORK && m.err == EAGAIN && strcmp(m.program, "nginx") == 0);
	CHECK(failure_msg_parse(S("OpenJDK 64-Bit Server VM warning: INFO: os::commit_memory(0x00000000c0000000, "
				  "1073741824, 0) failed; error='Cannot allocate memory' (errno=12)"), &m) == 0);
	CHECK(m.op == OP_ALLOC && m.err == ENOMEM);
	/* a limit by name, with its value and the one asked for */
	CHECK(failure_msg_parse(S("max virtual memory areas vm.max_map_count [65530] is too low, increase to at least "
				  "[262144]"), &m) == 0);
	CHECK(m.op == OP_ALLOC && m.limit && strcmp(m.limit, "map_count") == 0);
	CHECK(m.limit_value == 65530 && m.limit_needed == 262144);
	/* the kernel's lines, with a dmesg stamp or a journal prefix: the one classifier reads them */
	CHECK(failure_msg_parse(S("[ 1234.567890] cgroup: fork rejected by pids controller in /system.slice/app.service"),
				&m) == 0);
	CHECK(m.op == OP_FORK && m.err == EAGAIN && strcmp(m.cgroup, "/system.slice/app.service") == 0);
	CHECK(m.limit && strcmp(m.limit, "cgroup_pids") == 0);
	CHECK(failure_msg_parse(S("Dec 01 08:00:00 host kernel: Memory cgroup out of memory: Killed process 77 (java) "
				  "total-vm:4304kB, anon-rss:2836kB, file-rss:268kB, shmem-rss:0kB, UID:0 pgtables:40kB "
				  "oom_score_adj:0"), &m) == 0);
	CHECK(m.oom_kill && m.oom_memcg && m.oom_victim == 77 && m.op == OP_ALLOC && m.err == 0);
	CHECK(failure_msg_parse(S("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
				  "oom_memcg=/a,task_memcg=/a/b,task=java,pid=1234,uid=0"), &m) == 0);
	CHECK(m.oom_kill && m.oom_memcg && m.oom_victim == 1234 && strcmp(m.cgroup, "/a") == 0);
	CHECK(failure_msg_parse(S("Out of memory: Killed process 1234 (java) total-vm:1kB"), &m) == 0); /* cut short */
	CHECK(m.oom_kill && !m.oom_memcg && m.oom_victim == 1234);
	CHECK(failure_msg_parse(S("java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"), &m) == 0);
	CHECK(m.oom_kill && m.oom_victim == 0);
	/* a runtime's out-of-memory that it also throws for a thread: an allocation, with thread creation weighed too */
	CHECK(failure_msg_parse(S("Unhandled exception. System.OutOfMemoryException: Exception of type "
				  "'System.OutOfMemoryException' was thrown."), &m) == 0);
	CHECK(m.op == OP_ALLOC && m.also_thread);
	CHECK(failure_msg_parse(S("java.lang.OutOfMemoryError: Java heap space"), &m) == 0 && !m.also_thread);
	CHECK(failure_msg_parse(S("java.lang.OutOfMemoryError: unable to create native thread"), &m) == 0);
	CHECK(m.op == OP_THREAD && !m.also_thread);
	/* a program's own words in brackets are not a syslog pid; a kernel stamp is not either */
	CHECK(failure_msg_parse(S("BlockingIOError: [Errno 11] Resource temporarily unavailable"), &m) == 0 && m.pid == 0);
	CHECK(failure_msg_parse(S("[12.5]: fork: retry: Resource temporarily unavailable"), &m) == 0 && m.pid == 0);
	/* the words alone are not a kernel line: "fork rejected" inside a program's message names no cgroup */
	CHECK(failure_msg_parse(S("app: fork rejected by pids controller in /x"), &m) == 0 && m.cgroup[0] == '\0');
}

/* systemd's lines about a unit: the unit is the context, the kill or the implied limit what they say. */
static void failure_message_systemd(void)
{
	struct failure_msg m;
	char long_name[400];

	CHECK(failure_msg_parse(S("Dec 01 10:44:10 vm systemd[1]: app.service: A process of this unit has been killed "
				  "by the OOM killer."), &m) == 0);
	CHECK(m.oom_kill && m.oom_victim == 0 && !m.oom_memcg && m.pid == 0);
	CHECK_STR(m.unit, "app.service");
	CHECK(failure_msg_parse(S("app@1.service: Failed with result 'oom-kill'."), &m) == 0 && m.oom_kill);
	CHECK_STR(m.unit, "app@1.service");
	/* execve after setuid: EAGAIN only from RLIMIT_NPROC, so the limit is implied; the forked "(sleep)[194]" is not the context */
	CHECK(failure_msg_parse(S("Dec 01 10:45:33 vm (sleep)[194]: x-y.service: Failed at step EXEC spawning "
				  "/usr/bin/sleep: Resource temporarily unavailable"), &m) == 0);
	CHECK(m.op == OP_FORK && m.err == EAGAIN && m.limit && strcmp(m.limit, "user_nproc") == 0 && m.limit_implied);
	CHECK(m.pid == 0);
	CHECK_STR(m.unit, "x-y.service");
	CHECK(failure_msg_parse(S("x.service: Failed to execute /usr/bin/sleep: Resource temporarily unavailable"), &m) == 0);
	CHECK(m.limit_implied && m.op == OP_FORK);
	/* another errno from the same step implies nothing; no unit, no "failed to execute" reading */
	CHECK(failure_msg_parse(S("x.service: Failed at step EXEC spawning /nope: No such file or directory"), &m) == 0);
	CHECK(!m.limit && !m.limit_implied);
	CHECK(failure_msg_parse(S("Failed to execute /bin/x: Resource temporarily unavailable"), &m) == 0 && !m.limit);
	/* not a unit: no ": " after the name, a name inside a word, a path, a unit type not known */
	CHECK(failure_msg_parse(S("app.service:x fork failed"), &m) == 0 && m.unit[0] == '\0');
	CHECK(failure_msg_parse(S("/system.slice/app.service: fork failed"), &m) == 0 && m.unit[0] == '\0');
	CHECK(failure_msg_parse(S("app.timer: fork failed"), &m) == 0 && m.unit[0] == '\0');
	/* a name longer than the field is not cut: it is dropped */
	memset(long_name, 'a', sizeof(long_name));
	memcpy(long_name + 300, ".service: fork failed", 22);
	CHECK(failure_msg_parse(long_name, strlen(long_name), &m) == 0 && m.unit[0] == '\0');
	/* a journal line of the unit's own program: its pid, no unit */
	CHECK(failure_msg_parse(S("Dec 01 10:44:13 vm bash[248]: /usr/bin/bash: fork: retry: Resource temporarily "
				  "unavailable"), &m) == 0);
	CHECK(m.pid == 248 && m.unit[0] == '\0' && m.op == OP_FORK && m.err == EAGAIN);
}

/* The OOM killer's lines in each kernel's format (mm/oom_kill.c: dump_header and oom_kill_process by version). */
static void oom_log_lines(void)
{
	struct oom_line o;

	/* 3.10 */
	CHECK(oom_line_parse(S("java invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0"), &o) == 0);
	CHECK(o.kind == OOM_LINE_INVOKED && o.order == 0 && o.has_adj && o.oom_score_adj == 0);
	CHECK_STR(o.comm, "java");
	CHECK(oom_line_parse(S("Out of memory: Kill process 4242 (java) score 956 or sacrifice child"), &o) == 0);
	CHECK(o.kind == OOM_LINE_SELECTED && o.pid == 4242 && o.score == 956);
	CHECK_STR(o.comm, "java");
	CHECK_STR(o.msg, "Out of memory");
	CHECK(oom_line_parse(S("Killed process 4242 (java) total-vm:8123456kB, anon-rss:6012345kB, file-rss:1234kB"), &o) == 0);
	CHECK(o.kind == OOM_LINE_KILLED && o.pid == 4242 && o.total_vm_kib == 8123456 && o.anon_rss_kib == 6012345 &&
	      o.file_rss_kib == 1234 && !o.has_shmem && !o.has_uid && !o.has_pgtables && !o.has_adj);
	CHECK_STR(o.msg, "");
	CHECK(oom_line_parse(S("Task in /system.slice/tomcat.service killed as a result of limit of /system.slice/tomcat.service"), &o) == 0);
	CHECK(o.kind == OOM_LINE_TASK_IN);
	CHECK_STR(o.task_memcg, "/system.slice/tomcat.service");
	CHECK_STR(o.oom_memcg, "/system.slice/tomcat.service");
	/* 4.19: shmem-rss; memcg message */
	CHECK(oom_line_parse(S("Memory cgroup out of memory: Kill process 77 (node) score 1000 or sacrifice child"), &o) == 0);
	CHECK_STR(o.msg, "Memory cgroup out of memory");
	CHECK(oom_line_parse(S("Killed process 77 (node) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB"), &o) == 0);
	CHECK(o.has_shmem && o.shmem_rss_kib == 4 && !o.has_uid);
	/* 6.x, as logged on this machine */
	CHECK(oom_line_parse(S("Memory cgroup out of memory: Killed process 17861 (repro-alloc) total-vm:4304kB, anon-rss:2836kB, "
			       "file-rss:268kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:1000"), &o) == 0);
	CHECK(o.kind == OOM_LINE_KILLED && o.pid == 17861 && o.anon_rss_kib == 2836 && o.has_uid && o.uid == 0 &&
	      o.has_pgtables && o.pgtables_kib == 40 && o.has_adj && o.oom_score_adj == 1000);
	CHECK_STR(o.comm, "repro-alloc");
	CHECK_STR(o.msg, "Memory cgroup out of memory");
	CHECK(oom_line_parse(S("Out of memory (oom_kill_allocating_task): Killed process 9 (a) total-vm:1kB, anon-rss:1kB, "
			       "file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4kB oom_score_adj:-999"), &o) == 0);
	CHECK(o.uid == 1000 && o.oom_score_adj == -999);
	CHECK_STR(o.msg, "Out of memory (oom_kill_allocating_task)");
	CHECK(oom_line_parse(S("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,b,"
			       "task_memcg=/a,b/c,task=repro-alloc,pid=17861,uid=0"), &o) == 0);
	CHECK(o.kind == OOM_LINE_SUMMARY && o.pid == 17861 && o.has_uid && o.uid == 0 && !o.global_oom);
	CHECK_STR(o.constraint, "CONSTRAINT_MEMCG");
	CHECK_STR(o.oom_memcg, "/a,b");
	CHECK_STR(o.task_memcg, "/a,b/c");
	CHECK_STR(o.comm, "repro-alloc");
	CHECK(oom_line_parse(S("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),global_oom,task_memcg=/user.slice,"
			       "task=x,y,pid=5,uid=1000"), &o) == 0);
	CHECK(o.global_oom && o.pid == 5 && o.uid == 1000);
	CHECK_STR(o.comm, "x,y");
	CHECK(oom_line_parse(S("Tasks in /pod/c1 are going to be killed due to memory.oom.group set"), &o) == 0);
	CHECK(o.kind == OOM_LINE_GROUP);
	CHECK_STR(o.oom_memcg, "/pod/c1");
	CHECK(oom_line_parse(S("oom_reaper: reaped process 17861 (repro-alloc), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"), &o) == 0);
	CHECK(o.kind == OOM_LINE_REAPED && o.pid == 17861);
	/* a hostile name: parentheses and the very words the parser looks for */
	CHECK(oom_line_parse(S("Killed process 3 (a) total-vm:9kB (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB"), &o) == 0);
	CHECK_STR(o.comm, "a) total-vm:9kB (x");
	CHECK(o.total_vm_kib == 1);
	/* not OOM lines, or broken ones */
	CHECK(oom_line_parse(S("eth0: link up"), &o) == -EINVAL);
	CHECK(oom_line_parse(S("Killed process x (java) total-vm:1kB"), &o) == -EINVAL);
	CHECK(oom_line_parse(S("Killed process 5 (java) total-vm:1kB, anon-rss:2kB"), &o) == -EINVAL);
	CHECK(oom_line_parse(S("oom-kill:constraint=CONSTRAINT_NONE,task=x"), &o) == -EINVAL);
	CHECK(oom_line_parse(S(""), &o) == -EINVAL);
}

/* The kernel log lines of refusals: matched at the start only, the pid taken where a hostile name cannot move it. */
static void kernel_lines(void)
{
	struct kernel_line k;
	const char *t;

	t = "cgroup: fork rejected by pids controller in /system.slice/app.service\n";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_FORK_REJECTED);
	CHECK(k.path_len == strlen("/system.slice/app.service") && memcmp(k.path, "/system.slice/app.service", k.path_len) == 0);
	/* a program writing the words into /dev/kmsg after its own prefix is not the pids controller */
	t = "myapp: cgroup: fork rejected by pids controller in /x";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_OTHER);
	t = "cgroup: fork rejected by pids controller in ";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_OTHER);
	t = "mmap: java (4242): VmData 1073741824 exceed data ulimit 536870912. Update limits or use boot option ignore_rlimit_data.";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_DATA_ULIMIT && k.pid == 4242);
	/* a name holding "(1): VmData ": the pid is the one before the last "): VmData " */
	t = "mmap: a (1): VmData x (77): VmData 5 exceed data ulimit 4. Update limits.";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_DATA_ULIMIT && k.pid == 77);
	t = "mmap: a (0): VmData 5 exceed data ulimit 4.";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_OTHER && k.pid == 0);
	t = "__vm_enough_memory: pid: 931, comm: hog, bytes: 1073741824 not enough memory for the allocation";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_COMMIT_REFUSED && k.pid == 931);
	t = "__vm_enough_memory: pid: 99999999, comm: hog";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_OTHER);
	CHECK(kernel_line_classify("", 0, &k) == KLINE_OTHER);
	/* the OOM killer's lines go through the same entry, parsed by oom_line_parse */
	t = "Memory cgroup out of memory: Killed process 4242 (java) total-vm:4304kB, anon-rss:2836kB, file-rss:268kB, "
	    "shmem-rss:0kB, UID:1000 pgtables:40kB oom_score_adj:1000";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_OOM && k.oom.kind == OOM_LINE_KILLED && k.oom.pid == 4242);
	t = "memory: usage 65536kB, limit 65536kB, failcnt 77";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_MEMCG_USAGE);
	t = "myapp: Killed process 1 (init)";
	CHECK(kernel_line_classify(t, strlen(t), &k) == KLINE_OTHER);
}

int main(void)
{
	RUN(numbers_overflow_and_blanks);
	RUN(kernel_lines);
	RUN(lines_without_final_newline);
	RUN(meminfo_exact_keys);
	RUN(loadavg_fields);
	RUN(status_hostile_names);
	RUN(status_kernel_thread_and_truncated);
	RUN(limits_unlimited_and_values);
	RUN(cgroup_lines);
	RUN(mountinfo_fields);
	RUN(psi_lines);
	RUN(keyed_and_limit_files);
	RUN(kernel_versions);
	RUN(passwd_lines);
	RUN(sysctl_and_limits_conf);
	RUN(failure_messages);
	RUN(failure_message_context);
	RUN(failure_message_systemd);
	RUN(oom_log_lines);
	return 0;
}
