// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup hierarchies (from mountinfo) and the cgroups in them that carry a pids or memory limit.
 * v1: each controller has its own hierarchy (pids, memory). v2: one hierarchy; its files exist only
 * where the controller is enabled. Limits are per cgroup and hierarchical: every ancestor's applies.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/dirlist.h"
#include "core/text.h"
#include "parse/keyed.h"
#include "model/cgroup_pick.h"
#include "parse/mountinfo.h"
#include "probe/probe.h"

/* From this many processes on, their cgroups are read from each cgroup's cgroup.procs (probe_cgroups). */
#define CGROUP_PROCS_MIN 1000

/* Bounds on the walk: a cgroup tree is kernel-made, but a fixture or a hostile tree need not be. */
#define CG_MAX_DEPTH 64
#define CG_MAX_CGROUPS 100000

struct hier_ctx {
	struct snapshot *snap;
};

static bool hier_known(const struct snapshot *snap, const char *mount_point)
{
	for (size_t i = 0; i < snap->nhiers; i++)
		if (strcmp(snap->hiers[i].mount_point, mount_point) == 0)
			return true;
	return false;
}

static int on_mount(const struct mountinfo_entry *e, void *ctx_)
{
	struct hier_ctx *ctx = ctx_;
	struct snapshot *snap = ctx->snap;
	struct cgroup_hier h;

	memset(&h, 0, sizeof(h));
	if (strcmp(e->fstype, "cgroup") == 0) {
		h.kind = CG_HIER_V1;
		h.has_pids = mount_options_have(e->super_options, "pids");
		h.has_memory = mount_options_have(e->super_options, "memory");
		if (!h.has_pids && !h.has_memory)
			return 0;
	} else if (strcmp(e->fstype, "cgroup2") == 0) {
		/* Whether pids/memory are available is read from cgroup.controllers at the walk. */
		h.kind = CG_HIER_V2;
		h.has_pids = h.has_memory = true;
		h.pids_localevents = mount_options_have(e->super_options, "pids_localevents");
	} else {
		return 0;
	}
	/* The same hierarchy may be mounted twice (bind mounts): walk it once. */
	for (size_t i = 0; i < snap->nhiers; i++) {
		const struct cgroup_hier *o = &snap->hiers[i];

		if (o->kind == h.kind && o->has_pids == h.has_pids && o->has_memory == h.has_memory &&
		    strcmp(o->mount_root, e->root) == 0)
			return 0;
	}
	if (hier_known(snap, e->mount_point))
		return 0;
	h.mount_point = mem_strdup(snap->mem, e->mount_point);
	h.mount_root = mem_strdup(snap->mem, e->root);
	h.label = mem_strdup(snap->mem, h.kind == CG_HIER_V2 ? "v2" : h.has_pids && h.has_memory ? "v1 pids,memory" :
								      h.has_pids ? "v1 pids" : "v1 memory");
	MEM_GROW(snap->mem, snap->hiers, snap->hiers_cap, snap->nhiers + 1);
	snap->hiers[snap->nhiers++] = h;
	return 0;
}

void probe_cgroup_hiers(const struct hr_root *root, struct snapshot *snap)
{
	struct hier_ctx ctx = { .snap = snap };
	struct buf b;
	ssize_t n;

	buf_init_in(&b, snap->mem);
	n = read_file_at(root, root->proc_fd, "self/mountinfo", &b);
	if (n < 0)
		probe_problem(root, snap, "cgroup mounts (mountinfo)", (int)n, false, "proc/self/mountinfo");
	else
		mountinfo_parse(b.data, b.len, on_mount, &ctx);
	buf_free(&b);
}

/*
 * One walk of a hierarchy. Its memory does not grow with the cgroups it visits: one directory lister a
 * depth, made at the first directory that deep, and one path (and dir) extended by each child's name
 * and cut back after it.
 */
struct walk {
	const struct hr_root *root;
	struct snapshot *snap;
	int hier;
	struct buf b;
	struct buf path, dir; /* the cgroup being read: its path in the hierarchy, and where it is read */
	struct dir_list *lists[CG_MAX_DEPTH];
	struct cgroup_pick *pick; /* which cgroups with a limit are kept: shared by the hierarchies' walks */
	size_t count;
	bool truncated;
	bool assign_cgroup; /* the hierarchy /proc/PID/cgroup's primary path is in: read its cgroup.procs */
	bool assign_memcg;  /* the v1 memory hierarchy: likewise for the memcg path */
};

