// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tally (model/tally.h): the daemon folds each process as it is read and keeps a few; what it
 * concludes must be what the report concludes from every process. Checked on random machines of
 * thousands of processes folded in random orders, and on every fixture tree through the real readers.
 */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/root.h"
#include "model/assess_internal.h"
#include "model/limits.h"
#include "probe/probe.h"
#include "render/render.h"
#include "unit.h"

static const struct thresholds TH = { 80, 95 };

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static void snap_base(struct snapshot *s)
{
	snapshot_init(s, NULL);
	kversion_parse(S("6.18.0"), &s->sys.kernel);
	s->sys.have_loadavg = true;
	s->sys.loadavg.nr_threads = 20000;
	s->sys.pid_max = (struct opt_u64){ true, 32768 };
	s->sys.threads_max = (struct opt_u64){ true, 192730 };
	s->sys.max_map_count = (struct opt_u64){ true, 65530 };
	s->sys.own_pidns = PROC_PID_INIT_INO;
	s->sys.uid0_is_host_root = true;
}

static const char *const cgroups[] = { "/", "/system.slice/a.service", "/system.slice/b.service", "/leak", "/leak/inner",
				       "/user.slice" };
static const char *const comms[] = { "bash", "java", "worker", "holdforks", "cron", "sshd", "leaker" };

/*
 * A machine of n processes in pid order: a fork leak, a zombie leak, a thread hog, a command over many
 * parents and noise, over several uids and cgroups, with per-process limits near and far (at most
 * not_ok of each kind past the warning).
 */
static void random_machine(struct snapshot *s, size_t n, size_t not_ok)
{
	size_t near[3] = { 0, 0, 0 };

	snap_base(s);
	s->procs = calloc(n, sizeof(*s->procs));
	for (size_t i = 0; i < n; i++) {
		struct proc_info *p = &s->procs[s->nprocs++];
		int pid = 10 + (int)i * 3;
		uint64_t kind = rnd(100);

		p->pid = pid;
		p->ppid = i < 5 ? 1 : s->procs[rnd(i < 50 ? i : 50)].pid;
		if (kind < 30)
			p->ppid = s->procs[3].pid; /* the fork leak's children */
		else if (kind < 40)
			p->ppid = s->procs[4].pid; /* the zombie leak's */
		p->zombie = kind >= 30 && kind < 40;
		p->uid = (uint32_t)(rnd(4) * 1000);
		p->threads = p->zombie ? 1 : rnd(10) == 0 ? 1 + rnd(400) : 1;
		p->kernel_thread = i > 5 && rnd(50) == 0;
		p->has_mm = !p->zombie && !p->kernel_thread;
		p->cgroup = p->kernel_thread ? NULL : cgroups[rnd(6)];
		p->pidns = PROC_PID_INIT_INO;
		p->nspid_count = 1;
		p->nspid_inner = pid;
		snprintf(p->comm, sizeof(p->comm), "%s", comms[kind < 40 ? 3 + (kind >= 30) * 3 : rnd(7)]);
		p->vm_rss_kib = rnd(100000);
		p->vm_size_kib = 4096 + rnd(1 << 20);
		p->vm_data_kib = rnd(1 << 18);
		p->has_limits = !p->kernel_thread && rnd(20) != 0;
		for (int k = 0; k < PID_RLIMIT_NKEYS; k++) {
			p->limits.soft[k] = (struct rlim_value){ true, true, 0 };
			p->limits.hard[k] = (struct rlim_value){ true, true, 0 };
		}
		if (rnd(3) == 0)
			p->limits.soft[PID_RLIMIT_NPROC] = (struct rlim_value){ true, false, 2000 + rnd(5) * 1000 };
		/* per-process limits: most far, a few near, at most not_ok past the warning per kind */
		if (p->has_mm && rnd(4) == 0) {
			uint64_t pct = rnd(79);

			if (near[0] < not_ok && rnd(50) == 0) {
				pct = 80 + rnd(25);
				near[0]++;
			}
			p->limits.soft[PID_RLIMIT_AS] = (struct rlim_value){ true, false, p->vm_size_kib * 1024 * 100 / (pct + 1) };
		}
		if (p->has_mm && rnd(4) == 0) {
			uint64_t pct = rnd(79);

			if (near[1] < not_ok && rnd(50) == 0) {
				pct = 80 + rnd(25);
				near[1]++;
			}
			p->limits.soft[PID_RLIMIT_DATA] = (struct rlim_value){ true, false, (p->vm_data_kib + 1) * 1024 * 100 / (pct + 1) };
		}
		if (p->has_mm && rnd(3) == 0) {
			p->map_count_known = true;
			p->map_count = rnd(40000);
			if (near[2] < not_ok && rnd(50) == 0) {
				p->map_count = 53000 + rnd(13000);
				near[2]++;
			}
		}
	}
}

