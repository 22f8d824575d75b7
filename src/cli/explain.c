// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom explain MESSAGE: the real cause of a failed fork, thread creation or allocation. */
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/root.h"
#include "core/text.h"
#include "diagnose/explain.h"
#include "diagnose/oom_history.h"
#include "model/limits.h"
#include "parse/failure_msg.h"
#include "parse/language.h"
#include "probe/catalogs.h"
#include "diagnose/history.h"
#include "probe/history_sources.h"
#include "probe/kernel_log.h"
#include "probe/probe.h"
#include "render/render.h"

static const char usage_text[] =
	"Usage: headroom explain [OPTION]... [MESSAGE]...\n"
	"Name the real cause of a failed fork, thread creation or memory allocation, from the error\n"
	"message as it was printed (\"fork: Cannot allocate memory\", \"unable to create native thread\",\n"
	"\"[Errno 11]\", \"EAGAIN\", a kernel line from dmesg...), with the evidence and the fix.\n"
	"The message may be in any language whose message catalogs are installed (libc-l10n), or in\n"
	"a legacy encoding (GB18030, EUC-JP, KOI8-R, Latin-1...): it is read back to English through them.\n"
	"\n"
	"  -p, --pid PID        where it failed: this process (default: the process, cgroup or systemd unit\n"
	"                       the message names, else this shell)\n"
	"  -u, --user USER      where it failed: this user's processes (a name or a numeric uid)\n"
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
static const char short_options[] = ":p:u:g:o:e:jr:hV";

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

/*
 * What failed and with which errno: read from the message, --op and --errno overriding it. Returns 0,
 * or -EINVAL after saying why (nothing to go on, or a bad value).
 */
/* The line says what failed, with which errno, or names a kill or a limit: no catalog is read for it. */
static bool understood(const struct failure_msg *m)
{
	return m->oom_kill || m->limit || (m->op != OP_UNKNOWN && m->err);
}

/*
 * How a line not understood as given was read: in English through the root's message catalogs, from
 * the legacy encoding it was in, or, where no catalog reads it, the language it seems to be in.
 */
struct message_reading {
	struct message_translation t;
	bool translated;                   /* t's English was used */
	const char *encoding;              /* the legacy encoding the line was read in; NULL: UTF-8 */
	bool not_utf8;                     /* the line is not UTF-8 (whether or not an encoding read it) */
	char utf8[FAILURE_MSG_MAX * 3 + 1]; /* the line in UTF-8, when it was in a legacy encoding */
	size_t utf8_len;
	bool unread;                       /* no catalog read it: its language is guessed */
	struct language_guess lang;        /* when unread */
	bool lang_installed;               /* the glibc catalog of that language is installed */
};

/* line[0..len) from the encoding to UTF-8, into r->utf8; false when it is not valid in it (or iconv cannot). */
static bool to_utf8(const char *encoding, const char *line, size_t len, struct message_reading *r)
{
	iconv_t cd = iconv_open("UTF-8", encoding);
	char *in = (char *)line, *out = r->utf8;
	size_t in_left = len < FAILURE_MSG_MAX ? len : FAILURE_MSG_MAX, out_left = sizeof(r->utf8) - 1;
	bool ok;

	if (cd == (iconv_t)-1)
		return false;
	ok = iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1 && in_left == 0 &&
	     iconv(cd, NULL, NULL, &out, &out_left) != (size_t)-1;
	iconv_close(cd);
	r->utf8_len = (size_t)(out - r->utf8);
	r->utf8[r->utf8_len] = '\0';
	return ok && utf8_valid(r->utf8, r->utf8_len);
}

/* A line that is not UTF-8: the legacy encoding the catalogs read best, else the likeliest that converts. Sets r->encoding. */
static void read_legacy(const struct hr_root *root, const char *line, size_t len, struct message_reading *r)
{
	const char *encodings[8], *first = NULL;
	size_t n = legacy_encodings(line, len, encodings, 8), best_bytes = 0;

	for (size_t i = 0; i < n; i++) {
		if (!to_utf8(encodings[i], line, len, r))
			continue;
		if (!first)
			first = encodings[i];
		if (catalogs_back_translate(root, r->utf8, r->utf8_len, &r->t) == 1 && r->t.bt.translated_bytes > best_bytes) {
			best_bytes = r->t.bt.translated_bytes;
			r->encoding = encodings[i];
		}
	}
	if (!r->encoding)
		r->encoding = first;
	if (!r->encoding || !to_utf8(r->encoding, line, len, r))
		r->encoding = NULL;
}

