// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The formats, as read from the sources (file @tag; "main" = the repository's newest commit read, December 2026):
 *
 * systemd-oomd, src/oom/oomd-manager.c (systemd-stable):
 *   @v247           log_notice "Memory pressure for %s is greater than %lu for more than %llu seconds and there was reclaim activity"
 *                   log_notice "Swap used (%llu) / total (%llu) is more than %u%%"
 *   @v248           "Killed %s due to memory pressure for %s being %lu.%02lu%% > %lu.%02lu%% for > %s with reclaim activity"
 *                   "Killed %s due to swap used (%llu) / total (%llu) being more than NN.NN%"
 *   @v249 .. @v256  the pressure line unchanged; "Killed %s due to memory used (%llu) / total (%llu) and swap used (%llu) /
 *                   total (%llu) being more than NN.NN%"
 *   main (code index, after v256): "Marked %s for killing due to memory pressure for ..." / "... due to memory used ..."
 *   @v248 .. @v256  log_debug "Memory pressure for %s is %lu.%02lu%% > %lu.%02lu%% for > %s with reclaim activity"
 *   src/oom/oomd-util.c @v251 .. @v256: "Considered %d cgroups for killing, top candidates were:" (log_dump: one
 *                   message a line, the candidates' indented lines follow)
 * PID 1, src/core/cgroup.c: "%s: systemd-oomd killed %llu process(es) in this unit." @v247 .. @v256, "...killed some
 *   process(es) in this unit." @v251 .. @v256; "%s: A process of this unit has been killed by the OOM killer." @v243 .. @v256
 * PID 1, src/core/service.c (unit.c:unit_log_process_exit from v240): "%s: main process exited, code=%s, status=%i/%s"
 *   and "%s: control process exited, code=%s status=%i" @v219; "Main process exited, code=%s, status=%i/%s" and
 *   "Control process exited, code=%s status=%i" @v220 .. @v239; both "%s exited, code=%s, status=%i/%s%s" @v240 .. @v256
 * PID 1, "%s: Failed with result '%s'." service.c @v220 .. @v239, unit.c:unit_log_failure @v240 .. @v256
 * PID 1, fork and spawn failures, src/core/{execute,service,socket,mount,swap,busname}.c:
 *   @v219: "Failed to fork: %m" and "Failed at step %s spawning %s: %s" with no unit prefix (log_unit_* added none);
 *          "%s failed to run 'start' task: %m", "%s failed to fork 'start-chown' task: %m", "%s failed to run next
 *          control task: %m" (the unit in the format)
 *   @v220 .. @v254: "UNIT: Failed to fork: %m" (execute.c), "UNIT: Failed to run 'start' task: %m" (and start-pre,
 *          start-post, stop, stop-pre, stop-post, reload, mount, umount, remount, swapon, swapoff, exec-condition),
 *          "UNIT: Failed to run next control task: %m", "...next main task...", "...next task...", "UNIT: Failed to fork
 *          'start-chown' task: %m", "UNIT: Failed to fork off listener stub process: %m" (v240+), "...accept stub process..."
 *   @v255 .. @v256: "Failed to run" became "Failed to spawn"; "UNIT: Failed to spawn executor: %m"; "UNIT: Failed to
 *          spawn cleaning task: %m"
 *   @v220 .. @v256: "UNIT: Failed at step %s spawning %s: %m" (execute.c; executor.c from v255, logged by the executor)
 *   src/basic/process-util.c:safe_fork_full "Failed to fork: %m" @v240 .. @v253, "Failed to fork off '%s': %m" @v254 .. @v256
 * earlyoom (rfjakob/earlyoom; main.c, kill.c):
 *   @v1.0  "Killing process %d %s" (the name is of the last process scanned, not the victim's: not kept)
 *   @v1.1  "Killing process: %s, pid: %d, badness: %d, VmRSS: %lu MiB"
 *   @v1.2  "Killing process '%s' with signal %d, pid: %d, badness: %d, VmRSS: %lu MiB";
 *          "Low Memory! At or below sigterm limits (mem: %d %%, swap: %d %%)", "Low memory! At or below sigkill limits (...)"
 *   @v1.3  "sending %s to process %d \"%s\": badness %d, VmRSS %lu MiB"; "low memory! at or below SIGTERM limits: mem %d %%,
 *          swap %d %%"; "escalating to SIGKILL after %.1f seconds"; "process exited after %.1f seconds"
 *   @v1.4 .. @v1.7  "sending %s to process %d uid %d \"%s\": badness %d, VmRSS %lu MiB" (%lld from v1.5; percentages
 *          "%5.2lf%%" from v1.5)
 *   @v1.8 .. @v1.8.2  "sending %s to process %d uid %d \"%s\": oom_score %d, VmRSS %lld MiB, cmdline \"%s\"";
 *          "process %d exited after %.3f seconds"; "escalating to SIGKILL after %.3f seconds"
 *   @v1.9.0, master  "... \"%s\": oom_score %d, oom_score_adj %d, VmRSS %lld MiB, cmdline \"%s\""
 *   From v1.3 the name is /proc/PID/comm: at most 15 bytes (TASK_COMM_LEN - 1).
 * nohang (hakavlad/nohang, src/nohang; v0.1: nohang): log() prints, journald splits at newlines:
 *   @v0.2.0 .. main  "Victim status (found in %sms):" / "  PID:       %s, name: %s, state: %s, EUID: %s, SID: ..." /
 *          "  badness:   %s, oom_score:  %s, oom_score_adj:  %s"; the chosen process "  PID: %s, name: %s, badness: %s"
 *          (or "Name:"); "Implementing a corrective action:" / "  Sending %s to the victim"; statistics "What happened in
 *          the last ...:" / "  [ OK ] Sending %s to %s: %d". The name is /proc/PID/comm.
 *   @v0.1  "  Victim is %s, pid: %s, badness: %s, VmRSS: %s MiB, VmSwap: %s MiB" / "  Sending %s to the victim; %s"
 * kubelet, pkg/kubelet/eviction/eviction_manager.go (kubernetes/kubernetes via the code index): klog structured
 *   "Eviction manager: attempting to reclaim" resourceName="memory", "Eviction manager: must evict pod(s) to reclaim"
 *   resourceName=..., "Eviction manager: pod is evicted successfully" pod="NS/NAME" (klog.KObj); older glog/klog
 *   Infof: "eviction manager: attempting to reclaim %v", "eviction manager: must evict pod(s) to reclaim %v",
 *   "eviction manager: pod %s is evicted successfully" (format.Pod: NAME_NS(UID)). Header "I0105 10:00:00.123456
 *   1234 eviction_manager.go:368] ".
 * containerd, CRI events.go: logrus "TaskOOM event %+v": 1.x (gogo) "&TaskOOM{ContainerID:ID,XXX_unrecognized:[],}",
 *   later (protobuf-go) "container_id:\"ID\""; the journal holds the whole logrus line, time="..." level=info msg="...".
 */
#include "parse/killer_line.h"

#include <string.h>

#define PID_MAX 4194304 /* PID_MAX_LIMIT */
#define COMM_MAX 15     /* TASK_COMM_LEN - 1 */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Advances *p past lit when [*p, end) starts with it. */
static bool eat(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool is_at(const char *p, const char *end, const char *lit)
{
	return eat(&p, end, lit);
}

/* The last occurrence of lit in [s, end), or NULL. */
static const char *find_last(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - s) < n)
		return NULL;
	for (const char *p = end - n;; p--) {
		if (memcmp(p, lit, n) == 0)
			return p;
		if (p == s)
			return NULL;
	}
}

