// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/failure_msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse/kernel_line.h"

/* A pattern of a known program's message: what failed and, when the message implies it, the errno. */
struct pattern {
	const char *text; /* lowercase; matched anywhere */
	const char *program;
	enum failure_op op;
	int err;          /* implied errno, 0 when the message does not say */
	bool also_thread; /* the runtime says the same when a thread could not be made */
};

/*
 * Most specific first: the first match decides the program and the operation. glibc's pthread_create
 * reports every failure as EAGAIN, so the thread messages imply it. Each shape is in the corpus of lines
 * captured from the programs themselves (tests/messages/corpus), or cited where a program could not be
 * run here.
 */
static const struct pattern patterns[] = {
	{ "unable to create native thread", "Java", OP_THREAD, EAGAIN },
	{ "unable to create new native thread", "Java", OP_THREAD, EAGAIN }, /* Java 8 */
	{ "failed to start the native thread", "Java", OP_THREAD, EAGAIN },
	{ "failed to start thread", "Java", OP_THREAD, EAGAIN },
	{ "outofmemoryerror: java heap space", "Java (the JVM's own heap, -Xmx)", OP_ALLOC, 0 },
	{ "outofmemoryerror: metaspace", "Java (the JVM's metaspace, -XX:MaxMetaspaceSize)", OP_ALLOC, 0 },
	{ "os::commit_memory", "Java (committing memory it reserved)", OP_ALLOC, 0 },
	{ "insufficient memory for the java runtime", "Java", OP_ALLOC, 0 },
	{ "native memory allocation", "Java", OP_ALLOC, 0 },
	{ "could not reserve enough space for", "Java (reserving its heap)", OP_ALLOC, ENOMEM },
	{ "outofmemoryerror", "Java", OP_ALLOC, 0, true },
	{ "system.outofmemoryexception", ".NET (also thrown when a thread cannot be made)", OP_ALLOC, 0, true },
	{ "couldn't create thread", "Mono (.NET)", OP_THREAD, EAGAIN },
	{ "failed to create new os thread", "Go", OP_THREAD, 0 },
	{ "runtime/cgo: pthread_create failed", "Go (cgo)", OP_THREAD, EAGAIN },
	{ "fatal error: newosproc", "Go", OP_THREAD, 0 },
	{ "runtime: out of memory", "Go", OP_ALLOC, ENOMEM },
	{ "fatal error: out of memory", "Go", OP_ALLOC, ENOMEM },
	{ "failed to reserve page summary memory", "Go (reserving its address space at start)", OP_ALLOC, 0 },
	{ "runtime: cannot allocate memory", "Go", OP_ALLOC, ENOMEM },
	{ "can't start new thread", "Python", OP_THREAD, EAGAIN },
	{ "blockingioerror", "Python", OP_FORK, 0 },
	{ "memoryerror", "Python", OP_ALLOC, ENOMEM },
	{ "javascript heap out of memory", "Node.js (V8's heap, --max-old-space-size)", OP_ALLOC, 0 },
	{ "error: spawn ", "Node.js (child_process)", OP_FORK, 0 }, /* "Error: spawn sleep EAGAIN" */
	{ "spawn eagain", "Node.js (child_process)", OP_FORK, EAGAIN },
	{ "spawn enomem", "Node.js (child_process)", OP_FORK, ENOMEM },
	{ "err_worker_init_failed", "Node.js (worker_threads)", OP_THREAD, 0 },
	{ "err_worker_out_of_memory", "Node.js (worker_threads)", OP_ALLOC, 0 },
	{ "uv_thread_create", "Node.js (libuv)", OP_THREAD, EAGAIN },
	{ "blas_thread_init", "OpenBLAS", OP_THREAD, EAGAIN },
	{ "max virtual memory areas", "Elasticsearch (its bootstrap check)", OP_ALLOC, 0 },
	{ "could not fork new process for connection", "PostgreSQL", OP_FORK, 0 },
	{ "fork() failed while spawning", "nginx", OP_FORK, 0 },
	{ "can't save in background", "Redis", OP_FORK, 0 },
	{ "can't create thread to handle", "MariaDB or MySQL", OP_THREAD, 0 },
	{ "can't create a new thread", "MariaDB or MySQL (its client)", OP_THREAD, 0 },
	{ "fork of unprivileged child failed", "sshd", OP_FORK, 0 },
	{ "(threaderror)", "Ruby", OP_THREAD, 0 },
	{ "fork(2) (errno::", "Ruby", OP_FORK, 0 },
	{ "(nomemoryerror)", "Ruby", OP_ALLOC, ENOMEM },
	{ "failed to map segment from shared object", "the dynamic loader (ld.so), starting a program", OP_ALLOC, 0 },
	/* a unit's process, after its setuid to User=: see exec_after_setuid() */
	{ "failed at step exec spawning", "systemd (starting a unit's process)", OP_FORK, 0 },
	{ "pthread_create", "", OP_THREAD, EAGAIN },
	{ "can't create thread", "", OP_THREAD, 0 },
	{ "std::bad_alloc", "C++", OP_ALLOC, ENOMEM },
	{ "xmalloc: cannot allocate", "bash", OP_ALLOC, ENOMEM },
	{ "out of memory!", "Perl", OP_ALLOC, ENOMEM },
	{ "fork system call failed", "the core utilities (timeout)", OP_FORK, 0 },
	{ "fork: retry:", "bash", OP_FORK, 0 },
	{ "bash: fork:", "bash", OP_FORK, 0 },
	{ "could not fork", "", OP_FORK, 0 },
	{ "cannot fork", "", OP_FORK, 0 },
	{ "can't fork", "", OP_FORK, 0 },
	{ "fork() failed", "", OP_FORK, 0 },
	{ "fork failed", "", OP_FORK, 0 },
	{ "fork:", "", OP_FORK, 0 },
	{ "vfork", "", OP_FORK, 0 },
	{ "posix_spawn", "", OP_FORK, 0 },
	{ "malloc", "", OP_ALLOC, 0 },
	{ "mmap", "", OP_ALLOC, 0 },
	{ "calloc", "", OP_ALLOC, 0 },
	{ "realloc", "", OP_ALLOC, 0 },
	{ "brk", "", OP_ALLOC, 0 },
};

