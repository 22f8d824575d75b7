// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup limits: pids.max (v1 and v2) and the memory limit (v1 memory.limit_in_bytes, v2 memory.max). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/sort.h"
#include "core/shell.h"
#include "model/assess_internal.h"
#include "model/refresh.h"

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return n > 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* A name systemd accepts for a unit of this suffix: [A-Za-z0-9:_.\\@-], at most 255 bytes (unit-name.c). */
static bool unit_name_valid(const char *s, size_t n, const char *suffix)
{
	if (n > 255 || !ends_with(s, n, suffix) || n == strlen(suffix))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr(":_.\\@-", s[i])))
			return false;
	return true;
}

/*
 * Whether components [0, n) are the cgroup of a unit of the system manager: slices that nest as
 * systemd nests them ("a-b.slice" directly below "a.slice", a top slice without '-'), then the
 * unit. Below a unit (a delegated subtree such as user@.service or a container's) names are not the
 * system manager's, whatever they look like.
 */
static bool systemd_unit_path(const char *const *comp, const size_t *len, int n)
{
	const char *last;
	size_t ll;

	if (n < 1)
		return false;
	last = comp[n - 1];
	ll = len[n - 1];
	if (!(unit_name_valid(last, ll, ".service") || unit_name_valid(last, ll, ".scope") ||
		       unit_name_valid(last, ll, ".slice")))
		return false;
	for (int i = 0; i < n; i++) {
		size_t base;

		if (!ends_with(comp[i], len[i], ".slice")) {
			if (i < n - 1)
				return false;
			continue;
		}
		if (!unit_name_valid(comp[i], len[i], ".slice"))
			return false;
		base = len[i] - 6;
		if (i == 0) {
			if (memchr(comp[i], '-', base))
				return false;
		} else {
			size_t pbase = len[i - 1] - 6;

			/* "a-b.slice" below "a.slice": the parent's name, a dash, one more part */
			if (!ends_with(comp[i - 1], len[i - 1], ".slice") || base <= pbase + 1 ||
			    memcmp(comp[i], comp[i - 1], pbase) != 0 || comp[i][pbase] != '-' ||
			    memchr(comp[i] + pbase + 1, '-', base - pbase - 1))
				return false;
		}
	}
	return true;
}

static void set_owner(struct owner *o, enum owner_kind k, const char *s, size_t n)
{
	if (n >= sizeof(o->name))
		n = sizeof(o->name) - 1;
	o->kind = k;
	memcpy(o->name, s, n);
	o->name[n] = '\0';
}

/*
 * Reads the path's components from the leaf up and names the first owner found:
 *   /kubepods/burstable/pod<uid>/<id>, /kubepods.slice/.../kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope
 *   /docker/<64 hex>, /system.slice/docker-<64 hex>.scope
 *   /machine.slice/libpod-<id>.scope, /libpod_parent/libpod-<id>
 *   /lxc/<name>, /lxc.payload.<name>
 *   /system.slice/<unit>.service (any .service, .scope or .slice)
 * Names must have the shape their owner gives them (64 hex digits for docker, a valid systemd unit
 * name), so that a cgroup a tenant names cannot make headroom suggest a command on something else.
 */