/* The first occurrence of lit in [s, end), or NULL. */
static const char *find_first(const char *s, const char *end, const char *lit)
{
	return s < end ? memmem(s, (size_t)(end - s), lit, strlen(lit)) : NULL;
}

/* The last occurrence of lit that starts within [s, s + window], or NULL: a name of at most window bytes before it. */
static const char *find_within(const char *s, const char *end, size_t window, const char *lit)
{
	size_t n = strlen(lit), room = (size_t)(end - s);

	if (room < n)
		return NULL;
	if (window > room - n)
		window = room - n;
	for (size_t i = window + 1; i-- > 0;)
		if (memcmp(s + i, lit, n) == 0)
			return s + i;
	return NULL;
}

/* A decimal number at *p, overflow-checked; advances *p. */
static bool num_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || !is_digit(*s))
		return false;
	for (; s < end && is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return false;
		v = v * 10 + d;
	}
	*p = s;
	*ret = v;
	return true;
}

static bool num_i64(const char **p, const char *end, int64_t *ret)
{
	const char *s = *p;
	bool minus = eat(&s, end, "-");
	uint64_t v;

	if (!num_u64(&s, end, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*p = s;
	*ret = minus ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool num_pid(const char **p, const char *end, int *ret)
{
	const char *s = *p;
	uint64_t v;

	if (!num_u64(&s, end, &v) || v == 0 || v > PID_MAX)
		return false;
	*p = s;
	*ret = (int)v;
	return true;
}

/* "N MiB" as bytes */
static bool mib(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v;

	if (!num_u64(&s, end, &v) || v > UINT64_MAX >> 20 || !eat(&s, end, " MiB"))
		return false;
	*p = s;
	*ret = v << 20;
	return true;
}

/* A decimal fraction ("0.5", "1.250"): only skipped */
static bool decimal(const char **p, const char *end)
{
	const char *s = *p;
	uint64_t v;

	if (!num_u64(&s, end, &v))
		return false;
	if (eat(&s, end, ".") && !num_u64(&s, end, &v))
		return false;
	*p = s;
	return true;
}

static void copy(char *dst, size_t size, const char *s, const char *e)
{
	size_t n = e > s ? (size_t)(e - s) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool in_word(char c, const char *set)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || (c && strchr(set, c));
}

/* A run of lowercase letters, digits and the bytes in set at *p, 1 to max bytes and not longer; advances *p. */
static bool word(const char **p, const char *end, const char *set, size_t max)
{
	const char *s = *p;

	while (s < end && in_word(*s, set)) {
		if ((size_t)(s - *p) == max)
			return false;
		s++;
	}
	if (s == *p)
		return false;
	*p = s;
	return true;
}

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 }, { "SIGKILL", 9 }, { "SIGTERM", 15 },
};

/* "SIGTERM" and its kin at *p; advances *p. */
static int signal_name(const char **p, const char *end)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (eat(p, end, signals[i].name))
			return signals[i].number;
	return 0;
}