/* errno as strerror(3) words it, or by name. */
static const struct {
	const char *text;
	int err;
} errno_words[] = {
	{ "resource temporarily unavailable", EAGAIN },
	{ "cannot allocate memory", ENOMEM },
	{ "no space left on device", ENOSPC },
	{ "operation not permitted", EPERM },
	{ "eagain", EAGAIN },
	{ "ewouldblock", EAGAIN },
	{ "enomem", ENOMEM },
	{ "enospc", ENOSPC },
	{ "eperm", EPERM },
};

/*
 * A limit the line names (a sysctl, an rlimit, a cgroup file), as the report's limit id, and the
 * operation it limits, for a line that says nothing else (none for the task limits: fork and thread
 * creation both count against them, and Go names ulimit -u when a thread could not be made).
 */
static const struct {
	const char *text;
	const char *limit;
	enum failure_op op;
} named_limits[] = {
	{ "vm.max_map_count", "map_count", OP_ALLOC },
	{ "max_map_count", "map_count", OP_ALLOC },
	{ "kernel.pid_max", "pid_max", OP_UNKNOWN },
	{ "kernel.threads-max", "threads_max", OP_UNKNOWN },
	{ "rlimit_nproc", "user_nproc", OP_UNKNOWN },
	{ "max user processes", "user_nproc", OP_UNKNOWN },
	{ "ulimit -u", "user_nproc", OP_UNKNOWN },
	{ "pids controller", "cgroup_pids", OP_UNKNOWN },
	{ "pids.max", "cgroup_pids", OP_UNKNOWN },
	{ "tasksmax", "cgroup_pids", OP_UNKNOWN },
	{ "exceed data ulimit", "rlimit_data", OP_ALLOC },
	{ "rlimit_data", "rlimit_data", OP_ALLOC },
	{ "rlimit_as", "rlimit_as", OP_ALLOC },
	{ "ulimit -v", "rlimit_as", OP_ALLOC },
	{ "__vm_enough_memory", "commit", OP_ALLOC },
	{ "memory cgroup out of memory", "cgroup_memory", OP_ALLOC },
	{ "memory.max", "cgroup_memory", OP_ALLOC },
	{ "memory.limit_in_bytes", "cgroup_memory", OP_ALLOC },
};

