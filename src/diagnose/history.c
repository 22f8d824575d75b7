// SPDX-License-Identifier: GPL-2.0-or-later
#include "diagnose/history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "diagnose/oom_history.h"
#include "parse/kernel_line.h"
#include "parse/killer_line.h"
#include "parse/log_text.h"

#define USEC 1000000LL

const char *hist_kind_name(enum hist_kind k)
{
	static const char *const names[] = { "oom-kill", "eviction", "fork-rejected", "failure-message", "panic",
					     "evidence-file" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *hist_killer_name(enum hist_killer k)
{
	static const char *const names[] = { NULL, "kernel", "systemd-oomd", "earlyoom", "nohang", "kubelet" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : NULL;
}

const char *hist_domain_name(enum hist_domain d)
{
	static const char *const names[] = { NULL, "global", "memcg", "cpuset", "mempolicy" };

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : NULL;
}

void history_init(struct history *h)
{
	memset(h, 0, sizeof(*h));
	strtab_init(&h->strings, NULL);
	h->oom = xcalloc(1, sizeof(*h->oom));
	h->cur_boot = -1;
}

void history_free(struct history *h)
{
	for (size_t i = 0; i < h->n; i++)
		for (unsigned k = 0; k < h->events[i].n_evidence; k++)
			xfree((char *)h->events[i].evidence[k].text);
	xfree(h->events);
	xfree(h->boots);
	xfree(h->incidents);
	for (unsigned i = 0; i < h->npending; i++)
		xfree((char *)h->pending[i]);
	if (h->oom) {
		oom_history_free(h->oom);
		xfree(h->oom);
	}
	strtab_free(&h->strings);
	memset(h, 0, sizeof(*h));
}

static const char *intern(struct history *h, const char *s, size_t len)
{
	return s && len ? strtab_intern(&h->strings, s, len) : NULL;
}

static const char *intern_str(struct history *h, const char *s)
{
	return s ? intern(h, s, strlen(s)) : NULL;
}

unsigned history_source_begin(struct history *h, const char *name)
{
	unsigned i = h->nsources < HIST_SOURCES_MAX ? h->nsources++ : HIST_SOURCES_MAX - 1;

	if (i == h->nsources - 1 || !h->sources[i].name) {
		memset(&h->sources[i], 0, sizeof(h->sources[i]));
		h->sources[i].name = intern_str(h, name);
	}
	h->cur_source = i;
	h->cur_boot = -1;
	for (unsigned k = 0; k < h->npending; k++)
		xfree((char *)h->pending[k]);
	h->npending = 0;
	h->last_kill = 0;
	h->nohang_pid = 0;
	h->nohang_comm = NULL;
	h->kubelet_resource = NULL;
	oom_history_free(h->oom);
	return i;
}

void history_source_problem(struct history *h, unsigned source, int err, const char *problem)
{
	if (source >= h->nsources)
		return;
	h->sources[source].err = err;
	if (problem)
		h->sources[source].problem = intern_str(h, problem);
}

/* A copy of a line for the evidence: at most HIST_LINE_MAX bytes. */
static char *line_copy(const char *s, size_t len, bool *ret_cut)
{
	*ret_cut = len > HIST_LINE_MAX;
	return xstrndup(s, len > HIST_LINE_MAX ? HIST_LINE_MAX : len);
}

static void evidence_add(struct hist_event *e, const char *s, size_t len, unsigned source)
{
	bool cut;

	if (e->n_evidence == HIST_EVIDENCE_MAX) {
		e->evidence_more++;
		return;
	}
	e->evidence[e->n_evidence].text = line_copy(s, len, &cut);
	e->evidence[e->n_evidence].cut = cut;
	e->evidence[e->n_evidence].source = source;
	e->n_evidence++;
}

/* A new event of the current source, at the line's time, zeroed but for those. */
static struct hist_event *new_event(struct history *h, enum hist_kind kind, const struct hist_line *l)
{
	struct hist_event *e;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->events = xreallocarray(h->events, h->cap, sizeof(*h->events));
	}
	e = &h->events[h->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->boot = h->cur_boot;
	e->source = h->cur_source;
	e->has_time = l->has_time;
	e->time_usec = e->last_usec = l->time_usec;
	e->has_mono = l->has_mono;
	e->mono_usec = l->mono_usec;
	e->count = 1;
	e->seen_in = 1ULL << (h->cur_source < 63 ? h->cur_source : 63);
	h->sources[h->cur_source].events++;
	return e;
}

/* The boot of the lines being read: the journal's id, or a new stretch of a text log at a kernel start. */
static void track_boot(struct history *h, const struct hist_line *l)
{
	struct hist_boot *b;

	if (l->boot_id && l->boot_id[0]) {
		if (h->cur_boot >= 0 && strcmp(h->boots[h->cur_boot].id, l->boot_id) == 0)
			goto seen;
		for (size_t i = h->nboots; i-- > 0;)
			if (strcmp(h->boots[i].id, l->boot_id) == 0) {
				h->cur_boot = (int)i;
				goto seen;
			}
	} else if (h->cur_boot >= 0 && !l->boot_start) {
		goto seen;
	}
	if (h->nboots == h->boots_cap) {
		h->boots_cap = h->boots_cap ? h->boots_cap * 2 : 8;
		h->boots = xreallocarray(h->boots, h->boots_cap, sizeof(*h->boots));
	}
	b = &h->boots[h->nboots];
	memset(b, 0, sizeof(*b));
	if (l->boot_id)
		snprintf(b->id, sizeof(b->id), "%s", l->boot_id);
	b->same_as = (int)h->nboots;
	h->cur_boot = (int)h->nboots++;
seen:
	b = &h->boots[h->cur_boot];
	if (l->has_time) {
		if (!b->has_range || l->time_usec < b->first_usec)
			b->first_usec = l->time_usec;
		if (!b->has_range || l->time_usec > b->last_usec)
			b->last_usec = l->time_usec;
		b->has_range = true;
		/* the kernel's start: wall clock less the time since boot (the first such line decides) */
		if (l->has_mono && !b->has_start && l->writer == HIST_WRITER_KERNEL) {
			b->has_start = true;
			b->start_usec = l->time_usec - (int64_t)l->mono_usec;
		}
	}
}

static void pending_clear(struct history *h)
{
	for (unsigned k = 0; k < h->npending; k++)
		xfree((char *)h->pending[k]);
	h->npending = 0;
}

static void pending_add(struct history *h, const struct hist_line *l)
{
	bool cut;

	if (h->npending < sizeof(h->pending) / sizeof(h->pending[0]))
		h->pending[h->npending++] = line_copy(l->raw, l->raw_len, &cut);
}

static enum hist_domain domain_of(const char *constraint, const char *scope)
{
	if (strcmp(constraint, "CONSTRAINT_MEMCG") == 0 || strncmp(scope, "cgroup:", 7) == 0)
		return HIST_DOMAIN_MEMCG;
	if (strcmp(constraint, "CONSTRAINT_CPUSET") == 0)
		return HIST_DOMAIN_CPUSET;
	if (strcmp(constraint, "CONSTRAINT_MEMORY_POLICY") == 0)
		return HIST_DOMAIN_MEMPOLICY;
	return HIST_DOMAIN_GLOBAL;
}

/* The systemd unit a cgroup path ends in ("/system.slice/app.service" -> "app.service"), or NULL. */
static const char *unit_of_cgroup(struct history *h, const char *path)
{
	const char *base, *dot;
	static const char *const types[] = { ".service", ".scope", ".slice", ".socket", ".mount", ".swap" };

	if (!path)
		return NULL;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot)
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i]) == 0)
			return intern_str(h, base);
	return NULL;
}

