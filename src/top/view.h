/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_TOP_VIEW_H
#define HEADROOM_TOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "top/trend.h"

/*
 * headroom top's state between frames: the order of the limits, the consumers pane, the scroll, the
 * help, each limit's trend and the last kernel events. No I/O: the command layer reads the keys and
 * draws; the renderer (render/top_text.c) reads this.
 */

enum top_sort { TOP_SORT_USE, TOP_SORT_TREND, TOP_SORT_NAME, TOP_SORT_N };
enum top_pane { TOP_PANE_PROCESSES, TOP_PANE_PARENTS, TOP_PANE_COMMANDS, TOP_PANE_USERS, TOP_PANE_CGROUPS, TOP_PANE_N };

#define TOP_EVENTS 64        /* the last kernel events and log lines kept */
#define TOP_EVENT_LEN 320

struct top_view {
	enum top_sort sort;
	enum top_pane pane;
	bool all;                /* every limit, not only those the report lists */
	bool help;
	size_t scroll;           /* the first limit row shown */
	size_t rows_shown;       /* limit rows the last frame had room for (PgUp/PgDn move by it) */
	size_t nrows;            /* limit rows in the last frame */
	struct trends trends;
	char events[TOP_EVENTS][TOP_EVENT_LEN];
	unsigned nevents, next_event;
	double opened;           /* monotonic seconds */
	char pending[8];         /* an escape sequence cut between two reads */
	size_t npending;
};

/* What a key asks for. */
enum top_key_action { TOP_KEY_NONE, TOP_KEY_REDRAW, TOP_KEY_QUIT };

void top_view_init(struct top_view *v, double now);
void top_view_free(struct top_view *v);

/*
 * The bytes read from the terminal: q quits; arrows, PgUp/PgDn, Home/End scroll; s changes the sort,
 * c the consumers pane, a shows every limit or the listed ones, h or ? the help (any key closes it).
 * A sequence cut between two reads is kept for the next.
 */
enum top_key_action top_view_keys(struct top_view *v, const char *bytes, size_t n);

/* A log line (stamped, escaped) into the events pane, the oldest dropped. */
void top_view_event(struct top_view *v, const char *line);
/* The i-th newest event (0: the newest), or NULL. */
const char *top_view_event_at(const struct top_view *v, unsigned i);

const char *top_sort_name(enum top_sort s);
const char *top_pane_name(enum top_pane p);

#endif
