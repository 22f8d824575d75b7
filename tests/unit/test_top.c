// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom top: the trends, the keys, the events pane and the frame, on hand-made limits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "model/limits.h"
#include "render/render.h"
#include "top/trend.h"
#include "top/view.h"
#include "unit.h"
#include "watch/watch.h"

static struct limit make_limit(enum limit_id id, const char *scope, uint64_t used, uint64_t max, enum status st)
{
	struct limit l;

	memset(&l, 0, sizeof(l));
	l.id = id;
	l.scope = (char *)scope;
	l.subject = (char *)scope;
	l.unit = limit_kinds[id].unit;
	l.used = l.basis = used;
	l.max = l.capacity = max;
	l.enforced = true;
	l.status = st;
	l.listed = true;
	return l;
}

/* A pids cgroup gaining 10 tasks a second: 600 a minute, full when the rest is used at that rate. */
static void trend_of_a_filling_limit(void)
{
	struct trends t;
	struct limit l = make_limit(LIMIT_CGROUP_PIDS, "cgroup:/a", 100, 1000, STATUS_OK);
	const struct trend_slot *s = NULL;
	struct trend tr;

	trends_init(&t, 64);
	for (int i = 0; i <= 4; i++) {
		l.used = l.basis = 100 + 10 * (uint64_t)i;
		s = trends_note(&t, &l, 1000.0 + i);
	}
	trend_of(s, &l, &tr);
	CHECK(!tr.known); /* 4 s of samples: not yet */
	for (int i = 5; i <= 20; i++) {
		l.used = l.basis = 100 + 10 * (uint64_t)i;
		s = trends_note(&t, &l, 1000.0 + i);
	}
	trend_of(s, &l, &tr);
	CHECK(tr.known && fabs(tr.per_minute - 600) < 1);
	CHECK(fabs(tr.seconds_to_full - (1000 - 300) / 10.0) < 0.5);
	/* samples come faster than one a second: the newest is replaced, the rate is the same */
	l.used = l.basis = 305;
	s = trends_note(&t, &l, 1020.5);
	trend_of(s, &l, &tr);
	CHECK(tr.known && fabs(tr.per_minute - 600) < 1);
	/* shrinking: a negative trend, no time to full; no maximum: none either */
	for (int i = 0; i <= 10; i++) {
		l.used = l.basis = 300 - 5 * (uint64_t)i;
		s = trends_note(&t, &l, 1100.0 + i);
	}
	trend_of(s, &l, &tr);
	CHECK(tr.known && tr.per_minute < 0 && tr.seconds_to_full < 0);
	CHECK(trends_find(&t, &l) == s);
	trends_free(&t);
}

/* The status rose above what it was when the view opened: marked, once, with the time. */
static void a_crossing_is_marked(void)
{
	struct trends t;
	struct limit l = make_limit(LIMIT_USER_NPROC, "user:1000", 10, 100, STATUS_OK);
	const struct trend_slot *s;

	trends_init(&t, 16);
	s = trends_note(&t, &l, 1);
	CHECK(s && !s->crossed_at);
	l.status = STATUS_WARNING;
	s = trends_note(&t, &l, 2);
	CHECK(s && s->crossed_at == 2 && s->crossed_to == STATUS_WARNING);
	l.status = STATUS_CRITICAL;
	s = trends_note(&t, &l, 3);
	CHECK(s && s->crossed_at == 2 && s->crossed_to == STATUS_CRITICAL);
	/* a limit that was already critical has not crossed anything */
	l = make_limit(LIMIT_USER_NPROC, "user:1001", 99, 100, STATUS_CRITICAL);
	s = trends_note(&t, &l, 3);
	CHECK(s && !s->crossed_at);
	trends_free(&t);
}

