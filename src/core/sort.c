// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/sort.h"

#include <string.h>

#include "core/buf.h"

/* Merges the sorted runs [a, a+na) and [a+na, a+n) through tmp; ties keep the left run first. */
static void merge(char *a, size_t na, size_t n, size_t size, char *tmp, int (*cmp)(const void *, const void *))
{
	char *l = a, *le = a + na * size, *r = le, *re = a + n * size, *o = tmp;

	while (l < le && r < re) {
		if (cmp(r, l) < 0) {
			memcpy(o, r, size);
			r += size;
		} else {
			memcpy(o, l, size);
			l += size;
		}
		o += size;
	}
	memcpy(o, l, (size_t)(le - l));
	o += le - l;
	memcpy(o, r, (size_t)(re - r));
	memcpy(a, tmp, n * size);
}

static void msort(char *a, size_t n, size_t size, char *tmp, int (*cmp)(const void *, const void *))
{
	size_t na;

	if (n < 2)
		return;
	na = n / 2;
	msort(a, na, size, tmp, cmp);
	msort(a + na * size, n - na, size, tmp, cmp);
	if (cmp(a + na * size, a + (na - 1) * size) < 0)
		merge(a, na, n, size, tmp, cmp);
}

void xsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *), struct arena *mem)
{
	char *tmp;

	if (n < 2 || !size)
		return;
	tmp = mem_alloc(mem, n * size);
	msort(base, n, size, tmp, cmp);
	xfree(tmp);
}
