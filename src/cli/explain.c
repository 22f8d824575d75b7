// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom explain MESSAGE: the real cause of a failed fork, thread creation or allocation. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/root.h"
#include "core/text.h"
#include "diagnose/explain.h"
#include "model/limits.h"
#include "parse/failure_msg.h"
#include "parse/kernel_line.h"
#include "probe/kernel_log.h"
#include "probe/probe.h"
#include "render/render.h"

static const char usage_text[] =
	"Usage: headroom explain [OPTION]... [MESSAGE]...\n"
	"Name the real cause of a failed fork, thread creation or memory allocation, from the error\n"
	"message as it was printed (\"fork: Cannot allocate memory\", \"unable to create native thread\",\n"
	"\"[Errno 11]\", \"EAGAIN\"...), with the evidence and the fix.\n"
	"\n"
	"  -p, --pid PID        where it failed: this process (default: this shell, when nothing is given)\n"
	"  -u, --user UID       where it failed: this user's processes\n"
	"  -g, --cgroup PATH    where it failed: this cgroup (its path in the hierarchy, e.g. /system.slice/x)\n"
	"  -o, --op OP          what failed: fork, thread or alloc (default: read from the message)\n"
	"  -e, --errno ERR      the errno: a name (EAGAIN) or number (default: read from the message)\n"
	"  -j, --json           print one JSON object (schema in headroom(1))\n"
	"  -r, --root DIR       read DIR/proc and DIR/sys instead (a fixture tree; needs --pid, --user or --cgroup)\n"
	"      --no-fork        never fork (from a shell that cannot: exec headroom explain --no-fork ...)\n"
	"      --color[=WHEN]   colour the verdicts: auto (default), always or never\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 no cause confirmed or likely, 1 a likely cause, 2 a confirmed cause, 3 bad input\n"
	"or could not assess.\n";

enum { OPT_NO_FORK = 256, OPT_COLOR };

static const struct option long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'u' },
	{ "cgroup", required_argument, NULL, 'g' },
	{ "op", required_argument, NULL, 'o' },
	{ "errno", required_argument, NULL, 'e' },
	{ "json", no_argument, NULL, 'j' },
	{ "root", required_argument, NULL, 'r' },
	{ "no-fork", no_argument, NULL, OPT_NO_FORK },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* An errno given by name (as errno_name() spells it; EWOULDBLOCK is EAGAIN) or number. Returns it, or 0. */
static int parse_errno(const char *s)
{
	uint64_t v;

	if (strcasecmp(s, "EWOULDBLOCK") == 0)
		return EAGAIN;
	for (int e = 1; e < 256; e++)
		if (strcmp(errno_name(e), "EUNKNOWN") != 0 && strcasecmp(s, errno_name(e)) == 0)
			return e;
	if (parse_u64_str(s, strlen(s), &v) == 0 && v > 0 && v <= 4095)
		return (int)v;
	return 0;
}

/* Kernel log lines that outlive a failure, for the context. */
struct log_scan {
	struct log_evidence *ev;
	const struct explain_context *ctx;
};

static void scan_line(struct log_scan *s, const struct kmsg_record *r, const char *t)
{
	struct kernel_line kl;
	char path[sizeof(s->ev->pids_rejected_path)];

	switch (kernel_line_classify(t, strlen(t), &kl)) {
	case KLINE_FORK_REJECTED:
		snprintf(path, sizeof(path), "%.*s", (int)kl.path_len, kl.path);
		/* the path is the forking task's cgroup: it counts when it is the context's or below it */
		if (!s->ctx->cgroup || cgroup_path_within(path, s->ctx->cgroup) || cgroup_path_within(s->ctx->cgroup, path)) {
			s->ev->pids_rejected++;
			s->ev->pids_rejected_usec = r->usec;
			snprintf(s->ev->pids_rejected_path, sizeof(s->ev->pids_rejected_path), "%s", path);
		}
		break;
	case KLINE_DATA_ULIMIT:
		if (s->ctx->pid && kl.pid == s->ctx->pid) {
			s->ev->data_exceeded++;
			s->ev->data_exceeded_usec = r->usec;
		}
		break;
	case KLINE_COMMIT_REFUSED:
		if (s->ctx->pid && kl.pid == s->ctx->pid) {
			s->ev->commit_refused++;
			s->ev->commit_refused_usec = r->usec;
		}
		break;
	case KLINE_OTHER:
		break;
	}
}

