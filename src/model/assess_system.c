// SPDX-License-Identifier: GPL-2.0-or-later
/* Machine-wide limits: kernel.pid_max, kernel.threads-max, memory and swap, the overcommit limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/human.h"
#include "core/text.h"
#include "model/assess_internal.h"

#define PID_MAX_LIMIT 4194304ULL      /* include/linux/threads.h, 64-bit */
#define THREADS_MAX_LIMIT 0x3fffffffULL /* FUTEX_TID_MASK */

/*
 * The fixes of a sysctl: sysctl -w now; durably, a file of its own in /etc/sysctl.d/ (sysctl.d(5)),
 * which systemd-sysctl or "sysctl --system" applies at boot.
 */
void sysctl_fixes(struct arena *mem, struct limit *l, const char *name, uint64_t value)
{
	char *line;

	fix_text(&l->fix_now, mem_asprintf(mem, "set %s now (until the next boot)", name));
	fix_command(mem, &l->fix_now, "sysctl -w %s=%llu", name, (unsigned long long)value);
	fix_text(&l->fix_durable, mem_asprintf(mem, "set it in a file of /etc/sysctl.d/, applied at every boot by "
						    "systemd-sysctl or 'sysctl --system'"));
	line = mem_asprintf(mem, "%s = %llu", name, (unsigned long long)value);
	fix_command(mem, &l->fix_durable, "echo %s > /etc/sysctl.d/90-headroom-%s.conf", line, name);
	xfree(line);
}

bool in_initial_pidns(const struct snapshot *snap)
{
	return !snap->sys.own_pidns || snap->sys.own_pidns == PROC_PID_INIT_INO;
}

void sysctl_origin_note(struct limit *l, const struct snapshot *snap, enum sysctl_id id, uint64_t running)
{
	struct arena *mem = snap->mem;
	const struct config_origin *o = &snap->sysctl_origin[id];
	uint64_t v;
	char *text;

	if (!in_initial_pidns(snap)) {
		/* these sysctls are the host's (or, for pid_max on 6.14+, set by the container's runtime) */
		str_appendf(mem, &l->source, "; set outside this container: its own configuration files do not apply");
		return;
	}
	if (!o->set) {
		str_appendf(mem, &l->source, "; no sysctl configuration file sets it (sysctl.d, sysctl.conf): the "
			    "kernel's boot default or a change made since boot");
	} else if (parse_u64_str(o->value, strlen(o->value), &v) == 0 && v == running) {
		str_appendf(mem, &l->source, "; set to %s by %s line %d (kept across reboots)", o->value, o->file,
			    o->line);
	} else {
		str_appendf(mem, &l->source, "; %s line %d sets %s, but it is %llu now: it was changed after the files "
			    "were applied, or nothing applied them at boot (systemd-sysctl, sysctl --system)",
			    o->file, o->line, o->value, (unsigned long long)running);
	}
	if (o->set) {
		text = mem_asprintf(mem, "%s:%d", o->file, o->line);
		fact_str(mem, l, FACT_CONFIGURED_IN, text);
		xfree(text);
		fact_str(mem, l, FACT_CONFIGURED_VALUE, o->value);
	}
}

/* The machine's top consumer, found once for pid_max and threads-max, which share their scope. */
struct machine_top {
	bool has;
	struct task_top top;
};

static void set_machine_top(struct limit *l, const struct machine_top *mt)
{
	l->has_top = mt->has;
	l->top = mt->top;
}

