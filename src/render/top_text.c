// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom top's frame: a header, the limits (sorted, with a bar, their trend and the time until full),
 * the consumers pane and the kernel's events; or the help. As a screen (cursor home, each line cleared,
 * clipped to the terminal) or as plain lines for a pipe (top -b).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/escape.h"
#include "core/human.h"
#include "core/sort.h"
#include "render/render.h"
#include "top/view.h"
#include "watch/watch.h"

/* One line being written: columns counted (one per code point), clipped at cols. */
struct line {
	struct buf *out;
	unsigned col, cols;
};

static void put_n(struct line *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* a code point starts at each byte that is not a continuation byte */
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (l->col >= l->cols)
				return;
			l->col++;
		}
		buf_addc(l->out, s[i]);
	}
}

static void put(struct line *l, const char *s)
{
	put_n(l, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3))) putf(struct line *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(l, tmp);
}

/* A string from outside (a name, a path): escaped, then clipped. */
static void put_raw(struct line *l, struct arena *mem, const char *s)
{
	struct buf e;

	buf_init_in(&e, mem);
	escape_text_str(&e, s ? s : "");
	put_n(l, e.data ? e.data : "", e.len);
}

static void pad_to(struct line *l, unsigned col)
{
	while (l->col < col && l->col < l->cols) {
		buf_addc(l->out, ' ');
		l->col++;
	}
}

/* A colour: no column. */
static void color(struct line *l, bool on, const char *code)
{
	if (on)
		buf_adds(l->out, code);
}

/* Ends the line: on a screen the rest of it is cleared. */
static void end_line(struct line *l, bool screen)
{
	buf_adds(l->out, screen ? "\033[K\n" : "\n");
	l->col = 0;
}

/* One limit as a row, with what it is sorted on. */
struct row {
	const struct limit *l;
	double pct;               /* -1 when it has no maximum */
	struct trend trend;
	const struct trend_slot *slot;
};

static int by_use(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->l->status != y->l->status)
		return x->l->status > y->l->status ? -1 : 1;
	if (x->pct != y->pct)
		return x->pct > y->pct ? -1 : 1;
	return strcmp(x->l->scope, y->l->scope);
}

static int by_trend(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double tx = x->trend.seconds_to_full, ty = y->trend.seconds_to_full;

	/* the soonest full first, then the fastest growing, then by use */
	if ((tx >= 0) != (ty >= 0))
		return tx >= 0 ? -1 : 1;
	if (tx >= 0 && tx != ty)
		return tx < ty ? -1 : 1;
	if (x->trend.per_minute != y->trend.per_minute)
		return x->trend.per_minute > y->trend.per_minute ? -1 : 1;
	return by_use(a, b);
}

static int by_name(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(limit_kinds[x->l->id].title, limit_kinds[y->l->id].title);

	return c ? c : strcmp(x->l->scope, y->l->scope);
}

/* "12 s", "4 min", "3 h", "2 d" */
static const char *duration(double s, char *out, size_t size)
{
	if (s < 1)
		snprintf(out, size, "now");
	else if (s < 120)
		snprintf(out, size, "%.0f s", s);
	else if (s < 7200)
		snprintf(out, size, "%.0f min", s / 60);
	else if (s < 172800)
		snprintf(out, size, "%.0f h", s / 3600);
	else
		snprintf(out, size, "%.0f d", s / 86400);
	return out;
}

/* "+1,234", "-2.5", "0": the change per minute, in the limit's unit (bytes made human). */
static const char *per_minute(const struct limit *l, double v, char *out, size_t size)
{
	char n[32];
	double a = fabs(v);

	if (a < 0.05)
		return snprintf(out, size, "0"), out;
	if (l->unit == UNIT_BYTES)
		snprintf(out, size, "%c%s", v < 0 ? '-' : '+', human_bytes((uint64_t)a, n, sizeof(n)));
	else if (a < 10)
		snprintf(out, size, "%+.1f", v);
	else
		snprintf(out, size, "%c%s", v < 0 ? '-' : '+', human_count((uint64_t)(a + 0.5), n, sizeof(n)));
	return out;
}

