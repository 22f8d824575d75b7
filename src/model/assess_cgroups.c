// SPDX-License-Identifier: GPL-2.0-or-later
/* cgroup limits: pids.max (v1 and v2) and the memory limit (v1 memory.limit_in_bytes, v2 memory.max). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/shell.h"
#include "model/assess_internal.h"

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
		if (l > 7 && memcmp(c, "docker-", 7) == 0 && ends_with(c, l, ".scope")) {
			set_owner(ret, OWNER_DOCKER, c + 7, l - 13 > 12 ? 12 : l - 13);
			return;
		}
		if (l > 7 && memcmp(c, "libpod-", 7) == 0) {
			size_t il = ends_with(c, l, ".scope") ? l - 13 : l - 7;

			set_owner(ret, OWNER_PODMAN, c + 7, il > 12 ? 12 : il);
			return;
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
	for (int i = n - 1; i >= 0; i--) {
		if (ends_with(comp[i], len[i], ".service") || ends_with(comp[i], len[i], ".scope") ||
		    ends_with(comp[i], len[i], ".slice")) {
			set_owner(ret, OWNER_SYSTEMD, comp[i], len[i]);
			return;
		}
	}
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

/* A process is in cgroup path c or below it. */
static bool in_cgroup(const struct proc_info *p, const void *ctx)
{
	return p->cgroup && cgroup_path_within(p->cgroup, ctx);
}

