// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-user and per-process limits (RLIMIT_NPROC, vm.max_map_count, RLIMIT_AS, RLIMIT_DATA) and the
 * top consumers: processes by threads, users by tasks, cgroups by tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sort.h"
#include "core/buf.h"
#include "core/human.h"
#include "model/assess_internal.h"

struct user_acc {
	uint32_t uid;
	uint64_t tasks, processes;
	uint64_t subject_processes;     /* processes the limit applies to */
	uint64_t exempt_processes;      /* processes exempt by capabilities */
	uint64_t unknown_processes;     /* non-exempt processes whose limits could not be read */
	const struct tally_leaf *lowest; /* the leaf of the non-exempt process with the lowest soft RLIMIT_NPROC */
	bool any_limits;
};

static int cmp_uid(const void *x, const void *y)
{
	const struct user_acc *a = x, *b = y;

	return (a->uid > b->uid) - (a->uid < b->uid);
}

/*
 * The limits.conf(5) rule pam_limits applies to a login session of user name (uid) for the soft
 * value of item, by pam_limits' own precedence: a rule for the user's name or a uid range
 * (LIMITS_DEF_USER) beats @group, which beats %group, which beats a bare '%' (LIMITS_DEF_ALL),
 * which beats '*'; among equals the last one read wins; group and wildcard rules never apply to
 * root; type and item are compared ignoring case. Group membership is not read: @group and %group
 * rules are counted in *ret_group_rules and not applied.
 */
static const struct limits_rule *limits_rule_for(const struct snapshot *snap, const char *name, uint32_t uid,
						 const char *item, unsigned *ret_group_rules)
{
	const struct limits_rule *best = NULL;
	int best_rank = 99;

	*ret_group_rules = 0;
	for (size_t i = 0; i < snap->nlimits_rules; i++) {
		const struct limits_rule *r = &snap->limits_rules[i];
		int rank = 99;

		if (strcasecmp(r->item, item) != 0 || (strcasecmp(r->type, "soft") != 0 && strcmp(r->type, "-") != 0))
			continue;
		if (name && strcmp(r->domain, name) == 0) {
			rank = 0;
		} else if ((r->domain[0] == '@' || r->domain[0] == '%') && r->domain[1]) {
			if (uid != 0)
				(*ret_group_rules)++;
		} else if (strcmp(r->domain, "%") == 0) {
			rank = uid != 0 ? 3 : 99;
		} else if (strcmp(r->domain, "*") == 0) {
			rank = uid != 0 ? 4 : 99;
		} else if (strchr(r->domain, ':')) {
			/* "<min_uid>:<max_uid>", either side may be empty */
			const char *c = strchr(r->domain, ':');
			unsigned long lo = 0, hi = UINT32_MAX;
			char *end;

			if (c != r->domain) {
				lo = strtoul(r->domain, &end, 10);
				if (end != c)
					continue;
			}
			if (c[1]) {
				hi = strtoul(c + 1, &end, 10);
				if (*end)
					continue;
			}
			if (uid >= lo && uid <= hi)
				rank = 0;
		}
		if (rank < 99 && rank <= best_rank) {
			best_rank = rank;
			best = r;
		}
	}
	return best;
}

static bool leaf_of_uid(const struct tally_leaf *l, const void *ctx)
{
	return l->uid == *(const uint32_t *)ctx;
}

/* The users' totals, from the tally's leaves. */
static struct user_acc *collect_users(struct arena *mem, const struct tally *t, size_t *ret_n)
{
	struct user_acc *u = NULL;
	size_t n = 0;

	for (size_t i = 0; i < t->leaves.n; i++) {
		const struct tally_leaf *l = tally_leaf_at(t, i);
		struct user_acc *acc = NULL;

		for (size_t j = 0; j < n; j++)
			if (u[j].uid == l->uid) {
				acc = &u[j];
				break;
			}
		if (!acc) {
			u = mem_reallocarray(mem, u, n + 1, sizeof(*u));
			acc = &u[n++];
			memset(acc, 0, sizeof(*acc));
			acc->uid = l->uid;
		}
		acc->tasks += l->tasks;
		acc->processes += l->processes;
		acc->exempt_processes += l->nproc_exempt;
		acc->unknown_processes += l->nproc_unknown;
		acc->subject_processes += l->nproc_subject;
		acc->any_limits |= l->nproc_subject > 0;
		if (l->nproc_finite &&
		    (!acc->lowest || l->nproc_soft.value < acc->lowest->nproc_soft.value ||
		     (l->nproc_soft.value == acc->lowest->nproc_soft.value && l->nproc_pid < acc->lowest->nproc_pid)))
			acc->lowest = l;
	}
	if (n)
		xsort(u, n, sizeof(*u), cmp_uid, mem);
	*ret_n = n;
	return u;
}

