// SPDX-License-Identifier: GPL-2.0-or-later
#include "top/trend.h"

#include <errno.h>
#include <string.h>

#include "core/buf.h"

/* FNV-1a over the id and the scope's text; never 0 (the empty slot). */
static uint64_t limit_key(const struct limit *l)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)l->id;

	for (const char *p = l->scope; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h ? h : 1;
}

int trends_init(struct trends *t, size_t cap)
{
	size_t c = 16;

	while (c < cap)
		c <<= 1;
	memset(t, 0, sizeof(*t));
	t->slots = xcalloc(c, sizeof(*t->slots));
	t->spare = xcalloc(c, sizeof(*t->spare));
	t->cap = c;
	return 0;
}

void trends_free(struct trends *t)
{
	xfree(t->slots);
	xfree(t->spare);
	memset(t, 0, sizeof(*t));
}

/* The slot of key in slots: its own, else the empty one where it would go, else NULL (full). */
static struct trend_slot *probe(struct trend_slot *slots, size_t cap, uint64_t key)
{
	for (size_t i = 0, at = (size_t)key & (cap - 1); i < cap; i++, at = (at + 1) & (cap - 1))
		if (slots[at].key == key || slots[at].key == 0)
			return &slots[at];
	return NULL;
}

/* Keeps the slots seen within TREND_FORGET_S: copied into the spare table, which becomes the table. */
static void sweep(struct trends *t, double now)
{
	struct trend_slot *old = t->slots;

	memset(t->spare, 0, t->cap * sizeof(*t->spare));
	t->used = 0;
	for (size_t i = 0; i < t->cap; i++) {
		struct trend_slot *s;

		if (!old[i].key || now - old[i].seen > TREND_FORGET_S)
			continue;
		s = probe(t->spare, t->cap, old[i].key);
		*s = old[i];
		t->used++;
	}
	t->slots = t->spare;
	t->spare = old;
}

const struct trend_slot *trends_find(const struct trends *t, const struct limit *l)
{
	const struct trend_slot *s = t->cap ? probe(t->slots, t->cap, limit_key(l)) : NULL;

	return s && s->key ? s : NULL;
}

const struct trend_slot *trends_note(struct trends *t, const struct limit *l, double now)
{
	uint64_t key = limit_key(l);
	struct trend_slot *s;

	if (!t->cap)
		return NULL;
	s = probe(t->slots, t->cap, key);
	if (!s || !s->key) {
		/* a new limit: at three quarters full, the forgotten ones make room first */
		if (t->used * 4 >= t->cap * 3) {
			sweep(t, now);
			s = probe(t->slots, t->cap, key);
		}
		if (!s || t->used * 4 >= t->cap * 3)
			return NULL;
		memset(s, 0, sizeof(*s));
		s->key = key;
		s->first = l->status;
		t->used++;
	}
	if (l->status > s->first && l->status > s->crossed_to) {
		if (!s->crossed_at)
			s->crossed_at = now;
		s->crossed_to = l->status;
	}
	s->seen = now;
	/* samples a second apart at least; the newest is always now, overwritten until it is a second on */
	if (s->n >= 2 && now - s->s[(s->head + TREND_SAMPLES - 2) % TREND_SAMPLES].t < 1.0) {
		s->s[(s->head + TREND_SAMPLES - 1) % TREND_SAMPLES] = (struct trend_sample){ now, l->basis };
		return s;
	}
	s->s[s->head] = (struct trend_sample){ now, l->basis };
	s->head = (s->head + 1) % TREND_SAMPLES;
	if (s->n < TREND_SAMPLES)
		s->n++;
	return s;
}

void trend_of(const struct trend_slot *s, const struct limit *l, struct trend *ret)
{
	const struct trend_sample *newest, *oldest = NULL;
	uint64_t full;
	double dt;

	memset(ret, 0, sizeof(*ret));
	ret->seconds_to_full = -1;
	if (!s || s->n < 2)
		return;
	newest = &s->s[(s->head + TREND_SAMPLES - 1) % TREND_SAMPLES];
	/* the oldest sample within the window */
	for (unsigned i = s->n; i-- > 1;) {
		const struct trend_sample *x = &s->s[(s->head + TREND_SAMPLES - 1 - i) % TREND_SAMPLES];

		if (newest->t - x->t <= TREND_WINDOW_S) {
			oldest = x;
			break;
		}
	}
	/* a few seconds at least: a rate from one second's noise would be extrapolated to days */
	if (!oldest || (dt = newest->t - oldest->t) < TREND_MIN_SPAN_S)
		return;
	ret->known = true;
	ret->per_minute = ((double)newest->used - (double)oldest->used) * 60.0 / dt;
	full = l->capacity ? l->capacity : l->max;
	if (ret->per_minute > 0 && !l->unlimited && full) {
		double left = newest->used >= full ? 0 : (double)(full - newest->used);

		/* what the status is judged on (a memory cgroup's working set) against where the next operation fails */

		ret->seconds_to_full = left * 60.0 / ret->per_minute;
	}
}