/*
 * A line not understood as given, read again: in UTF-8 when it was in a legacy encoding, then in
 * English through the root's message catalogs, kept (r->translated) when the English says more. Where
 * no catalog reads it, the language it seems to be in (r->unread).
 */
static void read_message(const struct hr_root *root, const struct buf *msg, struct failure_msg *m, struct message_reading *r)
{
	struct failure_msg english;
	const char *line = msg->data;
	size_t len = msg->len;
	int read;

	if (!msg->len || understood(m))
		return;
	if (!utf8_valid(msg->data, msg->len)) {
		r->not_utf8 = true;
		read_legacy(root, msg->data, msg->len, r);
		if (!r->encoding)
			return;
		line = r->utf8;
		len = r->utf8_len;
		failure_msg_parse(line, len, m);
		if (understood(m))
			return;
	}
	read = catalogs_back_translate(root, line, len, &r->t);
	if (read == 1) {
		failure_msg_parse(r->t.bt.text, r->t.bt.len, &english);
		if ((english.err && !m->err) || (english.op != OP_UNKNOWN && m->op == OP_UNKNOWN) ||
		    (english.oom_kill && !m->oom_kill) || (english.limit && !m->limit)) {
			*m = english;
			r->translated = true;
		}
	}
	if (!r->translated && language_guess(line, len, &r->lang)) {
		r->unread = true;
		r->lang_installed = catalogs_language_installed(root, r->lang.code);
	}
}

static int what_failed(const struct hr_root *root, const struct buf *msg, const char *op_arg, const char *errno_arg,
		       struct failure_msg *ret_msg, struct message_reading *r, enum failure_op *ret_op, int *ret_err)
{
	struct failure_msg m = { .op = OP_UNKNOWN, .program = "" };
	enum failure_op op;
	int err;

	if (msg->len) {
		failure_msg_parse(msg->data, msg->len, &m);
		read_message(root, msg, &m, r);
	}
	op = m.op;
	if (op_arg) {
		op = strcmp(op_arg, "fork") == 0 ? OP_FORK : strcmp(op_arg, "thread") == 0 ? OP_THREAD
						    : strcmp(op_arg, "alloc") == 0  ? OP_ALLOC
										    : OP_UNKNOWN;
		if (op == OP_UNKNOWN) {
			cli_error("invalid --op value '%s': expected fork, thread or alloc", op_arg);
			return -EINVAL;
		}
	}
	err = m.err;
	if (errno_arg && !(err = parse_errno(errno_arg))) {
		cli_error("invalid --errno value '%s': expected a name such as EAGAIN or a number", errno_arg);
		return -EINVAL;
	}
	/* a line in a language no catalog here reads: every cause is weighed, with a note of what is missing */
	if (op == OP_UNKNOWN && !err && !m.oom_kill && !r->unread) {
		if (msg->len)
			cli_error("cannot tell what failed from '%.200s': give --op fork|thread|alloc or --errno", msg->data);
		else
			cli_error("what failed? give the error message, or --op and --errno; see 'headroom explain --help'");
		return -EINVAL;
	}
	*ret_msg = m;
	*ret_op = op;
	*ret_err = err;
	return 0;
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

/* A pasted message that starts with a dash ends the options: returns the argc getopt is to see. */
static int options_end(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (looks_like_message(argv[i]))
			return i;
	}
	return argc;
}

/* One pass over the kernel log: the evidence for the context, and the OOM kills when the message is one. */
struct log_pass {
	struct explain_log_scan scan;
	struct oom_history *kills; /* NULL: not wanted */
};

