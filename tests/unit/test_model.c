// SPDX-License-Identifier: GPL-2.0-or-later
/* The limit model on hand-made snapshots: statuses, errnos by kernel, exemptions, scopes, owners. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "model/assess_internal.h"
#include "model/limits.h"
#include "model/refresh.h"
#include "model/scope.h"
#include "unit.h"

static const struct thresholds TH = { 80, 95 };

static void snap_base(struct snapshot *s, const char *release)
{
	snapshot_init(s, NULL);
	kversion_parse(release, strlen(release), &s->sys.kernel);
	s->sys.have_loadavg = true;
	s->sys.loadavg.nr_threads = 100;
	s->sys.pid_max = (struct opt_u64){ true, 32768 };
	s->sys.threads_max = (struct opt_u64){ true, 192730 };
	s->sys.max_map_count = (struct opt_u64){ true, 65530 };
	s->sys.own_pidns = PROC_PID_INIT_INO;
}

static struct proc_info *add_proc(struct snapshot *s, int pid, uint32_t uid, uint64_t threads, const char *comm)
{
	struct proc_info *p;

	s->procs = realloc(s->procs, (s->nprocs + 1) * sizeof(*s->procs));
	p = &s->procs[s->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->uid = uid;
	p->threads = threads;
	p->has_mm = true;
	p->pidns = PROC_PID_INIT_INO;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	return p;
}

static void set_nproc(struct proc_info *p, uint64_t soft, uint64_t hard)
{
	p->has_limits = true;
	p->limits.soft[PID_RLIMIT_NPROC] = (struct rlim_value){ true, soft == 0, soft };
	p->limits.hard[PID_RLIMIT_NPROC] = (struct rlim_value){ true, hard == 0, hard };
}

static const struct limit *find(const struct assessment *a, enum limit_id id, const char *scope)
{
	for (size_t i = 0; i < a->nlimits; i++)
		if (a->limits[i].id == id && strcmp(a->limits[i].scope, scope) == 0)
			return &a->limits[i];
	return NULL;
}

static void thresholds_and_capacity(void)
{
	struct limit l = { .enforced = true, .max = 100, .capacity = 100 };
	struct thresholds th = { 80, 95 };

	l.basis = 79;
	CHECK(limit_status(&l, &th) == STATUS_OK);
	l.basis = 80;
	CHECK(limit_status(&l, &th) == STATUS_WARNING);
	l.basis = 95;
	CHECK(limit_status(&l, &th) == STATUS_CRITICAL);
	/* exhaustion is critical whatever the percentage: pid_max 10 leaves 9 numbers */
	l.max = 10;
	l.capacity = 9;
	l.basis = 9;
	CHECK(limit_status(&l, &th) == STATUS_CRITICAL);
	/* over the maximum (tasks moved into a full cgroup) */
	l.max = l.capacity = 10;
	l.basis = 12;
	CHECK(limit_status(&l, &th) == STATUS_CRITICAL);
	/* unlimited is ok and has no percentage, never 0% */
	l.unlimited = true;
	CHECK(limit_status(&l, &th) == STATUS_OK);
	CHECK(limit_percent(&l) < 0);
	th.warning_pct = 50;
	l.unlimited = false;
	l.max = l.capacity = 100;
	l.basis = 60;
	CHECK(limit_status(&l, &th) == STATUS_WARNING);
}

static void pid_exhaustion_errno_by_kernel(void)
{
	struct kversion k;

	kversion_parse(S("3.10.0-1160.el7.x86_64"), &k);
	CHECK(limit_errno(LIMIT_PID_MAX, &k) == ENOMEM);
	kversion_parse(S("3.10.99"), &k);
	CHECK(limit_errno(LIMIT_PID_MAX, &k) == ENOMEM);
	kversion_parse(S("4.0.9"), &k);
	CHECK(limit_errno(LIMIT_PID_MAX, &k) == ENOMEM);
	kversion_parse(S("4.1.0"), &k);
	CHECK(limit_errno(LIMIT_PID_MAX, &k) == EAGAIN);
	kversion_parse(S("6.18.44"), &k);
	CHECK(limit_errno(LIMIT_PID_MAX, &k) == EAGAIN);
	CHECK(limit_errno(LIMIT_USER_NPROC, &k) == EAGAIN);
	CHECK(limit_errno(LIMIT_PIDNS_INIT, &k) == ENOMEM);
	CHECK(limit_errno(LIMIT_MAP_COUNT, &k) == ENOMEM);
}