static int cmp_user_consumer(const void *x, const void *y);

/* The RLIMIT_NPROC limit of every user, and the users' consumer table from the same totals. */
/*
 * A limits.conf(5) domain for a user: the name when it is one word pam_limits reads as a user, else
 * the uid as a range of one ("1000:1000").
 */
static char *limits_domain(struct arena *mem, const char *name, uint32_t uid)
{
	bool plain = name && *name && *name != '@' && *name != '%' && *name != '*';

	for (const char *p = name; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr("._-$", *p);
	return plain ? mem_strdup(mem, name) : mem_asprintf(mem, "%u:%u", uid, uid);
}

/* RLIMIT_NPROC durably: limits.d for login sessions, LimitNPROC= for services, --ulimit for containers. */
static void nproc_durable(struct arena *mem, struct limit *l, const char *name, uint32_t uid, uint64_t raise)
{
	char *domain = limits_domain(mem, name, uid), *soft, *hard;

	fix_text(&l->fix_durable, mem_asprintf(mem, "login sessions: the lines below in /etc/security/limits.d/ "
						    "(pam_limits); services: LimitNPROC=%llu in the systemd unit; "
						    "containers: docker run --ulimit nproc=%llu",
						    (unsigned long long)raise, (unsigned long long)raise));
	soft = mem_asprintf(mem, "%s soft nproc %llu", domain, (unsigned long long)raise);
	hard = mem_asprintf(mem, "%s hard nproc %llu", domain, (unsigned long long)raise);
	fix_command(mem, &l->fix_durable, "printf '%%s\\n' %s %s >> /etc/security/limits.d/90-headroom-nproc.conf",
					  soft, hard);
	xfree(hard);
	xfree(soft);
	xfree(domain);
}

/* The user's RLIMIT_NPROC when some process has a finite one: the lowest applies to it, and the fixes. */
static void user_nproc_limited(const struct snapshot *snap, struct limit *l, const struct user_acc *acc, const char *name)
{
	struct arena *mem = snap->mem;
	const struct tally_leaf *low = acc->lowest;
	const struct rlim_value *hard = &low->nproc_hard;
	char used[32], max[32];
	uint64_t raise;

	l->max = low->nproc_soft.value;
	/* <= 5.13: processes >= rlimit fails; 5.14+ (ucounts): the incremented count > rlimit fails */
	l->capacity = l->max;
	raise = suggest_raise(l->max, l->used, 0);
	l->source = mem_asprintf(mem, "%s (pid %d) has RLIMIT_NPROC (ulimit -u) %llu, the lowest among the user's "
				      "processes; every task of the real uid counts against it",
				      low->nproc_comm, low->nproc_pid, (unsigned long long)l->max);
	l->meaning = mem_asprintf(mem, "%s of %s tasks of this uid (threads included, zombies until reaped, all "
				       "containers together); a process whose own limit is reached cannot fork",
				       human_count(l->used, used, sizeof(used)), human_count(l->max, max, sizeof(max)));
	if (hard->known && !hard->unlimited && hard->value <= l->max) {
		fix_text(&l->fix_now, mem_asprintf(mem, "stop some of the user's processes, or restart %s (pid %d) "
							"with a higher limit: its hard limit is %llu too, and raising "
							"a hard limit needs CAP_SYS_RESOURCE",
							low->nproc_comm, low->nproc_pid, (unsigned long long)hard->value));
	} else if (hard->known && !hard->unlimited && hard->value < raise) {
		fix_text(&l->fix_now, mem_asprintf(mem, "raise the limit of %s (pid %d) to its hard limit (above that "
							"needs CAP_SYS_RESOURCE), or stop some of the user's processes",
							low->nproc_comm, low->nproc_pid));
		fix_command(mem, &l->fix_now, "prlimit --pid %d --nproc=%llu", low->nproc_pid,
			    (unsigned long long)hard->value);
	} else {
		fix_text(&l->fix_now, mem_asprintf(mem, "raise the limit of %s (pid %d), or stop some of the user's "
							"processes", low->nproc_comm, low->nproc_pid));
		fix_command(mem, &l->fix_now, "prlimit --pid %d --nproc=%llu",
					      low->nproc_pid, (unsigned long long)raise);
	}
	nproc_durable(mem, l, name, acc->uid, raise);
	fact_u64(l, FACT_LIMIT_PID, (uint64_t)low->nproc_pid);
	fact_u64(l, FACT_LIMITED_PROCESSES, acc->subject_processes);
	{
		unsigned group_rules;
		const struct limits_rule *r = limits_rule_for(snap, name, acc->uid, "nproc", &group_rules);
		char *text;

		if (r) {
			str_appendf(mem, &l->source, "; login sessions of this user get %s from %s line %d ('%s %s "
				    "nproc %s'), services take their unit's LimitNPROC=",
				    r->value, r->file, r->line, r->domain, r->type, r->value);
			text = mem_asprintf(mem, "%s:%d", r->file, r->line);
			fact_str(mem, l, FACT_CONFIGURED_IN, text);
			xfree(text);
			fact_str(mem, l, FACT_CONFIGURED_VALUE, r->value);
		} else if (group_rules) {
			str_appendf(mem, &l->source, "; limits.conf has %u nproc rule%s for groups, which may apply "
				    "to its login sessions", group_rules, group_rules == 1 ? "" : "s");
		}
	}
}

void assess_users(const struct snapshot *snap, const struct tally *t, struct assessment *a)
{
	struct arena *mem = snap->mem;
	struct consumers *c = &a->consumers;
	size_t n;
	struct user_acc *u = collect_users(mem, t, &n);

	c->users = mem_calloc(mem, n, sizeof(*c->users));
	for (size_t i = 0; i < n; i++)
		c->users[i] = (struct user_consumer){ u[i].uid, u[i].tasks, u[i].processes };
	c->nusers = n;
	if (c->nusers)
		xsort(c->users, c->nusers, sizeof(*c->users), cmp_user_consumer, mem);

	for (size_t i = 0; i < n; i++) {
		const struct user_acc *acc = &u[i];
		const char *name = snapshot_user_name(snap, acc->uid);
		char used[32];
		struct limit *l;

		/* no process whose limit applies could be read: nothing can be said (the reason is listed) */
		if (!(acc->uid == 0 && snap->sys.uid0_is_host_root) && !acc->any_limits && acc->unknown_processes)
			continue;

		l = limit_add(a, snap, LIMIT_USER_NPROC, scope_user(acc->uid),
			      name ? mem_asprintf(mem, "uid %u (%s)", acc->uid, name) : mem_asprintf(mem, "uid %u", acc->uid));
		l->used = acc->tasks;
		limit_set_top(l, t, leaf_of_uid, &acc->uid);
		fact_u64(l, FACT_UID, acc->uid);
		if (name)
			fact_str(mem, l, FACT_USER, name);
		fact_u64(l, FACT_PROCESSES, acc->processes);
		bool root = acc->uid == 0 && snap->sys.uid0_is_host_root;

		if (root || !acc->any_limits) {
			l->exempt = true;
			l->unlimited = true;
			l->source = mem_strdup(mem, "RLIMIT_NPROC (ulimit -u) of each process of the user");
			l->meaning = root ?
				mem_asprintf(mem, "%s tasks; uid 0 is exempt: the kernel never applies RLIMIT_NPROC to "
						  "root",
						  human_count(l->used, used, sizeof(used))) :
				mem_asprintf(mem, "%s tasks; every process of this user has CAP_SYS_RESOURCE or "
						  "CAP_SYS_ADMIN, which exempts it",
						  human_count(l->used, used, sizeof(used)));
			fact_str(mem, l, FACT_EXEMPT_REASON, root ? "root" : "capabilities");
			fix_text(&l->fix_now, mem_strdup(mem, "nothing to do"));
			fix_text(&l->fix_durable, mem_strdup(mem, "nothing to do"));
			continue;
		}
		if (!acc->lowest) {
			l->unlimited = true;
			l->source = mem_strdup(mem, "RLIMIT_NPROC (ulimit -u) of each process of the user: unlimited "
						    "for all");
			l->meaning = mem_asprintf(mem, "%s tasks; no process of this user has a finite RLIMIT_NPROC",
						       human_count(l->used, used, sizeof(used)));
			fix_text(&l->fix_now, mem_strdup(mem, "nothing to do"));
			fix_text(&l->fix_durable, mem_strdup(mem, "nothing to do"));
			continue;
		}
		user_nproc_limited(snap, l, acc, name);
	}
	xfree(u);
}

/* The per-process kinds, in the order their limits are built for one process. */
const enum limit_id per_process_ids[NPER] = { LIMIT_MAP_COUNT, LIMIT_RLIMIT_AS, LIMIT_RLIMIT_DATA };

/* The numbers as add_map_count and add_rlimit set them (see assess_internal.h). */
bool per_process_numbers(const struct snapshot *snap, const struct proc_info *p, enum limit_id id, struct limit *ret)
{
	const struct rlim_value *soft, *hard;

	memset(ret, 0, sizeof(*ret));
	ret->id = id;
	ret->enforced = true;
	if (!p->has_mm)
		return false;
	switch (id) {
	case LIMIT_MAP_COUNT:
		if (!p->map_count_known || !snap->sys.max_map_count.known)
			return false;
		ret->used = p->map_count;
		ret->max = snap->sys.max_map_count.v;
		break;
	case LIMIT_RLIMIT_AS:
		soft = &p->limits.soft[PID_RLIMIT_AS];
		if (!p->has_limits || !soft->known || soft->unlimited)
			return false;
		ret->used = p->vm_size_kib * 1024;
		ret->max = soft->value;
		break;
	case LIMIT_RLIMIT_DATA:
		soft = &p->limits.soft[PID_RLIMIT_DATA];
		hard = &p->limits.hard[PID_RLIMIT_DATA];
		if (!p->has_limits || !soft->known || soft->unlimited ||
		    (soft->value == 0 && hard->unlimited && kversion_at_least(&snap->sys.kernel, 4, 7)))
			return false;
		ret->used = p->vm_data_kib * 1024;
		ret->max = soft->value;
		/* may_expand_vm(): a soft RLIMIT_DATA of 0 is checked against the hard limit (f4fcd55841fc, 4.7) */
		if (soft->value == 0 && hard->known && !hard->unlimited && kversion_at_least(&snap->sys.kernel, 4, 7))
			ret->max = hard->value;
		/* RLIMIT_DATA covers private writable mappings and is enforced since 4.7; before, brk only */
		ret->enforced = kversion_at_least(&snap->sys.kernel, 4, 7);
		break;
	default:
		return false;
	}
	ret->basis = ret->used;
	ret->capacity = ret->max;
	return true;
}

/* A per-process limit of p with the numbers n (per_process_numbers). */
static struct limit *add_numbers(const struct snapshot *snap, struct assessment *a, const struct proc_info *p,
				 const struct limit *n)
{
	struct limit *l = limit_add(a, snap, n->id, scope_pid(p->pid),
				    mem_asprintf(snap->mem, "pid %d (%s)", p->pid, p->comm));

	l->used = n->used;
	l->max = n->max;
	l->capacity = n->capacity;
	l->enforced = n->enforced;
	return l;
}

static void add_map_count(const struct snapshot *snap, struct assessment *a, const struct proc_info *p,
			  const struct limit *n)
{
	struct arena *mem = snap->mem;
	char used[32], max[32];
	struct limit *l = add_numbers(snap, a, p, n);
	uint64_t raise;

	limit_set_top_process(l, p);
	raise = suggest_raise(l->max, l->used, 0);
	if (raise < 262144)
		raise = 262144;
	l->source = mem_strdup(mem, "the vm.max_map_count sysctl, per process");
	l->meaning = mem_asprintf(mem, "%s of %s memory mappings (lines of /proc/%d/maps); each thread stack takes one "
				       "or two",
				       human_count(l->used, used, sizeof(used)), human_count(l->max, max, sizeof(max)), p->pid);
	sysctl_fixes(mem, l, "vm.max_map_count", raise);
	sysctl_origin_note(l, snap, SYSCTL_MAX_MAP_COUNT, l->max);
	fact_u64(l, FACT_PID, (uint64_t)p->pid);
	fact_str(mem, l, FACT_COMM, p->comm);
	fact_u64(l, FACT_THREADS, p->threads);
}

static void add_rlimit(const struct snapshot *snap, struct assessment *a, const struct proc_info *p,
		       const struct limit *n)
{
	struct arena *mem = snap->mem;
	bool as = n->id == LIMIT_RLIMIT_AS;
	enum pid_rlimit which = as ? PID_RLIMIT_AS : PID_RLIMIT_DATA;
	const struct rlim_value *soft = &p->limits.soft[which], *hard = &p->limits.hard[which];
	uint64_t used_bytes = n->used;
	char b1[32], b2[32];
	struct limit *l = add_numbers(snap, a, p, n);

	limit_set_top_process(l, p);
	l->source = mem_asprintf(mem, "%s of the process (prlimit --pid %d)",
				      as ? "RLIMIT_AS (ulimit -v)" : "RLIMIT_DATA (ulimit -d)", p->pid);
	l->meaning = mem_asprintf(mem, "%s %s of %s allowed", human_bytes(used_bytes, b1, sizeof(b1)),
				       as ? "of address space (VmSize, PROT_NONE reservations included)" :
					    "of private writable memory (VmData)",
				       human_bytes(l->max, b2, sizeof(b2)));
	if (!l->enforced) {
		xfree(l->meaning);
		l->meaning = mem_asprintf(mem, "%s of VmData; before 4.7 RLIMIT_DATA (%s) limits brk only, not mmap",
					       human_bytes(used_bytes, b1, sizeof(b1)), human_bytes(l->max, b2, sizeof(b2)));
	}
	if (!as && soft->value == 0 && l->max == hard->value) {
		str_appendf(mem, &l->source, "; its soft limit is 0, which the kernel reads as its hard limit");
		fix_text(&l->fix_now, mem_asprintf(mem, "restart pid %d with a higher hard RLIMIT_DATA: raising a hard "
							"limit needs CAP_SYS_RESOURCE", p->pid));
	} else if (hard->known && hard->unlimited) {
		fix_text(&l->fix_now, mem_strdup(mem, "lift the process's limit"));
		fix_command(mem, &l->fix_now, "prlimit --pid %d --%s=unlimited", p->pid, as ? "as" : "data");
	} else {
		fix_text(&l->fix_now, mem_strdup(mem, "raise the process's limit to its hard limit (above that needs "
						      "CAP_SYS_RESOURCE)"));
		fix_command(mem, &l->fix_now, "prlimit --pid %d --%s=%llu", p->pid, as ? "as" : "data",
			    (unsigned long long)(hard->known ? hard->value : l->max));
	}
	fix_text(&l->fix_durable, mem_asprintf(mem, "remove or raise the '%s' item in /etc/security/limits.conf or "
						    "limits.d, or %s= in the systemd unit",
						    as ? "as" : "data", as ? "LimitAS" : "LimitDATA"));
	fact_u64(l, FACT_PID, (uint64_t)p->pid);
	fact_str(mem, l, FACT_COMM, p->comm);
}

bool per_process_closer(double pa, int pida, double pb, int pidb)
{
	char sa[24], sb[24];

	if (pa != pb)
		return pa > pb;
	/* the order of their scope texts, as the report sorts them */
	scope_format(scope_pid(pida), sa, sizeof(sa));
	scope_format(scope_pid(pidb), sb, sizeof(sb));
	return strcmp(sa, sb) < 0;
}


void assess_processes(const struct snapshot *snap, const struct tally *t, const struct assess_opts *opts,
		      struct assessment *a)
{
	const struct proc_info *closest[NPER] = { NULL };
	double closest_pct[NPER];
	struct limit l;
	uint64_t kept_limits = 0;

	/* the closest ok one of each kind (mark_listed lists it beside those that are not ok), from the numbers alone */
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		for (size_t k = 0; k < NPER; k++) {
			double pct;

			if (!per_process_numbers(snap, p, per_process_ids[k], &l) || limit_status(&l, &a->th) != STATUS_OK)
				continue;
			pct = limit_percent(&l);
			if (!closest[k] || per_process_closer(pct, p->pid, closest_pct[k], closest[k]->pid)) {
				closest[k] = p;
				closest_pct[k] = pct;
			}
		}
	}
	/* map counts the probe did not read are ok, proven by their bound: counted, not built */
	a->unbuilt += snap->maps_bounded;
	/* built: what is not ok, the closest, and what was asked for; the others are only counted */
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		for (size_t k = 0; k < NPER; k++) {
			if (!per_process_numbers(snap, p, per_process_ids[k], &l))
				continue;
			kept_limits++;
			if (opts->every_process || p->pid == opts->focus_pid || p == closest[k] ||
			    limit_status(&l, &a->th) != STATUS_OK)
				(per_process_ids[k] == LIMIT_MAP_COUNT ? add_map_count : add_rlimit)(snap, a, p, &l);
			else
				a->unbuilt++;
		}
	}
	/* a folded scan kept the closest of each kind (tally_retain): the others it only counted */
	if (snap->folded && t->per_process_limits > kept_limits)
		a->unbuilt += t->per_process_limits - kept_limits;
}