static void log_pass_feed(void *ctx, const struct kmsg_record *r, const char *text)
{
	struct log_pass *p = ctx;

	explain_log_feed(&p->scan, r, text);
	if (p->kills)
		oom_history_feed(p->kills, r, text);
}

/* The kernel log's evidence; the log is the running machine's, so a fixture tree has none. */
static void read_kernel_log(const struct hr_root *root, const struct explain_context *ctx, struct log_evidence *ret,
			    struct oom_history *kills)
{
	memset(ret, 0, sizeof(*ret));
	if (root->live && kernel_log_read_all(log_pass_feed, &(struct log_pass){ { ret, ctx }, kills }, 1000000) >= 0) {
		ret->read = true;
		ret->boot_epoch = kernel_log_boot_epoch();
	}
}

/* Prints the explanation. Returns the exit status: how strong the strongest cause is. */
static int print_explanation(const struct explain_view *v, bool json, bool color)
{
	struct buf out;
	int status;

	switch (explanation_strongest(v->e)) {
	case VERDICT_CONFIRMED: status = EXIT_CRITICAL; break;
	case VERDICT_LIKELY: status = EXIT_WARNING; break;
	default: status = EXIT_OK; break;
	}
	buf_init(&out);
	if (json)
		render_explain_json(v, &out);
	else
		render_explain_text(v, color, &out);
	if (cli_write_all(STDOUT_FILENO, out.data, out.len) < 0) {
		cli_error("cannot write the explanation: %s", strerror(errno));
		status = EXIT_UNKNOWN;
	}
	buf_free(&out);
	return status;
}

/* What the command line says: where it failed, what failed, how to print it. */
struct explain_args {
	const char *color, *op_arg, *errno_arg, *cgroup_arg, *root_path;
	bool json, have_uid, no_fork;
	const char *user_name; /* --user by name: its uid is read from the root's /etc/passwd */
	uint64_t pid;
	uint32_t uid;
	int first_word;   /* argv index of the message's first word */
};

/* Reads the options. Returns -1 to go on, or the exit status to end with (after saying why). */
static int parse_args(int argc, char **argv, struct explain_args *ret)
{
	const char *color = "auto", *op_arg = NULL, *errno_arg = NULL, *cgroup_arg = NULL, *root_path = "/";
	const char *user_name = NULL;
	bool json = false, have_uid = false, no_fork = false;
	uint64_t pid = 0, uid = 0;
	int c;

	argc = options_end(argc, argv);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_u64_str(optarg, strlen(optarg), &pid) < 0 || pid == 0 || pid > INT32_MAX) {
				cli_error("invalid --pid value '%s': expected a process id", optarg);
				return EXIT_UNKNOWN;
			}
			break;
		case 'u':
			if (optarg[0] >= '0' && optarg[0] <= '9') {
				if (parse_u64_str(optarg, strlen(optarg), &uid) < 0 || uid >= 0xffffffffu) {
					cli_error("invalid --user value '%s': expected a user name or a numeric uid", optarg);
					return EXIT_UNKNOWN;
				}
			} else if (!optarg[0] || strpbrk(optarg, ":/\n")) {
				cli_error("invalid --user value '%s': expected a user name or a numeric uid", optarg);
				return EXIT_UNKNOWN;
			} else {
				user_name = optarg;
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
		case OPT_NO_FORK: no_fork = true; break;
		case OPT_COLOR:
			if (cli_color_option(optarg, &color) < 0)
				return EXIT_UNKNOWN;
			break;
		default:
			return cli_common_option(c, argv, "headroom explain", usage_text);
		}
	}
	*ret = (struct explain_args){ color, op_arg, errno_arg, cgroup_arg, root_path, json,
				      have_uid, no_fork, user_name, pid, (uint32_t)uid, optind };
	return -1;
}

/* The message: the words after the options, then those from the message on (argv stays in order past argc). */
static void join_message(int argc, char **argv, int first, struct buf *ret)
{
	buf_init(ret);
	for (int i = first; i < argc; i++) {
		if (ret->len)
			buf_addc(ret, ' ');
		buf_adds(ret, argv[i]);
	}
}