static void system_limits_from_loadavg(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;

	snap_base(&s, "3.10.0-1160.el7.x86_64");
	s.sys.loadavg.nr_threads = 31500;
	add_proc(&s, 4242, 1000, 31000, "java");
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_PID_MAX, "system");
	CHECK(l && l->used == 31500 && l->max == 32768 && l->capacity == 32767);
	CHECK(l && l->status == STATUS_CRITICAL && l->err == ENOMEM);
	CHECK(l && l->has_top && l->top.kind == TOP_THREADS && l->top.pid == 4242 && l->top.count == 31000);
	l = find(&a, LIMIT_THREADS_MAX, "system");
	CHECK(l && l->status == STATUS_OK && l->err == EAGAIN);
	CHECK(a.worst == STATUS_CRITICAL);
	CHECK(a.limits[0].status == STATUS_CRITICAL); /* worst first */
	CHECK(assessment_exit_status(&a) == 2);
	assessment_free(&a);
	snapshot_free(&s);
}

static void container_view_on_new_kernel(void)
{
	struct snapshot s;
	struct assessment a;
	struct pidns_info *ns;
	const struct limit *l;

	/* 6.14+ inside a pid namespace: pid_max is the namespace's own, counted against its tasks */
	snap_base(&s, "6.18.0");
	s.sys.own_pidns = 4026532200ULL;
	s.sys.pid_max.v = 4194304;
	s.npidns = 1;
	s.pidns = calloc(1, sizeof(*s.pidns));
	ns = &s.pidns[0];
	ns->inode = 4026532200ULL;
	ns->tasks = 42;
	ns->pid_max = s.sys.pid_max;
	assess(&s, &TH, NULL, &a);
	CHECK(find(&a, LIMIT_PID_MAX, "system") == NULL);
	l = find(&a, LIMIT_PID_MAX, "pidns:4026532200");
	CHECK(l && l->used == 42 && l->max == 4194304);
	assessment_free(&a);
	snapshot_free(&s);

	/* before 6.14 pid_max is global: the machine-wide count applies even in a container */
	snap_base(&s, "5.15.0");
	s.sys.own_pidns = 4026532200ULL;
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_PID_MAX, "system");
	CHECK(l && l->used == 100);
	assessment_free(&a);
	snapshot_free(&s);
}

static void nproc_exemptions_and_lowest(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;
	struct proc_info *p;

	snap_base(&s, "6.18.0");
	set_nproc(add_proc(&s, 1, 0, 5, "init"), 10, 10);           /* root: exempt whatever its limit */
	set_nproc(add_proc(&s, 10, 1000, 50, "java"), 4096, 4096);
	set_nproc(add_proc(&s, 11, 1000, 10, "cron-job"), 70, 70);  /* the lowest applies */
	p = add_proc(&s, 12, 1000, 3, "capable");
	set_nproc(p, 1, 1);
	p->has_cap_eff = true;
	p->cap_eff = 1ULL << 24;                                     /* CAP_SYS_RESOURCE: exempt */
	p->userns = PROC_USER_INIT_INO;
	set_nproc(add_proc(&s, 20, 2000, 2, "free"), 0, 0);         /* unlimited */
	p = add_proc(&s, 30, 3000, 4, "admin");
	set_nproc(p, 2, 2);
	p->has_cap_eff = true;
	p->cap_eff = 1ULL << 21;                                     /* CAP_SYS_ADMIN: the only process, exempt */
	p->userns = PROC_USER_INIT_INO;
	p = add_proc(&s, 40, 4000, 3, "container-root");
	set_nproc(p, 3, 3);
	p->has_cap_eff = true;
	p->cap_eff = ~0ULL;                                          /* all capabilities, but in a child user namespace */
	p->userns = 4026532999ULL;
	p = add_proc(&s, 50, 5000, 1, "unreadable");                 /* its limits could not be read */
	assess(&s, &TH, NULL, &a);

	l = find(&a, LIMIT_USER_NPROC, "user:0");
	CHECK(l && l->exempt && l->status == STATUS_OK && l->used == 5);
	l = find(&a, LIMIT_USER_NPROC, "user:1000");
	CHECK(l && !l->exempt && l->max == 70 && l->used == 63 && l->status == STATUS_WARNING);
	CHECK(l && l->err == EAGAIN);
	l = find(&a, LIMIT_USER_NPROC, "user:2000");
	CHECK(l && l->unlimited && l->status == STATUS_OK);
	l = find(&a, LIMIT_USER_NPROC, "user:3000");
	CHECK(l && l->exempt);
	l = find(&a, LIMIT_USER_NPROC, "user:4000");
	CHECK(l && !l->exempt && l->max == 3 && l->status == STATUS_CRITICAL);
	/* unreadable limits are not an exemption: nothing is claimed */
	CHECK(find(&a, LIMIT_USER_NPROC, "user:5000") == NULL);
	CHECK(a.consumers.nusers == 6 && a.consumers.users[0].uid == 1000 && a.consumers.users[0].tasks == 63);
	CHECK(a.consumers.procs[0].pid == 10);
	assessment_free(&a);
	snapshot_free(&s);
}