/* The used and max columns: numbers, bytes made human, or the limit's state. */
static void amounts(const struct limit *l, char *used, char *max, size_t size)
{
	char n[32];

	if (l->unit == UNIT_BYTES)
		human_bytes(l->used, used, size);
	else
		snprintf(used, size, "%s", human_count(l->used, n, sizeof(n)));
	if (l->state)
		snprintf(max, size, "-");
	else if (l->exempt)
		snprintf(max, size, "exempt");
	else if (l->unlimited)
		snprintf(max, size, "none");
	else if (l->unit == UNIT_BYTES)
		human_bytes(l->max, max, size);
	else
		snprintf(max, size, "%s", human_count(l->max, n, sizeof(n)));
}

static void bar(struct line *ln, double pct, enum status s, bool use_color, unsigned width)
{
	unsigned fill = pct <= 0 ? 0 : pct >= 100 ? width : (unsigned)(pct * width / 100 + 0.5);

	put(ln, "[");
	color(ln, use_color, s == STATUS_CRITICAL ? COLOR_CRITICAL : s == STATUS_WARNING ? COLOR_WARNING : COLOR_OK);
	for (unsigned i = 0; i < width; i++)
		put(ln, i < fill ? "#" : (pct < 0 ? " " : "."));
	color(ln, use_color, COLOR_OFF);
	put(ln, "]");
}

/* The hog of a limit, from the last full scan: the report's words. */
static bool hog_words(const struct watch_frame *f, const struct limit *l, char *out, size_t size)
{
	const struct limit *s = assessment_limit(f->scan, l->id, l->scope);

	if (!s || !s->has_top)
		return false;
	task_top_words(&s->top, out, size);
	return true;
}

/*
 * The columns of the limits table for a width: all of them from 110 columns (the hog too from 150);
 * below, no bar and the limits by their short id, so that where each applies still shows at 80.
 */
struct layout {
	unsigned use, bar, used, max, trend, full, limit, of;
	bool with_bar, short_names, hog_column;
};
#define BAR_WIDTH 10

static void layout_for(unsigned cols, struct layout *ly)
{
	if (cols >= 110)
		*ly = (struct layout){ 7, 12, 25, 35, 45, 55, 64, 92, true, false, cols >= 150 };
	else
		*ly = (struct layout){ 7, 0, 12, 21, 30, 40, 48, 60, false, true, false };
}

static void limit_row(struct line *ln, const struct top_frame_opts *o, const struct layout *ly,
		      const struct watch_frame *f, const struct row *r)
{
	const struct limit *l = r->l;
	char used[48], max[48], t[48], when[32];
	const char *word = l->status == STATUS_CRITICAL ? "CRIT" : l->status == STATUS_WARNING ? "WARN" : "ok";

	put(ln, r->slot && r->slot->crossed_at ? "*" : " ");
	pad_to(ln, 2);
	color(ln, o->color && l->status != STATUS_OK, l->status == STATUS_CRITICAL ? COLOR_CRITICAL : COLOR_WARNING);
	put(ln, word);
	color(ln, o->color && l->status != STATUS_OK, COLOR_OFF);
	pad_to(ln, ly->use);
	if (r->pct >= 0)
		putf(ln, "%3.0f%%", r->pct);
	else
		put(ln, "   -");
	if (ly->with_bar) {
		pad_to(ln, ly->bar);
		bar(ln, r->pct, l->status, o->color, BAR_WIDTH);
	}
	pad_to(ln, ly->used);
	amounts(l, used, max, sizeof(used));
	put(ln, l->state ? "" : used);
	pad_to(ln, ly->max);
	put(ln, max);
	pad_to(ln, ly->trend);
	put(ln, r->trend.known ? per_minute(l, r->trend.per_minute, t, sizeof(t)) : "...");
	pad_to(ln, ly->full);
	put(ln, r->trend.seconds_to_full >= 0 ? duration(r->trend.seconds_to_full, when, sizeof(when)) : "-");
	pad_to(ln, ly->limit);
	put(ln, ly->short_names ? limit_kinds[l->id].id : limit_kinds[l->id].title);
	put(ln, " ");
	pad_to(ln, ly->of);
	if (l->state) {
		put_raw(ln, f->mem, l->state);
		put(ln, ": ");
	}
	put_raw(ln, f->mem, l->subject);
	if (ly->hog_column) {
		char hog[320];

		if (hog_words(f, l, hog, sizeof(hog))) {
			put(ln, "  hog: ");
			put_raw(ln, f->mem, hog);
		}
	}
}