static void assess_pid_max(const struct snapshot *snap, struct assessment *a, const struct machine_top *mt)
{
	struct arena *mem = snap->mem;
	const struct sys_info *sys = &snap->sys;
	char used[32], max[32];
	struct limit *l;
	uint64_t raise;

	if (!sys->pid_max.known || !sys->have_loadavg)
		return;
	/* 6.14+ inside a pid namespace: /proc/sys/kernel/pid_max is this namespace's own (assess_pidns). */
	if (kversion_at_least(&sys->kernel, 6, 14) && !in_initial_pidns(snap))
		return;
	l = limit_add(a, snap, LIMIT_PID_MAX, scope_system(), mem_strdup(mem, "the whole machine"));
	l->used = sys->loadavg.nr_threads;
	l->max = sys->pid_max.v;
	/* numbers come from [1, pid_max); after the first wrap-around, from [300, pid_max) */
	l->capacity = l->max > 1 ? l->max - 1 : 1;
	set_machine_top(l, mt);
	l->source = mem_strdup(mem, "the kernel.pid_max sysctl (/proc/sys/kernel/pid_max)");
	l->meaning = mem_asprintf(mem, "%s of %s process ids in use: every thread holds one, zombies until reaped "
				       "(the kernel's task count in /proc/loadavg)%s",
				       human_count(l->used, used, sizeof(used)), human_count(l->max, max, sizeof(max)),
				       in_initial_pidns(snap) ? "" : "; kernel.pid_max is global on this kernel, set "
								     "on the host");
	raise = suggest_raise(l->max, l->used, PID_MAX_LIMIT);
	sysctl_fixes(mem, l, "kernel.pid_max", raise);
	sysctl_origin_note(l, snap, SYSCTL_PID_MAX, l->max);
	if (sys->loadavg.last_pid)
		fact_u64(l, FACT_LAST_PID, sys->loadavg.last_pid);
}

static void assess_threads_max(const struct snapshot *snap, struct assessment *a, const struct machine_top *mt)
{
	struct arena *mem = snap->mem;
	const struct sys_info *sys = &snap->sys;
	char used[32], max[32];
	struct limit *l;
	uint64_t raise;

	if (!sys->threads_max.known || !sys->have_loadavg)
		return;
	l = limit_add(a, snap, LIMIT_THREADS_MAX, scope_system(), mem_strdup(mem, "the whole machine"));
	l->used = sys->loadavg.nr_threads;
	l->max = sys->threads_max.v;
	l->capacity = l->max; /* copy_process: nr_threads >= max_threads fails */
	set_machine_top(l, mt);
	l->source = mem_strdup(mem, "the kernel.threads-max sysctl (/proc/sys/kernel/threads-max); its boot default is "
				    "RAM / (8 x kernel stack size)");
	l->meaning = mem_asprintf(mem, "%s of %s tasks (threads, kernel threads and unreaped zombies), counted "
				       "machine-wide even from inside a container",
				       human_count(l->used, used, sizeof(used)), human_count(l->max, max, sizeof(max)));
	raise = suggest_raise(l->max, l->used, THREADS_MAX_LIMIT);
	sysctl_fixes(mem, l, "kernel.threads-max", raise);
	if (sys->kernel.major == 4)
		str_appendf(mem, &l->fix_now.text, "; 4.x kernels cap a value above the RAM-derived default silently");
	sysctl_origin_note(l, snap, SYSCTL_THREADS_MAX, l->max);
}