static void limits_conf_precedence(void)
{
	static const struct limits_rule rules[] = {
		{ "*", "soft", "nproc", "4096", "/etc/security/limits.d/20-nproc.conf", 5 },
		{ "alice", "soft", "nproc", "100", "/etc/security/limits.conf", 2 },
		{ "1000:1999", "-", "nproc", "300", "/etc/security/limits.conf", 3 },
		{ "*", "soft", "nproc", "50", "/etc/security/limits.d/99-late.conf", 1 }, /* later, but weaker than alice */
		{ "@wheel", "soft", "nproc", "7", "/etc/security/limits.conf", 4 },
		{ "bob", "hard", "nproc", "9", "/etc/security/limits.conf", 6 },       /* hard only: not the soft value */
		{ "%", "SOFT", "NPROC", "77", "/etc/security/limits.conf", 7 },       /* '%' beats '*'; case is ignored */
	};
	struct snapshot s;
	struct assessment a;
	const struct limit *l;

	snap_base(&s, "6.18.0");
	s.limits_rules = malloc(sizeof(rules));
	memcpy(s.limits_rules, rules, sizeof(rules));
	s.nlimits_rules = sizeof(rules) / sizeof(rules[0]);
	s.user_names = calloc(2, sizeof(*s.user_names));
	s.user_names[0] = (struct user_name){ 1000, "alice" };
	s.user_names[1] = (struct user_name){ 2000, "bob" };
	s.nuser_names = 2;
	set_nproc(add_proc(&s, 10, 1000, 1, "sh"), 100, 100);
	set_nproc(add_proc(&s, 11, 2000, 1, "sh"), 50, 60);
	assess(&s, &TH, NULL, &a);
	/* a uid range ranks with the user's name, and the later of the two wins */
	l = find(&a, LIMIT_USER_NPROC, "user:1000");
	CHECK(l && strstr(l->source, "get 300 from /etc/security/limits.conf line 3 ('1000:1999 - nproc 300')"));
	l = find(&a, LIMIT_USER_NPROC, "user:2000");
	CHECK(l && strstr(l->source, "get 77 from /etc/security/limits.conf line 7"));
	assessment_free(&a);
	snapshot_free(&s);
}

static bool leaf_of_uid(const struct tally_leaf *l, const void *ctx)
{
	return l->uid == *(const uint32_t *)ctx;
}

/* A process with a parent, added in pid order (snapshot_proc searches by pid). */
static struct proc_info *add_child(struct snapshot *s, int pid, int ppid, uint64_t threads, const char *comm, bool zombie)
{
	struct proc_info *p = add_proc(s, pid, 1000, threads, comm);

	p->ppid = ppid;
	p->zombie = zombie;
	p->has_mm = !zombie;
	return p;
}

static bool top_of(struct snapshot *s, struct task_top *t)
{
	struct tally tl;
	bool found;

	tally_init(&tl, NULL);
	tally_build(&tl, s);
	found = task_top_find(&tl, NULL, NULL, t);
	tally_free(&tl);
	return found;
}