/* The limits, sorted, in the view's order; their count in *ret_n. In the frame's arena. */
static struct row *rows_of(const struct top_view *v, const struct watch_frame *f, size_t *ret_n)
{
	const struct assessment *a = f->limits;
	struct row *rows = mem_calloc(f->mem, a->nlimits ? a->nlimits : 1, sizeof(*rows));
	size_t n = 0;

	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];

		if (!v->all && !l->listed)
			continue;
		rows[n].l = l;
		rows[n].pct = limit_percent(l);
		rows[n].slot = trends_find(&v->trends, l);
		trend_of(rows[n].slot, l, &rows[n].trend);
		n++;
	}
	xsort(rows, n, sizeof(*rows), v->sort == TOP_SORT_TREND ? by_trend : v->sort == TOP_SORT_NAME ? by_name : by_use,
	      f->mem);
	*ret_n = n;
	return rows;
}

static void header(struct line *ln, const struct top_view *v, const struct top_frame_opts *o,
		   const struct watch_frame *f, size_t nrows)
{
	const struct assessment *a = f->limits;
	size_t warn = 0, crit = 0;
	char clock[16], scanned[32];
	time_t now = time(NULL);
	struct tm tm;

	for (size_t i = 0; i < a->nlimits; i++) {
		warn += a->limits[i].listed && a->limits[i].status == STATUS_WARNING;
		crit += a->limits[i].listed && a->limits[i].status == STATUS_CRITICAL;
	}
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	putf(ln, "headroom top - %s - %zu limits: ", clock, nrows);
	color(ln, o->color && crit, COLOR_CRITICAL);
	putf(ln, "%zu critical", crit);
	color(ln, o->color && crit, COLOR_OFF);
	put(ln, ", ");
	color(ln, o->color && warn, COLOR_WARNING);
	putf(ln, "%zu warning", warn);
	color(ln, o->color && warn, COLOR_OFF);
	duration(f->stats->last_scan_time > 0 ? (double)now - f->stats->last_scan_time : 0, scanned, sizeof(scanned));
	putf(ln, " - tick %.1f ms, full scan %s%s - sort: %s", f->stats->tick_seconds * 1000, scanned,
	     strcmp(scanned, "now") ? " ago" : "", top_sort_name(v->sort));
	if (o->screen)
		put(ln, " - h: help");
	end_line(ln, o->screen);
}

static void table_header(struct line *ln, const struct layout *ly, bool screen)
{
	put(ln, "  ST");
	pad_to(ln, ly->use);
	put(ln, " USE");
	if (ly->with_bar) {
		pad_to(ln, ly->bar);
		put(ln, "BAR");
	}
	pad_to(ln, ly->used);
	put(ln, "USED");
	pad_to(ln, ly->max);
	put(ln, "MAX");
	pad_to(ln, ly->trend);
	put(ln, "TREND/MIN");
	pad_to(ln, ly->full);
	put(ln, "FULL IN");
	pad_to(ln, ly->limit);
	put(ln, "LIMIT");
	pad_to(ln, ly->of);
	put(ln, ly->hog_column ? "OF, AND ITS HOG" : "OF");
	end_line(ln, screen);
}