static void read_log(struct log_evidence *ev, const struct explain_context *ctx)
{
	struct log_scan s = { ev, ctx };
	struct kernel_log k;
	struct kmsg_record r;
	char text[2048];

	memset(ev, 0, sizeof(*ev));
	if (kernel_log_open(&k, false) < 0)
		return;
	ev->boot_epoch = kernel_log_boot_epoch();
	ev->read = true;
	/* bounded: the kernel's ring buffer holds at most some tens of thousands of records */
	for (int i = 0; i < 1000000 && kernel_log_next(&k, &r, text, sizeof(text)) > 0; i++)
		scan_line(&s, &r, text);
	kernel_log_close(&k);
}

static void print_text(const struct snapshot *snap, const struct explanation *e, const struct failure_msg *m,
		       const struct explain_context *ctx, const struct proc_info *p, const struct log_evidence *log,
		       bool color, struct buf *out)
{
	static const char *const words[] = { "CONFIRMED", "likely", "possible", "ruled out" };
	static const char *const colors[] = { "\033[1;31m", "\033[33m", "", "\033[2m" };

	buf_printf(out, "headroom explain: %s failed", e->op == OP_UNKNOWN ? "an operation" : failure_op_name(e->op));
	if (e->err)
		buf_printf(out, " with %s (%s)", errno_name(e->err), strerror(e->err));
	if (m->program[0]) {
		buf_adds(out, ", as ");
		escape_text_str(out, m->program);
		buf_adds(out, " prints it");
	}
	buf_addc(out, '\n');
	buf_adds(out, "Context:");
	if (p) {
		buf_printf(out, " pid %d (", p->pid);
		escape_text_str(out, p->comm);
		buf_adds(out, ")");
	}
	if (ctx->has_uid)
		buf_printf(out, "%s uid %" PRIu32, p ? "," : "", ctx->uid);
	if (ctx->cgroup) {
		buf_adds(out, p || ctx->has_uid ? ", cgroup " : " cgroup ");
		escape_text_str(out, ctx->cgroup);
	}
	if (ctx->memcg && (!ctx->cgroup || strcmp(ctx->memcg, ctx->cgroup))) {
		buf_adds(out, ", memory cgroup ");
		escape_text_str(out, ctx->memcg);
	}
	if (ctx->pidns)
		buf_printf(out, ", new processes in pid namespace %" PRIu64, ctx->pidns);
	buf_adds(out, "; kernel ");
	escape_text_str(out, snap->sys.kernel.release);
	buf_addc(out, '\n');
	if (!log->read && snap->live)
		buf_adds(out, "The kernel log (/dev/kmsg) could not be read: run as root for the evidence it keeps.\n");
	if (e->op == OP_UNKNOWN)
		buf_adds(out, "The message does not say what failed: the causes of a failed fork are listed; give --op "
			      "thread or --op alloc for the others.\n");
	buf_addc(out, '\n');
	for (size_t i = 0; i < e->ncauses; i++) {
		const struct cause *c = &e->causes[i];

		if (color && colors[c->verdict][0])
			buf_adds(out, colors[c->verdict]);
		buf_printf(out, "%-10s", words[c->verdict]);
		if (color && colors[c->verdict][0])
			buf_adds(out, "\033[0m");
		buf_adds(out, " ");
		buf_adds(out, limit_kinds[c->id].title);
		buf_adds(out, " of ");
		escape_text_str(out, c->limit ? c->limit->subject : c->scope);
		buf_addc(out, '\n');
		buf_adds(out, "           ");
		escape_text_str(out, c->evidence);
		buf_addc(out, '\n');
		if (c->limit && c->verdict <= VERDICT_LIKELY) {
			render_fix_text(out, "           ", "fix now", &c->limit->fix_now);
			render_fix_text(out, "           ", "durable", &c->limit->fix_durable);
			if (c->limit->source) {
				buf_adds(out, "           set by   ");
				escape_text_str(out, c->limit->source);
				buf_addc(out, '\n');
			}
		}
	}
	if (!e->ncauses)
		buf_adds(out, "No limit on this kernel gives that errno for that operation.\n");
}