void cgroup_owner(const char *path, struct owner *ret)
{
	const char *comp[64];
	size_t len[64];
	int n = 0;

	memset(ret, 0, sizeof(*ret));
	for (const char *p = path; *p && n < 64;) {
		const char *e;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		comp[n] = p;
		len[n] = e ? (size_t)(e - p) : strlen(p);
		n++;
		p += len[n - 1];
	}
	/* Kubernetes first: its pods sit inside slices and may hold docker or containerd scopes. */
	for (int i = n - 1; i >= 0; i--) {
		const char *c = comp[i], *pod = NULL;

		if (len[i] > 3 && memcmp(c, "pod", 3) == 0 && i > 0 && strstr(path, "kubepods"))
			pod = c + 3;
		else if (strstr(path, "kubepods") && ends_with(c, len[i], ".slice") && (pod = strstr(c, "-pod")) &&
			 pod < c + len[i])
			pod += 4;
		if (pod) {
			size_t pl = (size_t)(c + len[i] - pod);

			if (ends_with(pod, pl, ".slice"))
				pl -= 6;
			set_owner(ret, OWNER_KUBERNETES, pod, pl);
			/* systemd's driver writes the uid's dashes as underscores */
			for (char *q = ret->name; *q; q++)
				if (*q == '_')
					*q = '-';
			return;
		}
	}
	/* kubepods, kubepods.slice, the QoS classes: the kubelet's node-allocatable cgroups */
	if (strstr(path, "kubepods")) {
		ret->kind = OWNER_KUBERNETES;
		return;
	}
	for (int i = n - 1; i >= 0; i--) {
		const char *c = comp[i];
		size_t l = len[i];

		if (l == 64 && all_hex(c, l) && i > 0 && len[i - 1] == 6 && memcmp(comp[i - 1], "docker", 6) == 0) {
			set_owner(ret, OWNER_DOCKER, c, 12);
			return;
		}
		if (l == 7 + 64 + 6 && memcmp(c, "docker-", 7) == 0 && ends_with(c, l, ".scope") && all_hex(c + 7, 64)) {
			set_owner(ret, OWNER_DOCKER, c + 7, 12);
			return;
		}
		if (l > 7 && memcmp(c, "libpod-", 7) == 0) {
			size_t il = ends_with(c, l, ".scope") ? l - 13 : l - 7;

			if (il >= 12 && all_hex(c + 7, il)) {
				set_owner(ret, OWNER_PODMAN, c + 7, 12);
				return;
			}
		}
		if (l > 12 && memcmp(c, "lxc.payload.", 12) == 0) {
			set_owner(ret, OWNER_LXC, c + 12, l - 12);
			return;
		}
		if (i > 0 && len[i - 1] == 3 && memcmp(comp[i - 1], "lxc", 3) == 0) {
			set_owner(ret, OWNER_LXC, c, l);
			return;
		}
	}
	if (n > 0 && systemd_unit_path(comp, len, n))
		set_owner(ret, OWNER_SYSTEMD, comp[n - 1], len[n - 1]);
}

static const char *owner_words(const struct owner *o, char *out, size_t size)
{
	switch (o->kind) {
	case OWNER_SYSTEMD: snprintf(out, size, "systemd unit %s", o->name); break;
	case OWNER_DOCKER: snprintf(out, size, "docker container %s", o->name); break;
	case OWNER_PODMAN: snprintf(out, size, "podman container %s", o->name); break;
	case OWNER_KUBERNETES:
		if (o->name[0])
			snprintf(out, size, "Kubernetes pod %s", o->name);
		else
			snprintf(out, size, "the kubelet (the cgroup of all pods or of a QoS class: node allocatable)");
		break;
	case OWNER_LXC: snprintf(out, size, "LXC container %s", o->name); break;
	case OWNER_CONTAINER_VIEW:
		snprintf(out, size, "the runtime that started this container (this is its own cgroup, seen from inside)");
		break;
	case OWNER_NONE: snprintf(out, size, "no service manager or container runtime recognised"); break;
	}
	return out;
}

static const char *owner_kind_name(enum owner_kind k)
{
	static const char *const names[] = { "none", "systemd", "docker", "podman", "kubernetes", "lxc", "container" };

	return names[k];
}

bool cgroup_path_within(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (n == 1 && top[0] == '/')
		return true;
	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int cgroup_path_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y)
		x++, y++;
	if (*x == *y)
		return 0;
	/* the end first, then '/', then every other byte in its order */
	if (!*x || (*x == '/' && *y))
		return -1;
	if (!*y || *y == '/')
		return 1;
	return *x < *y ? -1 : 1;
}

size_t cgroup_subtree_range(size_t n, const char *(*path_at)(const void *ctx, size_t i), const void *ctx,
			    const char *top, size_t *ret_end)
{
	size_t lo = 0, hi = n, end;

	/* the first entry that does not sort before top; those within it follow */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cgroup_path_cmp(path_at(ctx, mid), top) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && cgroup_path_within(path_at(ctx, end), top); end++)
		;
	*ret_end = end;
	return lo;
}

