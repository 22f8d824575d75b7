/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_RENDER_RENDER_H
#define HEADROOM_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "model/limits.h"
#include "model/snapshot.h"

/* Renderers print an assessment; they decide nothing. Every string from outside goes through core/escape. */

struct render_opts {
	bool all;       /* every limit, not only the selection of limit_shown() */
	size_t top;     /* consumers listed per table */
	bool color;     /* ANSI colour for the status words */
	bool details;   /* the evidence and fix block for ok limits too */
};

void render_report_text(const struct snapshot *snap, const struct assessment *a, const struct render_opts *o,
			struct buf *out);
void render_report_json(const struct snapshot *snap, const struct assessment *a, const struct render_opts *o,
			struct buf *out);

/* The report as Prometheus metrics, text exposition format 0.0.4 (headroom(1), METRICS). */
void render_report_prometheus(const struct snapshot *snap, const struct assessment *a, struct buf *out);

/* One limit as the report prints it: the table header and line, then its evidence and fixes. */
void render_limit_text(const struct limit *l, bool color, struct buf *out);

/* One limit as a JSON object of the report's "limits" array, under key (NULL inside an array). */
struct json;
void render_limit_json(struct json *j, const char *key, const struct limit *l);

/* "31,208 tasks", "1.5 GiB", for a value in a limit's unit. */
const char *render_amount(enum unit u, uint64_t v, char *out, size_t size);

/* The JSON document's schema version, bumped on incompatible change (headroom(1), JSON OUTPUT). */
#define REPORT_SCHEMA_VERSION 1

#endif
