// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/failure_msg.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* A pattern of a known program's message: what failed and, when the message implies it, the errno. */
struct pattern {
	const char *text; /* lowercase; matched anywhere */
	const char *program;
	enum failure_op op;
	int err;          /* implied errno, 0 when the message does not say */
};

/*
 * Most specific first: the first match decides the program and the operation. glibc's pthread_create
 * reports every failure as EAGAIN, so the thread messages imply it.
 */
static const struct pattern patterns[] = {
	{ "unable to create native thread", "Java", OP_THREAD, EAGAIN },
	{ "unable to create new native thread", "Java", OP_THREAD, EAGAIN }, /* Java 8 */
	{ "outofmemoryerror: java heap space", "Java (the JVM's own heap, -Xmx)", OP_ALLOC, 0 },
	{ "outofmemoryerror: metaspace", "Java (the JVM's metaspace, -XX:MaxMetaspaceSize)", OP_ALLOC, 0 },
	{ "outofmemoryerror", "Java", OP_ALLOC, 0 },
	{ "failed to create new os thread", "Go", OP_THREAD, 0 },
	{ "runtime/cgo: pthread_create failed", "Go (cgo)", OP_THREAD, EAGAIN },
	{ "runtime: out of memory", "Go", OP_ALLOC, ENOMEM },
	{ "can't start new thread", "Python", OP_THREAD, EAGAIN },
	{ "blockingioerror", "Python", OP_FORK, 0 },
	{ "memoryerror", "Python", OP_ALLOC, ENOMEM },
	{ "javascript heap out of memory", "Node.js (V8's heap, --max-old-space-size)", OP_ALLOC, 0 },
	{ "spawn eagain", "Node.js", OP_FORK, EAGAIN },
	{ "spawn enomem", "Node.js", OP_FORK, ENOMEM },
	{ "uv_thread_create", "Node.js (libuv)", OP_THREAD, EAGAIN },
	{ "pthread_create", "", OP_THREAD, EAGAIN },
	{ "std::bad_alloc", "C++", OP_ALLOC, ENOMEM },
	{ "xmalloc: cannot allocate", "bash", OP_ALLOC, ENOMEM },
	{ "fork: retry:", "bash", OP_FORK, 0 },
	{ "bash: fork:", "bash", OP_FORK, 0 },
	{ "cannot fork", "dash or another shell", OP_FORK, 0 },
	{ "fork:", "", OP_FORK, 0 },
	{ "fork failed", "", OP_FORK, 0 },
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

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
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

/* A number right after prefix ("errno=", "[errno ", "errno "), from 1 to 4095; 0 when absent. */
static int number_after(const char *s, const char *prefix)
{
	const char *p = strstr(s, prefix);
	int v = 0;

	if (!p)
		return 0;
	for (p += strlen(prefix); *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 4095)
			return 0;
	}
	return v;
}

int failure_msg_parse(const char *text, size_t len, struct failure_msg *ret)
{
	char s[FAILURE_MSG_MAX + 1];
	size_t n = 0, start, end;
	int err = 0;

	ret->op = OP_UNKNOWN;
	ret->err = 0;
	ret->program = "";
	/* lowercase; terminal escape sequences dropped (a pasted coloured message); NULs and other control bytes become spaces */
	for (size_t i = 0; i < len && n < FAILURE_MSG_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == 0x1b && i + 1 < len && text[i + 1] == '[') {
			for (i += 2; i < len && !((unsigned char)text[i] >= 0x40 && (unsigned char)text[i] <= 0x7e); i++)
				;
			continue;
		}
		s[n++] = c < 0x20 || c == 0x7f ? ' ' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	s[n] = '\0';

	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		const struct pattern *p = &patterns[i];
		const char *at = strstr(s, p->text);

		/* the short words (fork:, brk, mmap, malloc) only as words */
		if (at && strlen(p->text) <= 7)
			at = find_word(s, p->text[strlen(p->text) - 1] == ':' ? "fork" : p->text);
		if (at) {
			ret->op = p->op;
			ret->program = p->program;
			err = p->err;
			break;
		}
	}

	/* an explicit errno overrides what the message implies */
	for (size_t i = 0; i < sizeof(errno_words) / sizeof(errno_words[0]); i++) {
		if (errno_words[i].text[0] == 'e' ? find_word(s, errno_words[i].text) != NULL :
						    strstr(s, errno_words[i].text) != NULL) {
			err = errno_words[i].err;
			break;
		}
	}
	{
		int v = number_after(s, "errno=");

		if (!v)
			v = number_after(s, "[errno ");
		if (!v)
			v = number_after(s, "errno ");
		if (v)
			err = v;
	}
	/* the whole message is a number: an errno */
	for (start = 0; start < n && s[start] == ' '; start++)
		;
	for (end = n; end > start && s[end - 1] == ' '; end--)
		;
	if (end > start && end - start <= 4) {
		int v = 0;
		size_t i;

		for (i = start; i < end && s[i] >= '0' && s[i] <= '9'; i++)
			v = v * 10 + (s[i] - '0');
		if (i == end && v > 0 && v <= 4095)
			err = v;
	}
	ret->err = err;
	return ret->op != OP_UNKNOWN || ret->err ? 0 : -EINVAL;
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