static int cmp_proc_consumer(const void *x, const void *y)
{
	const struct proc_consumer *a = x, *b = y;

	if (a->threads != b->threads)
		return a->threads > b->threads ? -1 : 1;
	/* on a tie, user processes before kernel threads */
	if (a->kernel_thread != b->kernel_thread)
		return a->kernel_thread ? 1 : -1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

static int cmp_user_consumer(const void *x, const void *y)
{
	const struct user_consumer *a = x, *b = y;

	if (a->tasks != b->tasks)
		return a->tasks > b->tasks ? -1 : 1;
	return (a->uid > b->uid) - (a->uid < b->uid);
}

static int cmp_cgroup_consumer(const void *x, const void *y)
{
	const struct cgroup_consumer *a = x, *b = y;

	if (a->tasks != b->tasks)
		return a->tasks > b->tasks ? -1 : 1;
	return strcmp(a->path, b->path);
}

void assess_consumers(const struct snapshot *snap, const struct tally *t, struct assessment *a)
{
	struct arena *mem = snap->mem;
	struct consumers *c = &a->consumers;

	/* a folded scan kept those with the most threads, and a few more for other reasons */
	c->procs = mem_calloc(mem, snap->nprocs ? snap->nprocs : 1, sizeof(*c->procs));
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		if (!snap->folded || (p->kept & KEEP_THREADS))
			c->procs[c->nprocs++] =
				(struct proc_consumer){ p->pid, p->comm, p->threads, p->uid, p->cgroup, p->kernel_thread };
	}
	if (c->nprocs)
		xsort(c->procs, c->nprocs, sizeof(*c->procs), cmp_proc_consumer, mem);

	/* interned paths compare by pointer */
	for (size_t i = 0; i < t->leaves.n; i++) {
		const struct tally_leaf *l = tally_leaf_at(t, i);
		struct cgroup_consumer *cc = NULL;

		if (!l->cgroup)
			continue;
		for (size_t j = 0; j < c->ncgroups; j++)
			if (c->cgroups[j].path == l->cgroup) {
				cc = &c->cgroups[j];
				break;
			}
		if (!cc) {
			c->cgroups = mem_reallocarray(mem, c->cgroups, c->ncgroups + 1, sizeof(*c->cgroups));
			cc = &c->cgroups[c->ncgroups++];
			*cc = (struct cgroup_consumer){ l->cgroup, 0, 0 };
		}
		cc->tasks += l->tasks;
		cc->processes += l->processes;
	}
	if (c->ncgroups)
		xsort(c->cgroups, c->ncgroups, sizeof(*c->cgroups), cmp_cgroup_consumer, mem);
	task_groups_consumers(t, c);
}