/*
 * The container a cgroup path names: docker's "/docker/<id>" and "docker-<id>.scope", containerd's
 * "cri-containerd-<id>.scope", CRI-O's "crio-<id>.scope", podman's "libpod-<id>.scope"; the 64-hex id.
 */
static const char *container_of_cgroup(struct history *h, const char *path)
{
	const char *p;

	if (!path)
		return NULL;
	for (p = path; *p; p++) {
		size_t n = 0;

		if (p != path && p[-1] != '-' && p[-1] != '/')
			continue;
		while (n < 64 && ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f')))
			n++;
		if (n == 64 && (p[64] == '\0' || p[64] == '.' || p[64] == '/'))
			return intern(h, p, 64);
	}
	return NULL;
}

/* The kubelet's pod cgroup: ".../kubepods-burstable-pod<uid>.slice/..." or "/kubepods/burstable/pod<uid>/...": the uid. */
static const char *pod_of_cgroup(struct history *h, const char *path)
{
	const char *p = path ? strstr(path, "pod") : NULL;

	for (; p; p = strstr(p + 3, "pod")) {
		size_t n = 0;

		if (p == path || (p[-1] != '-' && p[-1] != '/'))
			continue;
		while (n < 40 && ((p[3 + n] >= '0' && p[3 + n] <= '9') || (p[3 + n] >= 'a' && p[3 + n] <= 'f') ||
				  p[3 + n] == '_' || p[3 + n] == '-'))
			n++;
		if (n >= 32)
			return intern(h, p + 3, n);
	}
	return NULL;
}

static void name_cgroup(struct history *h, struct hist_event *e)
{
	const char *path = e->cgroup ? e->cgroup : e->oom_cgroup;

	if (!e->unit)
		e->unit = unit_of_cgroup(h, path);
	if (!e->container)
		e->container = container_of_cgroup(h, path);
	if (!e->pod)
		e->pod = pod_of_cgroup(h, path);
}

/* The kills the OOM assembler finished with this line, as events. */
static void take_kills(struct history *h, const struct hist_line *l)
{
	for (size_t i = 0; i < h->oom->n; i++) {
		const struct oom_kill *k = &h->oom->kills[i];
		struct hist_event *e = new_event(h, HIST_OOM_KILL, l);

		e->killer = HIST_KILLER_KERNEL;
		e->domain = domain_of(k->constraint, k->scope);
		e->pid = k->pid;
		e->comm = intern_str(h, k->comm);
		e->has_uid = k->has_uid;
		e->uid = k->uid;
		e->has_rss = true;
		e->rss_bytes = k->rss_kib * 1024;
		e->has_adj = k->has_adj;
		e->oom_score_adj = k->oom_score_adj;
		e->trigger = k->trigger[0] ? intern_str(h, k->trigger) : NULL;
		e->constraint = k->constraint[0] ? intern_str(h, k->constraint) : NULL;
		e->cgroup = k->victim_cgroup[0] ? intern_str(h, k->victim_cgroup) : NULL;
		if (e->domain == HIST_DOMAIN_MEMCG && strncmp(k->scope, "cgroup:", 7) == 0 && strcmp(k->scope + 7, "?") != 0)
			e->oom_cgroup = intern_str(h, k->scope + 7);
		if (k->group)
			e->reason = intern_str(h, "memory.oom.group: the whole cgroup was killed");
		name_cgroup(h, e);
		for (unsigned p = 0; p < h->npending; p++)
			evidence_add(e, h->pending[p], strlen(h->pending[p]), h->cur_source);
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		h->last_kill = h->n;
		/* the report's lines belong to this kill; with memory.oom.group, to every kill of the group */
		if (!k->group)
			pending_clear(h);
	}
	h->oom->n = 0;
}

/* The event of this source, within window_s before l, that matches; NULL none. Searched newest first. */
static struct hist_event *recent(struct history *h, const struct hist_line *l, int64_t window_s,
				 bool (*match)(const struct hist_event *, const void *), const void *arg)
{
	for (size_t i = h->n; i-- > 0;) {
		struct hist_event *e = &h->events[i];

		if (e->source != h->cur_source)
			break;
		if (l->has_time && e->has_time && l->time_usec - e->last_usec > window_s * USEC)
			break;
		if (match(e, arg))
			return e;
	}
	return NULL;
}

/* A kill in a cgroup at or below the unit's ("app.service" matches "/system.slice/app.service/x"). */
static bool cgroup_has_unit(const char *path, const char *unit)
{
	size_t n = strlen(unit);

	for (const char *p = path ? strstr(path, unit) : NULL; p; p = strstr(p + 1, unit))
		if ((p == path || p[-1] == '/') && (p[n] == '\0' || p[n] == '/'))
			return true;
	return false;
}

/*
 * A kill of the unit: in its cgroup, or of no known cgroup (a kernel line before 5.0 names none, a paste
 * may lack the summary) when PID1 speaks of it at once (the caller's window).
 */
static bool kill_of_unit(const struct hist_event *e, const void *arg)
{
	const char *unit = arg;

	return e->kind == HIST_OOM_KILL && (cgroup_has_unit(e->cgroup, unit) || cgroup_has_unit(e->oom_cgroup, unit) ||
					    (e->unit && strcmp(e->unit, unit) == 0) ||
					    (!e->cgroup && !e->oom_cgroup && !e->unit && e->killer == HIST_KILLER_KERNEL));
}

static bool is_slice(const char *unit)
{
	size_t n = unit ? strlen(unit) : 0;

	return n > 6 && strcmp(unit + n - 6, ".slice") == 0;
}

/* The unit PID1 names for a kill: its own, rather than a slice above it (PID1 speaks of each). */
static void take_unit(struct hist_event *e, const char *unit)
{
	if (!e->unit || (is_slice(e->unit) && !is_slice(unit)))
		e->unit = unit;
}

static bool kernel_kill_of_unit(const struct hist_event *e, const void *arg)
{
	return e->killer == HIST_KILLER_KERNEL && kill_of_unit(e, arg);
}

static bool oomd_kill_of_unit(const struct hist_event *e, const void *arg)
{
	return e->killer == HIST_KILLER_OOMD && kill_of_unit(e, arg);
}

static bool kill_in_container(const struct hist_event *e, const void *arg)
{
	const char *id = arg;

	return e->kind == HIST_OOM_KILL && e->killer == HIST_KILLER_KERNEL &&
	       ((e->container && strncmp(e->container, id, strlen(id)) == 0) ||
		(e->cgroup && strstr(e->cgroup, id)));
}

struct rejection_key {
	const char *path;
	size_t len;
};

static bool same_rejection(const struct hist_event *e, const void *arg)
{
	const struct rejection_key *k = arg;

	return e->kind == HIST_FORK_REJECTED && e->cgroup && strlen(e->cgroup) == k->len &&
	       memcmp(e->cgroup, k->path, k->len) == 0;
}

/* Each of the kernel's lines: the OOM killer's, the pids controller's, a panic. */
static void kernel_line(struct history *h, const struct hist_line *l)
{
	struct kernel_line kl;
	enum kernel_line_kind kind = kernel_line_classify(l->msg, l->msg_len, &kl);

	if (kind == KLINE_OOM) {
		if (kl.oom.kind == OOM_LINE_INVOKED)
			pending_clear(h);
		if (kl.oom.kind == OOM_LINE_INVOKED || kl.oom.kind == OOM_LINE_SUMMARY || kl.oom.kind == OOM_LINE_TASK_IN ||
		    kl.oom.kind == OOM_LINE_GROUP)
			pending_add(h, l);
		if (kl.oom.kind == OOM_LINE_REAPED && h->last_kill && h->events[h->last_kill - 1].pid == kl.oom.pid) {
			evidence_add(&h->events[h->last_kill - 1], l->raw, l->raw_len, h->cur_source);
			return;
		}
		oom_history_add(h->oom, &kl.oom, l->mono_usec);
		if (h->oom->n)
			take_kills(h, l);
		return;
	}
	if (kind == KLINE_MEMCG_USAGE) {
		pending_add(h, l);
		return;
	}
	if (kind == KLINE_FORK_REJECTED) {
		struct rejection_key key = { kl.path, kl.path_len };
		struct hist_event *e = recent(h, l, HIST_INCIDENT_GAP_S, same_rejection, &key);

		/* printed once per cgroup's life: a repeat is the cgroup made again (a restarted service) */
		if (e) {
			e->count++;
			if (l->has_time)
				e->last_usec = l->time_usec;
			evidence_add(e, l->raw, l->raw_len, h->cur_source);
			return;
		}
		e = new_event(h, HIST_FORK_REJECTED, l);
		e->cgroup = intern(h, kl.path, kl.path_len);
		e->reason = intern_str(h, "the cgroup's pids.max was reached: fork and clone failed with EAGAIN");
		e->err = EAGAIN;
		e->limit = "cgroup_pids";
		name_cgroup(h, e);
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	}
	if (l->msg_len >= 22 && memcmp(l->msg, "Kernel panic - not syncing: ", 22) == 0 &&
	    (memmem(l->msg, l->msg_len, "Out of memory", 13) || memmem(l->msg, l->msg_len, "deadlocked on memory", 20) ||
	     memmem(l->msg, l->msg_len, "panic_on_oom", 12))) {
		struct hist_event *e = new_event(h, HIST_PANIC, l);

		e->killer = HIST_KILLER_KERNEL;
		e->domain = HIST_DOMAIN_GLOBAL;
		e->reason = intern(h, l->msg + 28, l->msg_len - 28 > 200 ? 200 : l->msg_len - 28);
		for (unsigned p = 0; p < h->npending; p++)
			evidence_add(e, h->pending[p], strlen(h->pending[p]), h->cur_source);
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	}
	/* a kill line that the parser could not read whole: shown as such, never dropped */
	if (l->msg_len > 15 && memmem(l->msg, l->msg_len < 64 ? l->msg_len : 64, "Killed process ", 15)) {
		struct hist_event *e = new_event(h, HIST_OOM_KILL, l);

		e->killer = HIST_KILLER_KERNEL;
		e->partial = true;
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
	}
}

static void user_kill(struct history *h, const struct hist_line *l, const struct killer_line *k)
{
	struct hist_event *e, *kern;
	const char *unit = k->unit[0] ? intern_str(h, k->unit) : l->unit ? intern(h, l->unit, l->unit_len) : NULL;

	switch (k->kind) {
	case KILLER_LINE_OOMD_KILL:
		e = new_event(h, HIST_OOM_KILL, l);
		e->killer = HIST_KILLER_OOMD;
		e->cgroup = k->cgroup[0] ? intern_str(h, k->cgroup) : NULL;
		e->reason = k->reason[0] ? intern_str(h, k->reason) : NULL;
		name_cgroup(h, e);
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	case KILLER_LINE_UNIT_OOMD_KILL:
		if (!unit)
			return;
		if ((e = recent(h, l, 10, oomd_kill_of_unit, unit))) {
			evidence_add(e, l->raw, l->raw_len, h->cur_source);
			e->unit = unit;
			if (k->processes)
				e->count = k->processes;
			return;
		}
		e = new_event(h, HIST_OOM_KILL, l);
		e->killer = HIST_KILLER_OOMD;
		e->unit = unit;
		e->count = k->processes ? k->processes : 1;
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	case KILLER_LINE_UNIT_OOM:
		if (!unit)
			return;
		/* PID1 says it for the unit and for every slice above it (the counter is hierarchical) */
		if ((e = recent(h, l, 10, kernel_kill_of_unit, unit))) {
			evidence_add(e, l->raw, l->raw_len, h->cur_source);
			take_unit(e, unit);
			return;
		}
		e = new_event(h, HIST_OOM_KILL, l);
		e->killer = HIST_KILLER_KERNEL;
		e->unit = unit;
		e->reason = intern_str(h, "systemd saw the unit's memory.events oom_kill rise; the kernel's own line was "
					  "not in this log");
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	case KILLER_LINE_UNIT_RESULT:
		if (!unit || strcmp(k->reason, "oom-kill") != 0)
			return;
		if ((e = recent(h, l, 30, kill_of_unit, unit))) {
			evidence_add(e, l->raw, l->raw_len, h->cur_source);
			take_unit(e, unit);
			return;
		}
		/* alone, 'oom-kill' is the kernel's or (systemd 251+) oomd's: not guessed */
		e = new_event(h, HIST_OOM_KILL, l);
		e->unit = unit;
		e->reason = intern_str(h, "the unit failed with result 'oom-kill'; no line says which killer");
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	case KILLER_LINE_UNIT_KILLED:
		if (unit && k->signal == 9 && (e = recent(h, l, 10, kill_of_unit, unit))) {
			evidence_add(e, l->raw, l->raw_len, h->cur_source);
			take_unit(e, unit);
		}
		return;
	case KILLER_LINE_EARLYOOM_KILL:
	case KILLER_LINE_NOHANG_ACTION:
		e = new_event(h, HIST_OOM_KILL, l);
		e->killer = k->kind == KILLER_LINE_EARLYOOM_KILL ? HIST_KILLER_EARLYOOM : HIST_KILLER_NOHANG;
		e->pid = k->pid ? k->pid : k->kind == KILLER_LINE_NOHANG_ACTION ? h->nohang_pid : 0;
		e->comm = k->comm[0] ? intern_str(h, k->comm) : k->kind == KILLER_LINE_NOHANG_ACTION ? h->nohang_comm : NULL;
		e->has_uid = k->has_uid;
		e->uid = k->uid;
		e->has_rss = k->has_rss;
		e->rss_bytes = k->rss_bytes;
		if (k->signal)
			e->reason = intern_str(h, k->signal == 9 ? "sent SIGKILL" : k->signal == 15 ? "sent SIGTERM" : "sent a signal");
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		if (k->kind == KILLER_LINE_NOHANG_ACTION) {
			h->nohang_pid = 0;
			h->nohang_comm = NULL;
		}
		return;
	case KILLER_LINE_NOHANG_VICTIM:
		if (k->pid)
			h->nohang_pid = k->pid;
		if (k->comm[0])
			h->nohang_comm = intern_str(h, k->comm);
		return;
	case KILLER_LINE_KUBELET_RECLAIM:
		if (k->resource[0])
			h->kubelet_resource = intern_str(h, k->resource);
		return;
	case KILLER_LINE_KUBELET_EVICTED:
		e = new_event(h, HIST_EVICTION, l);
		e->killer = HIST_KILLER_KUBELET;
		e->pod = k->pod[0] ? intern_str(h, k->pod) : NULL;
		e->pod_namespace = k->pod_namespace[0] ? intern_str(h, k->pod_namespace) : NULL;
		e->reason = k->resource[0] ? intern_str(h, k->resource) : h->kubelet_resource;
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	case KILLER_LINE_CONTAINERD_OOM:
		if (k->container_id[0] && (kern = recent(h, l, 10, kill_in_container, k->container_id))) {
			evidence_add(kern, l->raw, l->raw_len, h->cur_source);
			return;
		}
		e = new_event(h, HIST_OOM_KILL, l);
		e->killer = HIST_KILLER_KERNEL;
		e->domain = HIST_DOMAIN_MEMCG;
		e->container = k->container_id[0] ? intern_str(h, k->container_id) : NULL;
		e->reason = intern_str(h, "containerd saw an OOM kill in the container's cgroup; the kernel's own line "
					  "was not in this log");
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	case KILLER_LINE_UNIT_FORK_FAILED:
		e = new_event(h, HIST_FAILURE_MESSAGE, l);
		e->program = intern_str(h, "systemd");
		e->unit = unit;
		e->op = OP_FORK;
		e->reason = k->reason[0] ? intern_str(h, k->reason) : NULL;
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		return;
	default:
		return;
	}
}

struct failure_key {
	const char *program;
	enum failure_op op;
	int err;
};

/* The same program failing the same way: one event while its lines come at least once a minute. */
static bool same_failure(const struct hist_event *e, const void *arg)
{
	const struct failure_key *k = arg;

	return e->kind == HIST_FAILURE_MESSAGE && e->program == k->program && e->op == k->op && e->err == k->err;
}

/* Cheap words a failure line holds, before the parser is asked (it costs far more than this). */
static bool may_be_failure(const char *s, size_t n)
{
	static const char *const words[] = { "fork", "thread", "emory", "alloc", "temporarily", "errno", "spawn",
					     "clone", "Errno", "ENOMEM", "EAGAIN", "max_map_count" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (memmem(s, n, words[i], strlen(words[i])))
			return true;
	return false;
}

static void failure_line(struct history *h, const struct hist_line *l)
{
	struct failure_msg *fm;
	struct failure_key key;
	struct hist_event *e;

	if (!may_be_failure(l->msg, l->msg_len))
		return;
	fm = xmalloc(sizeof(*fm));
	if (failure_msg_parse(l->msg, l->msg_len, fm) < 0 || fm->op == OP_UNKNOWN || fm->oom_kill) {
		xfree(fm);
		return;
	}
	key.program = l->ident ? intern(h, l->ident, l->ident_len) : fm->program[0] ? intern_str(h, fm->program) : NULL;
	key.op = fm->op;
	key.err = fm->err;
	if ((e = recent(h, l, 60, same_failure, &key))) {
		e->count++;
		if (l->has_time)
			e->last_usec = l->time_usec;
		evidence_add(e, l->raw, l->raw_len, h->cur_source);
		xfree(fm);
		return;
	}
	e = new_event(h, HIST_FAILURE_MESSAGE, l);
	e->program = key.program;
	e->comm = key.program;
	e->pid = l->pid ? l->pid : fm->pid;
	e->op = fm->op;
	e->err = fm->err;
	e->limit = fm->limit;
	e->cgroup = fm->cgroup[0] ? intern_str(h, fm->cgroup) : NULL;
	e->unit = fm->unit[0] ? intern_str(h, fm->unit) : l->unit ? intern(h, l->unit, l->unit_len) : NULL;
	/* its words, as the first line has them: what users search for */
	e->reason = intern(h, l->msg, l->msg_len > 160 ? 160 : l->msg_len);
	evidence_add(e, l->raw, l->raw_len, h->cur_source);
	xfree(fm);
}

void history_line_from_text(const struct log_text_line *t, const char *raw, size_t raw_len, struct hist_line *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->msg = t->msg;
	ret->msg_len = t->msg_len;
	ret->raw = raw;
	ret->raw_len = raw_len;
	ret->ident = t->ident;
	ret->ident_len = t->ident_len;
	ret->pid = t->pid;
	ret->has_mono = t->has_mono;
	ret->mono_usec = t->mono_usec;
	if (t->form == LOG_FORM_DMESG)
		ret->writer = HIST_WRITER_KERNEL;
	else if (t->ident)
		ret->writer = t->ident_len == 6 && memcmp(t->ident, "kernel", 6) == 0 ? HIST_WRITER_KERNEL : HIST_WRITER_PROGRAM;
	else
		ret->writer = HIST_WRITER_UNKNOWN;
	if (t->wall == LOG_WALL_ZONED) {
		ret->has_time = true;
		ret->time_usec = log_text_zoned_usec(t);
	}
}

/*
 * The words history_scan looks for. Each line a classifier takes holds one: the kernel's
 * (parse/kernel_line.c, parse/oom_log.c), the killers' and PID1's (parse/killer_line.c), the failure
 * lines (failure_line's words), a kernel's start and journalctl's separators.
 */
static const char *const scan_words[] = {
	/* the kernel: OOM report and kill lines, memcg usage, pids, data ulimit, commit limit, panic */
	"oom", "OOM", "emory", "Kill", "kill", "Task", "fork", "Fork", "VmData", "_vm_enough", "panic",
	/* a kernel's start, journalctl's separators */
	"Linux version", "-- ",
	/* systemd-oomd, PID1, earlyoom, nohang, kubelet, containerd */
	"Marked", "Considered", "Swap", "swap", "Failed", "failed", "exited", "sending", "Sending", "escalat",
	"PID:", "adness", "Victim", "victim", "mplementing", "corrective", "evict", "Evict", "reclaim",
	/* failure lines */
	"thread", "lloc", "orarily", "rrno", "pawn", "lone", "ENOMEM", "EAGAIN", "map_count",
};

#define SCAN_WORDS (sizeof(scan_words) / sizeof(scan_words[0]))

static uint8_t scan_first[65536];   /* the first word of each first two bytes, +1 (0: none) */
static uint8_t scan_next[SCAN_WORDS]; /* the next word with the same two, +1 */
static uint8_t scan_len[SCAN_WORDS];
static bool scan_ready;

static unsigned bigram(const char *p)
{
	return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

const char *history_scan(const char *p, const char *end)
{
	if (!scan_ready) {
		for (size_t i = 0; i < SCAN_WORDS; i++) {
			unsigned b = bigram(scan_words[i]);

			scan_next[i] = scan_first[b];
			scan_first[b] = (uint8_t)(i + 1);
			scan_len[i] = (uint8_t)strlen(scan_words[i]);
		}
		scan_ready = true;
	}
	if (end - p < 2)
		return NULL;
	{
		const unsigned char *q = (const unsigned char *)p, *stop = (const unsigned char *)end - 1;
		unsigned prev = *q;

		/* one table load a byte: most pairs of bytes begin no word */
		for (; q < stop; q++) {
			unsigned b = prev << 8 | q[1];

			prev = q[1];
			if (__builtin_expect(!scan_first[b], 1))
				continue;
			for (unsigned k = scan_first[b]; k; k = scan_next[k - 1]) {
				const char *w = scan_words[k - 1];
				size_t n = scan_len[k - 1];

				/* every word is three bytes at least: the third decides most */
				if ((size_t)((const unsigned char *)end - q) >= n && q[2] == (unsigned char)w[2] &&
				    memcmp(q + 3, w + 3, n - 3) == 0)
					return (const char *)q;
			}
		}
	}
	return NULL;
}

bool history_line_wanted(const struct history *h, const char *p, const char *end, bool both_clocks)
{
	if (both_clocks && (h->cur_boot < 0 || !h->boots[h->cur_boot].has_start))
		return true;
	return history_scan(p, end) != NULL;
}

void history_skip_lines(struct history *h, uint64_t n, const char *boot_id)
{
	struct hist_line l = { .msg = "", .raw = "", .boot_id = boot_id };

	h->sources[h->cur_source].lines += n;
	h->sources[h->cur_source].read = true;
	if (boot_id && boot_id[0])
		track_boot(h, &l);
}

void history_add_line(struct history *h, const struct hist_line *l)
{
	struct killer_line *k;
	enum killer_line_kind kind;

	h->sources[h->cur_source].lines++;
	h->sources[h->cur_source].read = true;
	track_boot(h, l);
	if (l->boot_start) {
		pending_clear(h);
		h->last_kill = 0;
	}
	if (l->writer != HIST_WRITER_PROGRAM) {
		size_t before = h->n;

		kernel_line(h, l);
		if (h->n != before || l->writer == HIST_WRITER_KERNEL)
			return;
	}
	k = xmalloc(sizeof(*k));
	kind = killer_line_classify(l->ident, l->ident_len, l->msg, l->msg_len, k);
	if (kind != KILLER_LINE_OTHER)
		user_kill(h, l, k);
	else
		failure_line(h, l);
	xfree(k);
}

/* ---- history_finish: boots, merging, order, incidents ---- */

static int boot_root(struct history *h, int b)
{
	while (b >= 0 && h->boots[b].same_as != b)
		b = h->boots[b].same_as;
	return b;
}

/* Two boots are one when their ids match, or their kernel starts are within a minute of each other. */
static bool same_boot(const struct hist_boot *a, const struct hist_boot *b)
{
	if (a->id[0] && b->id[0])
		return strcmp(a->id, b->id) == 0;
	if (a->has_start && b->has_start)
		return llabs(a->start_usec - b->start_usec) < 60 * USEC;
	return false;
}

static int64_t boot_when(const struct hist_boot *b)
{
	return b->has_start ? b->start_usec : b->has_range ? b->first_usec : INT64_MIN;
}

static void resolve_boots(struct history *h, const char *current_id, int64_t boot_epoch_usec)
{
	size_t nroots = 0;
	int *roots;

	for (size_t i = 0; i < h->nboots; i++) {
		struct hist_boot *b = &h->boots[i];

		if ((current_id && b->id[0] && strcmp(b->id, current_id) == 0) ||
		    (boot_epoch_usec && b->has_start && llabs(b->start_usec - boot_epoch_usec) < 60 * USEC))
			b->current = true;
		for (size_t j = 0; j < i; j++)
			if (h->boots[j].same_as == (int)j && same_boot(&h->boots[j], b)) {
				b->same_as = (int)j;
				h->boots[j].current |= b->current;
				if (!h->boots[j].has_start && b->has_start) {
					h->boots[j].has_start = true;
					h->boots[j].start_usec = b->start_usec;
				}
				break;
			}
	}
	/* numbered as journalctl does: 0 the newest (the running one, when it is among them), -1 before */
	roots = xcalloc(h->nboots + 1, sizeof(*roots));
	for (size_t i = 0; i < h->nboots; i++)
		if (h->boots[i].same_as == (int)i)
			roots[nroots++] = (int)i;
	for (size_t i = 1; i < nroots; i++)
		for (size_t j = i; j > 0 && boot_when(&h->boots[roots[j - 1]]) > boot_when(&h->boots[roots[j]]); j--) {
			int t = roots[j];

			roots[j] = roots[j - 1];
			roots[j - 1] = t;
		}
	{
		int zero = (int)nroots - 1;

		for (size_t i = 0; i < nroots; i++)
			if (h->boots[roots[i]].current)
				zero = (int)i;
		for (size_t i = 0; i < nroots; i++)
			h->boots[roots[i]].number = (int)i - zero;
	}
	for (size_t i = 0; i < h->nboots; i++)
		h->boots[i].number = h->boots[boot_root(h, (int)i)].number;
	xfree(roots);
}

/* Wall clock for the events that have only printk time, from their boot's start. */
static void date_events(struct history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct hist_event *e = &h->events[i];
		int b = boot_root(h, e->boot);

		if (!e->has_time && e->has_mono && b >= 0 && h->boots[b].has_start) {
			e->has_time = true;
			e->time_usec = e->last_usec = h->boots[b].start_usec + (int64_t)e->mono_usec;
		}
	}
}

/* One kill seen by two sources (the journal and syslog both keep the kernel's lines). */
static bool same_kill(const struct history *h, const struct hist_event *a, const struct hist_event *b)
{
	if (a->kind != b->kind || a->killer != b->killer || a->pid != b->pid || a->source == b->source)
		return false;
	if ((a->comm == NULL) != (b->comm == NULL) || (a->comm && strcmp(a->comm, b->comm) != 0))
		return false;
	if (a->has_mono && b->has_mono && a->boot >= 0 && b->boot >= 0 &&
	    boot_root((struct history *)h, a->boot) == boot_root((struct history *)h, b->boot))
		return a->mono_usec / 1000 == b->mono_usec / 1000;
	if (a->has_time && b->has_time)
		return llabs(a->time_usec - b->time_usec) <= 3 * USEC;
	return false;
}

/* The same line, read from two sources: their messages match, whatever prefix each log gave them. */
static bool same_message(const char *a, const char *b)
{
	struct log_text_line la, lb;

	log_text_parse(a, strlen(a), &la);
	log_text_parse(b, strlen(b), &lb);
	return la.msg_len == lb.msg_len && memcmp(la.msg, lb.msg, la.msg_len) == 0;
}

static bool has_line(const struct hist_event *e, const char *text)
{
	for (unsigned i = 0; i < e->n_evidence; i++)
		if (same_message(e->evidence[i].text, text))
			return true;
	return false;
}

/* Folds b into a: b's evidence lines that a lacks, b's fields that a does not know. */
static void fold(struct hist_event *a, struct hist_event *b)
{
	for (unsigned i = 0; i < b->n_evidence; i++) {
		if (!has_line(a, b->evidence[i].text)) {
			if (a->n_evidence < HIST_EVIDENCE_MAX) {
				a->evidence[a->n_evidence++] = b->evidence[i];
				b->evidence[i].text = NULL;
				continue;
			}
			a->evidence_more++;
		}
		xfree((char *)b->evidence[i].text);
		b->evidence[i].text = NULL;
	}
	b->n_evidence = 0;
	a->seen_in |= b->seen_in;
#define TAKE(f) \
	if (!a->f) \
	a->f = b->f
	TAKE(cgroup);
	TAKE(oom_cgroup);
	TAKE(unit);
	TAKE(container);
	TAKE(pod);
	TAKE(trigger);
	TAKE(constraint);
	TAKE(reason);
#undef TAKE
	if (!a->has_uid && b->has_uid) {
		a->has_uid = true;
		a->uid = b->uid;
	}
	if (!a->has_time && b->has_time) {
		a->has_time = true;
		a->time_usec = b->time_usec;
		a->last_usec = b->last_usec;
	}
	b->merged = true;
}

static int cmp_time(const void *pa, const void *pb)
{
	const struct hist_event *a = pa, *b = pb;
	int64_t ta = a->has_time ? a->time_usec : INT64_MIN, tb = b->has_time ? b->time_usec : INT64_MIN;

	if (ta != tb)
		return ta < tb ? -1 : 1;
	if (a->mono_usec != b->mono_usec)
		return a->mono_usec < b->mono_usec ? -1 : 1;
	return a->source < b->source ? -1 : a->source > b->source;
}

/* The OOM domain or cgroup an event belongs to, for incidents. */
static const char *incident_key(const struct hist_event *e)
{
	if ((e->kind == HIST_OOM_KILL && e->killer == HIST_KILLER_KERNEL && e->domain != HIST_DOMAIN_MEMCG) ||
	    e->kind == HIST_PANIC)
		return "global";
	/* forks: a rejection names the cgroup, the program's lines its unit (the journal's) */
	if (e->kind == HIST_FORK_REJECTED || e->kind == HIST_FAILURE_MESSAGE)
		return e->unit ? e->unit : e->cgroup ? e->cgroup : e->program ? e->program : "";
	if (e->oom_cgroup)
		return e->oom_cgroup;
	if (e->cgroup)
		return e->cgroup;
	if (e->unit)
		return e->unit;
	return e->program ? e->program : "";
}

static int cmp_incident(const void *pa, const void *pb)
{
	const struct hist_event *a = pa, *b = pb;

	if (a->incident != b->incident)
		return a->incident < b->incident ? -1 : 1;
	return cmp_time(pa, pb);
}

static void group_incidents(struct history *h)
{
	size_t cap = 0;

	xfree(h->incidents);
	h->incidents = NULL;
	h->nincidents = 0;
	for (size_t i = 0; i < h->n; i++) {
		struct hist_event *e = &h->events[i];
		bool oomish = e->kind == HIST_OOM_KILL || e->kind == HIST_PANIC || e->kind == HIST_EVICTION;
		size_t found = SIZE_MAX;

		/* the open incidents: the most recent ones, still within the gap */
		for (size_t k = h->nincidents; k-- > 0;) {
			struct hist_incident *x = &h->incidents[k];
			const struct hist_event *f = &h->events[x->first];
			bool f_oomish = f->kind == HIST_OOM_KILL || f->kind == HIST_PANIC || f->kind == HIST_EVICTION;

			if (e->has_time && x->has_time && e->time_usec - x->end_usec > HIST_INCIDENT_GAP_S * USEC)
				continue;
			if (e->has_time != x->has_time || oomish != f_oomish || e->boot != f->boot)
				continue;
			if (strcmp(incident_key(e), incident_key(f)) == 0 ||
			    (!oomish && e->kind == HIST_FAILURE_MESSAGE && !e->unit && !e->cgroup)) {
				found = k;
				break;
			}
			if (!e->has_time)
				break;
		}
		if (found == SIZE_MAX) {
			if (h->nincidents == cap) {
				cap = cap ? cap * 2 : 16;
				h->incidents = xreallocarray(h->incidents, cap, sizeof(*h->incidents));
			}
			found = h->nincidents++;
			memset(&h->incidents[found], 0, sizeof(h->incidents[found]));
			h->incidents[found].first = i; /* until the sort below: the index of its first event */
			h->incidents[found].has_time = e->has_time;
			h->incidents[found].start_usec = e->time_usec;
		}
		e->incident = found;
		h->incidents[found].n++;
		if (e->has_time && e->last_usec > h->incidents[found].end_usec)
			h->incidents[found].end_usec = e->last_usec;
		if (e->has_time && e->time_usec > h->incidents[found].end_usec)
			h->incidents[found].end_usec = e->time_usec;
	}
	/* incidents are numbered by their first event, in time order: sorting by (incident, time) keeps that */
	if (h->n)
		qsort(h->events, h->n, sizeof(*h->events), cmp_incident);
	for (size_t i = 0, k = 0; k < h->nincidents; k++) {
		h->incidents[k].first = i;
		i += h->incidents[k].n;
	}
}

void history_finish(struct history *h, const char *current_boot_id, int64_t boot_epoch_usec)
{
	size_t w = 0;

	resolve_boots(h, current_boot_id, boot_epoch_usec);
	date_events(h);
	for (size_t i = 0; i < h->n; i++)
		h->events[i].boot = boot_root(h, h->events[i].boot);
	if (h->n)
		qsort(h->events, h->n, sizeof(*h->events), cmp_time);
	/* the same kill read from two sources; an earlyoom or nohang SIGTERM, then the kernel's kill of that pid */
	for (size_t i = 0; i < h->n; i++) {
		struct hist_event *a = &h->events[i];

		if (a->merged)
			continue;
		for (size_t j = i + 1; j < h->n; j++) {
			struct hist_event *b = &h->events[j];

			if (b->merged)
				continue;
			if (a->has_time && b->has_time && b->time_usec - a->time_usec > 10 * USEC)
				break;
			if (same_kill(h, a, b)) {
				fold(a, b);
			} else if (a->kind == HIST_OOM_KILL && b->kind == HIST_OOM_KILL && a->pid && a->pid == b->pid &&
				   (a->killer == HIST_KILLER_EARLYOOM || a->killer == HIST_KILLER_NOHANG) &&
				   b->killer == HIST_KILLER_KERNEL && a->boot == b->boot) {
				/* the kernel killed it before the daemon's signal took: the kernel's kill, the daemon's line as evidence */
				const char *who = hist_killer_name(a->killer);

				fold(b, a);
				if (!b->reason)
					b->reason = intern_str(h, who);
				break;
			} else if (a->kind == HIST_FAILURE_MESSAGE && b->kind == HIST_FAILURE_MESSAGE &&
				   a->source != b->source && a->program == b->program && a->op == b->op &&
				   a->err == b->err && a->has_time && b->has_time && b->time_usec <= a->last_usec + 60 * USEC) {
				/* the same lines from two sources count once: the larger count */
				if (b->count > a->count)
					a->count = b->count;
				if (b->last_usec > a->last_usec)
					a->last_usec = b->last_usec;
				fold(a, b);
			}
		}
	}
	for (size_t i = 0; i < h->n; i++) {
		if (h->events[i].merged)
			continue;
		h->events[w++] = h->events[i];
	}
	h->n = w;
	group_incidents(h);
}

bool history_event_selected(const struct history *h, const struct hist_event *e, const struct history_filter *f)
{
	if (f->has_boot && (e->boot < 0 || h->boots[e->boot].number != f->boot))
		return false;
	if (f->has_since && (!e->has_time || e->last_usec < f->since_usec))
		return false;
	if (f->has_until && (!e->has_time || e->time_usec > f->until_usec))
		return false;
	return true;
}

/* The event is in cgroup (the kill's OOM domain or victim's, the rejection's), or of unit. */
static bool event_in(const struct hist_event *e, const char *cgroup, const char *unit)
{
	if (!cgroup && !unit)
		return true;
	if (cgroup && ((e->cgroup && strcmp(e->cgroup, cgroup) == 0) || (e->oom_cgroup && strcmp(e->oom_cgroup, cgroup) == 0)))
		return true;
	return unit && e->unit && strcmp(e->unit, unit) == 0;
}

size_t history_related(const struct history *h, enum failure_op op, int err, const char *cgroup, const char *unit,
		       size_t *ret, size_t max)
{
	size_t n = 0;

	for (size_t k = h->n; k-- > 0;) {
		const struct hist_event *e = &h->events[k];
		bool forkish = op == OP_FORK || op == OP_THREAD, related;

		switch (e->kind) {
		case HIST_FORK_REJECTED:
			related = (forkish || op == OP_UNKNOWN) && event_in(e, cgroup, unit);
			break;
		case HIST_FAILURE_MESSAGE:
			related = (op == OP_UNKNOWN || e->op == op || (forkish && (e->op == OP_FORK || e->op == OP_THREAD))) &&
				  (!err || !e->err || e->err == err) && (!e->unit || !unit || strcmp(e->unit, unit) == 0);
			break;
		case HIST_OOM_KILL:
		case HIST_EVICTION:
		case HIST_PANIC:
			related = (op == OP_ALLOC || op == OP_UNKNOWN) && event_in(e, cgroup, unit);
			break;
		default:
			related = false;
		}
		if (!related)
			continue;
		if (n < max)
			ret[n] = k;
		n++;
	}
	return n;
}
