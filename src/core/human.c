// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/human.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

const char *human_log_time(uint64_t usec, int64_t boot_epoch, char *out, size_t size)
{
	time_t t = (time_t)(boot_epoch + (int64_t)(usec / 1000000));
	struct tm tm;

	if (!boot_epoch || !gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, size, "%" PRIu64 ".%06" PRIu64 " s after boot", usec / 1000000, usec % 1000000);
	return out;
}
