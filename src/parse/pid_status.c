// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/pid_status.h"

#include <errno.h>
#include <string.h>

#include "core/text.h"

size_t pid_status_unescape_name(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		char c = in[i];

		if (c == '\\' && i + 1 < len) {
			char n = in[i + 1];

			if (n == 'n' || n == '\\') {
				c = n == 'n' ? '\n' : '\\';
				i++;
			}
		}
		if (c == '\0')
			break;
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

/* The number after key on a line known to start with it, when it parses and is at most max. */
static bool number_after(const struct line *l, size_t keylen, uint64_t max, uint64_t *ret)
{
	const char *p = l->p + keylen;
	uint64_t v;

	if (parse_u64(&p, l->p + l->len, &v) < 0 || v > max)
		return false;
	*ret = v;
	return true;
}

/* The line starts with key (a literal). */
#define KEY(l, key) ((l)->len >= sizeof(key) - 1 && memcmp((l)->p, key, sizeof(key) - 1) == 0)

int pid_status_parse(const char *buf, size_t len, struct pid_status *ret)
{
	const char *pos = buf, *end = buf + len;
	struct pid_status s;
	struct line l;

	memset(&s, 0, sizeof(s));
	/* some 60 lines, a dozen wanted: dispatched on the first byte, each key compared once */
	while (next_line(&pos, end, &l)) {
		const char *p, *le = l.p + l.len;
		uint64_t v;

		if (!l.len)
			continue;
		switch (l.p[0]) {
		case 'N':
			if (KEY(&l, "Name:")) {
				p = l.p + 5;
				if (p < le && *p == '\t')
					p++;
				pid_status_unescape_name(p, (size_t)(le - p), s.name, sizeof(s.name));
				s.has_name = true;
			} else if (KEY(&l, "NSpid:")) {
				int64_t pid = 0;
				int n = 0;

				p = l.p + 6;
				while (parse_u64(&p, le, &v) == 0 && v <= INT32_MAX) {
					pid = (int64_t)v;
					n++;
				}
				s.nspid_count = n;
				s.nspid_inner = n ? pid : 0;
			}
			break;
		case 'S':
			if (KEY(&l, "State:")) {
				p = l.p + 6;
				skip_blanks(&p, le);
				if (p < le)
					s.state = *p;
			}
			break;
		case 'T':
			if (KEY(&l, "Tgid:") && number_after(&l, 5, INT32_MAX, &v)) {
				s.tgid = (int)v;
				s.has_tgid = true;
			} else if (KEY(&l, "Threads:") && number_after(&l, 8, UINT64_MAX, &s.threads)) {
				s.has_threads = true;
			}
			break;
		case 'P':
			if (KEY(&l, "PPid:") && number_after(&l, 5, INT32_MAX, &v)) {
				s.ppid = (int)v;
				s.has_ppid = true;
			}
			break;
		case 'U':
			if (KEY(&l, "Uid:") && number_after(&l, 4, UINT32_MAX, &v)) {
				s.ruid = (uint32_t)v;
				s.has_uid = true;
			}
			break;
		case 'V':
			if (KEY(&l, "VmSize:")) {
				if (number_after(&l, 7, UINT64_MAX, &s.vm_size_kib))
					s.has_mm = true;
			} else if (KEY(&l, "VmData:")) {
				number_after(&l, 7, UINT64_MAX, &s.vm_data_kib);
			} else if (KEY(&l, "VmRSS:")) {
				number_after(&l, 6, UINT64_MAX, &s.vm_rss_kib);
			} else if (KEY(&l, "VmSwap:")) {
				number_after(&l, 7, UINT64_MAX, &s.vm_swap_kib);
			} else if (KEY(&l, "VmPTE:")) {
				number_after(&l, 6, UINT64_MAX, &s.vm_pte_kib);
			}
			break;
		case 'C':
			if (KEY(&l, "CapEff:")) {
				p = l.p + 7;
				if (parse_hex_u64(&p, le, &s.cap_eff) == 0)
					s.has_cap_eff = true;
			}
			break;
		default:
			break;
		}
	}
	if (!s.has_name || !s.has_uid || !s.has_threads)
		return -EINVAL;
	*ret = s;
	return 0;
}
