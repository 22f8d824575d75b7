/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_HTTP_REQUEST_H
#define HEADROOM_PARSE_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The head of an HTTP/1.x request (RFC 9112), as much as a metrics endpoint needs: the request line
 * and the end of the header block. Header fields are checked for shape and otherwise ignored; a body
 * is not read (GET and HEAD have none the server needs).
 */
enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

#define HTTP_TARGET_MAX 256

struct http_request {
	enum http_method method;
	char target[HTTP_TARGET_MAX]; /* the path, query removed: "/metrics" */
	int minor;                    /* HTTP/1.<minor> */
	size_t head_len;              /* bytes up to and including the blank line */
};

/*
 * Parses the request head at the start of buf[0..len).
 * Returns 1 with *ret filled when the head is complete, 0 when more bytes are needed (nothing in
 * buf is wrong yet), or a negative status: -400 malformed, -414 target longer than HTTP_TARGET_MAX,
 * -505 not HTTP/1.x. *ret is left untouched unless 1 is returned. A bare LF ends lines too
 * (RFC 9112 section 2.2 lets a server accept it); NUL and other control bytes are malformed.
 */
int http_request_parse(const char *buf, size_t len, struct http_request *ret);

#endif
