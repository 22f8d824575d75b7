// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/oom_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_LEN 4096

/* The last occurrence of needle in [s, end), or NULL. */
static const char *find_last(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	const char *found = NULL;

	for (const char *p = s; p + n <= end; p++) {
		p = memmem(p, (size_t)(end - p), needle, n);
		if (!p)
			break;
		found = p;
	}
	return found;
}

static void copy_span(char *dst, size_t size, const char *start, const char *end)
{
	size_t n = end > start ? (size_t)(end - start) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(dst, start, n);
	dst[n] = '\0';
}

/* A decimal number at *p (optionally negative when neg is allowed); advances *p. */
static bool number(const char **p, const char *end, bool neg, long long *ret)
{
	const char *s = *p;
	bool minus = false;
	long long v = 0;

	if (neg && s < end && *s == '-') {
		minus = true;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (1LL << 53))
			return false;
		v = v * 10 + (*s - '0');
	}
	*p = s;
	*ret = minus ? -v : v;
	return true;
}

/* "key<number>kB" anywhere in [s, end): the number, or false when absent. */
static bool kib_after(const char *s, const char *end, const char *key, uint64_t *ret)
{
	const char *p = memmem(s, (size_t)(end - s), key, strlen(key));
	long long v;

	if (!p)
		return false;
	p += strlen(key);
	if (!number(&p, end, false, &v))
		return false;
	*ret = (uint64_t)v;
	return true;
}

static bool int_after(const char *s, const char *end, const char *key, bool neg, long long *ret)
{
	const char *p = memmem(s, (size_t)(end - s), key, strlen(key));

	if (!p)
		return false;
	p += strlen(key);
	return number(&p, end, neg, ret);
}

/*
 * "N (comm)<closer>": the pid at p, the name up to the last occurrence of closer (the name may hold
 * anything). Returns the position of closer, or NULL.
 */
static const char *pid_and_comm(const char *p, const char *end, const char *closer, struct oom_line *ret)
{
	const char *close;
	long long pid;

	if (!number(&p, end, false, &pid) || pid <= 0 || pid > 0x3fffffff || end - p < 2 || p[0] != ' ' || p[1] != '(')
		return NULL;
	p += 2;
	close = find_last(p, end, closer);
	if (!close)
		return NULL;
	ret->pid = (int)pid;
	copy_span(ret->comm, sizeof(ret->comm), p, close);
	return close;
}

static int parse_killed(const char *s, const char *end, const char *at, struct oom_line *ret)
{
	const char *p = at + strlen("Killed process "), *tail;
	long long v;

	ret->kind = OOM_LINE_KILLED;
	if (at >= s + 2 && at[-2] == ':' && at[-1] == ' ')
		copy_span(ret->msg, sizeof(ret->msg), s, at - 2);
	tail = pid_and_comm(p, end, ") total-vm:", ret);
	if (!tail && (tail = pid_and_comm(p, end, "), UID ", ret))) {
		/* RHEL 7.9 (3.10.0-1160): "Killed process N (comm), UID U, total-vm:..." */
		const char *u = tail + strlen("), UID ");

		if (!number(&u, end, false, &v) || v > 0xffffffffLL || end - u < 2 || u[0] != ',')
			return -EINVAL;
		ret->has_uid = true;
		ret->uid = (uint32_t)v;
	} else if (!tail) {
		/* RHEL 6 (2.6.32-573): "Killed process N, UID U, (comm) total-vm:..." */
		long long pid;
		const char *close;

		if (!number(&p, end, false, &pid) || pid <= 0 || pid > 0x3fffffff || end - p < 6 || memcmp(p, ", UID ", 6))
			return -EINVAL;
		p += 6;
		if (!number(&p, end, false, &v) || v > 0xffffffffLL || end - p < 3 || memcmp(p, ", (", 3))
			return -EINVAL;
		p += 3;
		if (!(close = find_last(p, end, ") total-vm:")))
			return -EINVAL;
		ret->pid = (int)pid;
		ret->has_uid = true;
		ret->uid = (uint32_t)v;
		copy_span(ret->comm, sizeof(ret->comm), p, close);
		tail = close;
	}
	if (!kib_after(tail, end, "total-vm:", &ret->total_vm_kib) || !kib_after(tail, end, "anon-rss:", &ret->anon_rss_kib) ||
	    !kib_after(tail, end, "file-rss:", &ret->file_rss_kib))
		return -EINVAL;
	ret->has_shmem = kib_after(tail, end, "shmem-rss:", &ret->shmem_rss_kib);
	if (int_after(tail, end, "UID:", false, &v) && v <= 0xffffffffLL) {
		ret->has_uid = true;
		ret->uid = (uint32_t)v;
	}
	ret->has_pgtables = kib_after(tail, end, "pgtables:", &ret->pgtables_kib);
	if (int_after(tail, end, "oom_score_adj:", true, &v) && v >= -1000 && v <= 1000) {
		ret->has_adj = true;
		ret->oom_score_adj = (int)v;
	}
	return 0;
}