struct order_key {
	const char *path;
	int hier;
	size_t i;
};

static int order_key_cmp(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;
	int r;

	if (x->hier != y->hier)
		return x->hier < y->hier ? -1 : 1;
	r = cgroup_path_cmp(x->path, y->path);
	if (r)
		return r;
	return x->i < y->i ? -1 : x->i > y->i;
}

void cgroup_order_build(struct cgroup_order *o, const struct snapshot *snap, struct arena *mem)
{
	size_t n = snap->ncgroups;
	struct order_key *k = mem_calloc(mem, n ? n : 1, sizeof(*k));

	o->n = n;
	o->sorted = mem_calloc(mem, n ? n : 1, sizeof(*o->sorted));
	o->pos = mem_calloc(mem, n ? n : 1, sizeof(*o->pos));
	for (size_t i = 0; i < n; i++)
		k[i] = (struct order_key){ snap->cgroups[i].path, snap->cgroups[i].hier, i };
	xsort(k, n, sizeof(*k), order_key_cmp, mem);
	for (size_t j = 0; j < n; j++) {
		o->sorted[j] = k[j].i;
		o->pos[k[j].i] = j;
	}
	xfree(k);
}

void cgroup_order_free(struct cgroup_order *o)
{
	xfree(o->sorted);
	xfree(o->pos);
	*o = (struct cgroup_order){ 0 };
}

/* Forks rejected in the subtree of c: counted in the forking task's cgroup unless pids.events is hierarchical. */
uint64_t cgroup_subtree_rejected(const struct snapshot *snap, const struct cgroup_order *o, const struct cgroup_info *c,
				 bool *ret_known)
{
	uint64_t sum = 0;
	size_t at = (size_t)(c - snap->cgroups), j;
	bool root = strcmp(c->path, "/") == 0;

	*ret_known = false;
	if (c->pids_events_hierarchical) {
		*ret_known = c->pids_events_max.known;
		return c->pids_events_max.known ? c->pids_events_max.v : 0;
	}
	if (at >= o->n)
		return 0;
	/* c, then the cgroups below it: they follow it in the order; a root's are all of its hierarchy (from
	 * its first), a path read twice is counted twice as before */
	for (j = o->pos[at]; j > 0; j--) {
		const struct cgroup_info *d = &snap->cgroups[o->sorted[j - 1]];

		if (d->hier != c->hier || (!root && strcmp(d->path, c->path) != 0))
			break;
	}
	for (; j < o->n; j++) {
		const struct cgroup_info *d = &snap->cgroups[o->sorted[j]];

		if (d->hier != c->hier || !cgroup_path_within(d->path, c->path))
			break;
		if (!d->pids_events_max.known)
			continue;
		sum += d->pids_events_max.v;
		*ret_known = true;
	}
	return sum;
}

/*
 * The owner of cgroup c. pids.max and the memory limits do not exist on a hierarchy's real root
 * (CFTYPE_NOT_ON_ROOT): found at the root of the reader's view, they are the container's own.
 */
static void owner_of(const struct cgroup_info *c, struct owner *o)
{
	cgroup_owner(c->path, o);
	if (o->kind == OWNER_NONE && strcmp(c->path, "/") == 0)
		o->kind = OWNER_CONTAINER_VIEW;
}

/* Seen from inside a container (its cgroup namespace), the limit is set on the host. */
static const char container_view_fix[] = "from inside the container it cannot be raised; on the host, raise the "
					 "container's limit (put its name or id for CONTAINER; podman update likewise)";

static void assess_cgroup_pids(const struct snapshot *snap, const struct cgroup_order *order, const struct tally *t,
			       struct assessment *a, const struct cgroup_info *c)
{
	struct arena *mem = snap->mem;
	const struct cgroup_hier *h = &snap->hiers[c->hier];
	char used[32], max[32], ow[200];
	struct owner o;
	struct limit *l;
	unsigned long long r;
	uint64_t raise, rejected;
	bool rejected_known;
	char *file;

