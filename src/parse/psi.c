// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/psi.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

/* Parses "avg10=12.34" (key already matched) into hundredths. */
static int parse_centi(const char **p, const char *end, uint32_t *ret)
{
	uint64_t whole, frac = 0;
	int digits = 0;

	if (parse_u64(p, end, &whole) < 0 || whole > 100000)
		return -EINVAL;
	if (*p < end && **p == '.') {
		(*p)++;
		while (*p < end && **p >= '0' && **p <= '9') {
			if (digits < 2)
				frac = frac * 10 + (uint64_t)(**p - '0');
			digits++;
			(*p)++;
		}
	}
	if (digits == 1)
		frac *= 10;
	*ret = (uint32_t)(whole * 100 + frac);
	return 0;
}

static int parse_psi_line(const char *p, const char *end, struct psi_line *ret)
{
	struct psi_line pl;
	static const char *const keys[] = { "avg10=", "avg60=", "avg300=", "total=" };
	uint32_t *centi[] = { &pl.avg10_centi, &pl.avg60_centi, &pl.avg300_centi };

	memset(&pl, 0, sizeof(pl));
	for (int k = 0; k < 4; k++) {
		size_t n = strlen(keys[k]);

		skip_blanks(&p, end);
		if ((size_t)(end - p) < n || memcmp(p, keys[k], n) != 0)
			return -EINVAL;
		p += n;
		if (k < 3) {
			if (parse_centi(&p, end, centi[k]) < 0)
				return -EINVAL;
		} else if (parse_u64(&p, end, &pl.total_us) < 0) {
			return -EINVAL;
		}
	}
	pl.present = true;
	*ret = pl;
	return 0;
}

int psi_parse(const char *buf, size_t len, struct psi *ret)
{
	const char *pos = buf, *end = buf + len;
	struct psi psi;
	struct line l;

	memset(&psi, 0, sizeof(psi));
	while (next_line(&pos, end, &l)) {
		if (line_has_prefix(&l, "some "))
			parse_psi_line(l.p + 5, l.p + l.len, &psi.some);
		else if (line_has_prefix(&l, "full "))
			parse_psi_line(l.p + 5, l.p + l.len, &psi.full);
	}
	if (!psi.some.present && !psi.full.present)
		return -EINVAL;
	*ret = psi;
	return 0;
}