/* The message lowercased, for the patterns. */
struct scan {
	char s[FAILURE_MSG_MAX + 1];
	size_t n;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Finds word as a whole word in s (not inside a longer identifier). */
static const char *find_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; (p = strstr(p, word)); p++)
		if ((p == s || !is_alnum(p[-1])) && !is_alnum(p[n]))
			return p;
	return NULL;
}

/* The decimal number at p (after spaces), from 1 to max; 0 when there is none or it is larger. */
static uint64_t number_at(const char *p, uint64_t max)
{
	uint64_t v = 0;

	while (*p == ' ')
		p++;
	if (!is_digit(*p))
		return 0;
	for (; is_digit(*p); p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return 0;
	}
	return v;
}

/* The number right after prefix ("errno=", "[errno "), from 1 to max; 0 when absent. */
static uint64_t number_after(const char *s, const char *prefix, uint64_t max)
{
	const char *p = strstr(s, prefix);

	return p ? number_at(p + strlen(prefix), max) : 0;
}

/* Lowercase; terminal escape sequences dropped (a pasted coloured message); NULs and control bytes become spaces. */
static void scan_init(struct scan *sc, const char *text, size_t len)
{
	sc->n = 0;
	for (size_t i = 0; i < len && sc->n < FAILURE_MSG_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == 0x1b && i + 1 < len && text[i + 1] == '[') {
			for (i += 2; i < len && !((unsigned char)text[i] >= 0x40 && (unsigned char)text[i] <= 0x7e); i++)
				;
			continue;
		}
		sc->s[sc->n++] = c < 0x20 || c == 0x7f ? ' ' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	sc->s[sc->n] = '\0';
}

/*
 * Where the kernel's message starts in a line pasted from dmesg or a journal: after a "[  12.345678]" or
 * "[Tue Dec  1 08:00:00 2026]" stamp, or after "kernel: " (syslog, journalctl).
 */
static size_t kernel_text_start(const char *text, size_t len)
{
	size_t i = 0;
	const char *k;

	while (i < len && text[i] == ' ')
		i++;
	if (i < len && text[i] == '[') {
		const char *end = memchr(text + i, ']', len - i < 64 ? len - i : 64);

		if (end) {
			for (i = (size_t)(end - text) + 1; i < len && text[i] == ' ';)
				i++;
			return i;
		}
	}
	k = memmem(text, len < 200 ? len : 200, "kernel: ", 8);
	return k ? (size_t)(k - text) + 8 : i;
}

/* An OOM line: the kill, its victim and whether a memory cgroup's limit caused it. */
static void kernel_oom(const struct kernel_line *kl, struct failure_msg *ret)
{
	const struct oom_line *o = &kl->oom;

	ret->oom_kill = true;
	ret->op = OP_ALLOC;
	ret->program = "the kernel (the OOM killer)";
	if (kl->kind == KLINE_MEMCG_USAGE) {
		ret->oom_memcg = true;
		return;
	}
	if (o->kind != OOM_LINE_INVOKED && o->pid > 0 && !ret->oom_victim)
		ret->oom_victim = o->pid;
	ret->oom_memcg |= strstr(o->msg, "Memory cgroup") || strcmp(o->constraint, "CONSTRAINT_MEMCG") == 0 ||
			  o->kind == OOM_LINE_TASK_IN || o->kind == OOM_LINE_GROUP;
	if (ret->oom_memcg && o->oom_memcg[0] && !ret->cgroup[0])
		snprintf(ret->cgroup, sizeof(ret->cgroup), "%s", o->oom_memcg);
}