static void assess_memory(const struct snapshot *snap, struct assessment *a)
{
	struct arena *mem = snap->mem;
	const struct meminfo *m = &snap->sys.meminfo;
	uint64_t total, avail, swap_total, swap_free;
	char b1[32], b2[32], b3[32], b4[32];
	bool estimated = false;
	struct limit *l;

	if (!snap->sys.have_meminfo || !meminfo_has(m, MEMINFO_MEM_TOTAL) ||
	    !(meminfo_has(m, MEMINFO_MEM_AVAILABLE) || meminfo_has(m, MEMINFO_MEM_FREE)))
		return;
	total = m->kib[MEMINFO_MEM_TOTAL] * 1024;
	if (meminfo_has(m, MEMINFO_MEM_AVAILABLE)) {
		avail = m->kib[MEMINFO_MEM_AVAILABLE] * 1024;
	} else {
		/* Before 3.14 there is no MemAvailable: free + buffers + page cache - shmem + reclaimable slab. */
		uint64_t kib = m->kib[MEMINFO_MEM_FREE] + m->kib[MEMINFO_BUFFERS] + m->kib[MEMINFO_CACHED] +
			       m->kib[MEMINFO_SRECLAIMABLE];

		kib = kib > m->kib[MEMINFO_SHMEM] ? kib - m->kib[MEMINFO_SHMEM] : 0;
		avail = kib * 1024;
		estimated = true;
	}
	if (avail > total)
		avail = total;
	swap_total = m->kib[MEMINFO_SWAP_TOTAL] * 1024;
	swap_free = m->kib[MEMINFO_SWAP_FREE] * 1024;
	if (swap_free > swap_total)
		swap_free = swap_total;

	l = limit_add(a, snap, LIMIT_MEMORY, scope_system(), mem_strdup(mem, "the whole machine"));
	l->unit = UNIT_BYTES;
	l->used = (total - avail) + (swap_total - swap_free);
	l->max = total + swap_total;
	l->capacity = l->max;
	l->source = mem_strdup(mem, "installed RAM (MemTotal) and swap (SwapTotal) in /proc/meminfo");
	if (swap_total)
		l->meaning = mem_asprintf(mem, "%s of %s RAM available%s, %s of %s swap free",
					       human_bytes(avail, b1, sizeof(b1)), human_bytes(total, b2, sizeof(b2)),
					       estimated ? " (estimated: no MemAvailable on this kernel)" : "",
					       human_bytes(swap_free, b3, sizeof(b3)), human_bytes(swap_total, b4, sizeof(b4)));
	else
		l->meaning = mem_asprintf(mem, "%s of %s RAM available%s, no swap", human_bytes(avail, b1, sizeof(b1)),
					       human_bytes(total, b2, sizeof(b2)),
					       estimated ? " (estimated: no MemAvailable on this kernel)" : "");
	fix_text(&l->fix_now, mem_strdup(mem, "find what grew, and stop or restart it"));
	fix_command(mem, &l->fix_now, "ps -eo pid,rss,comm --sort=-rss | head");
	fix_text(&l->fix_durable, mem_strdup(mem, "cap the services that grow (systemd MemoryMax=, docker --memory, "
						  "Kubernetes resources.limits.memory), or add RAM or swap"));
	fact_u64(l, FACT_MEM_TOTAL_BYTES, total);
	fact_u64(l, FACT_MEM_AVAILABLE_BYTES, avail);
	fact_bool(l, FACT_MEM_AVAILABLE_ESTIMATED, estimated);
	fact_u64(l, FACT_SWAP_TOTAL_BYTES, swap_total);
	fact_u64(l, FACT_SWAP_FREE_BYTES, swap_free);
	if (snap->sys.have_psi_memory) {
		const struct psi *p = &snap->sys.psi_memory;

		if (p->some.present)
			fact_u64(l, FACT_PSI_SOME_AVG10_CENTIPERCENT, p->some.avg10_centi);
		if (p->full.present)
			fact_u64(l, FACT_PSI_FULL_AVG10_CENTIPERCENT, p->full.avg10_centi);
		/* some: at least one task stalled on memory; full: all non-idle tasks stalled at once */
		if (p->some.present && p->full.present)
			str_appendf(mem, &l->meaning, "; tasks stalled on memory %u.%02u%% of the last 10 s (PSI "
				    "some), all at once %u.%02u%% (full)",
				    p->some.avg10_centi / 100, p->some.avg10_centi % 100,
				    p->full.avg10_centi / 100, p->full.avg10_centi % 100);
		else if (p->some.present)
			str_appendf(mem, &l->meaning, "; tasks stalled on memory %u.%02u%% of the last 10 s (PSI some)",
				    p->some.avg10_centi / 100, p->some.avg10_centi % 100);
		else
			str_appendf(mem, &l->meaning, "; all tasks stalled on memory at once %u.%02u%% of the last "
				    "10 s (PSI full)",
				    p->full.avg10_centi / 100, p->full.avg10_centi % 100);
	}
}