/* The four shapes of task exhaustion name their true holder (issue 12). */
static void task_hogs(void)
{
	struct snapshot s;
	struct task_top t;
	struct assessment a;
	char words[256];

	/* a fork leak: 2,600 children of one parent, all with its name */
	snap_base(&s, "6.18.0");
	add_child(&s, 50, 1, 1, "bash", false);
	add_child(&s, 100, 50, 1, "holdforks", false);
	for (int i = 0; i < 2600; i++)
		add_child(&s, 1000 + i, 100, 1, "holdforks", false);
	CHECK(top_of(&s, &t) && t.kind == TOP_CHILDREN && t.count == 2600 && t.tasks == 2600 && t.pid == 100);
	CHECK_STR(task_top_words(&t, words, sizeof(words)), "2,600 children of holdforks (pid 100)");
	snapshot_free(&s);

	/* a zombie leak: 500 unreaped children and 3 live ones */
	snap_base(&s, "6.18.0");
	add_child(&s, 100, 1, 1, "leaker", false);
	for (int i = 0; i < 3; i++)
		add_child(&s, 200 + i, 100, 1, "leaker", false);
	for (int i = 0; i < 500; i++)
		add_child(&s, 1000 + i, 100, 1, "leaker", true);
	CHECK(top_of(&s, &t) && t.kind == TOP_ZOMBIES && t.count == 500 && t.pid == 100);
	CHECK_STR(task_top_words(&t, words, sizeof(words)),
		  "500 zombies of leaker (pid 100), which does not wait() for its children");
	s.sys.loadavg.nr_threads = 31000;
	assess(&s, &TH, NULL, &a);
	{
		const struct limit *l = find(&a, LIMIT_PID_MAX, "system");

		/* the fix says what frees the pids: the parent, not the zombies */
		CHECK(l && l->top.kind == TOP_ZOMBIES && strstr(l->fix_now.text, "killing the zombies does nothing"));
		CHECK(l && l->fix_now.ncommands == 2 && strcmp(l->fix_now.commands[1], "kill 100") == 0);
		CHECK(a.consumers.nparents >= 1 && a.consumers.parents[0].pid == 100 &&
		      a.consumers.parents[0].zombies == 500 && a.consumers.parents[0].children == 3);
	}
	assessment_free(&a);
	snapshot_free(&s);

	/* a thread hog: one JVM, and many small processes of its name */
	snap_base(&s, "6.18.0");
	add_child(&s, 100, 1, 20000, "java", false);
	for (int i = 0; i < 50; i++)
		add_child(&s, 200 + i, 1, 1, "java", false);
	CHECK(top_of(&s, &t) && t.kind == TOP_THREADS && t.count == 20000 && t.pid == 100);
	CHECK_STR(task_top_words(&t, words, sizeof(words)), "java (pid 100) with 20,000 threads");
	snapshot_free(&s);

	/* one command over 20 parents (a cron storm): the command, not one parent */
	snap_base(&s, "6.18.0");
	for (int p = 0; p < 20; p++)
		add_child(&s, 100 + p, 1, 1, "cron", false);
	for (int p = 0; p < 20; p++)
		for (int i = 0; i < 50; i++)
			add_child(&s, 1000 + p * 50 + i, 100 + p, 1, "job", false);
	CHECK(top_of(&s, &t) && t.kind == TOP_COMMAND && t.count == 1000 && t.tasks == 1000);
	CHECK(t.comm && strcmp(t.comm, "job") == 0);
	assess(&s, &TH, NULL, &a);
	CHECK(a.consumers.ncommands == 2 && strcmp(a.consumers.commands[0].comm, "job") == 0 &&
	      a.consumers.commands[0].processes == 1000);
	CHECK(a.consumers.nparents == 21 && a.consumers.parents[0].pid == 100 && a.consumers.parents[0].children == 50);
	CHECK(a.consumers.parents[20].pid == 1 && a.consumers.parents[20].children == 20);
	assessment_free(&a);
	snapshot_free(&s);

	/* orphans reparented to init are named by their command; kernel threads by nobody but themselves */
	snap_base(&s, "6.18.0");
	add_child(&s, 2, 0, 1, "kthreadd", false)->kernel_thread = true;
	for (int i = 0; i < 300; i++)
		add_child(&s, 10 + i, 2, 1, "kworker", false)->kernel_thread = true;
	for (int i = 0; i < 3000; i++)
		add_child(&s, 1000 + i, 1, 1, "orphan", false);
	CHECK(top_of(&s, &t) && t.kind == TOP_COMMAND && t.count == 3000 && strcmp(t.comm, "orphan") == 0);
	snapshot_free(&s);

	/* a scope: only the processes match() accepts count */
	snap_base(&s, "6.18.0");
	add_child(&s, 100, 1, 7, "forker", false);
	add_child(&s, 200, 1, 1, "daemon", false);
	{
		struct tally tl;
		uint32_t uid = 4242;

		tally_init(&tl, NULL);
		tally_build(&tl, &s);
		CHECK(task_top_find(&tl, leaf_of_uid, &uid, &t) == false);
		uid = s.procs[0].uid;
		CHECK(task_top_find(&tl, leaf_of_uid, &uid, &t) && t.kind == TOP_THREADS && t.pid == 100 && t.count == 7);
		tally_free(&tl);
	}
	snapshot_free(&s);
}