/* The consumers pane: its title, then up to n rows of the kind the view shows. */
static void consumers(struct line *ln, const struct top_view *v, const struct top_frame_opts *o,
		      const struct watch_frame *f, size_t n)
{
	const struct consumers *c = &f->scan->consumers;
	char a[32], b[32];
	size_t i;

	putf(ln, "Consumers: %s%s, from the last full scan", top_pane_name(v->pane),
	     o->screen ? " (c: processes, parents, commands, users, cgroups)" : "");
	end_line(ln, o->screen);
	for (i = 0; i < n; i++) {
		switch (v->pane) {
		case TOP_PANE_PROCESSES:
			if (i >= c->nprocs)
				goto done;
			putf(ln, "  %8d  %10s threads  ", c->procs[i].pid, human_count(c->procs[i].threads, a, sizeof(a)));
			put_raw(ln, f->mem, c->procs[i].comm);
			if (c->procs[i].cgroup) {
				put(ln, "  in ");
				put_raw(ln, f->mem, c->procs[i].cgroup);
			}
			break;
		case TOP_PANE_PARENTS:
			if (i >= c->nparents)
				goto done;
			putf(ln, "  %8d  %10s children %8s zombies  ", c->parents[i].pid,
			     human_count(c->parents[i].children, a, sizeof(a)), human_count(c->parents[i].zombies, b, sizeof(b)));
			put_raw(ln, f->mem, c->parents[i].comm ? c->parents[i].comm : "(gone)");
			break;
		case TOP_PANE_COMMANDS:
			if (i >= c->ncommands)
				goto done;
			putf(ln, "  %10s processes %10s tasks  ", human_count(c->commands[i].processes, a, sizeof(a)),
			     human_count(c->commands[i].tasks, b, sizeof(b)));
			put_raw(ln, f->mem, c->commands[i].comm);
			break;
		case TOP_PANE_USERS: {
			const char *name;

			if (i >= c->nusers)
				goto done;
			name = snapshot_user_name(f->scan_snap, c->users[i].uid);
			putf(ln, "  %10s tasks %10s processes  uid %" PRIu32, human_count(c->users[i].tasks, a, sizeof(a)),
			     human_count(c->users[i].processes, b, sizeof(b)), c->users[i].uid);
			if (name) {
				put(ln, " (");
				put_raw(ln, f->mem, name);
				put(ln, ")");
			}
			break;
		}
		case TOP_PANE_CGROUPS:
			if (i >= c->ncgroups)
				goto done;
			putf(ln, "  %10s tasks %10s processes  ", human_count(c->cgroups[i].tasks, a, sizeof(a)),
			     human_count(c->cgroups[i].processes, b, sizeof(b)));
			put_raw(ln, f->mem, c->cgroups[i].path);
			break;
		case TOP_PANE_N:
			goto done;
		}
		end_line(ln, o->screen);
	}
done:
	for (; o->screen && i < n; i++)
		end_line(ln, o->screen);
}

static void events(struct line *ln, const struct top_view *v, const struct top_frame_opts *o, size_t n)
{
	size_t shown = v->nevents < n ? v->nevents : n;

	put(ln, "Kernel events and crossings (newest last):");
	if (!v->nevents)
		put(ln, " none since the view opened");
	end_line(ln, o->screen);
	for (size_t i = shown; i-- > 0;) {
		put(ln, "  ");
		put(ln, top_view_event_at(v, (unsigned)i)); /* stamped and escaped by watch_log */
		end_line(ln, o->screen);
	}
	for (size_t i = shown; o->screen && i < n; i++)
		end_line(ln, o->screen);
}