/* --- systemd-oomd ---------------------------------------------------------------------------------- */

/* "(N) / total (N)" */
static bool used_total(const char **p, const char *end)
{
	uint64_t v;

	return num_u64(p, end, &v) && eat(p, end, ") / total (") && num_u64(p, end, &v) && eat(p, end, ")");
}

/* How oomd words the reason after the cgroup: after "Killed CG" (v248 .. v256) or "Marked CG" (after v256). */
struct oomd_glue {
	const char *swap, *used, *pressure;
};

static const struct oomd_glue killed_glue = {
	" due to swap used (", " due to memory used (", " due to memory pressure for ",
}, marked_glue = {
	" for killing due to swap used (", " for killing due to memory used (", " for killing due to memory pressure for ",
};

/* "CG" + glue + the reason, at cg. */
static enum killer_line_kind oomd_kill(const char *cg, const char *end, const struct oomd_glue *g, struct killer_line *r)
{
	const char *at, *p;

	/* the cgroup may hold anything: the last split whose fixed tail parses is the real one */
	if ((at = find_last(cg, end, g->swap)) && (p = at + strlen(g->swap), used_total(&p, end)) &&
	    eat(&p, end, " being more than "))
		goto found;
	if ((at = find_last(cg, end, g->used)) && (p = at + strlen(g->used), used_total(&p, end)) &&
	    eat(&p, end, " and swap used (") && used_total(&p, end) && eat(&p, end, " being more than "))
		goto found;
	if ((at = find_last(cg, end, g->pressure)) && (p = find_last(at + strlen(g->pressure), end, " being ")) &&
	    (p += strlen(" being "), decimal(&p, end)) && eat(&p, end, "% > "))
		goto found;
	return KILLER_LINE_OTHER;
found:
	if (at == cg || *cg != '/')
		return KILLER_LINE_OTHER;
	copy(r->cgroup, sizeof(r->cgroup), cg, at);
	at = find_first(at, end, "due to ") + strlen("due to ");
	copy(r->reason, sizeof(r->reason), at, end);
	return KILLER_LINE_OOMD_KILL;
}

static enum killer_line_kind oomd(const char *s, const char *end, struct killer_line *r)
{
	const char *p = s, *at;
	uint64_t v;

	if (eat(&p, end, "Killed "))
		return oomd_kill(p, end, &killed_glue, r);
	if (eat(&p, end, "Marked "))
		return oomd_kill(p, end, &marked_glue, r);
	if (eat(&p, end, "Memory pressure for ")) {
		/* v247's notice, or v248+'s debug line ("... is 72.50% > 60.00% for > 30s ...") */
		at = find_last(p, end, " is greater than ");
		if (!at && (at = find_last(p, end, " is ")) && !(at + 4 < end && is_digit(at[4])))
			at = NULL;
		if (!at || at == p)
			return KILLER_LINE_OTHER;
		copy(r->cgroup, sizeof(r->cgroup), p, at);
		copy(r->reason, sizeof(r->reason), s, end);
		return KILLER_LINE_OOMD_NOTICE;
	}
	if (eat(&p, end, "Swap used (") && used_total(&p, end) && eat(&p, end, " is more than ")) {
		copy(r->reason, sizeof(r->reason), s, end);
		return KILLER_LINE_OOMD_NOTICE;
	}
	p = s;
	if (eat(&p, end, "Considered ") && num_u64(&p, end, &v) && eat(&p, end, " cgroups for killing, top candidates were:"))
		return KILLER_LINE_OOMD_NOTICE;
	return KILLER_LINE_OTHER;
}

/* --- PID 1 -------------------------------------------------------------------------------------------- */

static const char *const unit_suffixes[] = {
	".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target", ".path", ".timer", ".slice", ".scope",
};

static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || (c && strchr(":-_.\\@", c));
}

/*
 * A unit name at s (systemd's VALID_CHARS, at most 255 bytes, a known type's suffix) followed by ": "
 * (*colon) or by a space (v219 put the name in some formats itself). Returns the end of the name, or NULL.
 */
