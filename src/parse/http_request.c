// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/http_request.h"

#include <string.h>

/* tchar of RFC 9110 section 5.6.2: what a method or a field name is made of. */
static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The end of the line starting at p (its LF), or NULL when buf has none yet. */
static const char *line_end(const char *p, const char *end)
{
	return memchr(p, '\n', (size_t)(end - p));
}

/* A line's length without its CR LF or LF. */
static size_t content_len(const char *p, const char *lf)
{
	size_t n = (size_t)(lf - p);

	return n && p[n - 1] == '\r' ? n - 1 : n;
}

static int parse_request_line(const char *p, size_t n, struct http_request *r)
{
	const char *sp1 = memchr(p, ' ', n), *sp2, *target, *q;
	size_t tlen;

	if (!sp1 || sp1 == p)
		return -400;
	for (q = p; q < sp1; q++)
		if (!is_tchar((unsigned char)*q))
			return -400;
	if ((size_t)(sp1 - p) == 3 && memcmp(p, "GET", 3) == 0)
		r->method = HTTP_GET;
	else if ((size_t)(sp1 - p) == 4 && memcmp(p, "HEAD", 4) == 0)
		r->method = HTTP_HEAD;
	else
		r->method = HTTP_OTHER;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', (size_t)(p + n - target));
	if (!sp2 || sp2 == target)
		return -400;
	for (q = target; q < sp2; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			return -400;
	/* the version: exactly "HTTP/1.<digit>" */
	if ((size_t)(p + n - (sp2 + 1)) != 8 || memcmp(sp2 + 1, "HTTP/", 5) != 0 || sp2[7] != '.' ||
	    sp2[6] < '0' || sp2[6] > '9' || sp2[8] < '0' || sp2[8] > '9')
		return -400;
	if (sp2[6] != '1')
		return -505;
	r->minor = sp2[8] - '0';
	/* origin-form ("/metrics?x") or absolute-form ("http://host:port/metrics") */
	if (*target != '/') {
		const char *s = memmem(target, (size_t)(sp2 - target), "://", 3);

		if (!s)
			return -400;
		target = memchr(s + 3, '/', (size_t)(sp2 - (s + 3)));
		if (!target) {
			memcpy(r->target, "/", 2);
			return 0;
		}
	}
	q = memchr(target, '?', (size_t)(sp2 - target));
	tlen = (size_t)((q ? q : sp2) - target);
	if (tlen >= HTTP_TARGET_MAX)
		return -414;
	memcpy(r->target, target, tlen);
	r->target[tlen] = '\0';
	return 0;
}

/* A header field line: a token, a colon, then visible characters, spaces and tabs. */
static bool field_ok(const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n);

	if (!colon || colon == p)
		return false;
	for (const char *q = p; q < colon; q++)
		if (!is_tchar((unsigned char)*q))
			return false;
	for (const char *q = colon + 1; q < p + n; q++)
		if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f)
			return false;
	return true;
}

/* A line still being received: it waits for more, unless it already holds a NUL, which no line may. */
static int incomplete(const char *p, const char *end)
{
	return memchr(p, '\0', (size_t)(end - p)) ? -400 : 0;
}

int http_request_parse(const char *buf, size_t len, struct http_request *ret)
{
	const char *p = buf, *end = buf + len, *lf;
	struct http_request r;
	int rc;

	/* RFC 9112 section 2.2: a server should ignore empty lines before the request line */
	while (p < end && (*p == '\r' || *p == '\n')) {
		if (*p == '\r' && (p + 1 == end || p[1] != '\n'))
			return p + 1 == end ? 0 : -400;
		p += *p == '\r' ? 2 : 1;
	}
	lf = line_end(p, end);
	if (!lf)
		return incomplete(p, end);
	memset(&r, 0, sizeof(r));
	rc = parse_request_line(p, content_len(p, lf), &r);
	if (rc < 0)
		return rc;
	for (p = lf + 1;; p = lf + 1) {
		size_t n;

		lf = line_end(p, end);
		if (!lf)
			return incomplete(p, end);
		n = content_len(p, lf);
		if (n == 0)
			break;
		/* obsolete line folding (a line starting with a space) is refused, as RFC 9112 allows */
		if (!field_ok(p, n) || memchr(p, '\r', n))
			return -400;
	}
	r.head_len = (size_t)(lf + 1 - buf);
	*ret = r;
	return 1;
}
