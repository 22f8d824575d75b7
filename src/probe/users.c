// SPDX-License-Identifier: GPL-2.0-or-later
/* Names for the uids that own processes, from the root's /etc/passwd (no NSS: a fixture tree has no daemons). */
#include <errno.h>
#include <string.h>

#include "parse/passwd.h"
#include "probe/probe.h"

static int on_user(const char *name, size_t len, uint32_t uid, void *ctx)
{
	struct snapshot *snap = ctx;
	bool wanted = false;

	for (size_t i = 0; i < snap->tally.leaves.n && !wanted; i++)
		wanted = tally_leaf_at(&snap->tally, i)->uid == uid;
	if (!wanted || snapshot_user_name(snap, uid))
		return 0;
	MEM_GROW(snap->mem, snap->user_names, snap->user_names_cap, snap->nuser_names + 1);
	{
		struct user_name *u = &snap->user_names[snap->nuser_names++];

		if (len >= sizeof(u->name))
			len = sizeof(u->name) - 1;
		u->uid = uid;
		memcpy(u->name, name, len);
		u->name[len] = '\0';
	}
	return 0;
}

void probe_users(const struct hr_root *root, struct snapshot *snap)
{
	struct buf b;
	ssize_t n;

	buf_init_in(&b, snap->mem);
	n = read_file_at(root, root->fd, "etc/passwd", &b);
	if (n >= 0)
		passwd_parse(b.data, b.len, on_user, snap);
	else if (root_refused((int)n))
		probe_problem(root, snap, "user names", (int)n, false, "etc/passwd");
	buf_free(&b);
}

struct uid_lookup {
	const char *name;
	uint32_t uid;
	bool found;
};

static int on_named(const char *name, size_t len, uint32_t uid, void *ctx)
{
	struct uid_lookup *l = ctx;

	if (len != strlen(l->name) || memcmp(name, l->name, len) != 0)
		return 0;
	l->uid = uid;
	l->found = true;
	return -1;
}

int probe_user_uid(const struct hr_root *root, const char *name, uint32_t *uid)
{
	struct uid_lookup l = { name, 0, false };
	struct buf b;
	ssize_t n;

	buf_init(&b);
	n = read_file_at(root, root->fd, "etc/passwd", &b);
	if (n >= 0)
		passwd_parse(b.data, b.len, on_named, &l);
	buf_free(&b);
	if (n < 0)
		return (int)n;
	if (!l.found)
		return -ENOENT;
	*uid = l.uid;
	return 0;
}