static void walk_malformed(struct walk *w, const char *dir, const char *file);
static void walk_failed(struct walk *w, const char *dir, const char *file, int err);

/*
 * Reads a file whose absence is normal (no limit set here, an older kernel): only a refusal (a link out
 * of the root, a FIFO) is reported. Returns the length or -errno.
 */
static ssize_t read_may_lack(struct walk *w, int dirfd, const char *dir, const char *file, struct buf *b)
{
	ssize_t n = read_file_at(w->root, dirfd, file, b);

	if (root_refused((int)n))
		walk_failed(w, dir, file, (int)n);
	return n;
}

/* Reads an optional counter: absent files stay unknown. */
static void read_opt(struct walk *w, int dirfd, const char *dir, const char *file, struct buf *b, struct opt_u64 *o)
{
	uint64_t v;

	if (read_may_lack(w, dirfd, dir, file, b) >= 0 && parse_u64_str(b->data, b->len, &v) == 0) {
		o->known = true;
		o->v = v;
	}
}

static void read_keyed_opt(struct walk *w, int dirfd, const char *dir, const char *file, const char *key, struct buf *b,
			   struct opt_u64 *o)
{
	uint64_t v;

	if (read_may_lack(w, dirfd, dir, file, b) >= 0 && keyed_get(b->data, b->len, key, &v) == 0) {
		o->known = true;
		o->v = v;
	}
}

/* Reads a usage counter that a limit needs: a failure is reported with its cause. */
static void read_needed(struct walk *w, int dirfd, const char *dir, const char *file, struct buf *b, struct opt_u64 *o)
{
	uint64_t v;
	int r = read_u64_at(w->root, dirfd, file, b, &v);

	if (r == 0) {
		o->known = true;
		o->v = v;
	} else {
		walk_failed(w, dir, file, r);
	}
}

/* Fills the pids part of c from dirfd. Returns true when the cgroup has a usable pids.max. */
static bool read_pids(struct walk *w, int dirfd, const char *dir, struct buf *b, struct cgroup_info *c)
{
	if (read_may_lack(w, dirfd, dir, "pids.max", b) < 0)
		return false;
	if (cgroup_limit_parse(b->data, b->len, &c->pids_unlimited, &c->pids_max) < 0) {
		walk_malformed(w, dir, "pids.max");
		return false;
	}
	c->has_pids_max = true;
	if (c->pids_unlimited)
		read_opt(w, dirfd, dir, "pids.current", b, &c->pids_current);
	else
		read_needed(w, dirfd, dir, "pids.current", b, &c->pids_current);
	if (!c->pids_current.known && !c->pids_unlimited) {
		c->has_pids_max = false;
		return false;
	}
	read_keyed_opt(w, dirfd, dir, "pids.events", "max", b, &c->pids_events_max);
	/*
	 * On v1 and on v2 before pids.events.local (after 6.6, by 7.1), "max" counts the forks of this cgroup's own tasks
	 * that failed, whichever ancestor's limit they hit. With pids.events.local and without the
	 * pids_localevents mount option, v2 "max" counts the hits of this cgroup's limit in its subtree.
	 */
	c->pids_events_hierarchical = w->snap->hiers[w->hier].kind == CG_HIER_V2 &&
				      !w->snap->hiers[w->hier].pids_localevents &&
				      root_access(w->root, dirfd, "pids.events.local") == 0;
	read_opt(w, dirfd, dir, "pids.peak", b, &c->pids_peak);
	return true;
}