/* Folds the processes of full in a random order, as the daemon's scan does, into a snapshot of its own. */
static void fold(const struct snapshot *full, struct snapshot *ret)
{
	size_t *order = calloc(full->nprocs, sizeof(*order));

	snap_base(ret);
	ret->folded = true;
	for (size_t i = 0; i < full->nprocs; i++)
		order[i] = i;
	for (size_t i = full->nprocs; i > 1; i--) {
		size_t j = rnd(i), x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	for (size_t i = 0; i < full->nprocs; i++) {
		const struct proc_info *p = &full->procs[order[i]];

		tally_add(&ret->tally, ret, p, p->comm);
		tally_retain(&ret->tally, ret, &TH, p);
	}
	tally_take_kept(&ret->tally, ret);
	/* the parents read before their children are named afterwards (probe_procs_cgroups reads their status) */
	for (size_t i = 0; i < ret->tally.names.n; i++) {
		struct tally_name *n = TALLY_AT(&ret->tally.names, struct tally_name, i);
		const struct proc_info *p = n->comm ? NULL : snapshot_proc(full, n->pid);

		if (p)
			n->comm = p->comm;
	}
	free(order);
}

/* The report of snap, as JSON and text, with the default ten consumers per table. */
static void report_of(const struct snapshot *snap, struct buf *out)
{
	struct render_opts ro = { .top = 10 };
	struct assessment a;

	assess(snap, &TH, NULL, &a);
	buf_init(out);
	render_report_json(snap, &a, &ro, out);
	render_report_text(snap, &a, &ro, out);
	assessment_free(&a);
}

/* The first line where two reports differ, for the failure message. */
static void show_difference(const char *x, const char *y)
{
	size_t line = 1, i = 0;

	while (x[i] && x[i] == y[i])
		line += x[i++] == '\n';
	fprintf(stdout, "    the reports differ at line %zu:\n    full:   %.120s\n    folded: %.120s\n", line, x + i, y + i);
}

static void folded_equals_full(void)
{
	for (int round = 0; round < 6; round++) {
		struct snapshot full, folded;
		struct buf a, b;

		random_machine(&full, round < 3 ? 3000 : 20000, 10);
		fold(&full, &folded);
		CHECK_U64(folded.tally.processes, full.nprocs);
		CHECK(folded.nprocs <= TALLY_KEEP_THREADS + TALLY_KINDS * (TALLY_KEEP_NOT_OK + 1));
		report_of(&full, &a);
		report_of(&folded, &b);
		CHECK(a.len > 1000 && strcmp(a.data, b.data) == 0);
		if (strcmp(a.data, b.data) != 0)
			show_difference(a.data, b.data);
		buf_free(&a);
		buf_free(&b);
		snapshot_free(&folded);
		snapshot_free(&full);
	}
}

/* More not-ok limits of a kind than are kept: the closest are kept, the others counted, none lost. */
static void folded_keeps_the_closest(void)
{
	struct snapshot full, folded;
	struct assessment af, ab;
	size_t built_full = 0, built_folded = 0;

	random_machine(&full, 5000, 60);
	fold(&full, &folded);
	assess(&full, &TH, NULL, &af);
	assess(&folded, &TH, NULL, &ab);
	for (size_t i = 0; i < af.nlimits; i++)
		built_full += af.limits[i].id == LIMIT_RLIMIT_AS;
	for (size_t i = 0; i < ab.nlimits; i++)
		built_folded += ab.limits[i].id == LIMIT_RLIMIT_AS;
	CHECK(built_full > TALLY_KEEP_NOT_OK + 1);
	CHECK_U64(built_folded, TALLY_KEEP_NOT_OK + 1 < built_full ? TALLY_KEEP_NOT_OK + 1 : built_full);
	/* every per-process limit is built or counted, in both */
	{
		size_t pp_full = 0, pp_folded = 0;

		for (size_t i = 0; i < af.nlimits; i++)
			pp_full += strncmp(af.limits[i].scope, "pid:", 4) == 0;
		for (size_t i = 0; i < ab.nlimits; i++)
			pp_folded += strncmp(ab.limits[i].scope, "pid:", 4) == 0;
		CHECK_U64(pp_full + af.unbuilt, pp_folded + ab.unbuilt);
	}
	/* the kept are the closest: the folded list is the head of the full one */
	for (size_t i = 0, j = 0; i < ab.nlimits; i++) {
		if (ab.limits[i].id != LIMIT_RLIMIT_AS || ab.limits[i].status == STATUS_OK)
			continue;
		while (j < af.nlimits && (af.limits[j].id != LIMIT_RLIMIT_AS || af.limits[j].status == STATUS_OK))
			j++;
		CHECK(j < af.nlimits && strcmp(af.limits[j].scope, ab.limits[i].scope) == 0);
		j++;
	}
	CHECK(af.worst == ab.worst);
	assessment_free(&af);
	assessment_free(&ab);
	snapshot_free(&folded);
	snapshot_free(&full);
}

/*
 * Calls to the heap, counted by wrapping glibc's allocator in this test program (as tests/shim does for
 * the daemon). Where a sanitizer owns malloc, 0: that build's own checks cover it.
 */
#if defined(__SANITIZE_ADDRESS__)
static unsigned long heap_calls(void)
{
	return 0;
}
#else
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
static unsigned long heap_count;

void *malloc(size_t n)
{
	heap_count++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	heap_count++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	heap_count++;
	return __libc_realloc(p, n);
}

static unsigned long heap_calls(void)
{
	return heap_count;
}
#endif

/*
 * The daemon's way: scan, assess and render in an arena. The report is the heap's, and the heap was
 * not called: every block was taken from the arena the caller named.
 */
static void report_in_arena(const struct hr_root *root, struct probe_opts po, const char *heap_report, const char *name)
{
	struct render_opts ro = { .top = 10 };
	struct arena mem;
	struct snapshot snap;
	struct assessment a;
	struct buf out;
	unsigned long before;

	CHECK(arena_init(&mem, 64 << 20) == 0);
	before = heap_calls();
	snapshot_init(&snap, &mem);
	probe_snapshot(root, &po, &snap);
	assess(&snap, &TH, NULL, &a);
	buf_init_in(&out, &mem);
	render_report_json(&snap, &a, &ro, &out);
	render_report_text(&snap, &a, &ro, &out);
	CHECK_U64(heap_calls(), before);
	CHECK_U64(mem.nspill, 0);
	CHECK(arena_owner(out.data) == &mem && arena_owner(a.limits) == &mem);
	CHECK(!snap.ncgroups || arena_owner(snap.cgroups) == &mem);
	if (strcmp(out.data, heap_report) != 0) {
		fprintf(stdout, "    fixture %s, in an arena:\n", name);
		show_difference(heap_report, out.data);
		unit_failures++;
	}
	arena_destroy(&mem);
}

/* Every fixture tree through the real readers: the folded scan reports what the full one does. */
static void fixtures_fold_alike(void)
{
	DIR *d = opendir("tests/fixtures");
	struct dirent *e;
	int trees = 0;

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		struct probe_opts po = { .no_fork = true, .no_threads = true, .map_counts = true,
					 .map_count_min_pct = TH.warning_pct, .memcg = true };
		struct snapshot full, folded;
		struct hr_root root;
		struct buf a, b;
		char dir[512];

		snprintf(dir, sizeof(dir), "tests/fixtures/%s/root/proc", e->d_name);
		if (e->d_name[0] == '.' || access(dir, F_OK) != 0)
			continue;
		snprintf(dir, sizeof(dir), "tests/fixtures/%s/root", e->d_name);
		if (root_open(&root, dir) < 0)
			continue;
		snapshot_init(&full, NULL);
		snapshot_init(&folded, NULL);
		probe_snapshot(&root, &po, &full);
		po.fold = &TH;
		probe_snapshot(&root, &po, &folded);
		CHECK(folded.folded && !full.folded);
		CHECK_U64(folded.tally.processes, full.nprocs);
		report_of(&full, &a);
		report_of(&folded, &b);
		if (strcmp(a.data, b.data) != 0) {
			fprintf(stdout, "    fixture %s:\n", e->d_name);
			show_difference(a.data, b.data);
			unit_failures++;
		}
		report_in_arena(&root, po, b.data, e->d_name);
		trees++;
		buf_free(&a);
		buf_free(&b);
		snapshot_free(&full);
		snapshot_free(&folded);
		root_close(&root);
	}
	if (d)
		closedir(d);
	CHECK(trees >= 5);
}