/*
 * One of the kernel's own lines, as parse/kernel_line.c classifies them for every command; what it adds
 * to ret (what an earlier line of the same paste gave is kept). Returns the errno the line implies (0 for
 * a kill), or -1 when it is not one of them.
 */
static int kernel_line(const char *text, size_t len, struct failure_msg *ret)
{
	struct kernel_line kl;
	size_t start = kernel_text_start(text, len);

	switch (kernel_line_classify(text + start, len - start, &kl)) {
	case KLINE_FORK_REJECTED:
		/* kernel/cgroup/pids.c, pids_can_fork(): the fork gets EAGAIN; printed once per cgroup */
		if (!ret->cgroup[0])
			snprintf(ret->cgroup, sizeof(ret->cgroup), "%.*s", (int)kl.path_len, kl.path);
		ret->op = OP_FORK;
		ret->program = "the kernel (the pids controller)";
		return EAGAIN;
	case KLINE_DATA_ULIMIT:
	case KLINE_COMMIT_REFUSED:
		/* mm/mmap.c and mm/util.c: the allocation of that process is refused with ENOMEM */
		if (kl.pid > 0 && !ret->pid)
			ret->pid = kl.pid;
		ret->op = OP_ALLOC;
		ret->program = "the kernel";
		return ENOMEM;
	case KLINE_OOM:
	case KLINE_MEMCG_USAGE:
		kernel_oom(&kl, ret);
		return 0;
	case KLINE_OTHER:
		break;
	}
	return -1;
}

/* The kernel's lines of a paste, each line alone (the kernel logs one record a line). Returns the first one's errno, or -1. */
static int kernel_lines(const char *text, size_t len, struct failure_msg *ret)
{
	int first = -1;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - text) - i : len - i;
		int r = kernel_line(text + i, n, ret);

		if (first < 0)
			first = r;
		i += n + 1;
	}
	return first;
}

/*
 * systemd's words for a unit's OOM kill (src/core/unit.c, unit_check_oom(): the cgroup's memory.events
 * oom_kill grew; 248+) and the result it then gives the unit. The victim is not named.
 */
static bool systemd_oom_words(const struct scan *sc, struct failure_msg *ret)
{
	if (!strstr(sc->s, "has been killed by the oom killer") && !strstr(sc->s, "failed with result 'oom-kill'"))
		return false;
	ret->oom_kill = true;
	ret->op = OP_ALLOC;
	ret->program = "systemd (the kernel's OOM killer, in a unit)";
	return true;
}

/* The OOM killer's words in a line cut short or retyped, which the kernel's formats do not match whole. */
static bool oom_words(const struct scan *sc, struct failure_msg *ret)
{
	const char *p = strstr(sc->s, "out of memory: kill");

	if (!p)
		return systemd_oom_words(sc, ret);
	ret->oom_kill = true;
	ret->oom_memcg = strstr(sc->s, "memory cgroup out of memory") != NULL;
	p = strstr(p, "process ");
	ret->oom_victim = p ? (int)number_at(p + strlen("process "), 0x3fffffff) : 0;
	ret->op = OP_ALLOC;
	ret->program = "the kernel (the OOM killer)";
	return true;
}

/* "dash: 1: Cannot fork", "sh: 12: Cannot fork": the shape of dash's error. */
static bool dash_shape(const char *s, const char *at)
{
	const char *p = at;

	if (p - s < 4 || p[-1] != ' ' || p[-2] != ':')
		return false;
	for (p -= 3; p > s && is_digit(*p); p--)
		;
	return p < at - 3 && p[0] == ' ' && p > s && p[-1] == ':';
}

/* The calls a line in any language names by their own names. */
static const struct {
	const char *word;
	enum failure_op op;
} call_words[] = {
	{ "fork", OP_FORK }, { "vfork", OP_FORK }, { "clone", OP_FORK }, { "clone3", OP_FORK }, { "posix_spawn", OP_FORK },
	{ "pthread_create", OP_THREAD }, { "malloc", OP_ALLOC }, { "calloc", OP_ALLOC }, { "realloc", OP_ALLOC },
	{ "mmap", OP_ALLOC },
};

