// SPDX-License-Identifier: GPL-2.0-or-later
#include "top/view.h"

#include <string.h>

void top_view_init(struct top_view *v, double now)
{
	memset(v, 0, sizeof(*v));
	v->opened = now;
	/* the watched cgroups (512 by default) and the machine's limits, with room */
	trends_init(&v->trends, 2048);
}

void top_view_free(struct top_view *v)
{
	trends_free(&v->trends);
}

const char *top_sort_name(enum top_sort s)
{
	static const char *const names[] = { "use", "trend", "name" };

	return s < TOP_SORT_N ? names[s] : "?";
}

const char *top_pane_name(enum top_pane p)
{
	static const char *const names[] = { "processes", "parents", "commands", "users", "cgroups" };

	return p < TOP_PANE_N ? names[p] : "?";
}

static void scroll_by(struct top_view *v, long d)
{
	size_t last = v->nrows > v->rows_shown ? v->nrows - v->rows_shown : 0;

	if (d < 0)
		v->scroll = (size_t)-d > v->scroll ? 0 : v->scroll - (size_t)-d;
	else
		v->scroll += (size_t)d;
	if (v->scroll > last)
		v->scroll = last;
}

/*
 * The key of an escape sequence: s is what follows ESC, "[A" or "OA" (a cursor key), "[5~" (PgUp). Returns
 * the bytes it takes, or 0 when it is cut short; *act is what it does.
 */
static size_t escape_key(struct top_view *v, const char *s, size_t n, enum top_key_action *act)
{
	long page = v->rows_shown > 1 ? (long)v->rows_shown - 1 : 1;
	size_t len = 1;

	*act = TOP_KEY_NONE;
	if (n < 2)
		return 0;
	/* CSI: parameters, then a final byte from @ to ~; SS3: one byte */
	if (s[0] == '[')
		while (len < n && !(s[len] >= 0x40 && s[len] <= 0x7e))
			len++;
	if (len >= n)
		return n > 16 ? n : 0; /* a long unknown sequence is dropped whole */
	*act = TOP_KEY_REDRAW;
	switch (s[len]) {
	case 'A': scroll_by(v, -1); break;
	case 'B': scroll_by(v, 1); break;
	case 'H': v->scroll = 0; break;
	case 'F': scroll_by(v, (long)v->nrows); break;
	case '~':
		if (len == 2 && s[1] == '5')
			scroll_by(v, -page);
		else if (len == 2 && s[1] == '6')
			scroll_by(v, page);
		else if (len == 2 && (s[1] == '1' || s[1] == '7'))
			v->scroll = 0;
		else if (len == 2 && (s[1] == '4' || s[1] == '8'))
			scroll_by(v, (long)v->nrows);
		else
			*act = TOP_KEY_NONE;
		break;
	default: *act = TOP_KEY_NONE; break;
	}
	return len + 1;
}

enum top_key_action top_view_keys(struct top_view *v, const char *bytes, size_t n)
{
	char buf[sizeof(v->pending) + 256];
	enum top_key_action ret = TOP_KEY_NONE;
	size_t len = v->npending, i = 0;

	memcpy(buf, v->pending, len);
	if (n > sizeof(buf) - len)
		n = sizeof(buf) - len;
	memcpy(buf + len, bytes, n);
	len += n;
	v->npending = 0;
	while (i < len) {
		char c = buf[i++];
		enum top_key_action act = TOP_KEY_REDRAW;

		if (c == '\033' && i < len && (buf[i] == '[' || buf[i] == 'O')) {
			size_t used = escape_key(v, buf + i, len - i, &act);

			if (used == 0) {
				/* cut between two reads: kept for the next */
				if (len - i + 1 <= sizeof(v->pending)) {
					v->pending[0] = '\033';
					memcpy(v->pending + 1, buf + i, len - i);
					v->npending = len - i + 1;
				}
				return ret;
			}
			i += used;
			if (v->help) {
				v->help = false; /* any key closes the help */
				act = TOP_KEY_REDRAW;
			}
		} else if (v->help) {
			v->help = false;
		} else {
			switch (c) {
			case 'q': case 'Q': return TOP_KEY_QUIT;
			case 's': v->sort = (v->sort + 1) % TOP_SORT_N; v->scroll = 0; break;
			case 'c': v->pane = (v->pane + 1) % TOP_PANE_N; break;
			case 'a': v->all = !v->all; v->scroll = 0; break;
			case 'h': case '?': v->help = true; break;
			case 'k': scroll_by(v, -1); break;
			case 'j': scroll_by(v, 1); break;
			case ' ': case '\f': break; /* redraw */
			default: act = TOP_KEY_NONE; break;
			}
		}
		if (act == TOP_KEY_REDRAW)
			ret = TOP_KEY_REDRAW;
	}
	return ret;
}

void top_view_event(struct top_view *v, const char *line)
{
	char *e = v->events[v->next_event];
	size_t n = strlen(line);

	if (n >= TOP_EVENT_LEN)
		n = TOP_EVENT_LEN - 1;
	/* cut at a character's start: the line is escaped ASCII or UTF-8 */
	while (n > 0 && n < strlen(line) && ((unsigned char)line[n] & 0xc0) == 0x80)
		n--;
	memcpy(e, line, n);
	e[n] = '\0';
	v->next_event = (v->next_event + 1) % TOP_EVENTS;
	if (v->nevents < TOP_EVENTS)
		v->nevents++;
}

const char *top_view_event_at(const struct top_view *v, unsigned i)
{
	if (i >= v->nevents)
		return NULL;
	return v->events[(v->next_event + TOP_EVENTS - 1 - i) % TOP_EVENTS];
}