static bool in_path(const struct tally_leaf *l, const void *ctx)
{
	return l->cgroup && cgroup_path_within(l->cgroup, ctx);
}

/*
 * A cgroup's top consumer from its own leaves (task_top_find_cgroup, by the tally's index) is the one
 * found by matching every leaf, for cgroups whose names sort apart from their subtree in strcmp's order
 * ("/leak-b" between "/leak" and "/leak/inner"), a root, and paths nobody is in.
 */
static void cgroup_top_from_its_leaves(void)
{
	static const char *const more[] = { "/leak", "/leak/inner", "/leak-b", "/leak/inner-x", "/leak.x", "/leak/inner/deep",
					    "/system.slice/a.service", "/leakage" };
	static const char *const scopes[] = { "/", "/leak", "/leak/inner", "/leak-b", "/leak/inner-x", "/leak.x",
					      "/leak/inner/deep", "/system.slice", "/leakage", "/nobody", "/lea", "/leak/inn" };
	struct snapshot s;

	for (int round = 0; round < 20; round++) {
		struct tally t, view;

		random_machine(&s, 200 + rnd(3000), 3);
		for (size_t i = 0; i < s.nprocs; i++)
			if (s.procs[i].cgroup)
				s.procs[i].cgroup = more[rnd(sizeof(more) / sizeof(more[0]))];
		tally_init(&t, NULL);
		tally_build(&t, &s);
		view = t;
		tally_index_build(&view, NULL);
		for (size_t k = 0; k < sizeof(scopes) / sizeof(scopes[0]); k++) {
			struct task_top want, got;
			bool fw = task_top_find(&t, in_path, scopes[k], &want), fg = task_top_find_cgroup(&view, scopes[k], &got);

			CHECK(fw == fg);
			if (fw && fg) {
				CHECK(want.kind == got.kind && want.pid == got.pid && want.count == got.count &&
				      want.tasks == got.tasks);
				CHECK(want.comm == got.comm || (want.comm && got.comm && strcmp(want.comm, got.comm) == 0));
			}
		}
		tally_index_free(view.index);
		tally_free(&t);
		snapshot_free(&s);
	}
}

int main(void)
{
	RUN(folded_equals_full);
	RUN(folded_keeps_the_closest);
	RUN(fixtures_fold_alike);
	RUN(cgroup_top_from_its_leaves);
	return 0;
}