	owner_of(c, &o);
	l = limit_add(a, snap, LIMIT_CGROUP_PIDS, scope_cgroup(c->path), mem_asprintf(mem, "cgroup %s", c->path));
	l->used = c->pids_current.known ? c->pids_current.v : 0;
	l->max = c->pids_max;
	l->capacity = c->pids_max; /* pids_try_charge: fails when current + 1 > max */
	l->has_top = task_top_find_cgroup(t, c->path, &l->top);
	l->source = mem_asprintf(mem, "pids.max of the cgroup (%s), set by %s",
				      h->label, owner_words(&o, ow, sizeof(ow)));
	rejected = cgroup_subtree_rejected(snap, order, c, &rejected_known);
	l->meaning = mem_asprintf(mem, "%s of %s tasks in the cgroup and its children",
				       human_count(l->used, used, sizeof(used)),
				       human_count(l->max, max, sizeof(max)));
	if (rejected_known && rejected) {
		str_appendf(mem, &l->meaning, "; %llu fork%s by its tasks %s rejected since it was created (pids.events)",
			    (unsigned long long)rejected, rejected == 1 ? "" : "s", rejected == 1 ? "was" : "were");
	}
	raise = suggest_raise(l->max, l->used, 0);
	r = (unsigned long long)raise;
	file = mem_asprintf(mem, "%s/pids.max", c->dir);
	switch (o.kind) {
	case OWNER_SYSTEMD:
		fix_text(&l->fix_now, mem_strdup(mem, "raise pids.max now, or through systemd, which also keeps it"));
		fix_command(mem, &l->fix_now, "echo %llu > %s", r, file);
		fix_command(mem, &l->fix_now, "systemctl set-property %s TasksMax=%llu", o.name, r);
		fix_text(&l->fix_durable, mem_strdup(mem, "TasksMax= of the unit: set-property keeps it in a drop-in, "
							  "or edit the unit; DefaultTasksMax= in "
							  "/etc/systemd/system.conf sets every unit's default"));
		fix_command(mem, &l->fix_durable, "systemctl set-property %s TasksMax=%llu", o.name, r);
		fix_command(mem, &l->fix_durable, "systemctl edit %s", o.name);
		break;
	case OWNER_DOCKER:
	case OWNER_PODMAN:
		fix_text(&l->fix_now, mem_strdup(mem, "raise the container's limit"));
		fix_command(mem, &l->fix_now, "%s update --pids-limit %llu %s", o.kind == OWNER_DOCKER ? "docker" : "podman", r,
			    o.name);
		if (o.kind == OWNER_DOCKER)
			fix_text(&l->fix_durable, mem_asprintf(mem, "start the container with --pids-limit %llu "
								    "(compose: pids_limit: %llu)", r, r));
		else
			fix_text(&l->fix_durable, mem_asprintf(mem, "start the container with --pids-limit %llu, or "
								    "set pids_limit in containers.conf (its default is "
								    "2048)", r));
		break;
	case OWNER_KUBERNETES:
		fix_text(&l->fix_now, mem_strdup(mem, o.name[0] ? "none that lasts: the kubelet owns this cgroup; stop "
								  "runaway processes in the pod" :
								  "none that lasts: the kubelet owns this cgroup; stop "
								  "runaway processes in its pods"));
		if (o.name[0])
			fix_text(&l->fix_durable, mem_asprintf(mem, "raise podPidsLimit in the kubelet configuration "
								    "(--pod-max-pids) to %llu or more and restart the "
								    "kubelet", r));
		else
			fix_text(&l->fix_durable, mem_strdup(mem, "the kubelet sizes it from the node's pids less "
								  "systemReserved and kubeReserved pid: change those "
								  "in the kubelet configuration"));
		break;
	case OWNER_LXC:
		fix_text(&l->fix_now, mem_strdup(mem, "raise pids.max now"));
		fix_command(mem, &l->fix_now, "echo %llu > %s", r, file);
		fix_text(&l->fix_durable, mem_asprintf(mem, "lxc.cgroup2.pids.max = %llu (lxc.cgroup.pids.max on "
							    "cgroup v1) in the container's configuration", r));
		break;
	case OWNER_CONTAINER_VIEW:
		fix_text(&l->fix_now, mem_strdup(mem, container_view_fix));
		fix_command(mem, &l->fix_now, "docker update --pids-limit %llu CONTAINER", r);
		fix_text(&l->fix_durable, mem_asprintf(mem, "start the container with --pids-limit %llu, or raise "
							    "podPidsLimit for a Kubernetes pod", r));
		break;
	case OWNER_NONE:
		fix_text(&l->fix_now, mem_strdup(mem, "raise pids.max now"));
		fix_command(mem, &l->fix_now, "echo %llu > %s", r, file);
		fix_text(&l->fix_durable, mem_strdup(mem, "raise pids.max where the cgroup is created (the service "
							  "manager or tool that makes it)"));
		break;
	}
	xfree(file);
	fact_str(mem, l, FACT_DIR, c->dir);
	fact_str(mem, l, FACT_HIERARCHY, h->label);
	if (rejected_known)
		fact_u64(l, FACT_REJECTED_FORKS, rejected);
	if (c->pids_peak.known)
		fact_u64(l, FACT_PEAK, c->pids_peak.v);
	fact_str(mem, l, FACT_OWNER_KIND, owner_kind_name(o.kind));
	if (o.name[0])
		fact_str(mem, l, FACT_OWNER, o.name);
}