static void owners_from_paths(void)
{
	struct owner o;

	cgroup_owner("/system.slice/app.service", &o);
	CHECK(o.kind == OWNER_SYSTEMD);
	CHECK_STR(o.name, "app.service");
	cgroup_owner("/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &o);
	CHECK(o.kind == OWNER_DOCKER);
	CHECK_STR(o.name, "0123456789ab");
	cgroup_owner("/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope", &o);
	CHECK(o.kind == OWNER_DOCKER);
	CHECK_STR(o.name, "0123456789ab");
	cgroup_owner("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b_3c4d.slice/cri-containerd-ab.scope",
		     &o);
	CHECK(o.kind == OWNER_KUBERNETES);
	CHECK_STR(o.name, "1a2b-3c4d");
	cgroup_owner("/kubepods/besteffort/pod1234-5678/abcdef", &o);
	CHECK(o.kind == OWNER_KUBERNETES);
	CHECK_STR(o.name, "1234-5678");
	cgroup_owner("/machine.slice/libpod-feedfacecafe1234.scope", &o);
	CHECK(o.kind == OWNER_PODMAN);
	cgroup_owner("/lxc.payload.web", &o);
	CHECK(o.kind == OWNER_LXC);
	CHECK_STR(o.name, "web");
	cgroup_owner("/kubepods.slice/kubepods-besteffort.slice", &o);
	CHECK(o.kind == OWNER_KUBERNETES && o.name[0] == '\0'); /* the kubelet's, not a unit to change */
	cgroup_owner("/hr-test-1", &o);
	CHECK(o.kind == OWNER_NONE);
	cgroup_owner("/", &o);
	CHECK(o.kind == OWNER_NONE);
	/* nested slices and templates are the system manager's */
	cgroup_owner("/system.slice/system-getty.slice/getty@tty1.service", &o);
	CHECK(o.kind == OWNER_SYSTEMD);
	CHECK_STR(o.name, "getty@tty1.service");
	cgroup_owner("/user.slice/user-1000.slice/session-3.scope", &o);
	CHECK(o.kind == OWNER_SYSTEMD);
	CHECK_STR(o.name, "session-3.scope");
	cgroup_owner("/init.scope", &o);
	CHECK(o.kind == OWNER_SYSTEMD);
}

/*
 * A name a tenant chooses must not make headroom name an owner, and so a command, on something else:
 * shapes that are not the owner's, and unit-like names below a unit (a delegated subtree).
 */
static void owners_not_faked(void)
{
	struct owner o;

	static const char *const paths[] = {
		"/system.slice/x;touch y;.service",
		"/system.slice/docker-;touch y;.scope",
		"/machine.slice/libpod-;touch y;",
		"/user.slice/user-1000.slice/user@1000.service/app.slice/sshd.service", /* the user's manager */
		"/system.slice/app.service/sshd.service",                               /* below a unit */
		"/system.slice/app.service/sub",
		"/other-x.slice/a.service",       /* a top slice has no dash */
		"/system.slice/user-1000.slice/a.service", /* user-1000.slice is not below system.slice */
		"/system.slice/a b.service",
		"/system.slice/.service",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		cgroup_owner(paths[i], &o);
		if (o.kind != OWNER_NONE)
			printf("    %s: owner kind %d, name '%s'\n", paths[i], o.kind, o.name);
		CHECK(o.kind == OWNER_NONE);
	}
	/* the right place for a systemd scope, but not a container id: the unit, not the runtime, owns it */
	cgroup_owner("/system.slice/docker-0123.scope", &o);
	CHECK(o.kind == OWNER_SYSTEMD);
	cgroup_owner("/machine.slice/libpod-xyz.scope", &o);
	CHECK(o.kind == OWNER_SYSTEMD);
}

static void commit_modes(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;

	snap_base(&s, "6.18.0");
	s.sys.have_meminfo = true;
	s.sys.meminfo.seen = (1u << MEMINFO_COMMITTED_AS) | (1u << MEMINFO_COMMIT_LIMIT) | (1u << MEMINFO_MEM_TOTAL) |
			     (1u << MEMINFO_MEM_FREE) | (1u << MEMINFO_CACHED);
	s.sys.meminfo.kib[MEMINFO_MEM_TOTAL] = 1000;
	s.sys.meminfo.kib[MEMINFO_MEM_FREE] = 100;
	s.sys.meminfo.kib[MEMINFO_CACHED] = 300;
	s.sys.meminfo.kib[MEMINFO_COMMIT_LIMIT] = 500;
	s.sys.meminfo.kib[MEMINFO_COMMITTED_AS] = 490;
	s.sys.overcommit_memory = (struct opt_u64){ true, 0 };
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_COMMIT, "system");
	CHECK(l && l->unlimited && !l->enforced && l->status == STATUS_OK);
	assessment_free(&a);
	s.sys.overcommit_memory.v = 2;
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_COMMIT, "system");
	CHECK(l && l->enforced && l->max == 500 * 1024 && l->used == 490 * 1024 && l->status == STATUS_CRITICAL);
	CHECK(l && l->err == ENOMEM);
	/* memory without MemAvailable (before 3.14): estimated from free + cache */
	l = find(&a, LIMIT_MEMORY, "system");
	CHECK(l && l->max == 1000 * 1024 && l->used == 600 * 1024);
	assessment_free(&a);
	/* without MemFree either, nothing is said of memory: absent is not zero */
	s.sys.meminfo.seen &= ~(1u << MEMINFO_MEM_FREE);
	assess(&s, &TH, NULL, &a);
	CHECK(find(&a, LIMIT_MEMORY, "system") == NULL);
	assessment_free(&a);
	snapshot_free(&s);
}

