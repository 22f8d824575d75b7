// SPDX-License-Identifier: GPL-2.0-or-later
/* The cgroups a bounded walk keeps (see cgroup_pick.h). */
#include "model/cgroup_pick.h"

#include "core/buf.h"
#include "core/sort.h"

double cgroup_use_pct(const struct cgroup_info *c)
{
	double best = -1;

	if (c->has_pids_max && !c->pids_unlimited && c->pids_current.known && c->pids_max)
		best = (double)c->pids_current.v * 100.0 / (double)c->pids_max;
	if (c->has_mem_max && !c->mem_unlimited && c->mem_usage_bytes.known && c->mem_max_bytes) {
		/* judged on the working set, as the model judges it (assess_cgroups.c) */
		uint64_t ws = c->mem_usage_bytes.v;
		double pct;

		if (c->mem_inactive_file_bytes.known)
			ws = ws > c->mem_inactive_file_bytes.v ? ws - c->mem_inactive_file_bytes.v : 0;
		pct = (double)ws * 100.0 / (double)c->mem_max_bytes;
		if (pct > best)
			best = pct;
	}
	return best;
}

void cgroup_pick_init(struct cgroup_pick *p, struct arena *mem, size_t max)
{
	*p = (struct cgroup_pick){ .max = max, .left_out_max_pct = -1 };
	if (!max)
		return;
	p->pct = mem_calloc(mem, max, sizeof(*p->pct));
	p->seq = mem_calloc(mem, max, sizeof(*p->seq));
	p->heap = mem_calloc(mem, max, sizeof(*p->heap));
}

/* Slot a is less close than slot b: lower use, or the same use and met later. */
static bool less_close(const struct cgroup_pick *p, size_t a, size_t b)
{
	return p->pct[a] < p->pct[b] || (p->pct[a] == p->pct[b] && p->seq[a] > p->seq[b]);
}

static void sift_down(struct cgroup_pick *p, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < p->n && less_close(p, p->heap[l], p->heap[m]))
			m = l;
		if (r < p->n && less_close(p, p->heap[r], p->heap[m]))
			m = r;
		if (m == i)
			return;
		t = p->heap[i];
		p->heap[i] = p->heap[m];
		p->heap[m] = t;
		i = m;
	}
}

static void left_out(struct cgroup_pick *p, double pct)
{
	p->left_out++;
	if (pct > p->left_out_max_pct)
		p->left_out_max_pct = pct;
}

long cgroup_pick_slot(struct cgroup_pick *p, double pct)
{
	uint64_t seq = p->next_seq++;
	size_t top;

	if (!p->max)
		return (long)p->n++;
	if (p->n < p->max) {
		p->pct[p->n] = pct;
		p->seq[p->n] = seq;
		p->heap[p->n] = p->n;
		if (++p->n == p->max)
			for (size_t i = p->n / 2; i-- > 0;)
				sift_down(p, i);
		return (long)(p->n - 1);
	}
	top = p->heap[0];
	/* met last: on a tie with the least close, it is the one left out */
	if (pct <= p->pct[top]) {
		left_out(p, pct);
		return -1;
	}
	left_out(p, p->pct[top]);
	p->pct[top] = pct;
	p->seq[top] = seq;
	sift_down(p, 0);
	return (long)top;
}

static const struct cgroup_pick *order_pick; /* for the comparison: one sort at a time */

static int cmp_seq(const void *a, const void *b)
{
	uint64_t x = order_pick->seq[*(const size_t *)a], y = order_pick->seq[*(const size_t *)b];

	return (x > y) - (x < y);
}

void cgroup_pick_order(const struct cgroup_pick *p, size_t *order, struct arena *mem)
{
	for (size_t i = 0; i < p->n; i++)
		order[i] = i;
	if (!p->max)
		return;
	order_pick = p;
	xsort(order, p->n, sizeof(*order), cmp_seq, mem);
	order_pick = NULL;
}