/* Forks rejected in the subtree of c: counted in the forking task's cgroup unless pids.events is hierarchical. */
static uint64_t subtree_rejected(const struct snapshot *snap, const struct cgroup_info *c, bool *ret_known)
{
	uint64_t sum = 0;

	*ret_known = false;
	if (c->pids_events_hierarchical) {
		*ret_known = c->pids_events_max.known;
		return c->pids_events_max.known ? c->pids_events_max.v : 0;
	}
	for (size_t i = 0; i < snap->ncgroups; i++) {
		const struct cgroup_info *d = &snap->cgroups[i];

		if (d->hier != c->hier || !d->pids_events_max.known)
			continue;
		if (!cgroup_path_within(d->path, c->path))
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

static void assess_cgroup_pids(const struct snapshot *snap, struct assessment *a, const struct cgroup_info *c)
{
	const struct cgroup_hier *h = &snap->hiers[c->hier];
	char used[32], max[32], ow[200];
	struct owner o;
	struct limit *l;
	struct buf dir, fix;
	uint64_t raise, rejected;
	bool rejected_known;

	owner_of(c, &o);
	l = limit_add(a, snap, LIMIT_CGROUP_PIDS, xasprintf("cgroup:%s", c->path), xasprintf("cgroup %s", c->path));
	l->used = c->pids_current.known ? c->pids_current.v : 0;
	l->max = c->pids_max;
	l->capacity = c->pids_max; /* pids_try_charge: fails when current + 1 > max */
	limit_set_top(l, snap, in_cgroup, c->path);
	l->source = xasprintf("pids.max of the cgroup (%s), set by %s", h->label, owner_words(&o, ow, sizeof(ow)));
	rejected = subtree_rejected(snap, c, &rejected_known);
	l->meaning = xasprintf("%s of %s tasks in the cgroup and its children", human_count(l->used, used, sizeof(used)),
			       human_count(l->max, max, sizeof(max)));
	if (rejected_known && rejected) {
		str_appendf(&l->meaning, "; %llu fork%s by its tasks %s rejected since it was created (pids.events)",
			    (unsigned long long)rejected, rejected == 1 ? "" : "s", rejected == 1 ? "was" : "were");
	}
	raise = suggest_raise(l->max, l->used, 0);
	buf_init(&dir);
	buf_init(&fix);
	buf_printf(&dir, "%s/pids.max", c->dir);
	buf_printf(&fix, "echo %llu > ", (unsigned long long)raise);
	shell_quote(&fix, dir.data);
	switch (o.kind) {
	case OWNER_SYSTEMD:
		buf_printf(&fix, ", or: systemctl set-property %s TasksMax=%llu", o.name, (unsigned long long)raise);
		l->fix_durable = xasprintf("systemctl set-property %s TasksMax=%llu (persists), or TasksMax= in the unit "
					   "(systemctl edit %s); DefaultTasksMax= in /etc/systemd/system.conf sets every unit's default",
					   o.name, (unsigned long long)raise, o.name);
		break;
	case OWNER_DOCKER:
		buf_reset(&fix);
		buf_printf(&fix, "docker update --pids-limit %llu %s", (unsigned long long)raise, o.name);
		l->fix_durable = xasprintf("start the container with --pids-limit %llu (compose: pids_limit: %llu)",
					   (unsigned long long)raise, (unsigned long long)raise);
		break;
	case OWNER_PODMAN:
		buf_reset(&fix);
		buf_printf(&fix, "podman update --pids-limit %llu %s", (unsigned long long)raise, o.name);
		l->fix_durable = xasprintf("start the container with --pids-limit %llu, or set pids_limit in "
					   "containers.conf (its default is 2048)", (unsigned long long)raise);
		break;
	case OWNER_KUBERNETES:
		buf_reset(&fix);
		buf_adds(&fix, o.name[0] ? "none that lasts: the kubelet owns this cgroup; stop runaway processes in the pod" :
					   "none that lasts: the kubelet owns this cgroup; stop runaway processes in its pods");
		if (o.name[0])
			l->fix_durable = xasprintf("raise podPidsLimit in the kubelet configuration (--pod-max-pids) to %llu "
						   "or more and restart the kubelet", (unsigned long long)raise);
		else
			l->fix_durable = xstrdup("the kubelet sizes it from the node's pids less systemReserved and "
						 "kubeReserved pid: change those in the kubelet configuration");
		break;
	case OWNER_LXC:
		l->fix_durable = xasprintf("lxc.cgroup2.pids.max = %llu (lxc.cgroup.pids.max on cgroup v1) in the "
					   "container's configuration", (unsigned long long)raise);
		break;
	case OWNER_CONTAINER_VIEW:
		buf_reset(&fix);
		buf_printf(&fix, "on the host: docker update --pids-limit %llu <container> (podman update likewise); "
			   "from inside it cannot be raised", (unsigned long long)raise);
		l->fix_durable = xasprintf("start the container with --pids-limit %llu, or raise podPidsLimit for a "
					   "Kubernetes pod", (unsigned long long)raise);
		break;
	case OWNER_NONE:
		l->fix_durable = xstrdup("raise pids.max where the cgroup is created (the service manager or tool that "
					 "makes it)");
		break;
	}
	l->fix_now = buf_detach(&fix);
	buf_free(&fix);
	buf_free(&dir);
	fact_str(l, "dir", c->dir);
	fact_str(l, "hierarchy", h->label);
	if (rejected_known)
		fact_u64(l, "rejected_forks", rejected);
	if (c->pids_peak.known)
		fact_u64(l, "peak", c->pids_peak.v);
	fact_str(l, "owner_kind", owner_kind_name(o.kind));
	if (o.name[0])
		fact_str(l, "owner", o.name);
}

static void assess_cgroup_memory(const struct snapshot *snap, struct assessment *a, const struct cgroup_info *c)
{
	const struct cgroup_hier *h = &snap->hiers[c->hier];
	char b1[32], b2[32], b3[32], ow[200];
	uint64_t ws, raise;
	struct owner o;
	struct limit *l;
	struct buf fix, dir;

	if (!c->mem_usage_bytes.known)
		return;
	owner_of(c, &o);
	l = limit_add(a, snap, LIMIT_CGROUP_MEMORY, xasprintf("cgroup:%s", c->path), xasprintf("cgroup %s", c->path));
	l->used = c->mem_usage_bytes.v;
	l->max = c->mem_max_bytes;
	l->capacity = c->mem_max_bytes;
	/* Page cache is reclaimed before the OOM killer runs: judge on the working set, as the kubelet does. */
	ws = l->used;
	if (c->mem_inactive_file_bytes.known)
		ws = ws > c->mem_inactive_file_bytes.v ? ws - c->mem_inactive_file_bytes.v : 0;
	l->basis = ws;
	l->has_basis = true;
	l->source = xasprintf("the cgroup's memory limit (%s %s), set by %s", h->label,
			      h->kind == CG_HIER_V1 ? "memory.limit_in_bytes" : "memory.max", owner_words(&o, ow, sizeof(ow)));
	l->meaning = xasprintf("%s used of %s (working set %s, without reclaimable page cache)",
			       human_bytes(l->used, b1, sizeof(b1)), human_bytes(l->max, b2, sizeof(b2)),
			       human_bytes(ws, b3, sizeof(b3)));
	if (c->mem_oom_kill.known && c->mem_oom_kill.v)
		str_appendf(&l->meaning, "; the OOM killer killed %llu task%s in it since it was created (%s oom_kill)",
			    (unsigned long long)c->mem_oom_kill.v, c->mem_oom_kill.v == 1 ? "" : "s",
			    h->kind == CG_HIER_V1 ? "memory.oom_control" : "memory.events");
	raise = suggest_raise(l->max, l->used, 0);
	buf_init(&fix);
	buf_init(&dir);
	buf_printf(&dir, "%s/%s", c->dir, h->kind == CG_HIER_V1 ? "memory.limit_in_bytes" : "memory.max");
	buf_printf(&fix, "echo %llu > ", (unsigned long long)raise);
	shell_quote(&fix, dir.data);
	switch (o.kind) {
	case OWNER_SYSTEMD:
		l->fix_durable = xasprintf("systemctl set-property %s %s=%llu", o.name,
					   h->kind == CG_HIER_V1 ? "MemoryLimit" : "MemoryMax", (unsigned long long)raise);
		break;
	case OWNER_DOCKER:
	case OWNER_PODMAN:
		buf_reset(&fix);
		buf_printf(&fix, "%s update --memory %llu %s", o.kind == OWNER_DOCKER ? "docker" : "podman",
			   (unsigned long long)raise, o.name);
		l->fix_durable = xasprintf("start the container with --memory %llu", (unsigned long long)raise);
		break;
	case OWNER_KUBERNETES:
		buf_reset(&fix);
		buf_adds(&fix, "none that lasts: the kubelet owns this cgroup");
		l->fix_durable = xstrdup(o.name[0] ? "raise resources.limits.memory of the pod's containers" :
					 "the kubelet sizes it from the node's memory less systemReserved, kubeReserved "
					 "and the hard eviction threshold: change those in the kubelet configuration");
		break;
	case OWNER_LXC:
		l->fix_durable = xasprintf("lxc.cgroup2.memory.max = %llu in the container's configuration",
					   (unsigned long long)raise);
		break;
	case OWNER_CONTAINER_VIEW:
		buf_reset(&fix);
		buf_printf(&fix, "on the host: docker update --memory %llu <container>; from inside it cannot be raised",
			   (unsigned long long)raise);
		l->fix_durable = xasprintf("start the container with --memory %llu, or raise resources.limits.memory",
					   (unsigned long long)raise);
		break;
	case OWNER_NONE:
		l->fix_durable = xstrdup("raise the limit where the cgroup is created");
		break;
	}
	l->fix_now = buf_detach(&fix);
	buf_free(&fix);
	buf_free(&dir);
	fact_str(l, "dir", c->dir);
	fact_str(l, "hierarchy", h->label);
	fact_u64(l, "working_set_bytes", ws);
	if (c->mem_peak_bytes.known)
		fact_u64(l, "peak_bytes", c->mem_peak_bytes.v);
	if (c->mem_failcnt.known)
		fact_u64(l, "failcnt", c->mem_failcnt.v);
	if (c->mem_events_max.known)
		fact_u64(l, "events_max", c->mem_events_max.v);
	if (c->mem_oom_kill.known)
		fact_u64(l, "oom_kill", c->mem_oom_kill.v);
	fact_str(l, "owner_kind", owner_kind_name(o.kind));
	if (o.name[0])
		fact_str(l, "owner", o.name);
}

void assess_cgroups(const struct snapshot *snap, struct assessment *a)
{
	for (size_t i = 0; i < snap->ncgroups; i++) {
		const struct cgroup_info *c = &snap->cgroups[i];

		if (c->has_pids_max && !c->pids_unlimited && c->pids_current.known)
			assess_cgroup_pids(snap, a, c);
		if (c->has_mem_max && !c->mem_unlimited)
			assess_cgroup_memory(snap, a, c);
	}
}