/* The kill's cgroup as the context, when the line named only its victim and the cgroup is still there (scope holds it). */
static void kill_cgroup(const struct hr_root *root, const struct snapshot *snap, const struct oom_kill *kill,
			struct scope *scope, struct explain_context *ctx)
{
	if (scope_parse(kill->scope, scope) == 0 && scope->kind == SCOPE_CGROUP && !scope->unknown &&
	    probe_cgroup_exists(root, snap, scope->path))
		ctx->cgroup = ctx->memcg = scope->path;
}

/* --user NAME: its uid into args, from the root's /etc/passwd. Returns 0, or -errno after saying why. */
static int user_by_name(const struct hr_root *root, struct explain_args *args)
{
	const char *where = strcmp(args->root_path, "/") ? args->root_path : "";
	int r = probe_user_uid(root, args->user_name, &args->uid);

	if (r == -ENOENT)
		cli_error("no user '%s' in %s/etc/passwd: give the numeric uid", args->user_name, where);
	else if (r < 0)
		cli_error("cannot read %s/etc/passwd for user '%s': %s", where, args->user_name, strerror(-r));
	return r;
}

/* The cgroup of the systemd unit the message names, into ret; false (said when say) when it has none now. */
static bool unit_cgroup_of(const struct hr_root *root, const struct snapshot *snap, const struct failure_msg *m,
			   bool say, struct buf *ret)
{
	if (probe_cgroup_named(root, snap, m->unit, ret) == 0)
		return true;
	/* a unit OOM-killed is often gone with its cgroup: the kill in the log says where it was */
	if (say && !m->oom_kill)
		cli_error("no cgroup of the unit the message names now: its limits cannot be read");
	return false;
}