static void cgroups_pids_and_memory(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;
	struct cgroup_info *c;

	snap_base(&s, "6.18.0");
	s.nhiers = 1;
	s.hiers = calloc(1, sizeof(*s.hiers));
	s.hiers[0].kind = CG_HIER_V2;
	s.hiers[0].has_pids = s.hiers[0].has_memory = true;
	s.hiers[0].mount_point = strdup("/sys/fs/cgroup");
	s.hiers[0].mount_root = strdup("/");
	s.hiers[0].label = strdup("v2");
	s.ncgroups = 3;
	s.cgroups = calloc(3, sizeof(*s.cgroups));
	c = &s.cgroups[0];
	c->path = strdup("/system.slice/app.service");
	c->dir = strdup("/sys/fs/cgroup/system.slice/app.service");
	c->has_pids_max = true;
	c->pids_max = 512;
	c->pids_current = (struct opt_u64){ true, 480 };
	c->pids_events_max = (struct opt_u64){ true, 2 };
	c->has_mem_max = true;
	c->mem_max_bytes = 1000;
	c->mem_usage_bytes = (struct opt_u64){ true, 990 };
	c->mem_inactive_file_bytes = (struct opt_u64){ true, 600 };
	c = &s.cgroups[1]; /* a child without a limit, whose tasks had forks rejected */
	c->path = strdup("/system.slice/app.service/worker");
	c->dir = strdup("/sys/fs/cgroup/system.slice/app.service/worker");
	c->has_pids_max = true;
	c->pids_unlimited = true;
	c->pids_events_max = (struct opt_u64){ true, 5 };
	c = &s.cgroups[2]; /* a sibling whose name starts the same: not in the subtree */
	c->path = strdup("/system.slice/app.service2");
	c->dir = strdup("/sys/fs/cgroup/system.slice/app.service2");
	c->has_pids_max = true;
	c->pids_unlimited = true;
	c->pids_events_max = (struct opt_u64){ true, 100 };
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_CGROUP_PIDS, "cgroup:/system.slice/app.service");
	CHECK(l && l->used == 480 && l->max == 512 && l->status == STATUS_WARNING && l->err == EAGAIN);
	CHECK(find(&a, LIMIT_CGROUP_PIDS, "cgroup:/system.slice/app.service/worker") == NULL);
	{
		bool found = false;

		for (int f = 0; l && f < l->nfacts; f++)
			if (l->facts[f].id == FACT_REJECTED_FORKS)
				found = l->facts[f].u == 7;
		CHECK(found);
	}
	CHECK(l && l->fix_now.ncommands == 2);
	CHECK(l && strcmp(l->fix_now.commands[0], "echo 1024 > /sys/fs/cgroup/system.slice/app.service/pids.max") == 0);
	CHECK(l && strcmp(l->fix_now.commands[1], "systemctl set-property app.service TasksMax=1024") == 0);
	/* 99% used but 39% working set: page cache is reclaimable, so not critical */
	l = find(&a, LIMIT_CGROUP_MEMORY, "cgroup:/system.slice/app.service");
	CHECK(l && l->used == 990 && l->basis == 390 && l->status == STATUS_OK);
	assessment_free(&a);
	snapshot_free(&s);
}

static void dead_namespace_and_child_pid_max(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;

	snap_base(&s, "6.18.0");
	add_proc(&s, 500, 0, 1, "bash");
	s.npidns = 3;
	s.pidns = calloc(3, sizeof(*s.pidns));
	s.pidns[0].inode = PROC_PID_INIT_INO;
	s.pidns[1] = (struct pidns_info){ .inode = 4026532177ULL, .parent = PROC_PID_INIT_INO, .dead = true,
					  .dead_holder_pid = 500, .dead_holder_comm = "bash", .dead_holder_threads = 1,
					  .dead_holders = 1 };
	s.pidns[2] = (struct pidns_info){ .inode = 4026532178ULL, .parent = PROC_PID_INIT_INO, .init_pid = 600,
					  .tasks = 300, .pid_max = { true, 301 }, .depth = 1 };
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_PIDNS_INIT, "pidns:4026532177");
	CHECK(l && l->status == STATUS_CRITICAL && l->err == ENOMEM && l->top.pid == 500);
	l = find(&a, LIMIT_PID_MAX, "pidns:4026532178");
	CHECK(l && l->used == 300 && l->max == 301 && l->status == STATUS_CRITICAL && l->err == EAGAIN);
	assessment_free(&a);
	snapshot_free(&s);
}