/* "(11)": an errno in parentheses, 1 to 133 (EHWPOISON, the last), after a space or a colon, at the end or before punctuation. */
static int errno_in_parentheses(const char *s)
{
	for (const char *p = s; (p = strchr(p, '(')); p++) {
		const char *q = p + 1;
		uint64_t v;

		if (p > s && p[-1] != ' ' && p[-1] != ':')
			continue;
		v = number_at(q, 133);
		if (!v || *q == ' ')
			continue;
		while (is_digit(*q))
			q++;
		if (*q == ')' && (!q[1] || q[1] == ' ' || q[1] == ':' || q[1] == '.' || q[1] == ','))
			return (int)v;
	}
	return 0;
}

/* The first pattern that matches: the program and the operation. Returns the errno it implies. */
static int program_pattern(const struct scan *sc, struct failure_msg *ret)
{
	for (size_t i = 0; i < COUNT(patterns); i++) {
		const struct pattern *p = &patterns[i];
		const char *at = strstr(sc->s, p->text);

		/* the short words (fork:, brk, mmap, malloc) only as words */
		if (at && strlen(p->text) <= 7)
			at = find_word(sc->s, p->text[strlen(p->text) - 1] == ':' ? "fork" : p->text);
		if (!at)
			continue;
		ret->op = p->op;
		ret->program = p->program;
		ret->also_thread = p->also_thread;
		if (strcmp(p->text, "cannot fork") == 0 && dash_shape(sc->s, at))
			ret->program = "dash or another shell";
		return p->err;
	}
	/* in any language: the system call or function named as a word ("системный вызов fork завершился неудачно") */
	for (size_t i = 0; i < COUNT(call_words); i++)
		if (find_word(sc->s, call_words[i].word)) {
			ret->op = call_words[i].op;
			return 0;
		}
	return 0;
}

/* A limit named in the line, and the values it gives ("vm.max_map_count [65530] ... at least [262144]"). */
static void named_limit(const struct scan *sc, struct failure_msg *ret)
{
	for (size_t i = 0; i < COUNT(named_limits); i++) {
		const char *at = strstr(sc->s, named_limits[i].text);

		if (!at)
			continue;
		ret->limit = named_limits[i].limit;
		if (ret->op == OP_UNKNOWN)
			ret->op = named_limits[i].op;
		at += strlen(named_limits[i].text);
		if (*at == ' ' && at[1] == '[')
			ret->limit_value = number_at(at + 2, UINT64_MAX / 10);
		ret->limit_needed = number_after(at, "at least [", UINT64_MAX / 10);
		if (!ret->limit_needed)
			ret->limit_needed = number_after(at, "at least ", UINT64_MAX / 10);
		return;
	}
}

static bool is_unit_char(char c)
{
	/* systemd also allows ':', which ends the name here */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || (c && strchr("_.\\@-", c));
}

/*
 * The unit a systemd message is about: systemd starts a unit's messages with its name, "app.service: "
 * (log_unit_*()), after the journal's or syslog's prefix. The types that have a cgroup.
 */
static void unit_named(const char *text, size_t len, struct failure_msg *ret)
{
	static const char *const types[] = { ".service", ".scope", ".slice", ".socket", ".mount", ".swap" };

	for (size_t i = 0; i < len && i < 300 && !ret->unit[0]; i++) {
		size_t start = i, n;

		if (i > 0 && text[i - 1] != ' ' && text[i - 1] != '\n')
			continue;
		while (i < len && is_unit_char(text[i]))
			i++;
		if (i >= len || text[i] != ':' || (i + 1 < len && text[i + 1] != ' ' && text[i + 1] != '\n'))
			continue;
		n = i - start;
		for (size_t t = 0; t < COUNT(types); t++) {
			size_t tn = strlen(types[t]);

			if (n > tn && n < sizeof(ret->unit) && memcmp(text + i - tn, types[t], tn) == 0) {
				memcpy(ret->unit, text + start, n);
				ret->unit[n] = '\0';
				break;
			}
		}
	}
}