static bool read_memory(struct walk *w, int dirfd, const char *dir, enum cg_hier_kind kind, struct buf *b,
			struct cgroup_info *c)
{
	if (kind == CG_HIER_V1) {
		uint64_t v;
		int r = read_u64_at(w->root, dirfd, "memory.limit_in_bytes", b, &v);

		if (r == -EINVAL || root_refused(r))
			walk_failed(w, dir, "memory.limit_in_bytes", r);
		if (r < 0)
			return false;
		c->has_mem_max = true;
		c->mem_unlimited = v >= CGROUP_V1_UNLIMITED_MIN;
		c->mem_max_bytes = c->mem_unlimited ? 0 : v;
		if (c->mem_unlimited)
			return true;
		read_needed(w, dirfd, dir, "memory.usage_in_bytes", b, &c->mem_usage_bytes);
		read_opt(w, dirfd, dir, "memory.max_usage_in_bytes", b, &c->mem_peak_bytes);
		read_opt(w, dirfd, dir, "memory.failcnt", b, &c->mem_failcnt);
		read_keyed_opt(w, dirfd, dir, "memory.oom_control", "oom_kill", b, &c->mem_oom_kill);
		/* v1 memory.stat has both inactive_file (this cgroup) and total_inactive_file (hierarchical). */
		read_keyed_opt(w, dirfd, dir, "memory.stat", "total_inactive_file", b, &c->mem_inactive_file_bytes);
		return true;
	}
	if (read_may_lack(w, dirfd, dir, "memory.max", b) < 0)
		return false;
	if (cgroup_limit_parse(b->data, b->len, &c->mem_unlimited, &c->mem_max_bytes) < 0) {
		walk_malformed(w, dir, "memory.max");
		return false;
	}
	c->has_mem_max = true;
	if (c->mem_unlimited)
		return true;
	read_needed(w, dirfd, dir, "memory.current", b, &c->mem_usage_bytes);
	read_opt(w, dirfd, dir, "memory.peak", b, &c->mem_peak_bytes);
	if (read_may_lack(w, dirfd, dir, "memory.events", b) >= 0) {
		uint64_t v;

		if (keyed_get(b->data, b->len, "max", &v) == 0)
			c->mem_events_max = (struct opt_u64){ true, v };
		if (keyed_get(b->data, b->len, "oom", &v) == 0)
			c->mem_oom = (struct opt_u64){ true, v };
		if (keyed_get(b->data, b->len, "oom_kill", &v) == 0)
			c->mem_oom_kill = (struct opt_u64){ true, v };
	}
	read_keyed_opt(w, dirfd, dir, "memory.stat", "inactive_file", b, &c->mem_inactive_file_bytes);
	read_opt(w, dirfd, dir, "memory.oom.group", b, &c->mem_oom_group);
	return true;
}

static void walk_malformed(struct walk *w, const char *dir, const char *file)
{
	walk_failed(w, dir, file, -EINVAL);
}

/* A cgroup file that could not be read (-errno) or parsed (-EINVAL). */
static void walk_failed(struct walk *w, const char *dir, const char *file, int err)
{
	probe_problem(w->root, w->snap, "cgroup file", err, false, "%s/%s", dir[0] == '/' ? dir + 1 : dir, file);
}

/*
 * *s set to v, in the block *s already has when v fits there: a bounded walk that replaces a kept cgroup
 * by a closer one reuses its strings, so that its arena does not grow with the cgroups it replaces.
 */
static void set_string(struct arena *mem, char **s, const char *v)
{
	size_t n = strlen(v);

	if (*s && arena_owner(*s) && arena_block_size(*s) > n) {
		memcpy(*s, v, n + 1);
		return;
	}
	xfree(*s);
	*s = mem_strndup(mem, v, n);
}

static void add_cgroup(struct walk *w, const char *path, const char *dir, const struct cgroup_info *c)
{
	struct snapshot *snap = w->snap;
	long slot = cgroup_pick_slot(w->pick, cgroup_use_pct(c));
	struct cgroup_info *n;
	char *keep_path = NULL, *keep_dir = NULL;

	if (slot < 0)
		return;
	if ((size_t)slot == snap->ncgroups) {
		MEM_GROW(snap->mem, snap->cgroups, snap->cgroups_cap, snap->ncgroups + 1);
		snap->ncgroups++;
	} else {
		keep_path = snap->cgroups[slot].path;
		keep_dir = snap->cgroups[slot].dir;
	}
	n = &snap->cgroups[slot];
	*n = *c;
	n->path = keep_path;
	n->dir = keep_dir;
	set_string(snap->mem, &n->path, path);
	set_string(snap->mem, &n->dir, dir);
	n->hier = w->hier;
}