int cmd_explain(int argc, char **argv)
{
	struct probe_opts popts = { .no_fork = false, .map_counts = true, .memcg = true };
	struct thresholds th = THRESHOLDS_DEFAULT;
	struct explain_context ctx = { 0 };
	struct explain_args args = { 0 };
	const char *cgroup = NULL;
	bool where_given;
	uint64_t pid;
	struct failure_msg m;
	struct log_evidence log;
	struct oom_history kills = { 0 };
	struct history hist;
	size_t related[5], nrelated;
	char boot_id[33];
	const struct oom_kill *kill;
	struct scope kill_scope;
	struct explanation e;
	const struct proc_info *p = NULL;
	struct hr_root root;
	struct snapshot snap;
	struct assessment a;
	struct buf msg, unit_cgroup;
	struct message_reading *mr = NULL;
	enum failure_op op;
	int status, err;

	status = parse_args(argc, argv, &args);
	if (status >= 0)
		return status;
	popts.no_fork = args.no_fork;
	pid = args.pid;
	where_given = args.pid || args.have_uid || args.cgroup_arg;
	join_message(argc, argv, args.first_word, &msg);
	if (cli_open_root(&root, args.root_path) < 0) {
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	/* the root's catalogs read a line in another language */
	mr = xcalloc(1, sizeof(*mr));
	if (what_failed(&root, &msg, args.op_arg, args.errno_arg, &m, mr, &op, &err) < 0) {
		root_close(&root);
		xfree(mr);
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	if (strcmp(args.root_path, "/") != 0 && !where_given && !m.pid && !m.cgroup[0]) {
		cli_error("with --root, say where it failed: --pid, --user or --cgroup");
		root_close(&root);
		xfree(mr);
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	if (args.user_name && user_by_name(&root, &args) < 0) {
		root_close(&root);
		xfree(mr);
		buf_free(&msg);
		return EXIT_UNKNOWN;
	}
	buf_init(&unit_cgroup);
	/* the context: what was given, else what the message names ("sshd[1234]:", a cgroup), else this process */
	cgroup = args.cgroup_arg;
	if (!where_given && (m.pid || m.cgroup[0])) {
		pid = (uint64_t)m.pid;
		cgroup = m.cgroup[0] ? m.cgroup : NULL;
	} else if (!where_given && !m.oom_kill) {
		pid = (uint64_t)getpid(); /* the shell's own, with exec; not for a kill: the victim's is found below */
	}
	/* its maps are counted whatever their size; the others' only where they could reach the warning */
	popts.focus_pid = (int)pid;
	popts.map_count_min_pct = th.warning_pct;
	snapshot_init(&snap, NULL);
	probe_snapshot(&root, &popts, &snap);
	/* the context process's own limits are built even when they are far from their maximum */
	assess(&snap, &th, &(struct assess_opts){ .focus_pid = (int)pid }, &a);
	/* a systemd unit's line: its cgroup, when the unit still has one */
	if (!where_given && !m.pid && !m.cgroup[0] && m.unit[0] && unit_cgroup_of(&root, &snap, &m, !args.json, &unit_cgroup)) {
		cgroup = unit_cgroup.data;
		pid = 0;
	}
	if (cgroup && !args.cgroup_arg && !probe_cgroup_exists(&root, &snap, cgroup)) {
		/* a line from the log may name a cgroup removed since: the others are still checked */
		if (!args.json)
			cli_error("the cgroup the message names is not there now: its limits cannot be read");
		cgroup = NULL;
	}
	p = explain_context_build(&snap, (int)pid, args.have_uid ? &args.uid : NULL, cgroup, &ctx);
	if (pid && !p && !args.json)
		cli_error("no process %llu now: its own limits cannot be read, the others are checked",
			  (unsigned long long)pid);
	if (args.cgroup_arg && !probe_cgroup_exists(&root, &snap, args.cgroup_arg)) {
		cli_error("no cgroup '%s' in the cgroup hierarchies of '%s'", args.cgroup_arg, args.root_path);
		status = EXIT_UNKNOWN;
		goto out;
	}
	read_kernel_log(&root, &ctx, &log, m.oom_kill ? &kills : NULL);
	kill = explain_oom_kill(&kills, &m);
	if (kill && !ctx.cgroup)
		kill_cgroup(&root, &snap, kill, &kill_scope, &ctx);
	explain(&snap, &a, &ctx, &log, &m, op, err, &e);
	/*
	 * What the logs kept of such failures: the kernel's and the files being written; the journal's last
	 * week only when forking is allowed (journalctl is a process of its own), so that this works when
	 * fork does not
	 */
	history_init(&hist);
	if (root.live)
		history_read_kmsg(&hist);
	if (!args.no_fork)
		history_read_journal(&hist, &root, ((int64_t)time(NULL) - 7 * 86400) * 1000000, false);
	history_read_syslog(&hist, &root, false);
	history_finish(&hist, root.live && history_current_boot_id(boot_id) ? boot_id : NULL,
		       root.live ? kernel_log_boot_epoch() * 1000000 : 0);
	nrelated = history_related(&hist, e.op, e.err, m.cgroup[0] ? m.cgroup : ctx.cgroup, m.unit[0] ? m.unit : NULL,
				   related, sizeof(related) / sizeof(related[0]));

	status = print_explanation(&(struct explain_view){ &snap, &e, &m, msg.len ? msg.data : NULL, &ctx, p, &log, kill,
							   mr->translated ? mr->t.bt.text : NULL, mr->translated ? mr->t.lang : NULL,
							   mr->encoding ? mr->encoding : mr->not_utf8 ? "unknown" : NULL,
							   mr->encoding ? mr->utf8 : NULL, mr->unread ? &mr->lang : NULL,
							   mr->lang_installed, &hist, related,
							   nrelated < 5 ? nrelated : 5, nrelated },
				   args.json, cli_use_color(args.color, STDOUT_FILENO));
	explanation_free(&e);
	history_free(&hist);
	oom_history_free(&kills);
out:
	assessment_free(&a);
	snapshot_free(&snap);
	root_close(&root);
	buf_free(&msg);
	buf_free(&unit_cgroup);
	xfree(mr);
	return status;
}

const struct cli_command cli_explain = {
	.name = "explain",
	.summary = "name the cause of a failure from its error message",
	.run = cmd_explain,
	.options = long_options,
	.short_options = short_options,
	.usage = usage_text,
	.operands = CLI_OPERANDS_MESSAGE,
};