static void print_json(const struct snapshot *snap, const struct explanation *e, const struct failure_msg *m,
		       const char *message, const struct explain_context *ctx, const struct log_evidence *log,
		       struct buf *out)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "operation", e->op == OP_UNKNOWN ? NULL : failure_op_name(e->op));
	json_str(&j, "errno", e->err ? errno_name(e->err) : NULL);
	json_str(&j, "kernel", snap->sys.kernel.release);
	json_str(&j, "message", message);
	json_str(&j, "program", m->program[0] ? m->program : NULL);
	json_object_begin(&j, "context");
	if (ctx->pid)
		json_i64(&j, "pid", ctx->pid);
	else
		json_null(&j, "pid");
	if (ctx->has_uid)
		json_u64(&j, "uid", ctx->uid);
	else
		json_null(&j, "uid");
	json_str(&j, "cgroup", ctx->cgroup);
	json_str(&j, "memory_cgroup", ctx->memcg ? ctx->memcg : ctx->cgroup);
	if (ctx->pidns)
		json_u64(&j, "pidns", ctx->pidns);
	else
		json_null(&j, "pidns");
	json_object_end(&j);
	json_bool(&j, "kernel_log_read", log->read);
	json_array_begin(&j, "causes");
	for (size_t i = 0; i < e->ncauses; i++) {
		const struct cause *c = &e->causes[i];

		json_object_begin(&j, NULL);
		json_str(&j, "id", limit_kinds[c->id].id);
		json_str(&j, "scope", c->scope);
		json_str(&j, "verdict", verdict_name(c->verdict));
		json_str(&j, "evidence", c->evidence);
		if (c->limit) {
			json_str(&j, "status", status_name(c->limit->status));
			json_u64(&j, "used", c->limit->used);
			if (c->limit->unlimited)
				json_null(&j, "max");
			else
				json_u64(&j, "max", c->limit->max);
			json_str(&j, "source", c->limit->source);
			json_object_begin(&j, "fix");
			render_fix_json(&j, "now", "now_commands", &c->limit->fix_now);
			render_fix_json(&j, "durable", "durable_commands", &c->limit->fix_durable);
			json_object_end(&j);
		} else {
			json_null(&j, "status");
			json_null(&j, "fix");
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(out, '\n');
}

/* "-bash: fork: ..." (a login shell's message) is the message, not options: "-" then a word then ":". */
static bool looks_like_message(const char *arg)
{
	const char *p = arg + 1;

	if (arg[0] != '-' || arg[1] == '-')
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.')
		p++;
	return p > arg + 1 && *p == ':';
}

int cmd_explain(int argc, char **argv)
{
	struct probe_opts popts = { .no_fork = false, .map_counts = true, .memcg = true };
	struct thresholds th = { 80, 95 };
	struct explain_context ctx = { 0 };
	const char *color = "auto", *op_arg = NULL, *errno_arg = NULL, *cgroup_arg = NULL, *root_path = "/";
	bool json = false, have_uid = false;
	uint64_t pid = 0, uid = 0;
	struct failure_msg m = { OP_UNKNOWN, 0, "" };
	struct log_evidence log;
	struct explanation e;
	const struct proc_info *p = NULL;
	struct hr_root root;
	struct snapshot snap;
	struct assessment a;
	struct buf msg, out;
	enum failure_op op;
	int c, status, err, all_argc = argc;

	/* a pasted message that starts with a dash ends the options */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (looks_like_message(argv[i])) {
			argc = i;
			break;
		}
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":p:u:g:o:e:jr:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_u64_str(optarg, strlen(optarg), &pid) < 0 || pid == 0 || pid > INT32_MAX) {
				cli_error("invalid --pid value '%s': expected a process id", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'u':
			if (parse_u64_str(optarg, strlen(optarg), &uid) < 0 || uid >= 0xffffffffu) {
				cli_error("invalid --user value '%s': expected a numeric uid", optarg);
				return EXIT_UNKNOWN;
			}
			have_uid = true;
			break;
		case 'g':
			if (optarg[0] != '/') {
				cli_error("invalid --cgroup value '%s': expected a path in the hierarchy, starting with /", optarg);
				return EXIT_UNKNOWN;
			}
			cgroup_arg = optarg;
			break;
		case 'o': op_arg = optarg; break;
		case 'e': errno_arg = optarg; break;
		case 'j': json = true; break;
		case 'r': root_path = optarg; break;
		case OPT_NO_FORK: popts.no_fork = true; break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &color) < 0)
				return EXIT_UNKNOWN;
			break;
		default:
			return cli_common_option(c, argv, "headroom explain", usage_text);
		}
	}
	/* the message: the remaining words, as the user pasted them */
	buf_init(&msg);
	/* the words after the options, then those from the message on (argv stays in order past argc) */
	for (int i = optind; i < all_argc; i++) {
		if (msg.len)
			buf_addc(&msg, ' ');
		buf_adds(&msg, argv[i]);
	}
	if (msg.len)
		failure_msg_parse(msg.data, msg.len, &m);
	op = m.op;
	if (op_arg) {
		op = strcmp(op_arg, "fork") == 0 ? OP_FORK : strcmp(op_arg, "thread") == 0 ? OP_THREAD
						    : strcmp(op_arg, "alloc") == 0  ? OP_ALLOC
										    : OP_UNKNOWN;
		if (op == OP_UNKNOWN) {
			cli_error("invalid --op value '%s': expected fork, thread or alloc", op_arg);
			buf_free(&msg);
			return EXIT_UNKNOWN;
		}
	}
	err = m.err;
	if (errno_arg && !(err = parse_errno(errno_arg))) {
		cli_error("invalid --errno value '%s': expected a name such as EAGAIN or a number", errno_arg);
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	if (op == OP_UNKNOWN && !err) {
		if (msg.len)
			cli_error("cannot tell what failed from '%.200s': give --op fork|thread|alloc or --errno", msg.data);
		else
			cli_error("what failed? give the error message, or --op and --errno; see 'headroom explain --help'");
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}

	if (strcmp(root_path, "/") != 0 && !pid && !have_uid && !cgroup_arg) {
		cli_error("with --root, say where it failed: --pid, --user or --cgroup");
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	if (cli_open_root(&root, root_path) < 0) {
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	/* the context: what was given, or this process (the shell's own, with exec) */
	if (!pid && !have_uid && !cgroup_arg)
		pid = (uint64_t)getpid();
	/* its maps are counted whatever their size; the others' only where they could reach the warning */
	popts.focus_pid = (int)pid;
	popts.map_count_min_pct = th.warning_pct;
	snapshot_init(&snap);
	probe_snapshot(&root, &popts, &snap);
	/* the context process's own limits are built even when they are far from their maximum */
	assess(&snap, &th, &(struct assess_opts){ .focus_pid = (int)pid }, &a);
	if (pid) {
		p = snapshot_proc(&snap, (int)pid);
		ctx.pid = (int)pid;
		if (p) {
			ctx.has_uid = true;
			ctx.uid = p->uid;
			ctx.cgroup = p->cgroup;
			ctx.memcg = p->memcg;
			ctx.pidns = p->pidns_children ? p->pidns_children : p->pidns;
		} else if (!json) {
			cli_error("no process %llu now: its own limits cannot be read, the others are checked",
				  (unsigned long long)pid);
		}
	}
	if (have_uid) {
		ctx.has_uid = true;
		ctx.uid = (uint32_t)uid;
	}
	if (cgroup_arg && !probe_cgroup_exists(&root, &snap, cgroup_arg)) {
		cli_error("no cgroup '%s' in the cgroup hierarchies of '%s'", cgroup_arg, root_path);
		status = EXIT_UNKNOWN;
		goto out;
	}
	if (cgroup_arg)
		ctx.cgroup = ctx.memcg = cgroup_arg;
	if (root.live)
		read_log(&log, &ctx);
	else
		memset(&log, 0, sizeof(log)); /* a fixture tree has no kernel log */
	explain(&snap, &a, &ctx, &log, op, err, &e);

	status = EXIT_OK;
	for (size_t i = 0; i < e.ncauses; i++) {
		if (e.causes[i].verdict == VERDICT_CONFIRMED) {
			status = EXIT_CRITICAL;
			break;
		}
		if (e.causes[i].verdict == VERDICT_LIKELY)
			status = EXIT_WARNING;
	}
	buf_init(&out);
	if (json)
		print_json(&snap, &e, &m, msg.len ? msg.data : NULL, &ctx, &log, &out);
	else
		print_text(&snap, &e, &m, &ctx, p, &log, cli_use_color(color, STDOUT_FILENO), &out);
	if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0) {
		cli_error("cannot write the explanation: %s", strerror(errno));
		status = EXIT_UNKNOWN;
	}
	buf_free(&out);
	explanation_free(&e);
out:
	assessment_free(&a);
	snapshot_free(&snap);
	root_close(&root);
	buf_free(&msg);
	return status;
}