/* After a bounded walk: the kept cgroups in the order the walk met them, as an unbounded walk lists them. */
static void order_cgroups(struct snapshot *snap, const struct cgroup_pick *pick)
{
	size_t *order;
	struct cgroup_info *sorted;

	if (!pick->max || snap->ncgroups < 2)
		return;
	order = mem_calloc(snap->mem, snap->ncgroups, sizeof(*order));
	sorted = mem_calloc(snap->mem, snap->ncgroups, sizeof(*sorted));
	cgroup_pick_order(pick, order, snap->mem);
	for (size_t i = 0; i < snap->ncgroups; i++)
		sorted[i] = snap->cgroups[order[i]];
	memcpy(snap->cgroups, sorted, snap->ncgroups * sizeof(*sorted));
	xfree(sorted);
	xfree(order);
}

/*
 * The processes of this cgroup, from its cgroup.procs, get its path: one read a cgroup instead of one
 * /proc/PID/cgroup a process. A process not found in any (it came in between, or its hierarchy is not
 * walked) is read by probe_procs_cgroups().
 */
static void assign_members(struct walk *w, int dirfd, const char *path)
{
	struct snapshot *snap = w->snap;
	const char *pos, *end, *interned = NULL;
	struct line l;

	if (read_file_at(w->root, dirfd, "cgroup.procs", &w->b) < 0)
		return;
	pos = w->b.data;
	end = pos + w->b.len;
	while (next_line(&pos, end, &l)) {
		const char *q = l.p;
		uint64_t pid;
		struct proc_info *p;

		if (parse_u64(&q, l.p + l.len, &pid) < 0 || pid > INT32_MAX || !(p = snapshot_proc(snap, (int)pid)) ||
		    p->kernel_thread)
			continue;
		if (!interned)
			interned = strtab_intern(&snap->strings, path, strlen(path));
		if (w->assign_cgroup && !p->cgroup)
			p->cgroup = interned;
		if (w->assign_memcg && !p->memcg)
			p->memcg = interned;
	}
}

/* Appends "/name" to a path ("/" for the root takes no second slash). */
static void path_push(struct buf *b, const char *name)
{
	if (b->len == 0 || b->data[b->len - 1] != '/')
		buf_addc(b, '/');
	buf_adds(b, name);
}

/* Cuts a buffer back to len bytes. */
static void path_cut(struct buf *b, size_t len)
{
	b->len = len;
	b->data[len] = '\0';
}

/* Joins a hierarchy path and a child name. */
static void path_join(struct buf *out, const char *base, const char *name)
{
	buf_reset(out);
	buf_adds(out, base);
	path_push(out, name);
}

