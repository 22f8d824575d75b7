// SPDX-License-Identifier: GPL-2.0-or-later
/* The cgroups headroom watch watches between full scans (see watched.h). */
#include "watch/watched.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/strtab.h"

/* The use from which a cgroup is re-read every tick, in percent of a limit (the jump rule's floor too). */
#define NEAR_PCT 50.0

static size_t table_slots(size_t max)
{
	size_t cap = 16;

	while (cap < 2 * max)
		cap *= 2;
	return cap;
}

int watched_init(struct watched *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->inotify_fd = -1;
	t->max = max ? max : 1;
	t->mask = table_slots(t->max) - 1;
	/* reserved at --max-cgroups and touched as used: the index's slots are spread by hash */
	t->cur = reserve_space(t->max * sizeof(*t->cur));
	t->old = reserve_space(t->max * sizeof(*t->old));
	t->index = reserve_space((t->mask + 1) * sizeof(*t->index));
	t->oindex = reserve_space((t->mask + 1) * sizeof(*t->oindex));
	t->parents = reserve_space(t->max * sizeof(*t->parents));
	t->pindex = reserve_space((t->mask + 1) * sizeof(*t->pindex));
	if (!t->cur || !t->old || !t->index || !t->oindex || !t->parents || !t->pindex) {
		int err = -errno;

		watched_destroy(t);
		return err;
	}
	return 0;
}

void watched_destroy(struct watched *t)
{
	if (t->inotify_fd >= 0)
		close(t->inotify_fd);
	release_space(t->cur, t->max * sizeof(*t->cur));
	release_space(t->old, t->max * sizeof(*t->old));
	release_space(t->index, (t->mask + 1) * sizeof(*t->index));
	release_space(t->oindex, (t->mask + 1) * sizeof(*t->oindex));
	release_space(t->parents, t->max * sizeof(*t->parents));
	release_space(t->pindex, (t->mask + 1) * sizeof(*t->pindex));
	memset(t, 0, sizeof(*t));
	t->inotify_fd = -1;
}

uint64_t watched_hier_hash(const char *mount_point)
{
	return hash_bytes(mount_point, strlen(mount_point)) * 0x9E3779B97F4A7C15ULL + 1;
}

uint64_t watched_key(uint64_t hier_hash, const char *path, size_t len)
{
	return hash_bytes(path, len) ^ hier_hash;
}

/* Indexes the n entries of e by key into index (mask + 1 slots). */
static void index_build(uint32_t *index, size_t mask, const struct watched_cgroup *e, size_t n)
{
	memset(index, 0, (mask + 1) * sizeof(*index));
	for (size_t i = 0; i < n; i++) {
		size_t s = (size_t)e[i].key & mask;

		while (index[s])
			s = (s + 1) & mask;
		index[s] = (uint32_t)(i + 1);
	}
}

static struct watched_cgroup *index_find(const uint32_t *index, size_t mask, struct watched_cgroup *e, uint64_t key)
{
	for (size_t s = (size_t)key & mask; index[s]; s = (s + 1) & mask)
		if (e[index[s] - 1].key == key)
			return &e[index[s] - 1];
	return NULL;
}

void watched_rebuild(struct watched *t, struct cgroup_info *cgroups, size_t n, const uint64_t *hier_hash)
{
	struct watched_cgroup *swap = t->old;

	if (n > t->max)
		n = t->max;
	t->old = t->cur;
	t->nold = t->n;
	t->cur = swap;
	t->n = n;
	/* the old table's index, for the carry-over and watched_prior() until the next rebuild */
	index_build(t->oindex, t->mask, t->old, t->nold);
	for (size_t i = 0; i < n; i++) {
		struct watched_cgroup *e = &t->cur[i];
		const struct watched_cgroup *o;
		uint64_t key = watched_key(hier_hash[cgroups[i].hier], cgroups[i].path, strlen(cgroups[i].path));

		o = index_find(t->oindex, t->mask, t->old, key);
		if (o && !o->gone) {
			*e = *o;
		} else {
			memset(e, 0, sizeof(*e));
			for (int k = 0; k < WK_N; k++)
				e->pct[k] = -1;
		}
		e->key = key;
		e->info = &cgroups[i];
		e->limit[WK_PIDS] = e->limit[WK_MEMORY] = NULL;
		e->new_limit = false;
		e->gone = false;
	}
	index_build(t->index, t->mask, t->cur, n);
	if (t->cursor_near >= n)
		t->cursor_near = 0;
	if (t->cursor_far >= n)
		t->cursor_far = 0;
}

const struct watched_cgroup *watched_prior(const struct watched *t, size_t i)
{
	const struct watched_cgroup *o = index_find(t->oindex, t->mask, t->old, t->cur[i].key);

	return o && !o->gone ? o : NULL;
}

struct watched_cgroup *watched_find(const struct watched *t, uint64_t key)
{
	return index_find(t->index, t->mask, t->cur, key);
}

static bool near_limit(const struct watched_cgroup *e)
{
	for (int k = 0; k < WK_N; k++)
		if ((e->has_status[k] && e->status[k] > STATUS_OK) || e->pct[k] >= NEAR_PCT)
			return true;
	return false;
}

/* Takes entries of one class (near or not) in turn from *cursor, until budget is reached; returns how many. */
static size_t pick_class(struct watched *t, bool near, size_t *cursor, size_t budget, size_t *ret)
{
	size_t got = 0, i = *cursor;

	for (size_t seen = 0; seen < t->n && got < budget; seen++, i = (i + 1) % t->n) {
		const struct watched_cgroup *e = &t->cur[i];

		if (!e->gone && near_limit(e) == near)
			ret[got++] = i;
	}
	*cursor = t->n ? i % t->n : 0;
	return got;
}

