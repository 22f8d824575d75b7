// SPDX-License-Identifier: GPL-2.0-or-later
/* A kept limit brought up to date by a fresh one (see refresh.h). */
#include "model/refresh.h"

#include <string.h>

void limit_refresh(struct limit *dst, const struct limit *fresh)
{
	dst->used = fresh->used;
	dst->unlimited = fresh->unlimited;
	dst->max = fresh->max;
	dst->capacity = fresh->capacity;
	dst->basis = fresh->basis;
	dst->has_basis = fresh->has_basis;
	dst->enforced = fresh->enforced;
	dst->exempt = fresh->exempt;
	dst->status = fresh->status;
	dst->err = fresh->err;
	for (int i = 0; i < fresh->nfacts; i++) {
		const struct fact *f = &fresh->facts[i];
		struct fact *d = NULL;

		if (fact_kinds[f->id].type == FACT_TYPE_STR)
			continue; /* words: the fresh one's live in its own arena */
		for (int k = 0; k < dst->nfacts && !d; k++)
			if (dst->facts[k].id == f->id)
				d = &dst->facts[k];
		if (!d) {
			if (dst->nfacts >= LIMIT_MAX_FACTS)
				continue;
			d = &dst->facts[dst->nfacts++];
			memset(d, 0, sizeof(*d));
			d->id = f->id;
		}
		d->u = f->u;
		d->b = f->b;
	}
}