/* The table is made once: when it is three quarters full, limits not seen for two minutes give way. */
static void a_full_table_forgets_the_gone(void)
{
	struct trends t;
	char scopes[40][32];
	struct limit l;
	size_t noted = 0;

	trends_init(&t, 16);
	for (int i = 0; i < 40; i++) {
		snprintf(scopes[i], sizeof(scopes[i]), "cgroup:/c%d", i);
		l = make_limit(LIMIT_CGROUP_PIDS, scopes[i], 1, 10, STATUS_OK);
		noted += trends_note(&t, &l, 10) != NULL;
	}
	CHECK_U64(noted, 12); /* 3/4 of 16 */
	l = make_limit(LIMIT_CGROUP_PIDS, scopes[0], 1, 10, STATUS_OK);
	CHECK(trends_note(&t, &l, 20) != NULL); /* one already there still is */
	/* two minutes on, the others are forgotten: the new ones fit */
	l = make_limit(LIMIT_CGROUP_PIDS, scopes[39], 1, 10, STATUS_OK);
	CHECK(trends_note(&t, &l, 10 + TREND_FORGET_S + 1) != NULL);
	l = make_limit(LIMIT_CGROUP_PIDS, scopes[0], 1, 10, STATUS_OK);
	CHECK(trends_find(&t, &l) != NULL); /* seen at 20: kept */
	l = make_limit(LIMIT_CGROUP_PIDS, scopes[5], 1, 10, STATUS_OK);
	CHECK(trends_find(&t, &l) == NULL);
	trends_free(&t);
}

static void keys(void)
{
	struct top_view v;

	top_view_init(&v, 0);
	v.nrows = 50;
	v.rows_shown = 10;
	CHECK(top_view_keys(&v, S("\033[B")) == TOP_KEY_REDRAW && v.scroll == 1);
	CHECK(top_view_keys(&v, S("\033[6~")) == TOP_KEY_REDRAW && v.scroll == 10);
	CHECK(top_view_keys(&v, S("\033[F")) == TOP_KEY_REDRAW && v.scroll == 40); /* End: the last page */
	CHECK(top_view_keys(&v, S("\033[B")) == TOP_KEY_REDRAW && v.scroll == 40);
	CHECK(top_view_keys(&v, S("\033[H")) == TOP_KEY_REDRAW && v.scroll == 0);
	CHECK(top_view_keys(&v, S("\033[A")) == TOP_KEY_REDRAW && v.scroll == 0);
	/* a sequence cut between two reads */
	CHECK(top_view_keys(&v, S("\033[")) == TOP_KEY_NONE);
	CHECK(top_view_keys(&v, S("B")) == TOP_KEY_REDRAW && v.scroll == 1);
	CHECK(top_view_keys(&v, S("\033O")) == TOP_KEY_NONE);
	CHECK(top_view_keys(&v, S("B")) == TOP_KEY_REDRAW && v.scroll == 2);
	/* sort, pane, all */
	CHECK(top_view_keys(&v, S("s")) == TOP_KEY_REDRAW && v.sort == TOP_SORT_TREND && v.scroll == 0);
	CHECK(top_view_keys(&v, S("ss")) == TOP_KEY_REDRAW && v.sort == TOP_SORT_USE);
	CHECK(top_view_keys(&v, S("c")) == TOP_KEY_REDRAW && v.pane == TOP_PANE_PARENTS);
	CHECK(top_view_keys(&v, S("a")) == TOP_KEY_REDRAW && v.all);
	/* help: any key closes it, q too (it does not quit from the help) */
	CHECK(top_view_keys(&v, S("?")) == TOP_KEY_REDRAW && v.help);
	CHECK(top_view_keys(&v, S("q")) == TOP_KEY_REDRAW && !v.help);
	CHECK(top_view_keys(&v, S("x")) == TOP_KEY_NONE);
	CHECK(top_view_keys(&v, S("jq")) == TOP_KEY_QUIT);
	/* an unknown or endless sequence is dropped, not kept forever */
	CHECK(top_view_keys(&v, S("\033[99;99;99;99;99;99;99X")) == TOP_KEY_NONE && v.npending == 0);
	top_view_free(&v);
}

static void events_pane(void)
{
	struct top_view v;
	char line[400];

	top_view_init(&v, 0);
	CHECK(top_view_event_at(&v, 0) == NULL);
	for (int i = 0; i < TOP_EVENTS + 6; i++) {
		snprintf(line, sizeof(line), "event %d", i);
		top_view_event(&v, line);
	}
	CHECK_U64(v.nevents, TOP_EVENTS);
	CHECK_STR(top_view_event_at(&v, 0), "event 69");
	CHECK_STR(top_view_event_at(&v, TOP_EVENTS - 1), "event 6");
	CHECK(top_view_event_at(&v, TOP_EVENTS) == NULL);
	/* a long line is cut whole characters: no half of a UTF-8 sequence */
	memset(line, 'a', sizeof(line));
	memcpy(line + TOP_EVENT_LEN - 2, "\xc3\xa9\xc3\xa9", 4);
	line[sizeof(line) - 1] = '\0';
	top_view_event(&v, line);
	CHECK(strlen(top_view_event_at(&v, 0)) == TOP_EVENT_LEN - 2);
	top_view_free(&v);
}

