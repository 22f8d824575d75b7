// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom repro as JSON: what was set up, the failure the call saw, the report while it is held, what was removed. */
#include <string.h>

#include "core/json.h"
#include "model/limits.h"
#include "render/render.h"
#include "repro/run.h"

static const char *errno_or_none(int err)
{
	return err > 0 ? errno_name(err) : NULL;
}

void render_repro_json(const struct repro_run *run, int exit_status, struct buf *out)
{
	char libc[300], shell[300];
	const struct repro_result *r = &run->res;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_str(&j, "mode", run->m->name);
	json_str(&j, "kernel", run->kernel.release);
	json_str(&j, "call", run->m->call);
	json_bool(&j, "failed", run->got_result && r->err >= 0 &&
					(r->err > 0 || (run->m->ends_in_kill && !r->note[0])));
	json_str(&j, "errno", run->got_result && r->err > 0 ? errno_name(r->err) : NULL);
	json_str(&j, "errno_expected", errno_or_none(run->expected));
	json_str(&j, "message", run->got_result && r->err > 0 ? strerror(r->err) : NULL);
	repro_messages(run->m, run->got_result && r->err > 0 ? r->err : 0, libc, sizeof(libc), shell, sizeof(shell));
	json_str(&j, "libc_message", libc[0] ? libc : NULL);
	json_str(&j, "shell_message", shell[0] ? shell : NULL);
	json_u64(&j, "after", run->got_result ? r->after : 0);
	if (run->m->ends_in_kill) {
		json_str(&j, "signal", run->got_result && !r->note[0] ? "SIGKILL" : NULL);
		json_i64(&j, "victim_pid", r->victim);
	}
	if (r->set_to)
		json_u64(&j, "limit_set", r->set_to);
	if (r->base)
		json_u64(&j, "base", r->base);
	json_str(&j, "problem", !run->got_result ? (run->died[0] ? run->died : "interrupted") : r->err < 0 ? r->note : NULL);
	json_object_begin(&j, "sandbox");
	json_array_begin(&j, "setup");
	for (int i = 0; i < 2; i++)
		if (run->setup[i][0])
			json_str(&j, NULL, run->setup[i]);
	json_array_end(&j);
	json_str(&j, "cgroup", run->cg >= 0 ? run->sb.cg[run->cg].path : NULL);
	json_str(&j, "cgroup_dir", run->cg >= 0 ? run->sb.cg[run->cg].dir : NULL);
	json_i64(&j, "workload_pid", r->subject);
	json_u64(&j, "stale_removed", (uint64_t)run->stale);
	json_object_end(&j);
	json_str(&j, "scope", run->scope[0] ? run->scope : NULL);
	if (run->named)
		render_limit_json(&j, "limit", run->named);
	else
		json_null(&j, "limit");
	json_bool(&j, "named", repro_run_named(run));
	json_array_begin(&j, "kernel_log");
	for (size_t i = 0; i < run->klog.n; i++)
		json_str(&j, NULL, run->klog.lines[i]);
	json_array_end(&j);
	json_object_begin(&j, "removed");
	json_u64(&j, "processes", run->sb.removed_procs);
	json_u64(&j, "cgroups", run->sb.removed_cgroups);
	json_str(&j, "left_behind", run->sb.leftover[0] ? run->sb.leftover : NULL);
	json_object_end(&j);
	json_i64(&j, "exit_status", exit_status);
	json_object_end(&j);
	buf_addc(out, '\n');
}
