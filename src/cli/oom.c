// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * headroom oom: what the kernel does when memory runs out (its configuration), who dies in each OOM
 * domain, and who died; headroom oom protect|prefer|adj: set oom_score_adj.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/escape.h"
#include "core/human.h"
#include "core/json.h"
#include "core/root.h"
#include "core/text.h"
#include "diagnose/oom.h"
#include "diagnose/oom_badness.h"
#include "diagnose/oom_history.h"
#include "parse/oom_log.h"
#include "probe/kernel_log.h"
#include "probe/probe.h"
#include "render/render.h"

static const char usage_text[] =
	"Usage: headroom oom [OPTION]...\n"
	"       headroom oom protect PID...      oom_score_adj -1000: never chosen (needs CAP_SYS_RESOURCE)\n"
	"       headroom oom prefer PID...       oom_score_adj 1000: chosen first\n"
	"       headroom oom adj PID VALUE       oom_score_adj VALUE (-1000 to 1000)\n"
	"What the kernel does when memory runs out, which process dies in each OOM domain (the machine and\n"
	"every memory cgroup with a limit), and every OOM kill the kernel log still holds.\n"
	"\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -n, --top N          candidates listed per domain (default 5)\n"
	"  -r, --root DIR       read DIR/proc and DIR/sys instead (a fixture tree; no kernel log)\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 shown or set, 1 a kill is in the log, 3 bad usage or could not read; adj: 4 not\n"
	"permitted, 5 no such process.\n";

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },   { "top", required_argument, NULL, 'n' },
	{ "root", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },   { "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct oom_config {
	long panic_on_oom, kill_allocating, dump_tasks, panic_secs, overcommit;
	char core_pattern[256];
	bool have[5];
};

static bool read_long(const struct hr_root *root, const char *rel, long *ret)
{
	struct buf b;
	int64_t v;
	const char *p;
	bool ok;

	buf_init(&b);
	ok = read_file_at(root, root->proc_fd, rel, &b) >= 0 && (p = b.data, parse_i64(&p, b.data + b.len, &v) == 0);
	if (ok)
		*ret = (long)v;
	buf_free(&b);
	return ok;
}

static void read_config(const struct hr_root *root, struct oom_config *c)
{
	struct buf b;

	memset(c, 0, sizeof(*c));
	c->have[0] = read_long(root, "sys/vm/panic_on_oom", &c->panic_on_oom);
	c->have[1] = read_long(root, "sys/vm/oom_kill_allocating_task", &c->kill_allocating);
	c->have[2] = read_long(root, "sys/vm/oom_dump_tasks", &c->dump_tasks);
	c->have[3] = read_long(root, "sys/kernel/panic", &c->panic_secs);
	c->have[4] = read_long(root, "sys/vm/overcommit_memory", &c->overcommit);
	buf_init(&b);
	if (read_file_at(root, root->proc_fd, "sys/kernel/core_pattern", &b) >= 0) {
		size_t n = b.len && b.data[b.len - 1] == '\n' ? b.len - 1 : b.len;

		snprintf(c->core_pattern, sizeof(c->core_pattern), "%.*s", (int)n, b.data);
	}
	buf_free(&b);
}

/* What each setting does, in words. */
static const char *panic_on_oom_words(long v)
{
	return v == 0 ? "no panic: the OOM killer kills a process" :
	       v == 1 ? "panic on a machine-wide OOM only; cgroup, cpuset and mempolicy OOMs still kill a process" :
			"panic on every OOM, memory cgroup OOMs included";
}