size_t watched_pick(struct watched *t, size_t budget, size_t *ret)
{
	size_t near = 0, far = 0, reserve, take_near, got;

	if (!t->n || !budget)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (!t->cur[i].gone)
			*(near_limit(&t->cur[i]) ? &near : &far) += 1;
	/* a quarter of the budget goes round the others even when many are near: none waits for ever */
	reserve = budget / 4 ? budget / 4 : 1;
	if (reserve > far)
		reserve = far;
	take_near = near < budget - reserve ? near : budget - reserve;
	got = pick_class(t, true, &t->cursor_near, take_near, ret);
	return got + pick_class(t, false, &t->cursor_far, budget - got, ret + got);
}

size_t watched_live(const struct watched *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += !t->cur[i].gone;
	return n;
}

double watched_oldest_reading(const struct watched *t, double now)
{
	double oldest = 0;

	for (size_t i = 0; i < t->n; i++)
		if (!t->cur[i].gone && t->cur[i].read_at > 0 && now - t->cur[i].read_at > oldest)
			oldest = now - t->cur[i].read_at;
	return oldest;
}

/* The parent of path: its first bytes up to the last slash ("/" for a top-level cgroup); 0 for "/". */
static size_t parent_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || strcmp(path, "/") == 0)
		return 0;
	return slash == path ? 1 : (size_t)(slash - path);
}

static struct watched_parent *parent_by_wd(const struct watched *t, int wd)
{
	for (size_t s = (size_t)(unsigned)wd & t->mask; t->pindex[s]; s = (s + 1) & t->mask)
		if (t->parents[t->pindex[s] - 1].wd == wd)
			return &t->parents[t->pindex[s] - 1];
	return NULL;
}

int watched_watch_parents(struct watched *t, const uint64_t *hier_hash)
{
	char dir[PATH_MAX];

	if (t->inotify_fd >= 0)
		close(t->inotify_fd);
	t->nparents = 0;
	memset(t->pindex, 0, (t->mask + 1) * sizeof(*t->pindex));
	t->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (t->inotify_fd < 0)
		return -errno;
	for (size_t i = 0; i < t->n; i++) {
		const struct cgroup_info *c = t->cur[i].info;
		size_t plen = parent_len(c->path);
		const char *dslash = strrchr(c->dir, '/');
		size_t dlen = dslash ? (size_t)(dslash - c->dir) : 0;
		struct watched_parent *p;
		size_t s;
		int wd;

		if (!plen || !dlen || dlen >= sizeof(dir))
			continue;
		memcpy(dir, c->dir, dlen);
		dir[dlen] = '\0';
		/* the same directory gives the same wd: one entry a parent */
		wd = inotify_add_watch(t->inotify_fd, dir, IN_DELETE | IN_CREATE | IN_ONLYDIR | IN_DONT_FOLLOW);
		if (wd < 0) {
			t->watch_failures++;
			t->last_watch_err = errno;
			continue;
		}
		if (parent_by_wd(t, wd) || t->nparents == t->max)
			continue;
		p = &t->parents[t->nparents];
		*p = (struct watched_parent){ wd, c->hier, c->path, plen, hier_hash[c->hier] };
		for (s = (size_t)(unsigned)wd & t->mask; t->pindex[s]; s = (s + 1) & t->mask)
			;
		t->pindex[s] = (uint32_t)(++t->nparents);
	}
	/*
	 * A cgroup removed after the scan read it and before its parent was watched (the scan takes a while;
	 * the old instance's queued events went with it) sent its event to no one: each is looked at once.
	 * A removal after this is an event of the new instance.
	 */
	for (size_t i = 0; i < t->n; i++)
		if (!t->cur[i].gone && access(t->cur[i].info->dir, F_OK) != 0 && errno == ENOENT)
			t->cur[i].gone = true;
	return (int)t->nparents;
}

int watched_inotify_read(struct watched *t)
{
	/* aligned as inotify(7) asks; bounded per call: a burst of removals cannot hold the loop */
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[PATH_MAX];
	int changed = 0;

	if (t->inotify_fd < 0)
		return 0;
	for (int round = 0; round < 16; round++) {
		ssize_t n = read(t->inotify_fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		for (char *q = buf; q + sizeof(struct inotify_event) <= buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)q;
			const struct watched_parent *p;
			struct watched_cgroup *e;
			size_t len, nlen;

			q += sizeof(*ev) + ev->len;
			if (!ev->len || !(ev->mask & IN_ISDIR) || !(p = parent_by_wd(t, ev->wd)))
				continue;
			nlen = strnlen(ev->name, ev->len);
			len = p->len == 1 ? 0 : p->len;
			if (len + 1 + nlen >= sizeof(path))
				continue;
			memcpy(path, p->path, len);
			path[len] = '/';
			memcpy(path + len + 1, ev->name, nlen);
			e = watched_find(t, watched_key(p->hier_hash, path, len + 1 + nlen));
			if (!e)
				continue;
			if ((ev->mask & IN_DELETE) && !e->gone) {
				e->gone = true;
				changed++;
			} else if ((ev->mask & IN_CREATE) && e->gone) {
				/* made again: read at the next tick as a cgroup of its own (its counters start anew) */
				e->gone = false;
				e->read = false;
				changed++;
			}
		}
	}
	return changed;
}