static void assess_commit(const struct snapshot *snap, struct assessment *a)
{
	struct arena *mem = snap->mem;
	const struct sys_info *sys = &snap->sys;
	const struct meminfo *m = &sys->meminfo;
	char b1[32], b2[32], b3[32];
	uint64_t mode, committed, limit_bytes, ramswap;
	struct limit *l;

	if (!sys->have_meminfo || !meminfo_has(m, MEMINFO_COMMITTED_AS) || !meminfo_has(m, MEMINFO_COMMIT_LIMIT) ||
	    !sys->overcommit_memory.known)
		return;
	mode = sys->overcommit_memory.v;
	committed = m->kib[MEMINFO_COMMITTED_AS] * 1024;
	limit_bytes = m->kib[MEMINFO_COMMIT_LIMIT] * 1024;
	ramswap = (m->kib[MEMINFO_MEM_TOTAL] + m->kib[MEMINFO_SWAP_TOTAL]) * 1024;

	l = limit_add(a, snap, LIMIT_COMMIT, scope_system(), mem_strdup(mem, "the whole machine"));
	l->used = committed;
	fact_u64(l, FACT_OVERCOMMIT_MEMORY, mode);
	fact_u64(l, FACT_COMMIT_LIMIT_BYTES, limit_bytes);
	if (sys->overcommit_ratio.known)
		fact_u64(l, FACT_OVERCOMMIT_RATIO, sys->overcommit_ratio.v);
	if (sys->overcommit_kbytes.known)
		fact_u64(l, FACT_OVERCOMMIT_KBYTES, sys->overcommit_kbytes.v);
	if (mode == 2) {
		l->max = limit_bytes;
		l->capacity = limit_bytes;
		l->source = mem_asprintf(mem, "vm.overcommit_memory = 2: CommitLimit = %s, plus swap",
					      sys->overcommit_kbytes.known && sys->overcommit_kbytes.v ?
						      "vm.overcommit_kbytes" : "RAM x vm.overcommit_ratio / 100");
		l->meaning = mem_asprintf(mem, "%s committed of a %s CommitLimit: in mode 2 an allocation that would "
					       "pass it fails with ENOMEM (non-root keeps an admin reserve free), and "
					       "a large process cannot fork",
					       human_bytes(committed, b1, sizeof(b1)), human_bytes(limit_bytes, b2, sizeof(b2)));
		sysctl_fixes(mem, l, "vm.overcommit_ratio",
			     sys->overcommit_ratio.known && sys->overcommit_ratio.v < 100 ?
					  sys->overcommit_ratio.v + 25 > 100 ? 100 : sys->overcommit_ratio.v + 25 :
					  100);
		fix_text(&l->fix_now, mem_strdup(mem, "raise vm.overcommit_ratio now (or set vm.overcommit_kbytes), or "
						      "go back to the default heuristic"));
		fix_command(mem, &l->fix_now, "sysctl -w vm.overcommit_memory=0");
		sysctl_origin_note(l, snap, SYSCTL_OVERCOMMIT_MEMORY, mode);
		return;
	}
	l->unlimited = true;
	l->enforced = false;
	l->source = mem_asprintf(mem, "vm.overcommit_memory = %llu", (unsigned long long)mode);
	if (mode == 1)
		l->meaning = mem_asprintf(mem, "%s committed; mode 1 (always overcommit) never refuses an allocation "
					       "for commit, so CommitLimit (%s) is not enforced",
					       human_bytes(committed, b1, sizeof(b1)), human_bytes(limit_bytes, b2, sizeof(b2)));
	else if (kversion_at_least(&sys->kernel, 5, 2))
		/* 8c7829b04c52 (5.2): OVERCOMMIT_GUESS fails only a single request larger than RAM + swap */
		l->meaning = mem_asprintf(mem, "%s committed; mode 0 (heuristic) does not enforce CommitLimit (%s): "
					       "since 5.2 it refuses only a single allocation larger than RAM + swap "
					       "(%s)",
					       human_bytes(committed, b1, sizeof(b1)), human_bytes(limit_bytes, b2, sizeof(b2)),
					       human_bytes(ramswap, b3, sizeof(b3)));
	else
		l->meaning = mem_asprintf(mem, "%s committed; mode 0 (heuristic) does not enforce CommitLimit (%s): "
					       "before 5.2 it refuses an allocation larger than free memory + page "
					       "cache + free swap",
					       human_bytes(committed, b1, sizeof(b1)), human_bytes(limit_bytes, b2, sizeof(b2)));
	fix_text(&l->fix_now, mem_strdup(mem, "nothing to do for commit in this mode"));
	fix_text(&l->fix_durable, mem_strdup(mem, "keep vm.overcommit_memory at 0 unless an application requires "
						  "otherwise"));
	sysctl_origin_note(l, snap, SYSCTL_OVERCOMMIT_MEMORY, mode);
}

void assess_system(const struct snapshot *snap, const struct tally *t, struct assessment *a)
{
	struct machine_top mt;

	mt.has = task_top_find(t, NULL, NULL, &mt.top);
	assess_pid_max(snap, a, &mt);
	assess_threads_max(snap, a, &mt);
	assess_memory(snap, a);
	assess_commit(snap, a);
}