static const char *unit_name(const char *s, const char *end, bool *colon)
{
	const char *q = s, *e;

	while (q < end && q - s < 257 && unit_char(*q))
		q++;
	if (q >= end || *q != ' ')
		return NULL;
	e = q;
	*colon = e - s >= 2 && e[-1] == ':';
	if (*colon)
		e--;
	if (e - s > 255)
		return NULL;
	for (size_t i = 0; i < sizeof(unit_suffixes) / sizeof(unit_suffixes[0]); i++) {
		size_t n = strlen(unit_suffixes[i]);

		if ((size_t)(e - s) > n && memcmp(e - n, unit_suffixes[i], n) == 0)
			return e;
	}
	return NULL;
}

/* The errno text of "%m" at p, to the end: not empty. */
static enum killer_line_kind fork_failed(const char *p, const char *end, struct killer_line *r)
{
	if (p >= end)
		return KILLER_LINE_OTHER;
	copy(r->reason, sizeof(r->reason), p, end);
	return KILLER_LINE_UNIT_FORK_FAILED;
}

/* After "Failed to " (or v219's "failed to "): what systemd could not fork or spawn, then ": %m". */
static enum killer_line_kind failed_to(const char *p, const char *end, struct killer_line *r)
{
	static const char *const fixed[] = {
		"fork: ", "spawn executor: ", "fork off listener stub process: ", "fork off accept stub process: ",
	};
	static const char *const verbs[] = { "run ", "spawn ", "fork " };
	static const char *const tasks[] = { "next control task: ", "next main task: ", "next task: ", "cleaning task: " };

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (eat(&p, end, fixed[i]))
			return fork_failed(p, end, r);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!eat(&p, end, verbs[i]))
			continue;
		if (eat(&p, end, "'"))
			return word(&p, end, "-", 32) && eat(&p, end, "' task: ") ? fork_failed(p, end, r) : KILLER_LINE_OTHER;
		for (size_t j = 0; j < sizeof(tasks) / sizeof(tasks[0]); j++)
			if (eat(&p, end, tasks[j]))
				return fork_failed(p, end, r);
		return KILLER_LINE_OTHER;
	}
	return KILLER_LINE_OTHER;
}

/* After "Failed at step ": "STEP spawning PATH: %m"; the path may hold ": ", the errno text does not. */
static enum killer_line_kind failed_at_step(const char *p, const char *end, struct killer_line *r)
{
	const char *step = p, *colon;

	while (p < end && p - step < (long)sizeof(r->step) && ((*p >= 'A' && *p <= 'Z') || is_digit(*p) || *p == '_'))
		p++;
	if (p == step || p - step >= (long)sizeof(r->step) || !eat(&p, end, " spawning ") ||
	    !(colon = find_last(p, end, ": ")) || colon == p)
		return KILLER_LINE_OTHER;
	copy(r->step, sizeof(r->step), step, step + (p - step) - strlen(" spawning "));
	return fork_failed(colon + 2, end, r);
}

/* "Main process exited, code=killed, status=9/KILL" after the unit: the signal. */
static enum killer_line_kind process_exited(const char *p, const char *end, struct killer_line *r)
{
	uint64_t v;

	if (!eat(&p, end, "Main process exited, code=killed") && !eat(&p, end, "main process exited, code=killed") &&
	    !eat(&p, end, "Control process exited, code=killed") && !eat(&p, end, "control process exited, code=killed"))
		return KILLER_LINE_OTHER;
	/* the control process's line had no comma before status= until v240 */
	if ((!eat(&p, end, ", status=") && !eat(&p, end, " status=")) || !num_u64(&p, end, &v) || v == 0 || v > 64)
		return KILLER_LINE_OTHER;
	if (p < end && *p != '/')
		return KILLER_LINE_OTHER;
	r->signal = (int)v;
	return KILLER_LINE_UNIT_KILLED;
}

/* A line of PID 1's about a unit (or v219's bare fork lines when the ident says it is PID 1's). */
static enum killer_line_kind pid1(const char *s, const char *end, bool known, struct killer_line *r)
{
	const char *p = s, *u;
	bool colon;
	uint64_t v;

	if (known) {
		if (eat(&p, end, "Failed to fork: "))
			return fork_failed(p, end, r);
		if (eat(&p, end, "Failed to fork off '")) {
			const char *q = find_last(p, end, "': ");

			return q ? fork_failed(q + 3, end, r) : KILLER_LINE_OTHER;
		}
		if (eat(&p, end, "Failed at step "))
			return failed_at_step(p, end, r);
	}
	u = unit_name(s, end, &colon);
	if (!u)
		return KILLER_LINE_OTHER;
	copy(r->unit, sizeof(r->unit), s, u);
	p = u + (colon ? 2 : 1);
	if (!colon)
		return eat(&p, end, "failed to ") ? failed_to(p, end, r) : KILLER_LINE_OTHER;
	if (eat(&p, end, "systemd-oomd killed ")) {
		if (!eat(&p, end, "some")) {
			if (!num_u64(&p, end, &v))
				return KILLER_LINE_OTHER;
			r->processes = v;
		}
		return is_at(p, end, " process(es) in this unit.") ? KILLER_LINE_UNIT_OOMD_KILL : KILLER_LINE_OTHER;
	}
	if (is_at(p, end, "A process of this unit has been killed by the OOM killer."))
		return KILLER_LINE_UNIT_OOM;
	if (eat(&p, end, "Failed with result '")) {
		const char *w = p;

		if (!word(&p, end, "-", 64) || !is_at(p, end, "'."))
			return KILLER_LINE_OTHER;
		copy(r->reason, sizeof(r->reason), w, p);
		return KILLER_LINE_UNIT_RESULT;
	}
	if (eat(&p, end, "Failed to "))
		return failed_to(p, end, r);
	if (eat(&p, end, "Failed at step "))
		return failed_at_step(p, end, r);
	return process_exited(p, end, r);
}