static void config_text(const struct oom_config *c, struct buf *out)
{
	buf_adds(out, "What the kernel does when memory runs out:\n");
	if (c->have[0])
		buf_printf(out, "  vm.panic_on_oom = %ld: %s\n", c->panic_on_oom, panic_on_oom_words(c->panic_on_oom));
	if (c->have[1])
		buf_printf(out, "  vm.oom_kill_allocating_task = %ld: %s\n", c->kill_allocating,
			   c->kill_allocating ? "a machine-wide OOM kills the task that ran into it, without choosing (not "
						"for cgroup OOMs)" :
						"the highest badness in the OOM domain is killed");
	if (c->have[2])
		buf_printf(out, "  vm.oom_dump_tasks = %ld: %s\n", c->dump_tasks,
			   c->dump_tasks ? "the kernel log lists every task at each OOM" : "no task list in the log");
	if (c->have[3])
		buf_printf(out, "  kernel.panic = %ld: %s\n", c->panic_secs,
			   c->panic_secs > 0 ? "after a panic the machine reboots after this many seconds" :
			   c->panic_secs < 0 ? "after a panic the machine reboots at once" :
					       "after a panic the machine stays down until reset");
	buf_adds(out, "  kernel.core_pattern = ");
	escape_text_str(out, c->core_pattern[0] ? c->core_pattern : "(unreadable)");
	buf_addc(out, '\n');
	if (c->have[4])
		buf_printf(out, "  vm.overcommit_memory = %ld: %s\n", c->overcommit,
			   c->overcommit == 2 ? "allocations beyond CommitLimit fail with ENOMEM before any OOM" :
			   c->overcommit == 1 ? "every allocation succeeds; running out shows up only as OOM kills" :
						"only a single request larger than RAM + swap is refused (since 5.2)");
	buf_adds(out, "  Change one now with 'sysctl -w NAME=VALUE' (or by writing /proc/sys/...); only a line in a\n"
		      "  file under /etc/sysctl.d/ survives a reboot.\n");
}

static const char *action_id(enum oom_action a)
{
	return a == OOM_PANIC ? "panic" : a == OOM_KILL_ALLOCATING ? "kill_allocating_task" : "kill_victim";
}

static void candidate_text(const struct oom_candidate *c, bool victim, struct buf *out)
{
	char rss[32];

	buf_printf(out, "    %s pid %-7d ", victim ? "->" : "  ", c->pid);
	escape_text_str(out, c->comm);
	buf_printf(out, "  rss %s, oom_score_adj %d, badness ", human_bytes(c->rss_bytes + c->swap_bytes, rss, sizeof(rss)),
		   c->oom_score_adj);
	if (c->badness == OOM_BADNESS_NEVER)
		buf_adds(out, "never");
	else
		buf_printf(out, "%ld", c->badness);
	if (c->kernel_oom_score >= 0)
		buf_printf(out, ", oom_score %ld", c->kernel_oom_score);
	buf_addc(out, '\n');
}

/* Everything headroom oom shows, read and computed. */
struct oom_view {
	const struct snapshot *snap;
	const struct oom_config *cfg;
	const struct oom_domain *doms;
	size_t ndoms;
	const struct oom_history *hist;
	uint64_t top, vmstat_kills;
	int64_t boot_epoch;
	bool live, log_read, have_vmstat;
};

