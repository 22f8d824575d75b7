// SPDX-License-Identifier: GPL-2.0-or-later
#include "parse/mountinfo.h"

#include <limits.h>
#include <string.h>

#include "core/text.h"
#include "parse/pid_cgroup.h"

size_t mountinfo_unescape(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		char c = in[i];

		if (c == '\\' && i + 3 < len && in[i + 1] >= '0' && in[i + 1] <= '3' && in[i + 2] >= '0' &&
		    in[i + 2] <= '7' && in[i + 3] >= '0' && in[i + 3] <= '7') {
			c = (char)((in[i + 1] - '0') * 64 + (in[i + 2] - '0') * 8 + (in[i + 3] - '0'));
			i += 3;
		}
		if (c == '\0')
			break;
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

int mount_options_have(const char *opts, const char *name)
{
	return opts && controller_list_has(opts, strlen(opts), name);
}

/* Splits the next blank-separated field of [*p, end). Returns its length, 0 at the end. */
static size_t next_field(const char **p, const char *end, const char **ret_start)
{
	const char *s;

	while (*p < end && **p == ' ')
		(*p)++;
	s = *p;
	while (*p < end && **p != ' ')
		(*p)++;
	*ret_start = s;
	return (size_t)(*p - s);
}

int mountinfo_parse(const char *buf, size_t len, mountinfo_fn fn, void *ctx)
{
	const char *pos = buf, *end = buf + len;
	char root[PATH_MAX], mp[PATH_MAX], mopts[1024], fstype[64], source[PATH_MAX], sopts[1024];
	struct line l;
	int r;

	while (next_line(&pos, end, &l)) {
		const char *p = l.p, *le = l.p + l.len, *f[6];
		size_t fl[6];
		struct mountinfo_entry e;
		bool sep = false;

		/* mount id, parent id, major:minor, root, mount point, mount options */
		for (int i = 0; i < 6; i++)
			fl[i] = next_field(&p, le, &f[i]);
		if (!fl[5])
			continue;
		/* optional fields up to the lone "-" separator */
		for (;;) {
			const char *o;
			size_t ol = next_field(&p, le, &o);

			if (!ol)
				break;
			if (ol == 1 && o[0] == '-') {
				sep = true;
				break;
			}
		}
		if (!sep)
			continue;
		{
			const char *t, *s, *so;
			size_t tl = next_field(&p, le, &t), sl = next_field(&p, le, &s), sol = next_field(&p, le, &so);

			if (!tl)
				continue;
			mountinfo_unescape(t, tl, fstype, sizeof(fstype));
			mountinfo_unescape(s, sl, source, sizeof(source));
			mountinfo_unescape(so, sol, sopts, sizeof(sopts));
		}
		mountinfo_unescape(f[3], fl[3], root, sizeof(root));
		mountinfo_unescape(f[4], fl[4], mp, sizeof(mp));
		mountinfo_unescape(f[5], fl[5], mopts, sizeof(mopts));
		e.root = root;
		e.mount_point = mp;
		e.mount_options = mopts;
		e.fstype = fstype;
		e.source = source;
		e.super_options = sopts;
		r = fn(&e, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}