/* --- earlyoom ----------------------------------------------------------------------------------------- */

/* "sending SIGTERM to process PID [uid UID ]\"NAME\": ..." (v1.3+) */
static enum killer_line_kind earlyoom_sending(const char *p, const char *end, struct killer_line *r)
{
	const char *open, *q;
	int64_t v;

	if (!(r->signal = signal_name(&p, end)) || !eat(&p, end, " to process ") || !num_pid(&p, end, &r->pid))
		return KILLER_LINE_OTHER;
	if (eat(&p, end, " uid ")) {
		/* %d of an uid that could not be read is -errno */
		if (!num_i64(&p, end, &v))
			return KILLER_LINE_OTHER;
		if (v >= 0 && v <= UINT32_MAX) {
			r->has_uid = true;
			r->uid = (uint32_t)v;
		}
	}
	if (!eat(&p, end, " \""))
		return KILLER_LINE_OTHER;
	open = p;
	/* v1.3-v1.7 end with the fixed tail: the last closer is the real one */
	if ((q = find_last(open, end, "\": badness ")) && q - open <= COMM_MAX) {
		p = q + strlen("\": badness ");
		if (num_i64(&p, end, &r->badness) && eat(&p, end, ", VmRSS ") && mib(&p, end, &r->rss_bytes) && p == end) {
			r->has_badness = r->has_rss = true;
			copy(r->comm, sizeof(r->comm), open, q);
			return KILLER_LINE_EARLYOOM_KILL;
		}
	}
	/* v1.8+: a cmdline follows, which may hold anything: the closer is within the name's 15 bytes */
	if (!(q = find_within(open, end, COMM_MAX, "\": oom_score ")))
		return KILLER_LINE_OTHER;
	p = q + strlen("\": oom_score ");
	if (!num_i64(&p, end, &r->badness))
		return KILLER_LINE_OTHER;
	if (eat(&p, end, ", oom_score_adj ") && !num_i64(&p, end, &v))
		return KILLER_LINE_OTHER;
	if (!eat(&p, end, ", VmRSS ") || !mib(&p, end, &r->rss_bytes))
		return KILLER_LINE_OTHER;
	r->has_badness = r->has_rss = true;
	copy(r->comm, sizeof(r->comm), open, q);
	return KILLER_LINE_EARLYOOM_KILL;
}

/* ", pid: N, badness: N, VmRSS: N MiB" to the end (v1.1, v1.2) */
static bool earlyoom_tail(const char *p, const char *end, struct killer_line *r)
{
	if (!eat(&p, end, ", pid: ") || !num_pid(&p, end, &r->pid) || !eat(&p, end, ", badness: ") ||
	    !num_i64(&p, end, &r->badness) || !eat(&p, end, ", VmRSS: ") || !mib(&p, end, &r->rss_bytes) || p != end)
		return false;
	r->has_badness = r->has_rss = true;
	return true;
}

static enum killer_line_kind earlyoom(const char *s, const char *end, bool known, struct killer_line *r)
{
	const char *p = s, *q;
	uint64_t v;