static void rlimit_data_soft_zero(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;
	struct proc_info *p;

	snap_base(&s, "6.18.0");
	p = add_proc(&s, 70, 0, 1, "valgrind");
	p->has_limits = true;
	p->vm_data_kib = 1024;
	/* soft 0, hard 4 MiB: checked against the hard limit since 4.7 */
	p->limits.soft[PID_RLIMIT_DATA] = (struct rlim_value){ true, false, 0 };
	p->limits.hard[PID_RLIMIT_DATA] = (struct rlim_value){ true, false, 4 << 20 };
	p = add_proc(&s, 71, 0, 1, "zero-unlimited");
	p->has_limits = true;
	p->limits.soft[PID_RLIMIT_DATA] = (struct rlim_value){ true, false, 0 };
	p->limits.hard[PID_RLIMIT_DATA] = (struct rlim_value){ true, true, 0 };
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_RLIMIT_DATA, "pid:70");
	CHECK(l && l->max == 4 << 20 && l->used == 1 << 20 && l->status == STATUS_OK);
	CHECK(find(&a, LIMIT_RLIMIT_DATA, "pid:71") == NULL);
	assessment_free(&a);
	snapshot_free(&s);
}

static void hierarchical_pids_events(void)
{
	struct snapshot s;
	struct assessment a;
	const struct limit *l;

	snap_base(&s, "7.1.0");
	s.nhiers = 1;
	s.hiers = calloc(1, sizeof(*s.hiers));
	s.hiers[0] = (struct cgroup_hier){ .kind = CG_HIER_V2, .has_pids = true, .mount_point = strdup("/sys/fs/cgroup"),
					   .mount_root = strdup("/"), .label = strdup("v2") };
	s.ncgroups = 2;
	s.cgroups = calloc(2, sizeof(*s.cgroups));
	/* both limits fired once for one fork; a hierarchical count already covers the child */
	s.cgroups[0] = (struct cgroup_info){ .path = strdup("/a"), .dir = strdup("/sys/fs/cgroup/a"), .has_pids_max = true,
					     .pids_max = 10, .pids_current = { true, 10 }, .pids_events_max = { true, 1 },
					     .pids_events_hierarchical = true };
	s.cgroups[1] = (struct cgroup_info){ .path = strdup("/a/b"), .dir = strdup("/sys/fs/cgroup/a/b"), .has_pids_max = true,
					     .pids_max = 5, .pids_current = { true, 5 }, .pids_events_max = { true, 1 },
					     .pids_events_hierarchical = true };
	assess(&s, &TH, NULL, &a);
	l = find(&a, LIMIT_CGROUP_PIDS, "cgroup:/a");
	{
		uint64_t rejected = 99;

		for (int f = 0; l && f < l->nfacts; f++)
			if (l->facts[f].id == FACT_REJECTED_FORKS)
				rejected = l->facts[f].u;
		CHECK_U64(rejected, 1);
	}
	assessment_free(&a);
	snapshot_free(&s);
}

static void shown_and_exit_status(void)
{
	struct snapshot s;
	struct assessment a;
	size_t shown = 0, map_counts = 0;

	snap_base(&s, "6.18.0");
	for (int i = 0; i < 5; i++) {
		struct proc_info *p = add_proc(&s, 100 + i, 0, 1, "p");

		p->map_count_known = true;
		p->map_count = 10 + (uint64_t)i;
	}
	s.procs[4].map_count = 64000; /* 97.7%: critical */
	assess(&s, &TH, NULL, &a);
	for (size_t i = 0; i < a.nlimits; i++) {
		if (!limit_shown(&a, i, false))
			continue;
		shown++;
		map_counts += a.limits[i].id == LIMIT_MAP_COUNT;
	}
	/* the critical one, plus the closest ok one */
	CHECK(map_counts == 2);
	CHECK(assessment_exit_status(&a) == 2);
	assessment_free(&a);

	s.procs[4].map_count = 14;
	snapshot_problem(&s, "kernel.pid_max", "/proc/sys/kernel/pid_max", EACCES, true);
	assess(&s, &TH, NULL, &a);
	CHECK(a.unknown && assessment_exit_status(&a) == 3);
	assessment_free(&a);
	snapshot_free(&s);
}