static int parse_summary(const char *s, const char *end, struct oom_line *ret)
{
	const char *p = s + strlen("oom-kill:"), *q, *uid, *pid, *task;
	long long v;

	ret->kind = OOM_LINE_SUMMARY;
	if (strncmp(p, "constraint=", 11) != 0)
		return -EINVAL;
	p += 11;
	q = memchr(p, ',', (size_t)(end - p));
	copy_span(ret->constraint, sizeof(ret->constraint), p, q ? q : end);
	/* from the end: the task's name may hold commas, the cgroup paths too */
	uid = find_last(s, end, ",uid=");
	pid = uid ? find_last(s, uid, ",pid=") : NULL;
	task = pid ? find_last(s, pid, ",task=") : NULL;
	if (!uid || !pid || !task)
		return -EINVAL;
	q = pid + 5;
	if (!number(&q, end, false, &v) || v <= 0 || v > 0x3fffffff)
		return -EINVAL;
	ret->pid = (int)v;
	q = uid + 5;
	if (number(&q, end, false, &v) && v <= 0xffffffffLL) {
		ret->has_uid = true;
		ret->uid = (uint32_t)v;
	}
	copy_span(ret->comm, sizeof(ret->comm), task + 6, pid);
	ret->global_oom = memmem(s, (size_t)(task - s), ",global_oom", 11) != NULL;
	if ((q = memmem(s, (size_t)(task - s), ",oom_memcg=", 11))) {
		const char *stop = memmem(q + 11, (size_t)(task - q - 11), ",task_memcg=", 12);

		copy_span(ret->oom_memcg, sizeof(ret->oom_memcg), q + 11, stop ? stop : task);
	}
	if ((q = memmem(s, (size_t)(task - s), ",task_memcg=", 12)))
		copy_span(ret->task_memcg, sizeof(ret->task_memcg), q + 12, task);
	return 0;
}

int oom_line_parse(const char *text, size_t len, struct oom_line *ret)
{
	char buf[LINE_MAX_LEN + 1];
	const char *s = buf, *end, *at;
	long long v;

	if (len > LINE_MAX_LEN)
		len = LINE_MAX_LEN;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* a NUL inside ends the line */
	len = strlen(buf);
	end = buf + len;
	memset(ret, 0, sizeof(*ret));

	if (strncmp(s, "oom-kill:", 9) == 0)
		return parse_summary(s, end, ret);
	if (strncmp(s, "oom_reaper: reaped process ", 27) == 0) {
		ret->kind = OOM_LINE_REAPED;
		if (!pid_and_comm(s + 27, end, "), now ", ret))
			return -EINVAL;
		kib_after(s, end, "now anon-rss:", &ret->anon_rss_kib);
		return 0;
	}
	if ((at = strstr(s, "Killed process ")) && (at == s || (at >= s + 2 && at[-2] == ':')))
		return parse_killed(s, end, at, ret);
	if ((at = strstr(s, ": Kill process "))) {
		const char *tail;

		ret->kind = OOM_LINE_SELECTED;
		copy_span(ret->msg, sizeof(ret->msg), s, at);
		tail = pid_and_comm(at + strlen(": Kill process "), end, ") score ", ret);
		if (!tail)
			return -EINVAL;
		tail += strlen(") score ");
		if (!number(&tail, end, false, &v) || v > 1000000)
			return -EINVAL;
		ret->score = (unsigned)v;
		return 0;
	}
	if ((at = find_last(s, end, " invoked oom-killer: "))) {
		ret->kind = OOM_LINE_INVOKED;
		copy_span(ret->comm, sizeof(ret->comm), s, at);
		if (int_after(at, end, "order=", false, &v) && v < 64)
			ret->order = (int)v;
		if (int_after(at, end, "oom_score_adj=", true, &v) && v >= -1000 && v <= 1000) {
			ret->has_adj = true;
			ret->oom_score_adj = (int)v;
		}
		return 0;
	}
	if (strncmp(s, "Task in ", 8) == 0 && (at = find_last(s, end, " killed as a result of limit of "))) {
		ret->kind = OOM_LINE_TASK_IN;
		copy_span(ret->task_memcg, sizeof(ret->task_memcg), s + 8, at);
		copy_span(ret->oom_memcg, sizeof(ret->oom_memcg), at + strlen(" killed as a result of limit of "), end);
		return 0;
	}
	if (strncmp(s, "Tasks in ", 9) == 0 &&
	    (at = find_last(s, end, " are going to be killed due to memory.oom.group set"))) {
		ret->kind = OOM_LINE_GROUP;
		copy_span(ret->oom_memcg, sizeof(ret->oom_memcg), s + 9, at);
		return 0;
	}
	return -EINVAL;
}