	if (eat(&p, end, "sending "))
		return earlyoom_sending(p, end, r);
	if (eat(&p, end, "Killing process: ")) {
		/* v1.1; the name (from /proc/PID/stat, no ')') may hold ", pid: ": the tail is fixed */
		q = find_last(p, end, ", pid: ");
		if (!q || !earlyoom_tail(q, end, r))
			return KILLER_LINE_OTHER;
		copy(r->comm, sizeof(r->comm), p, q);
		return KILLER_LINE_EARLYOOM_KILL;
	}
	if (eat(&p, end, "Killing process '")) {
		/* v1.2 */
		const char *t;

		q = find_last(p, end, "' with signal ");
		if (!q)
			return KILLER_LINE_OTHER;
		t = q + strlen("' with signal ");
		if (!num_u64(&t, end, &v) || v == 0 || v > 64 || !earlyoom_tail(t, end, r))
			return KILLER_LINE_OTHER;
		r->signal = (int)v;
		copy(r->comm, sizeof(r->comm), p, q);
		return KILLER_LINE_EARLYOOM_KILL;
	}
	if (eat(&p, end, "low memory! at or below ")) {
		if (!(r->signal = signal_name(&p, end)) || !eat(&p, end, " limits: ") || p == end)
			return KILLER_LINE_OTHER;
		copy(r->reason, sizeof(r->reason), p, end);
		return KILLER_LINE_EARLYOOM_LOW;
	}
	/* v1.2 */
	if (eat(&p, end, "Low Memory! At or below sigterm limits ("))
		r->signal = 15;
	else if (eat(&p, end, "Low memory! At or below sigkill limits ("))
		r->signal = 9;
	if (r->signal) {
		if (end - p < 2 || end[-1] != ')')
			return KILLER_LINE_OTHER;
		copy(r->reason, sizeof(r->reason), p, end - 1);
		return KILLER_LINE_EARLYOOM_LOW;
	}
	if (!known)
		return KILLER_LINE_OTHER;
	if (eat(&p, end, "Killing process ")) {
		/* v1.0: the name printed is not the victim's */
		return num_pid(&p, end, &r->pid) && eat(&p, end, " ") ? KILLER_LINE_EARLYOOM_KILL : KILLER_LINE_OTHER;
	}
	if (eat(&p, end, "process ")) {
		if (!is_at(p, end, "exited ") && (!num_pid(&p, end, &r->pid) || !eat(&p, end, " ")))
			return KILLER_LINE_OTHER;
		return eat(&p, end, "exited after ") && decimal(&p, end) && is_at(p, end, " seconds") ? KILLER_LINE_EARLYOOM_EXITED
												  : KILLER_LINE_OTHER;
	}
	if (eat(&p, end, "escalating to SIGKILL after ") && decimal(&p, end) && is_at(p, end, " seconds")) {
		r->signal = 9;
		return KILLER_LINE_EARLYOOM_EXITED;
	}
	return KILLER_LINE_OTHER;
}

/* --- nohang ------------------------------------------------------------------------------------------- */

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

static enum killer_line_kind nohang(const char *s, const char *end, struct killer_line *r)
{
	const char *p = s, *q, *name;
	uint64_t v;
	int64_t id;

	skip_blanks(&p, end);
	if (eat(&p, end, "PID:")) {
		skip_blanks(&p, end);
		if (!num_pid(&p, end, &r->pid) || (!eat(&p, end, ", name: ") && !eat(&p, end, ", Name: ")))
			return KILLER_LINE_OTHER;
		name = p;
		/* "Victim status": the state, EUID and the session leader's name (anything) follow the name */
		if ((q = find_within(name, end, COMM_MAX, ", state: "))) {
			const char *u = find_first(q + strlen(", state: "), end, ", EUID: ");

			if (u && (u += strlen(", EUID: "), num_i64(&u, end, &id)) && id >= 0 && id <= UINT32_MAX) {
				r->has_uid = true;
				r->uid = (uint32_t)id;
			}
			copy(r->comm, sizeof(r->comm), name, q);
			return KILLER_LINE_NOHANG_VICTIM;
		}
		/* the chosen process: the badness ends the line */
		if (!(q = find_last(name, end, ", badness: ")))
			return KILLER_LINE_OTHER;
		p = q + strlen(", badness: ");
		if (!num_i64(&p, end, &r->badness) || p != end)
			return KILLER_LINE_OTHER;
		r->has_badness = true;
		copy(r->comm, sizeof(r->comm), name, q);
		return KILLER_LINE_NOHANG_VICTIM;
	}
	if (eat(&p, end, "badness:")) {
		skip_blanks(&p, end);
		if (!num_i64(&p, end, &r->badness) || !is_at(p, end, ", oom_score:"))
			return KILLER_LINE_OTHER;
		r->has_badness = true;
		return KILLER_LINE_NOHANG_VICTIM;
	}
	if (eat(&p, end, "Victim is ")) {
		/* v0.1 */
		name = p;
		if (!(q = find_last(name, end, ", pid: ")))
			return KILLER_LINE_OTHER;
		p = q + strlen(", pid: ");
		if (!num_pid(&p, end, &r->pid) || !eat(&p, end, ", badness: ") || !num_i64(&p, end, &r->badness) ||
		    !eat(&p, end, ", VmRSS: ") || !mib(&p, end, &r->rss_bytes) || !is_at(p, end, ", VmSwap: "))
			return KILLER_LINE_OTHER;
		r->has_badness = r->has_rss = true;
		copy(r->comm, sizeof(r->comm), name, q);
		return KILLER_LINE_NOHANG_VICTIM;
	}
	if (eat(&p, end, "Sending ")) {
		if (!(r->signal = signal_name(&p, end)) || !eat(&p, end, " to the victim") || (p < end && *p != ';'))
			return KILLER_LINE_OTHER;
		return KILLER_LINE_NOHANG_ACTION;
	}
	if (eat(&p, end, "[ OK ] Sending ")) {
		if (!(r->signal = signal_name(&p, end)) || !eat(&p, end, " to ") || p == end)
			return KILLER_LINE_OTHER;
		name = p;
		/* statistics: ": COUNT" ends the line; the name may hold ": " */
		q = find_last(name, end, ": ");
		if (q && (p = q + 2, num_u64(&p, end, &v)) && p == end)
			r->processes = v;
		else
			q = end;
		copy(r->comm, sizeof(r->comm), name, q);
		return KILLER_LINE_NOHANG_ACTION;
	}
	return KILLER_LINE_OTHER;
}