static void assess_cgroup_memory(const struct snapshot *snap, struct assessment *a, const struct cgroup_info *c)
{
	struct arena *mem = snap->mem;
	const struct cgroup_hier *h = &snap->hiers[c->hier];
	char b1[32], b2[32], b3[32], ow[200];
	uint64_t ws, raise;
	unsigned long long r;
	struct owner o;
	struct limit *l;
	char *file;

	if (!c->mem_usage_bytes.known)
		return;
	owner_of(c, &o);
	l = limit_add(a, snap, LIMIT_CGROUP_MEMORY, scope_cgroup(c->path), mem_asprintf(mem, "cgroup %s", c->path));
	l->used = c->mem_usage_bytes.v;
	l->max = c->mem_max_bytes;
	l->capacity = c->mem_max_bytes;
	/* Page cache is reclaimed before the OOM killer runs: judge on the working set, as the kubelet does. */
	ws = l->used;
	if (c->mem_inactive_file_bytes.known)
		ws = ws > c->mem_inactive_file_bytes.v ? ws - c->mem_inactive_file_bytes.v : 0;
	l->basis = ws;
	l->has_basis = true;
	l->source = mem_asprintf(mem, "the cgroup's memory limit (%s %s), set by %s", h->label,
				      h->kind == CG_HIER_V1 ? "memory.limit_in_bytes" : "memory.max",
				      owner_words(&o, ow, sizeof(ow)));
	l->meaning = mem_asprintf(mem, "%s used of %s (working set %s, without reclaimable page cache)",
				       human_bytes(l->used, b1, sizeof(b1)), human_bytes(l->max, b2, sizeof(b2)),
				       human_bytes(ws, b3, sizeof(b3)));
	if (c->mem_oom_kill.known && c->mem_oom_kill.v)
		str_appendf(mem, &l->meaning,
			    "; the OOM killer killed %llu task%s in it since it was created (%s oom_kill)",
			    (unsigned long long)c->mem_oom_kill.v, c->mem_oom_kill.v == 1 ? "" : "s",
			    h->kind == CG_HIER_V1 ? "memory.oom_control" : "memory.events");
	raise = suggest_raise(l->max, l->used, 0);
	r = (unsigned long long)raise;
	file = mem_asprintf(mem, "%s/%s", c->dir, h->kind == CG_HIER_V1 ? "memory.limit_in_bytes" : "memory.max");
	switch (o.kind) {
	case OWNER_SYSTEMD:
		fix_text(&l->fix_now, mem_strdup(mem, "raise the limit now, or through systemd, which also keeps it"));
		fix_command(mem, &l->fix_now, "echo %llu > %s", r, file);
		fix_command(mem, &l->fix_now, h->kind == CG_HIER_V1 ? "systemctl set-property %s MemoryLimit=%llu" :
								      "systemctl set-property %s MemoryMax=%llu", o.name, r);
		fix_text(&l->fix_durable, mem_strdup(mem, h->kind == CG_HIER_V1 ?
							  "MemoryLimit= of the unit, kept in a drop-in" :
							  "MemoryMax= of the unit, kept in a drop-in"));
		fix_command(mem, &l->fix_durable, h->kind == CG_HIER_V1 ? "systemctl set-property %s MemoryLimit=%llu" :
									  "systemctl set-property %s MemoryMax=%llu", o.name, r);
		break;
	case OWNER_DOCKER:
	case OWNER_PODMAN:
		fix_text(&l->fix_now, mem_strdup(mem, "raise the container's limit"));
		fix_command(mem, &l->fix_now, "%s update --memory %llu %s", o.kind == OWNER_DOCKER ? "docker" : "podman", r,
			    o.name);
		fix_text(&l->fix_durable, mem_asprintf(mem, "start the container with --memory %llu", r));
		break;
	case OWNER_KUBERNETES:
		fix_text(&l->fix_now, mem_strdup(mem, "none that lasts: the kubelet owns this cgroup"));
		fix_text(&l->fix_durable, mem_strdup(mem, o.name[0] ?
							  "raise resources.limits.memory of the pod's containers" :
							  "the kubelet sizes it from the node's memory less "
							  "systemReserved, kubeReserved and the hard eviction "
							  "threshold: change those in the kubelet configuration"));
		break;
	case OWNER_LXC:
		fix_text(&l->fix_now, mem_strdup(mem, "raise the limit now"));
		fix_command(mem, &l->fix_now, "echo %llu > %s", r, file);
		fix_text(&l->fix_durable, mem_asprintf(mem, "lxc.cgroup2.memory.max = %llu in the container's "
							    "configuration", r));
		break;
	case OWNER_CONTAINER_VIEW:
		fix_text(&l->fix_now, mem_strdup(mem, container_view_fix));
		fix_command(mem, &l->fix_now, "docker update --memory %llu CONTAINER", r);
		fix_text(&l->fix_durable, mem_asprintf(mem, "start the container with --memory %llu, or raise "
							    "resources.limits.memory", r));
		break;
	case OWNER_NONE:
		fix_text(&l->fix_now, mem_strdup(mem, "raise the limit now"));
		fix_command(mem, &l->fix_now, "echo %llu > %s", r, file);
		fix_text(&l->fix_durable, mem_strdup(mem, "raise the limit where the cgroup is created"));
		break;
	}
	xfree(file);
	fact_str(mem, l, FACT_DIR, c->dir);
	fact_str(mem, l, FACT_HIERARCHY, h->label);
	fact_u64(l, FACT_WORKING_SET_BYTES, ws);
	if (c->mem_peak_bytes.known)
		fact_u64(l, FACT_PEAK_BYTES, c->mem_peak_bytes.v);
	if (c->mem_failcnt.known)
		fact_u64(l, FACT_FAILCNT, c->mem_failcnt.v);
	if (c->mem_events_max.known)
		fact_u64(l, FACT_EVENTS_MAX, c->mem_events_max.v);
	if (c->mem_oom_kill.known)
		fact_u64(l, FACT_OOM_KILL, c->mem_oom_kill.v);
	fact_str(mem, l, FACT_OWNER_KIND, owner_kind_name(o.kind));
	if (o.name[0])
		fact_str(mem, l, FACT_OWNER, o.name);
}

void assess_cgroups(const struct snapshot *snap, const struct tally *t, struct assessment *a)
{
	struct cgroup_order order;

	cgroup_order_build(&order, snap, snap->mem);
	for (size_t i = 0; i < snap->ncgroups; i++) {
		const struct cgroup_info *c = &snap->cgroups[i];

		if (c->has_pids_max && !c->pids_unlimited && c->pids_current.known)
			assess_cgroup_pids(snap, &order, t, a, c);
		if (c->has_mem_max && !c->mem_unlimited)
			assess_cgroup_memory(snap, a, c);
	}
	if (!snap->mem)
		cgroup_order_free(&order);
}