/* Counts the columns of each line (one per code point, escape sequences none) and the raw ESC bytes that are not ours. */
static unsigned widest_line(const char *s)
{
	unsigned w = 0, widest = 0;

	for (const char *p = s; *p; p++) {
		if (*p == '\033') {
			while (*p && !(*p >= 0x40 && *p <= 0x7e && p[-1] != '\033' && *p != '['))
				p++;
			continue;
		}
		if (*p == '\n') {
			widest = w > widest ? w : widest;
			w = 0;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			w++;
		}
	}
	return w > widest ? w : widest;
}

static void frame(void)
{
	struct limit ls[3];
	struct assessment a = { 0 }, scan = { 0 };
	struct snapshot snap;
	struct watch_stats st = { 0 };
	struct top_view v;
	struct arena mem;
	struct watch_frame f;
	struct buf out;
	char *first, *second;

	ls[0] = make_limit(LIMIT_CGROUP_PIDS, "cgroup:/ok", 10, 100, STATUS_OK);
	ls[1] = make_limit(LIMIT_CGROUP_PIDS, "cgroup:/full", 100, 100, STATUS_CRITICAL);
	ls[2] = make_limit(LIMIT_CGROUP_PIDS, "cgroup:/evil\033[31m\xe2\x80\xae", 85, 100, STATUS_WARNING);
	a.limits = ls;
	a.nlimits = 3;
	snapshot_init(&snap, NULL);
	CHECK(arena_init(&mem, 1 << 20) == 0);
	top_view_init(&v, 0);
	trends_note(&v.trends, &ls[0], 1);
	ls[0].status = STATUS_WARNING; /* crossed since opened */
	trends_note(&v.trends, &ls[0], 2);
	f = (struct watch_frame){ &a, &scan, &snap, &st, &mem, 2 };
	buf_init(&out);
	render_top_text(&v, &(struct top_frame_opts){ 24, 200, false, false }, &f, &out);
	/* by use: critical, then the warnings by percent */
	first = strstr(out.data, "/full");
	second = strstr(out.data, "/evil");
	CHECK(first && second && first < second && second < strstr(out.data, "/ok"));
	CHECK(strstr(out.data, "\n* WARN") != NULL); /* /ok crossed */
	CHECK(strchr(out.data, '\033') == NULL);      /* the name's escape is shown escaped */
	CHECK(strstr(out.data, "evil\\x1b[31m") != NULL && strstr(out.data, "\xe2\x80\xae") == NULL);
	if (!strstr(out.data, "evil\\x1b[31m"))
		fputs(out.data, stdout);
	/* a screen: every line within the width, the screen cleared below */
	buf_reset(&out);
	render_top_text(&v, &(struct top_frame_opts){ 12, 60, true, true }, &f, &out);
	CHECK(widest_line(out.data) <= 60);
	CHECK(strncmp(out.data, "\033[H", 3) == 0 && strstr(out.data, "\033[J") != NULL);
	/* at most rows - 1 lines: the screen does not scroll */
	{
		unsigned lines = 0;

		for (const char *p = out.data; *p; p++)
			lines += *p == '\n';
		CHECK(lines <= 11);
	}
	CHECK(v.nrows == 3);
	/* the help replaces the body */
	v.help = true;
	buf_reset(&out);
	render_top_text(&v, &(struct top_frame_opts){ 40, 120, true, false }, &f, &out);
	CHECK(strstr(out.data, "any key closes it") != NULL && strstr(out.data, "/full") == NULL);
	buf_free(&out);
	top_view_free(&v);
	arena_destroy(&mem);
	snapshot_free(&snap);
}

int main(void)
{
	RUN(trend_of_a_filling_limit);
	RUN(a_crossing_is_marked);
	RUN(a_full_table_forgets_the_gone);
	RUN(keys);
	RUN(events_pane);
	RUN(frame);
	return 0;
}