/* The cgroup at w->path (read at w->dir, open at dirfd), then its children. */
static void walk_dir(struct walk *w, int dirfd, int depth)
{
	const struct cgroup_hier *h = &w->snap->hiers[w->hier];
	const char *path = w->path.data, *dir = w->dir.data;
	struct cgroup_info c;
	bool keep = false;
	struct dir_list *d;
	const char *name;
	unsigned char type;
	int fd2, err;

	if (w->count >= CG_MAX_CGROUPS) {
		w->truncated = true;
		return;
	}
	w->count++;
	memset(&c, 0, sizeof(c));
	/* pids.max and the memory limits are not on the real root (CFTYPE_NOT_ON_ROOT), but are at the
	 * root of a container's view of its own cgroup. */
	/* Also keep unlimited cgroups whose tasks had forks rejected: the events are counted in the
	 * forking task's cgroup on v1, and on v2 before pids.events.local (after 6.6, by 7.1), not in the
	 * limited ancestor. */
	if (h->has_pids && read_pids(w, dirfd, dir, &w->b, &c) &&
	    (!c.pids_unlimited || (c.pids_events_max.known && c.pids_events_max.v)))
		keep = true;
	if (h->has_memory && read_memory(w, dirfd, dir, h->kind, &w->b, &c) && !c.mem_unlimited)
		keep = true;
	if (keep)
		add_cgroup(w, path, dir, &c);
	if (w->assign_cgroup || w->assign_memcg)
		assign_members(w, dirfd, path);
	if (depth >= CG_MAX_DEPTH)
		return;

	fd2 = root_openat(w->root, dirfd, ".", O_RDONLY | O_DIRECTORY);
	if (fd2 < 0)
		return;
	if (!w->lists[depth])
		w->lists[depth] = mem_alloc(w->snap->mem, sizeof(*d));
	d = w->lists[depth];
	dir_list_start(d, fd2);
	while ((name = dir_list_next(d, &type, &err))) {
		size_t plen = w->path.len, dlen = w->dir.len;
		int cfd;

		if (name[0] == '.' || (type != DT_DIR && type != DT_UNKNOWN))
			continue;
		cfd = root_openat(w->root, dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (cfd < 0)
			continue;
		path_push(&w->path, name);
		path_push(&w->dir, name);
		walk_dir(w, cfd, depth + 1);
		path_cut(&w->path, plen);
		path_cut(&w->dir, dlen);
		close(cfd);
	}
	close(fd2);
}

void probe_cgroups(const struct hr_root *root, const struct probe_opts *opts, struct snapshot *snap)
{
	bool v1_pids = false;
	/*
	 * cgroup.procs costs the kernel every task of the cgroup (v1 also sorts them: 5 ms for one process of
	 * 20,000 threads), /proc/PID/cgroup some 7 us a process: the first pays only with many processes.
	 */
	bool by_procs = snap->cgroups_deferred && snap->nprocs >= CGROUP_PROCS_MIN;
	struct cgroup_pick pick;

	cgroup_pick_init(&pick, snap->mem, opts->max_cgroups);

	/* the primary path of /proc/PID/cgroup is the v1 pids hierarchy's, else the v2 one (probe/procs.c) */
	for (size_t i = 0; i < snap->nhiers; i++) {
		v1_pids |= snap->hiers[i].kind == CG_HIER_V1 && snap->hiers[i].has_pids;
		snap->memcg_v1 |= opts->memcg && snap->hiers[i].kind == CG_HIER_V1 && snap->hiers[i].has_memory;
	}
	for (size_t i = 0; i < snap->nhiers; i++) {
		struct cgroup_hier *h = &snap->hiers[i];
		const char *rel = h->mount_point;
		struct walk w;
		int fd;

		while (*rel == '/')
			rel++;
		fd = root_openat(root, root->fd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY);
		if (fd < 0) {
			probe_problem(root, snap, "cgroup hierarchy", fd, false, "%s", rel);
			continue;
		}
		memset(&w, 0, sizeof(w));
		w.root = root;
		w.snap = snap;
		w.hier = (int)i;
		w.pick = &pick;
		w.assign_cgroup = by_procs && (h->kind == CG_HIER_V1 ? h->has_pids : !v1_pids);
		w.assign_memcg = by_procs && snap->memcg_v1 && h->kind == CG_HIER_V1 && h->has_memory;
		buf_init_in(&w.b, snap->mem);
		if (h->kind == CG_HIER_V2) {
			/* Only controllers listed at the mount's root can appear below it. */
			ssize_t n = read_file_at(root, fd, "cgroup.controllers", &w.b);

			if (n >= 0) {
				h->has_pids = word_list_has(w.b.data, w.b.len, "pids");
				h->has_memory = word_list_has(w.b.data, w.b.len, "memory");
			} else if (root_refused((int)n)) {
				probe_problem(root, snap, "cgroup file", (int)n, false, "%s/cgroup.controllers", rel);
			}
		}
		buf_init_in(&w.path, snap->mem);
		buf_init_in(&w.dir, snap->mem);
		buf_adds(&w.path, h->mount_root);
		buf_adds(&w.dir, h->mount_point);
		if (h->has_pids || h->has_memory)
			walk_dir(&w, fd, 0);
		if (w.truncated)
			snapshot_problem(snap, "cgroups beyond the walk's bound", h->mount_point, E2BIG, false);
		for (size_t k = 0; k < CG_MAX_DEPTH; k++)
			xfree(w.lists[k]);
		buf_free(&w.dir);
		buf_free(&w.path);
		buf_free(&w.b);
		close(fd);
	}
	order_cgroups(snap, &pick);
	snap->cgroups_left_out = pick.left_out;
	snap->cgroups_left_out_max_pct = pick.left_out_max_pct;
	xfree(pick.heap);
	xfree(pick.seq);
	xfree(pick.pct);
}

/*
 * The part of a tick's reading that is not the scan's: the limit, the usage and the event counters, each
 * a file; the peaks, the v2 memory.oom.group and whether pids.events is hierarchical are kept from old.
 * memory.stat (the page cache that the working set leaves out) is the costliest file of a v1 memory
 * cgroup (15 us here against 7 us for a counter): it is read again only at half of the limit or more,
 * where the working set can decide a status; below, the page cache of the last full reading stands.
 */
static void reread_pids(struct walk *w, int dirfd, const char *dir, struct buf *b, struct cgroup_info *c)
{
	c->has_pids_max = false;
	c->pids_current.known = c->pids_events_max.known = false;
	if (read_may_lack(w, dirfd, dir, "pids.max", b) < 0)
		return;
	if (cgroup_limit_parse(b->data, b->len, &c->pids_unlimited, &c->pids_max) < 0) {
		walk_malformed(w, dir, "pids.max");
		return;
	}
	if (c->pids_unlimited)
		read_opt(w, dirfd, dir, "pids.current", b, &c->pids_current);
	else
		read_needed(w, dirfd, dir, "pids.current", b, &c->pids_current);
	c->has_pids_max = c->pids_current.known || c->pids_unlimited;
	read_keyed_opt(w, dirfd, dir, "pids.events", "max", b, &c->pids_events_max);
}

static void reread_memory(struct walk *w, int dirfd, const char *dir, enum cg_hier_kind kind, struct buf *b,
			  struct cgroup_info *c)
{
	const char *limit = kind == CG_HIER_V1 ? "memory.limit_in_bytes" : "memory.max";
	struct opt_u64 inactive = c->mem_inactive_file_bytes;
	uint64_t v;
	int r;

	c->has_mem_max = false;
	c->mem_usage_bytes.known = c->mem_failcnt.known = c->mem_oom_kill.known = false;
	c->mem_events_max.known = c->mem_oom.known = false;
	if (kind == CG_HIER_V1) {
		r = read_u64_at(w->root, dirfd, limit, b, &v);
		if (r == -EINVAL || root_refused(r))
			walk_failed(w, dir, limit, r);
		if (r < 0)
			return;
		c->mem_unlimited = v >= CGROUP_V1_UNLIMITED_MIN;
		c->mem_max_bytes = c->mem_unlimited ? 0 : v;
	} else {
		if (read_may_lack(w, dirfd, dir, limit, b) < 0)
			return;
		if (cgroup_limit_parse(b->data, b->len, &c->mem_unlimited, &c->mem_max_bytes) < 0) {
			walk_malformed(w, dir, limit);
			return;
		}
	}
	c->has_mem_max = true;
	if (c->mem_unlimited)
		return;
	if (kind == CG_HIER_V1) {
		read_needed(w, dirfd, dir, "memory.usage_in_bytes", b, &c->mem_usage_bytes);
		read_opt(w, dirfd, dir, "memory.failcnt", b, &c->mem_failcnt);
		read_keyed_opt(w, dirfd, dir, "memory.oom_control", "oom_kill", b, &c->mem_oom_kill);
	} else {
		read_needed(w, dirfd, dir, "memory.current", b, &c->mem_usage_bytes);
		if (read_may_lack(w, dirfd, dir, "memory.events", b) >= 0) {
			if (keyed_get(b->data, b->len, "max", &v) == 0)
				c->mem_events_max = (struct opt_u64){ true, v };
			if (keyed_get(b->data, b->len, "oom", &v) == 0)
				c->mem_oom = (struct opt_u64){ true, v };
			if (keyed_get(b->data, b->len, "oom_kill", &v) == 0)
				c->mem_oom_kill = (struct opt_u64){ true, v };
		}
	}
	if (c->mem_usage_bytes.known && c->mem_usage_bytes.v * 2 >= c->mem_max_bytes) {
		c->mem_inactive_file_bytes.known = false;
		read_keyed_opt(w, dirfd, dir, "memory.stat", kind == CG_HIER_V1 ? "total_inactive_file" : "inactive_file", b,
			       &c->mem_inactive_file_bytes);
	} else {
		c->mem_inactive_file_bytes = inactive;
	}
}

int probe_cgroup_reread(const struct hr_root *root, struct snapshot *snap, const struct cgroup_info *old,
			struct cgroup_info *ret)
{
	const struct cgroup_hier *h = &snap->hiers[old->hier];
	const char *rel = old->dir;
	struct cgroup_info c = *old;
	struct walk w;
	int fd;

	while (*rel == '/')
		rel++;
	fd = root_openat(root, root->fd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	memset(&w, 0, sizeof(w));
	w.root = root;
	w.snap = snap;
	w.hier = old->hier;
	buf_init_in(&w.b, snap->mem);
	if (h->has_pids)
		reread_pids(&w, fd, old->dir, &w.b, &c);
	if (h->has_memory)
		reread_memory(&w, fd, old->dir, h->kind, &w.b, &c);
	buf_free(&w.b);
	close(fd);
	*ret = c;
	return 0;
}

/* Whether path ends with the component c ("/a/.." ends with ".."). */
static bool ends_with_component(const char *path, const char *c)
{
	size_t n = strlen(path), m = strlen(c);

	return n > m && path[n - m - 1] == '/' && strcmp(path + n - m, c) == 0;
}

/* Whether path is top or below it, as cgroup paths ("/ab" is not below "/a"). */
static bool path_below(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strcmp(top, "/") == 0 || (strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

bool probe_cgroup_exists(const struct hr_root *root, const struct snapshot *snap, const char *path)
{
	struct buf rel;
	bool found = false;
	int fd;

	/* a path given by the user: no "." or ".." component may walk out of the hierarchy */
	if (path[0] != '/' || strstr(path, "/./") || strstr(path, "/../") || ends_with_component(path, ".") ||
	    ends_with_component(path, ".."))
		return false;
	buf_init_in(&rel, snap->mem);
	for (size_t i = 0; i < snap->nhiers && !found; i++) {
		const struct cgroup_hier *h = &snap->hiers[i];
		size_t n = strcmp(h->mount_root, "/") ? strlen(h->mount_root) : 0;

		if (!path_below(path, h->mount_root))
			continue;
		buf_reset(&rel);
		buf_adds(&rel, h->mount_point[0] == '/' ? h->mount_point + 1 : h->mount_point);
		buf_adds(&rel, path + n);
		fd = root_openat(root, root->fd, rel.len ? rel.data : ".", O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			found = true;
			close(fd);
		}
	}
	buf_free(&rel);
	return found;
}

/* find_named's walk: the first directory called name below dirfd (hierarchy path in path), bounded. */
struct find_walk {
	const struct hr_root *root;
	struct arena *mem;
	const char *name;
	size_t visited;
	struct buf *ret;
};

static bool find_named(struct find_walk *w, int dirfd, const char *path, int depth)
{
	struct dir_list *d;
	const char *name;
	unsigned char type;
	bool found = false;
	int fd2, err;

	if (depth >= CG_MAX_DEPTH || (fd2 = root_openat(w->root, dirfd, ".", O_RDONLY | O_DIRECTORY)) < 0)
		return false;
	d = mem_alloc(w->mem, sizeof(*d));
	dir_list_start(d, fd2);
	while (!found && w->visited < CG_MAX_CGROUPS && (name = dir_list_next(d, &type, &err))) {
		struct buf cpath;
		int cfd;

		if (name[0] == '.' || (type != DT_DIR && type != DT_UNKNOWN))
			continue;
		cfd = root_openat(w->root, dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (cfd < 0)
			continue;
		w->visited++;
		buf_init_in(&cpath, w->mem);
		path_join(&cpath, path, name);
		if (strcmp(name, w->name) == 0) {
			buf_reset(w->ret);
			buf_adds(w->ret, cpath.data);
			found = true;
		} else {
			found = find_named(w, cfd, cpath.data, depth + 1);
		}
		buf_free(&cpath);
		close(cfd);
	}
	xfree(d);
	close(fd2);
	return found;
}

int probe_cgroup_named(const struct hr_root *root, const struct snapshot *snap, const char *name, struct buf *ret)
{
	struct find_walk w = { root, snap->mem, name, 0, ret };

	if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	for (size_t i = 0; i < snap->nhiers; i++) {
		const struct cgroup_hier *h = &snap->hiers[i];
		const char *rel = h->mount_point;
		bool found;
		int fd;

		while (*rel == '/')
			rel++;
		fd = root_openat(root, root->fd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			continue;
		found = find_named(&w, fd, h->mount_root, 0);
		close(fd);
		if (found)
			return 0;
	}
	return -ENOENT;
}
