// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/human.h"

#include <stdio.h>
#include <string.h>

const char *human_count(uint64_t v, char *out, size_t size)
{
	char digits[32];
	size_t n, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (size_t i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (size)
		out[o < size ? o : size - 1] = '\0';
	return out;
}

const char *human_bytes(uint64_t v, char *out, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;
	double d = (double)v;

	while (d >= 1024.0 && u < 6) {
		d /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%llu B", (unsigned long long)v);
	else if (d >= 100.0 || d == (double)(uint64_t)d)
		snprintf(out, size, "%.0f %s", d, units[u]);
	else
		snprintf(out, size, "%.1f %s", d, units[u]);
	return out;
}
