// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the journal export parser (journal_export_feed(), journal_export_finish()) with the input
 * fed whole, byte by byte and in chunks of pseudo-random sizes: the same entries and counters each
 * time; every value lies inside the parser, within its bounds; the callback's stop comes back. And
 * journal_export_looks_like() on it.
 */
#include <errno.h>

#include "fuzz.h"
#include "parse/journal_export.h"

static struct journal_export_parser parser;

struct seen {
	uint64_t hash;   /* FNV-1a over every entry's fields */
	uint64_t n;
	uint64_t stop_at;  /* > 0: stop (-ECANCELED) at that entry */
};

static void mix(uint64_t *h, const void *data, size_t len)
{
	const unsigned char *s = data;

	for (size_t i = 0; i < len; i++) {
		*h ^= s[i];
		*h *= 0x100000001b3ull;
	}
}

static void mix_str(uint64_t *h, const char *s, size_t len)
{
	uint8_t present = s != NULL;

	mix(h, &present, 1);
	if (!s) {
		FUZZ_CHECK(len == 0);
		return;
	}
	/* inside the parser's own buffer: nothing points into the caller's chunk */
	FUZZ_CHECK(fuzz_inside(s, len, parser.data, sizeof(parser.data)));
	mix(h, &len, sizeof(len));
	mix(h, s, len);
}

static int on_entry(void *ctx, const struct journal_entry *e)
{
	struct seen *sn = ctx;
	uint64_t *h = &sn->hash;
	size_t others = e->identifier_len + e->comm_len + e->unit_len + e->systemd_unit_len + e->systemd_cgroup_len +
			e->message_id_len + e->unit_result_len;

	sn->n++;
	FUZZ_CHECK(parser.entries == sn->n || sn->stop_at);
	FUZZ_CHECK(e->priority >= -1 && e->priority <= 7);
	FUZZ_CHECK(e->pid >= 0);
	FUZZ_CHECK(e->message_len <= JOURNAL_FIELD_MAX);
	FUZZ_CHECK(!e->message_truncated || e->message);
	FUZZ_CHECK(!e->message_truncated || parser.truncated_fields > 0);
	/* the strings other than MESSAGE share what is left */
	FUZZ_CHECK(others <= JOURNAL_ENTRY_MAX - JOURNAL_FIELD_MAX);
	FUZZ_CHECK(e->boot_id[32] == '\0' || e->boot_id[0] == '\0');
	size_t bl = strlen(e->boot_id);
	FUZZ_CHECK(bl == 0 || bl == 32);
	for (size_t i = 0; i < bl; i++)
		FUZZ_CHECK((e->boot_id[i] >= '0' && e->boot_id[i] <= '9') || (e->boot_id[i] >= 'a' && e->boot_id[i] <= 'f'));

	uint8_t flags[6] = { e->has_realtime, e->has_monotonic, e->has_source_monotonic, e->kernel,
			     e->message_truncated, e->has_n_processes };
	mix(h, flags, sizeof(flags));
	if (e->has_realtime)
		mix(h, &e->realtime_usec, 8);
	if (e->has_monotonic)
		mix(h, &e->monotonic_usec, 8);
	if (e->has_source_monotonic)
		mix(h, &e->source_monotonic_usec, 8);
	if (e->has_n_processes)
		mix(h, &e->n_processes, 8);
	mix(h, e->boot_id, bl);
	mix(h, &e->priority, sizeof(e->priority));
	mix(h, &e->pid, sizeof(e->pid));
	mix_str(h, e->message, e->message_len);
	mix_str(h, e->identifier, e->identifier_len);
	mix_str(h, e->comm, e->comm_len);
	mix_str(h, e->unit, e->unit_len);
	mix_str(h, e->systemd_unit, e->systemd_unit_len);
	mix_str(h, e->systemd_cgroup, e->systemd_cgroup_len);
	mix_str(h, e->message_id, e->message_id_len);
	mix_str(h, e->unit_result, e->unit_result_len);
	return sn->stop_at && sn->n == sn->stop_at ? -ECANCELED : 0;
}

struct result {
	struct seen seen;
	uint64_t entries, malformed, truncated;
	int ret;
};

/* Feeds buf in chunks: step 0 whole, 1 byte by byte, else sizes drawn from seed. */
static struct result run(const char *buf, size_t size, size_t step, uint64_t seed, uint64_t stop_at)
{
	struct result res = { .seen = { .hash = 0xcbf29ce484222325ull, .stop_at = stop_at } };
	size_t off = 0;
	int r = 0;

	journal_export_init(&parser);
	while (off < size && r == 0) {
		size_t n;

		if (step == 0) {
			n = size;
		} else if (step == 1) {
			n = 1;
		} else {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			n = 1 + (size_t)((seed >> 33) % step);
		}
		if (n > size - off)
			n = size - off;
		/* each chunk a copy of its own: a read past its end trips AddressSanitizer */
		char *chunk = fuzz_dup((const uint8_t *)buf + off, n);
		r = journal_export_feed(&parser, chunk, n, on_entry, &res.seen);
		free(chunk);
		off += n;
	}
	if (r == 0)
		r = journal_export_finish(&parser, on_entry, &res.seen);
	res.ret = r;
	res.entries = parser.entries;
	res.malformed = parser.malformed;
	res.truncated = parser.truncated_fields;
	FUZZ_CHECK(r == 0 || r == -ECANCELED);
	return res;
}

static void same(const struct result *a, const struct result *b)
{
	FUZZ_CHECK(a->seen.hash == b->seen.hash);
	FUZZ_CHECK(a->seen.n == b->seen.n);
	FUZZ_CHECK(a->entries == b->entries);
	FUZZ_CHECK(a->malformed == b->malformed);
	FUZZ_CHECK(a->truncated == b->truncated);
	FUZZ_CHECK(a->ret == b->ret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	uint64_t seed = size;
	struct result whole, other;

	for (size_t i = 0; i < size && i < 16; i++)
		seed = seed * 31 + data[i];
	whole = run(buf, size, 0, 0, 0);
	FUZZ_CHECK(whole.ret == 0);
	FUZZ_CHECK(whole.entries == whole.seen.n);
	/* every line is at most one malformed count; a field is at most one truncation */
	FUZZ_CHECK(whole.malformed <= size);
	FUZZ_CHECK(whole.truncated <= size + 1);
	if (size <= 4096) {
		other = run(buf, size, 1, 0, 0);
		same(&whole, &other);
	}
	other = run(buf, size, 3, seed, 0);
	same(&whole, &other);
	other = run(buf, size, 97, seed, 0);
	same(&whole, &other);
	other = run(buf, size, 5000, seed, 0);
	same(&whole, &other);

	/* a stop at the k-th entry: fn's value comes back, after exactly k entries */
	if (whole.seen.n > 0) {
		uint64_t k = 1 + seed % whole.seen.n;

		other = run(buf, size, 7, seed, k);
		FUZZ_CHECK(other.ret == -ECANCELED && other.seen.n == k);
	}
	(void)journal_export_looks_like(buf, size);
	free(buf);
	return 0;
}