static const char *const help_lines[] = {
	"headroom top: every limit that can make fork, thread creation or allocation fail, live",
	"",
	"  ST        CRIT at or over the critical threshold, WARN over the warning one; * crossed one since opened",
	"  USE, BAR  the share of its maximum in use",
	"  USED, MAX its use and its maximum (bytes, tasks, pids, mappings, processes)",
	"  TREND/MIN the change of use per minute, over the last minute",
	"  FULL IN   at that rate, when the next operation fails; - while it does not grow",
	"  LIMIT, OF the limit and where it applies; with a wide terminal, its hog",
	"",
	"  q            quit (also Ctrl-C)",
	"  Up, Down     scroll the limits by a line (also k, j)",
	"  PgUp, PgDn   by a page; Home, End: to the first or the last",
	"  s            sort by use, by the time until full (trend), or by name",
	"  c            consumers: processes, parents, commands, users, cgroups",
	"  a            every limit, or only those the report lists",
	"  h, ?         this help; any key closes it",
	"",
	"Each refresh is the daemon's constant-cost tick (the machine's limits and the watched cgroups);",
	"processes are scanned in full every 30 s and at once when a limit crosses a threshold.",
	"headroom top never forks: exec headroom top --no-fork works from a shell that cannot.",
};

void render_top_text(struct top_view *v, const struct top_frame_opts *o, const struct watch_frame *f,
		     struct buf *out)
{
	struct line ln = { out, 0, o->cols ? o->cols : 80 };
	unsigned rows = o->rows ? o->rows : 24, used = 0;
	struct layout ly;
	bool wide;
	size_t nrows, room, pane_rows, event_rows, nhogs = 0, fixed;
	struct row *r = rows_of(v, f, &nrows);

	layout_for(ln.cols, &ly);
	wide = ly.hog_column;

	if (o->screen)
		buf_adds(out, "\033[H");
	header(&ln, v, o, f, nrows);
	used++;
	if (v->help) {
		for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]) && used + 1 < rows; i++, used++) {
			put(&ln, help_lines[i]);
			end_line(&ln, o->screen);
		}
		if (o->screen)
			buf_adds(out, "\033[J");
		return;
	}
	/* the panes' share of the screen; a pipe gets everything */
	event_rows = !o->screen ? (v->nevents < 10 ? v->nevents : 10) : rows >= 30 ? 6 : rows >= 20 ? 3 : 1;
	pane_rows = !o->screen ? 5 : rows >= 24 ? 5 : rows >= 16 ? 2 : 0;
	if (!wide)
		for (size_t i = 0; i < nrows && nhogs < 3; i++) {
			char hog[8];

			nhogs += r[i].l->status > STATUS_OK && hog_words(f, r[i].l, hog, sizeof(hog));
		}
	/* every line ends with a newline: the last row of the screen stays empty, so that nothing scrolls */
	fixed = used + 1 + (pane_rows ? pane_rows + 1 : 0) + event_rows + 1 + nhogs + 1;
	room = !o->screen ? nrows : rows > fixed ? rows - fixed : 1;
	v->nrows = nrows;
	v->rows_shown = room < nrows ? room : nrows;
	if (v->scroll > nrows - v->rows_shown)
		v->scroll = nrows - v->rows_shown;
	table_header(&ln, &ly, o->screen);
	for (size_t i = v->scroll; i < nrows && i < v->scroll + room; i++) {
		limit_row(&ln, o, &ly, f, &r[i]);
		end_line(&ln, o->screen);
	}
	for (size_t i = nrows - v->scroll; o->screen && i < room; i++)
		end_line(&ln, o->screen);
	/* on a narrow terminal, the hogs of the limits past their warning, below the table */
	for (size_t i = 0, shown = 0; !wide && i < nrows && shown < nhogs; i++) {
		char hog[320];

		if (r[i].l->status == STATUS_OK || !hog_words(f, r[i].l, hog, sizeof(hog)))
			continue;
		put(&ln, "hog of ");
		put(&ln, limit_kinds[r[i].l->id].title);
		put(&ln, " of ");
		put_raw(&ln, f->mem, r[i].l->subject);
		put(&ln, ": ");
		put_raw(&ln, f->mem, hog);
		end_line(&ln, o->screen);
		shown++;
	}
	if (pane_rows)
		consumers(&ln, v, o, f, pane_rows);
	events(&ln, v, o, event_rows);
	if (o->screen)
		buf_adds(out, "\033[J");
}
