// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the history's assembly with a whole log: each line split by log_text_parse() as the readers do,
 * fed to history_add_line() (the kernel's lines, the user-space killers', failure lines), then
 * history_finish() and both renderers. The JSON is valid UTF-8 and every event lies in one incident.
 */
#include "core/buf.h"
#include "diagnose/history.h"
#include "fuzz.h"
#include "parse/log_text.h"
#include "render/render.h"

static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (!k || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

/* Feeds the input's lines as one source; with skip, those history_scan finds nothing in are only counted. */
static void feed(struct history *h, const uint8_t *data, const char *buf, size_t size, bool skip)
{
	const char *p = buf, *end = buf + size;
	const char *boot = size && (data[0] & 2) ? "0123456789abcdef0123456789abcdef" : NULL;

	history_source_begin(h, size && (data[0] & 1) ? "journal" : "paste");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct log_text_line t;
		struct hist_line l;

		if (skip && !history_line_wanted(h, p, p + len, memmem(p, len < 256 ? len : 256, " kernel: [", 10) != NULL)) {
			history_skip_lines(h, 1, boot);
			p += len + (nl != NULL);
			continue;
		}
		log_text_parse(p, len, &t);
		history_line_from_text(&t, p, len, &l);
		l.boot_id = boot ? boot : t.boot_id[0] ? t.boot_id : NULL;
		l.boot_start = t.form == LOG_FORM_BOOT;
		history_add_line(h, &l);
		p += len + (nl != NULL);
	}
	history_finish(h, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_dup(data, size);
	struct history h, hs;
	struct history_filter f = { 0 };
	struct buf out;
	size_t total = 0;

	history_init(&h);
	feed(&h, data, buf, size, false);
	for (size_t k = 0; k < h.nincidents; k++) {
		FUZZ_CHECK(h.incidents[k].first == total && h.incidents[k].n > 0);
		total += h.incidents[k].n;
	}
	FUZZ_CHECK(total == h.n);
	for (size_t i = 0; i < h.n; i++)
		FUZZ_CHECK(h.events[i].n_evidence <= HIST_EVIDENCE_MAX && h.events[i].count >= 1);
	/* the lines a reader skips unparsed change nothing: history_scan is a superset of what matters */
	history_init(&hs);
	feed(&hs, data, buf, size, true);
	FUZZ_CHECK(hs.n == h.n && hs.sources[0].lines == h.sources[0].lines);
	for (size_t i = 0; i < h.n && i < hs.n; i++)
		FUZZ_CHECK(hs.events[i].kind == h.events[i].kind && hs.events[i].killer == h.events[i].killer &&
			   hs.events[i].pid == h.events[i].pid && hs.events[i].count == h.events[i].count &&
			   hs.events[i].n_evidence == h.events[i].n_evidence);
	history_free(&hs);
	buf_init(&out);
	render_history_json(&h, &f, &out, NULL, NULL);
	FUZZ_CHECK(valid_utf8((const unsigned char *)out.data, out.len));
	buf_reset(&out);
	render_history_text(&h, &f, false, &out, NULL, NULL);
	for (size_t i = 0; i < out.len; i++)
		FUZZ_CHECK((unsigned char)out.data[i] >= 0x20 || out.data[i] == '\n');
	buf_free(&out);
	history_free(&h);
	free(buf);
	return 0;
}