/*
 * "Failed at step EXEC spawning ...: Resource temporarily unavailable": execve(2) fails with EAGAIN only
 * when the set*uid() before it left the user over RLIMIT_NPROC (PF_NPROC_EXCEEDED, Linux 3.1+), so the
 * line implies that limit, of the unit's User= (which it does not name).
 */
static void exec_after_setuid(const struct scan *sc, struct failure_msg *ret)
{
	if (ret->err == EAGAIN && !ret->limit &&
	    (strstr(sc->s, "failed at step exec spawning") || (ret->unit[0] && strstr(sc->s, "failed to execute ")))) {
		ret->op = OP_FORK;
		ret->program = "systemd (starting a unit's process)";
		ret->limit = "user_nproc";
		ret->limit_implied = true;
	}
}

/* A syslog or journal prefix, "sshd[1234]: ": the process that printed the line. */
static int syslog_pid(const char *s)
{
	for (const char *p = s; (p = strchr(p, '[')) && p - s < 200; p++) {
		const char *q = p + 1;
		uint64_t v;

		if (p == s || !(is_alnum(p[-1]) || p[-1] == '-' || p[-1] == '.' || p[-1] == '/'))
			continue;
		v = number_at(q, 0x3fffffff);
		while (is_digit(*q))
			q++;
		if (v && *q == ']' && q[1] == ':')
			return (int)v;
	}
	return 0;
}

/* The words before an errno's number, in the order tried: "errno=12", "[Errno 11]" (lower-cased), "errno: 12" ... */
static const char *const errno_prefixes[] = { "errno=", "[errno ", "errno ", "errno: ", "err=", "error=" };

/* An errno the line spells out: it overrides what the message implies. */
static int errno_given(const struct scan *sc)
{
	const char *s = sc->s;
	size_t start, end;
	int v;

	for (size_t i = 0; i < COUNT(errno_words); i++)
		if (errno_words[i].text[0] == 'e' ? find_word(s, errno_words[i].text) != NULL :
						    strstr(s, errno_words[i].text) != NULL)
			return errno_words[i].err;
	for (size_t i = 0; i < COUNT(errno_prefixes); i++)
		if ((v = (int)number_after(s, errno_prefixes[i], 4095)))
			return v;
	if ((v = errno_in_parentheses(s)))
		return v;
	/* the whole message is a number: an errno */
	for (start = 0; start < sc->n && s[start] == ' '; start++)
		;
	for (end = sc->n; end > start && s[end - 1] == ' '; end--)
		;
	if (end > start && end - start <= 4) {
		size_t i;

		v = 0;
		for (i = start; i < end && is_digit(s[i]); i++)
			v = v * 10 + (s[i] - '0');
		if (i == end && v > 0 && v <= 4095)
			return v;
	}
	return 0;
}

int failure_msg_parse(const char *text, size_t len, struct failure_msg *ret)
{
	struct scan scan, *sc = &scan;
	int err, given;

	memset(ret, 0, sizeof(*ret));
	ret->program = "";
	scan_init(sc, text, len);
	err = kernel_lines(text, len < FAILURE_MSG_MAX ? len : FAILURE_MSG_MAX, ret);
	if (err < 0)
		err = oom_words(sc, ret) ? 0 : program_pattern(sc, ret);
	named_limit(sc, ret);
	unit_named(text, len < FAILURE_MSG_MAX ? len : FAILURE_MSG_MAX, ret);
	/* systemd's line about a unit: the unit is where, not systemd[1] or the "(sleep)[194]" it forked */
	if (!ret->pid && !ret->unit[0])
		ret->pid = syslog_pid(sc->s);
	given = errno_given(sc);
	ret->err = given ? given : err;
	exec_after_setuid(sc, ret);
	return ret->op != OP_UNKNOWN || ret->err || ret->oom_kill || ret->limit ? 0 : -EINVAL;
}

const char *failure_op_name(enum failure_op op)
{
	switch (op) {
	case OP_FORK: return "fork";
	case OP_THREAD: return "thread";
	case OP_ALLOC: return "alloc";
	case OP_UNKNOWN: break;
	}
	return "unknown";
}