/* --- kubelet ------------------------------------------------------------------------------------------ */

/* klog's header "I0105 10:00:00.123456    1234 eviction_manager.go:368] ": skipped when there. */
static const char *skip_klog(const char *s, const char *end)
{
	const char *p = s, *f;
	uint64_t v;

	if (p >= end || !*p || !strchr("IWEF", *p))
		return s;
	p++;
	for (int i = 0; i < 4; i++, p++)
		if (p >= end || !is_digit(*p))
			return s;
	if (!eat(&p, end, " "))
		return s;
	f = p;
	while (p < end && p - f < 20 && (is_digit(*p) || *p == ':' || *p == '.'))
		p++;
	if (p == f || !eat(&p, end, " "))
		return s;
	skip_blanks(&p, end);
	if (!num_u64(&p, end, &v) || !eat(&p, end, " "))
		return s;
	f = p;
	while (p < end && p - f < 128 && *p != ']' && *p != ' ')
		p++;
	if (p == f || !eat(&p, end, "] "))
		return s;
	return p;
}

/* A klog value, quoted ("memory") or bare (memory): its bounds. */
static bool klog_value(const char **p, const char *end, const char **ret_start, const char **ret_end)
{
	const char *s = *p;

	if (eat(&s, end, "\"")) {
		const char *q = memchr(s, '"', (size_t)(end - s));

		if (!q || q == s)
			return false;
		*ret_start = s;
		*ret_end = q;
		*p = q + 1;
		return true;
	}
	*ret_start = s;
	while (s < end && *s != ' ')
		s++;
	if (s == *ret_start)
		return false;
	*ret_end = s;
	*p = s;
	return true;
}

static bool resource(const char *s, const char *e, struct killer_line *r)
{
	const char *p = s;

	if (!word(&p, e, "-./_ABCDEFGHIJKLMNOPQRSTUVWXYZ", sizeof(r->resource) - 1) || p != e)
		return false;
	copy(r->resource, sizeof(r->resource), s, e);
	return true;
}

static enum killer_line_kind kubelet(const char *s, const char *end, struct killer_line *r)
{
	const char *p = skip_klog(s, end), *v, *ve, *q;

	if (eat(&p, end, "\"Eviction manager: attempting to reclaim\" resourceName=") ||
	    eat(&p, end, "\"Eviction manager: must evict pod(s) to reclaim\" resourceName="))
		return klog_value(&p, end, &v, &ve) && resource(v, ve, r) ? KILLER_LINE_KUBELET_RECLAIM : KILLER_LINE_OTHER;
	if (eat(&p, end, "\"Eviction manager: pod is evicted successfully\" pod=")) {
		if (!klog_value(&p, end, &v, &ve))
			return KILLER_LINE_OTHER;
		/* klog.KObj: "NAMESPACE/NAME", or "NAME" with no namespace */
		q = memchr(v, '/', (size_t)(ve - v));
		if (q) {
			copy(r->pod_namespace, sizeof(r->pod_namespace), v, q);
			v = q + 1;
		}
		if (v == ve)
			return KILLER_LINE_OTHER;
		copy(r->pod, sizeof(r->pod), v, ve);
		return KILLER_LINE_KUBELET_EVICTED;
	}
	if (eat(&p, end, "eviction manager: attempting to reclaim ") ||
	    eat(&p, end, "eviction manager: must evict pod(s) to reclaim "))
		return resource(p, end, r) ? KILLER_LINE_KUBELET_RECLAIM : KILLER_LINE_OTHER;
	if (eat(&p, end, "eviction manager: pod ")) {
		/* format.Pod: NAME_NAMESPACE(UID); neither name nor namespace may hold '_' */
		const char *tail = find_last(p, end, " is evicted successfully"), *open, *us;

		if (!tail || tail + strlen(" is evicted successfully") != end || tail == p || tail[-1] != ')' ||
		    !(open = find_last(p, tail, "(")) || !(us = find_last(p, open, "_")) || us == p || us + 1 == open)
			return KILLER_LINE_OTHER;
		copy(r->pod, sizeof(r->pod), p, us);
		copy(r->pod_namespace, sizeof(r->pod_namespace), us + 1, open);
		return KILLER_LINE_KUBELET_EVICTED;
	}
	return KILLER_LINE_OTHER;
}

/* --- containerd --------------------------------------------------------------------------------------- */