/* The scope's one text form: made and read back by the same code, hostile paths and bad forms refused. */
static void scope_text_round_trip(void)
{
	static const char *const good[] = { "system", "user:0", "user:4294967295", "pid:1", "pid:2147483647",
					    "pidns:4026531836", "cgroup:/", "cgroup:/a b/\"c\";d", "pid:?", "cgroup:?" };
	static const char *const bad[] = { "", "System", "user:", "user:-1", "user:4294967296", "pid:2147483648",
					   "pid: 1", "pid:1\n", "pid:1x", "pidns:", "cgroup:", "cgroup:a", "proc:1" };
	struct scope s;
	char out[64];
	char *long_path = xmalloc(5000), *text;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(scope_parse(good[i], &s) == 0);
		CHECK(scope_format(s, out, sizeof(out)) >= 0 && strcmp(out, good[i]) == 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(scope_parse(bad[i], &s) == -EINVAL);
	CHECK(scope_parse("cgroup:/system.slice/x.service", &s) == 0 && s.kind == SCOPE_CGROUP);
	CHECK_STR(s.path, "/system.slice/x.service");
	CHECK(scope_parse("pidns:4026531836", &s) == 0 && s.kind == SCOPE_PIDNS && s.id == 4026531836ULL);
	/* a path longer than any buffer: the allocated form is whole, a small buffer is refused */
	memset(long_path, 'a', 4999);
	long_path[0] = '/';
	long_path[4999] = '\0';
	CHECK(scope_format(scope_cgroup(long_path), out, sizeof(out)) == -ENAMETOOLONG);
	text = scope_str(NULL, scope_cgroup(long_path));
	CHECK(strlen(text) == 4999 + 7 && scope_parse(text, &s) == 0 && strcmp(s.path, long_path) == 0);
	xfree(text);
	xfree(long_path);
}

/*
 * A subtree's rejected forks, found from its place in the subtree order, are the sum over every cgroup
 * within it: "/a-b" and "/ab" sort between "/a" and "/a/b" in strcmp's order, not in cgroup_path_cmp's.
 * Checked against the sum over all, on two hierarchies, cgroups listed in a shuffled order.
 */
static void subtree_rejected_by_order(void)
{
	static const char *const paths[] = { "/a/b/c", "/", "/a-b", "/a", "/ab", "/a/b", "/a/b-c", "/b", "/a/b/c/d",
					     "/a.b", "/a/c", "/b/a" };
	const size_t n = sizeof(paths) / sizeof(paths[0]);
	struct snapshot s;
	struct cgroup_order o;

	/* the order: the end, then '/', then the rest */
	CHECK(cgroup_path_cmp("/a", "/a/b") < 0 && cgroup_path_cmp("/a/b", "/a-b") < 0 && cgroup_path_cmp("/a-b", "/a.b") < 0);
	CHECK(cgroup_path_cmp("/a/z", "/a-b") < 0 && cgroup_path_cmp("/a-b", "/a/z") > 0 && cgroup_path_cmp("/x", "/x") == 0);
	CHECK(cgroup_path_cmp("/", "/a") < 0 && cgroup_path_cmp("/ab", "/a/b") > 0);
	snap_base(&s, "6.1.0");
	s.ncgroups = 2 * n;
	s.cgroups = calloc(s.ncgroups, sizeof(*s.cgroups));
	for (size_t i = 0; i < s.ncgroups; i++) {
		/* the second hierarchy's first, reversed: the order is not the list's */
		size_t k = i < n ? n - 1 - i : i - n;

		s.cgroups[i] = (struct cgroup_info){ .path = (char *)paths[k], .hier = i < n ? 1 : 0,
						     .pids_events_max = { k != 7, (uint64_t)1 << (i % 40) } };
	}
	cgroup_order_build(&o, &s, NULL);
	for (size_t i = 0; i < s.ncgroups; i++) {
		const struct cgroup_info *c = &s.cgroups[i];
		uint64_t want = 0, got;
		bool want_known = false, known;

		for (size_t j = 0; j < s.ncgroups; j++)
			if (s.cgroups[j].hier == c->hier && s.cgroups[j].pids_events_max.known &&
			    cgroup_path_within(s.cgroups[j].path, c->path)) {
				want += s.cgroups[j].pids_events_max.v;
				want_known = true;
			}
		got = cgroup_subtree_rejected(&s, &o, c, &known);
		CHECK_U64(got, want);
		CHECK(known == want_known);
	}
	xfree(o.sorted);
	xfree(o.pos);
	free(s.cgroups);
	s.cgroups = NULL;
	s.ncgroups = 0;
	snapshot_free(&s);
}

int main(void)
{
	RUN(scope_text_round_trip);
	RUN(thresholds_and_capacity);
	RUN(pid_exhaustion_errno_by_kernel);
	RUN(system_limits_from_loadavg);
	RUN(container_view_on_new_kernel);
	RUN(nproc_exemptions_and_lowest);
	RUN(limits_conf_precedence);
	RUN(task_hogs);
	RUN(owners_from_paths);
	RUN(owners_not_faked);
	RUN(commit_modes);
	RUN(cgroups_pids_and_memory);
	RUN(dead_namespace_and_child_pid_max);
	RUN(rlimit_data_soft_zero);
	RUN(hierarchical_pids_events);
	RUN(subtree_rejected_by_order);
	RUN(shown_and_exit_status);
	return 0;
}