static void oom_json(const struct oom_view *v, struct buf *out)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "kernel", v->snap->sys.kernel.release);
	json_object_begin(&j, "config");
	if (v->cfg->have[0])
		json_i64(&j, "panic_on_oom", v->cfg->panic_on_oom);
	if (v->cfg->have[1])
		json_i64(&j, "oom_kill_allocating_task", v->cfg->kill_allocating);
	if (v->cfg->have[2])
		json_i64(&j, "oom_dump_tasks", v->cfg->dump_tasks);
	if (v->cfg->have[3])
		json_i64(&j, "panic", v->cfg->panic_secs);
	json_str(&j, "core_pattern", v->cfg->core_pattern);
	if (v->cfg->have[4])
		json_i64(&j, "overcommit_memory", v->cfg->overcommit);
	json_object_end(&j);
	json_array_begin(&j, "domains");
	for (size_t i = 0; i < v->ndoms; i++) {
		const struct oom_domain *d = &v->doms[i];

		json_object_begin(&j, NULL);
		json_str(&j, "scope", d->scope);
		json_u64(&j, "usage", d->usage_bytes);
		json_u64(&j, "limit", d->limit_bytes);
		json_u64(&j, "totalpages", d->totalpages);
		json_str(&j, "action", action_id(d->action));
		json_bool(&j, "oom_group", d->group_kill);
		if (d->has_oom_kills)
			json_u64(&j, "oom_kills", d->oom_kills);
		else
			json_null(&j, "oom_kills");
		if (d->victim >= 0) {
			json_object_begin(&j, "victim");
			json_i64(&j, "pid", d->cands[d->victim].pid);
			json_str(&j, "comm", d->cands[d->victim].comm);
			json_i64(&j, "badness", d->cands[d->victim].badness);
			json_object_end(&j);
		} else {
			json_null(&j, "victim");
		}
		json_array_begin(&j, "candidates");
		for (size_t k = 0; k < d->ncands && k < v->top; k++) {
			const struct oom_candidate *cd = &d->cands[k];

			json_object_begin(&j, NULL);
			json_i64(&j, "pid", cd->pid);
			json_str(&j, "comm", cd->comm);
			json_u64(&j, "uid", cd->uid);
			json_i64(&j, "oom_score_adj", cd->oom_score_adj);
			json_u64(&j, "rss_bytes", cd->rss_bytes);
			json_u64(&j, "swap_bytes", cd->swap_bytes);
			json_u64(&j, "pgtables_bytes", cd->pgtables_bytes);
			if (cd->badness == OOM_BADNESS_NEVER)
				json_null(&j, "badness");
			else
				json_i64(&j, "badness", cd->badness);
			if (cd->kernel_oom_score >= 0)
				json_i64(&j, "oom_score", cd->kernel_oom_score);
			else
				json_null(&j, "oom_score");
			if (cd->model_oom_score >= 0)
				json_i64(&j, "oom_score_model", cd->model_oom_score);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_bool(&j, "kernel_log_read", v->log_read);
	if (v->have_vmstat)
		json_u64(&j, "vmstat_oom_kill", v->vmstat_kills);
	json_array_begin(&j, "kills");
	for (size_t i = 0; i < v->hist->n; i++) {
		const struct oom_kill *k = &v->hist->kills[i];
		char when[64];

		human_log_time(k->usec, v->boot_epoch, when, sizeof(when));
		json_object_begin(&j, NULL);
		json_str(&j, "time", when);
		json_i64(&j, "pid", k->pid);
		json_str(&j, "comm", k->comm);
		if (k->has_uid)
			json_u64(&j, "uid", k->uid);
		else
			json_null(&j, "uid");
		json_str(&j, "scope", k->scope);
		json_u64(&j, "rss_bytes", k->rss_kib * 1024);
		json_str(&j, "constraint", k->constraint[0] ? k->constraint : NULL);
		json_str(&j, "victim_cgroup", k->victim_cgroup[0] ? k->victim_cgroup : NULL);
		json_str(&j, "trigger", k->trigger[0] ? k->trigger : NULL);
		if (k->has_adj)
			json_i64(&j, "oom_score_adj", k->oom_score_adj);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(out, '\n');
}

static void oom_text(const struct oom_view *v, struct buf *out)
{
	char b1[32], b2[32];

	config_text(v->cfg, out);
	for (size_t i = 0; i < v->ndoms; i++) {
		const struct oom_domain *d = &v->doms[i];

		buf_adds(out, "\nOOM domain: ");
		escape_text_str(out, d->subject);
		buf_printf(out, ", %s used of %s%s\n", human_bytes(d->usage_bytes, b1, sizeof(b1)),
			   human_bytes(d->limit_bytes, b2, sizeof(b2)), i == 0 ? " (RAM + swap)" : "");
		if (d->action == OOM_PANIC)
			buf_adds(out, "  when it runs out the kernel PANICS (vm.panic_on_oom): no process is chosen\n");
		else if (d->action == OOM_KILL_ALLOCATING)
			buf_adds(out, "  when it runs out the task that ran into it is killed (vm.oom_kill_allocating_task);\n"
				       "  the ranking below applies when that task cannot be killed\n");
		if (d->group_kill)
			buf_adds(out, "  memory.oom.group is set: every task of the cgroup is killed with the victim\n");
		if (d->has_oom_kills && d->oom_kills)
			buf_printf(out, "  %" PRIu64 " OOM kill%s here since the cgroup was created\n", d->oom_kills,
				   d->oom_kills == 1 ? "" : "s");
		if (d->victim < 0)
			buf_adds(out, "  nothing here can be killed\n");
		for (size_t k = 0; k < d->ncands && k < v->top; k++)
			candidate_text(&d->cands[k], (int)k == d->victim, out);
	}
	buf_adds(out, "\nOOM kills in the kernel log:");
	if (!v->live)
		buf_adds(out, " not read: the kernel log is the running machine's, not the tree's\n");
	else if (!v->log_read)
		buf_adds(out, " the log (/dev/kmsg) could not be read: run as root\n");
	else if (!v->hist->n)
		buf_adds(out, " none\n");
	else
		buf_addc(out, '\n');
	for (size_t i = 0; i < v->hist->n; i++) {
		const struct oom_kill *k = &v->hist->kills[i];
		char when[64], rss[32];

		human_log_time(k->usec, v->boot_epoch, when, sizeof(when));
		buf_printf(out, "  %s  pid %d (", when, k->pid);
		escape_text_str(out, k->comm);
		buf_printf(out, "), rss %s, in ", human_bytes(k->rss_kib * 1024, rss, sizeof(rss)));
		escape_text_str(out, strcmp(k->scope, "system") == 0 ? "a machine-wide OOM" : k->scope);
		if (k->trigger[0]) {
			buf_adds(out, ", triggered by ");
			escape_text_str(out, k->trigger);
		}
		buf_addc(out, '\n');
	}
	if (v->have_vmstat && v->log_read && v->vmstat_kills > v->hist->n)
		buf_printf(out, "  (/proc/vmstat counts %" PRIu64 " OOM kills since boot; the log no longer holds the "
				 "other %" PRIu64 ")\n",
			   v->vmstat_kills, v->vmstat_kills - v->hist->n);
}

static int show(int argc, char **argv)
{
	struct probe_opts popts = { .no_fork = true, .map_counts = false, .oom_scores = true, .memcg = true };
	struct oom_history hist = { 0 };
	struct oom_domain *doms;
	struct oom_config cfg;
	struct hr_root root;
	struct snapshot snap;
	struct kernel_log kl;
	struct kmsg_record r;
	struct buf out;
	uint64_t top = 5, vmstat_kills = 0;
	int64_t boot_epoch = 0;
	bool json = false, log_read = false, have_vmstat = false;
	const char *root_path = "/";
	size_t ndoms;
	char text[4096];
	int c, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":jn:r:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': root_path = optarg; break;
		case 'n':
			if (parse_u64_str(optarg, strlen(optarg), &top) < 0 || top > 100000) {
				cli_error("invalid --top value '%s': expected a number", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		default:
			return cli_common_option(c, argv, "headroom oom", usage_text);
		}
	}
	if (optind < argc) {
		cli_error("unknown subcommand '%s'; see 'headroom oom --help'", argv[optind]);
		return EXIT_UNKNOWN;
	}
	if (cli_open_root(&root, root_path) < 0)
		return EXIT_UNKNOWN;
	snapshot_init(&snap);
	probe_snapshot(&root, &popts, &snap);
	read_config(&root, &cfg);
	{
		struct kversion formula;
		struct oom_policy pol = { cfg.have[0] ? cfg.panic_on_oom : 0, cfg.have[1] ? cfg.kill_allocating : 0, &formula };

		oom_formula_kernel(&snap, &formula);
		oom_domains(&snap, &pol, sysconf(_SC_PAGESIZE), &doms, &ndoms);
	}

	/* the history: every kill the log still holds (the running machine's: not read for a fixture tree) */
	log_read = root.live && kernel_log_open(&kl, false) == 0;
	if (log_read) {
		struct oom_line l;

		boot_epoch = kernel_log_boot_epoch();
		for (int i = 0; i < 1000000 && kernel_log_next(&kl, &r, text, sizeof(text)) > 0; i++)
			if (oom_line_parse(text, strlen(text), &l) == 0)
				oom_history_add(&hist, &l, r.usec);
		kernel_log_close(&kl);
	}
	have_vmstat = snap.sys.vmstat_oom_kill.known;
	vmstat_kills = snap.sys.vmstat_oom_kill.v;

	{
		struct oom_view v = { &snap, &cfg, doms, ndoms, &hist, top, vmstat_kills, boot_epoch, root.live, log_read,
				      have_vmstat };

		buf_init(&out);
		if (json)
			oom_json(&v, &out);
		else
			oom_text(&v, &out);
	}
	status = hist.n ? EXIT_WARNING : EXIT_OK;
	if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0)
		status = EXIT_UNKNOWN;
	buf_free(&out);
	oom_history_free(&hist);
	oom_domains_free(doms, ndoms);
	snapshot_free(&snap);
	root_close(&root);
	return status;
}

/* Writes oom_score_adj of pid. Returns 0 or a repro-style exit status after saying why. */
static int set_adj(const char *pid_s, long adj)
{
	char path[64], num[16];
	uint64_t pid;
	int fd, err = 0;

	if (parse_u64_str(pid_s, strlen(pid_s), &pid) < 0 || pid == 0 || pid > INT32_MAX) {
		cli_error("invalid pid '%s'", pid_s);
		return EXIT_UNKNOWN;
	}
	snprintf(path, sizeof(path), "/proc/%llu/oom_score_adj", (unsigned long long)pid);
	snprintf(num, sizeof(num), "%ld", adj);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, num, strlen(num)) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err == ENOENT || err == ESRCH) {
		cli_error("no process %llu", (unsigned long long)pid);
		return 5;
	}
	if (err == EACCES || err == EPERM) {
		cli_error("cannot set oom_score_adj of %llu to %ld: %s (lowering it below the value the process was "
			  "given needs CAP_SYS_RESOURCE; another user's process needs root)",
			  (unsigned long long)pid, adj, strerror(err));
		return 4;
	}
	if (err) {
		cli_error("cannot write '%s': %s", path, strerror(err));
		return EXIT_UNKNOWN;
	}
	printf("pid %llu: oom_score_adj %ld (legacy oom_adj %d%s)\n", (unsigned long long)pid, adj,
	       oom_adj_from_score_adj((int)adj), adj <= -1000 ? ": never chosen" : adj >= 1000 ? ": chosen first" : "");
	return 0;
}

int cmd_oom(int argc, char **argv)
{
	int worst = 0;

	if (argc > 1 && (strcmp(argv[1], "protect") == 0 || strcmp(argv[1], "prefer") == 0)) {
		if (argc < 3) {
			cli_error("%s: which process? headroom oom %s PID...", argv[1], argv[1]);
			return EXIT_UNKNOWN;
		}
		for (int i = 2; i < argc; i++) {
			int r = set_adj(argv[i], strcmp(argv[1], "protect") == 0 ? -1000 : 1000);

			if (r > worst)
				worst = r;
		}
		return worst;
	}
	if (argc > 1 && strcmp(argv[1], "adj") == 0) {
		int64_t v;
		const char *p;

		if (argc != 4) {
			cli_error("adj: headroom oom adj PID VALUE");
			return EXIT_UNKNOWN;
		}
		p = argv[3];
		if (parse_i64(&p, argv[3] + strlen(argv[3]), &v) < 0 || *p || v < -1000 || v > 1000) {
			cli_error("invalid oom_score_adj '%s': expected -1000 to 1000", argv[3]);
			return EXIT_UNKNOWN;
		}
		return set_adj(argv[2], (long)v);
	}
	return show(argc, argv);
}