static enum killer_line_kind containerd(const char *s, const char *end, struct killer_line *r)
{
	const char *p = s, *id;
	bool escaped = false;

	/* logrus's text: time="..." level=info msg="..." */
	if (eat(&p, end, "time=\"")) {
		const char *q = p;

		while (q < end && q - p < 64 && *q != '"')
			q++;
		p = q;
		if (!eat(&p, end, "\" level=") || !word(&p, end, "", 16) || !eat(&p, end, " msg=\""))
			return KILLER_LINE_OTHER;
		escaped = true;
	}
	if (!eat(&p, end, "TaskOOM event "))
		return KILLER_LINE_OTHER;
	if (eat(&p, end, "&TaskOOM{ContainerID:")) {
		id = p;
		while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			p++;
		if (p == id || (size_t)(p - id) >= sizeof(r->container_id) || p == end || (*p != ',' && *p != '}'))
			return KILLER_LINE_OTHER;
	} else {
		if (!eat(&p, end, "container_id:") || !(escaped ? eat(&p, end, "\\\"") || eat(&p, end, "\"") : eat(&p, end, "\"")))
			return KILLER_LINE_OTHER;
		id = p;
		while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			p++;
		if (p == id || (size_t)(p - id) >= sizeof(r->container_id) || !(is_at(p, end, "\"") || is_at(p, end, "\\\"")))
			return KILLER_LINE_OTHER;
	}
	copy(r->container_id, sizeof(r->container_id), id, p);
	return KILLER_LINE_CONTAINERD_OOM;
}

/* --- who logged it ------------------------------------------------------------------------------------ */

enum family { FAM_ANY, FAM_OOMD, FAM_PID1, FAM_EARLYOOM, FAM_NOHANG, FAM_KUBELET, FAM_CONTAINERD, FAM_NONE };

static enum family family_of(const char *ident, size_t n)
{
	static const struct {
		const char *ident;
		enum family family;
	} idents[] = {
		{ "systemd-oomd", FAM_OOMD },    { "systemd", FAM_PID1 },       { "systemd-executor", FAM_PID1 },
		{ "earlyoom", FAM_EARLYOOM },    { "nohang", FAM_NOHANG },      { "nohang-desktop", FAM_NOHANG },
		{ "kubelet", FAM_KUBELET },      { "containerd", FAM_CONTAINERD },
	};

	if (!ident)
		return FAM_ANY;
	for (size_t i = 0; i < sizeof(idents) / sizeof(idents[0]); i++)
		if (strlen(idents[i].ident) == n && memcmp(ident, idents[i].ident, n) == 0)
			return idents[i].family;
	/* from v255 the executor logs "Failed at step ..." as "(COMM)", the name it gives the forked child */
	if (n >= 3 && ident[0] == '(' && ident[n - 1] == ')')
		return FAM_PID1;
	return FAM_NONE;
}

enum killer_line_kind killer_line_classify(const char *ident, size_t ident_len, const char *msg, size_t len,
					   struct killer_line *ret)
{
	enum family fam = family_of(ident, ident_len);
	enum killer_line_kind kind = KILLER_LINE_OTHER;
	const char *nul = len ? memchr(msg, '\0', len) : NULL, *end;

	memset(ret, 0, sizeof(*ret));
	if (nul)
		len = (size_t)(nul - msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	end = msg + len;
	if (!len)
		return KILLER_LINE_OTHER;

	switch (fam) {
	case FAM_OOMD:
		kind = oomd(msg, end, ret);
		break;
	case FAM_PID1:
		kind = pid1(msg, end, true, ret);
		break;
	case FAM_EARLYOOM:
		kind = earlyoom(msg, end, true, ret);
		break;
	case FAM_NOHANG:
		kind = nohang(msg, end, ret);
		break;
	case FAM_KUBELET:
		kind = kubelet(msg, end, ret);
		break;
	case FAM_CONTAINERD:
		kind = containerd(msg, end, ret);
		break;
	case FAM_ANY:
		/* each tries its own fixed words at the start: at most one can match a line */
		if ((kind = oomd(msg, end, ret)) != KILLER_LINE_OTHER)
			break;
		memset(ret, 0, sizeof(*ret));
		if ((kind = pid1(msg, end, false, ret)) != KILLER_LINE_OTHER)
			break;
		memset(ret, 0, sizeof(*ret));
		if ((kind = earlyoom(msg, end, false, ret)) != KILLER_LINE_OTHER)
			break;
		memset(ret, 0, sizeof(*ret));
		if ((kind = kubelet(msg, end, ret)) != KILLER_LINE_OTHER)
			break;
		memset(ret, 0, sizeof(*ret));
		kind = containerd(msg, end, ret);
		break;
	case FAM_NONE:
		break;
	}
	if (kind == KILLER_LINE_OTHER)
		memset(ret, 0, sizeof(*ret));
	ret->kind = kind;
	return kind;
}
