// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom repro as text: what was set up, the failure the call saw, the report while it is held, what was removed. */
#include <string.h>

#include "core/escape.h"
#include "model/limits.h"
#include "render/render.h"
#include "repro/run.h"

void render_repro_text(const struct repro_run *run, bool color, struct buf *out)
{
	char libc[300], shell[300];
	const struct repro_result *r = &run->res;

	buf_printf(out, "headroom repro %s: %s\n\n", run->m->name, run->m->summary);
	for (int i = 0; i < 2; i++)
		if (run->setup[i][0])
		{
			buf_printf(out, "%-10s", i ? "" : "Set up:");
			escape_text_str(out, run->setup[i]);
			buf_addc(out, '\n');
		}
	if (run->stale)
		buf_printf(out, "%-10s%d empty sandbox cgroup%s left by an earlier run that was killed outright removed\n",
			   "", run->stale, run->stale == 1 ? "" : "s");
	if (!run->got_result) {
		buf_adds(out, "Failure:  none seen: ");
		escape_text_str(out, run->died[0] ? run->died : "interrupted");
		buf_addc(out, '\n');
	} else if (r->err < 0) {
		buf_adds(out, "Set-up failed: ");
		escape_text_str(out, r->note);
		buf_addc(out, '\n');
	} else if (run->m->ends_in_kill) {
		buf_printf(out, "Failure:  pid %d (repro-alloc) touched %llu MiB, then ", (int)r->victim,
			   (unsigned long long)r->after);
		escape_text_str(out, r->note[0] ? r->note : "the OOM killer killed it (SIGKILL)");
		buf_addc(out, '\n');
	} else if (r->err) {
		buf_printf(out, "Failure:  %s failed after %llu successful call%s: %s (%s)\n", run->m->call,
			   (unsigned long long)r->after, r->after == 1 ? "" : "s", errno_name(r->err), strerror(r->err));
	} else {
		buf_printf(out, "Failure:  none: %s succeeded %llu time%s\n", run->m->call, (unsigned long long)r->after,
			   r->after == 1 ? "" : "s");
	}
	if (run->got_result && r->err >= 0) {
		repro_messages(run->m, r->err, libc, sizeof(libc), shell, sizeof(shell));
		if (libc[0])
			buf_printf(out, "%-10s%-20s%s\n", "", "a C program prints:", libc);
		if (shell[0])
			buf_printf(out, "%-10s%-20s%s\n", "", run->m->program_label,
				   shell);
		buf_printf(out, "%-10sexpected on kernel ", "");
		escape_text_str(out, run->kernel.release);
		buf_printf(out, ": %s%s\n", run->expected ? errno_name(run->expected) : "no errno",
			   run->m->ends_in_kill ? " (a SIGKILL)" :
			   r->err == run->expected				 ? ", as seen" :
										   ", NOT what was seen");
		if (r->base)
			buf_printf(out, "%-10sthe limit was set to %llu bytes (%llu in use before + the requested room)\n", "",
				   (unsigned long long)r->set_to, (unsigned long long)r->base);
	}
	if (run->klog.open || run->klog.n) {
		if (run->klog.n) {
			buf_adds(out, "\nKernel log (/dev/kmsg):\n");
			for (size_t i = 0; i < run->klog.n; i++) {
				buf_adds(out, "  ");
				escape_text_str(out, run->klog.lines[i]);
				buf_addc(out, '\n');
			}
		} else if (run->m->ends_in_kill) {
			buf_adds(out, "\nKernel log (/dev/kmsg): no line about this kill was found\n");
		}
	}
	if (run->have_report) {
		buf_adds(out, "\nheadroom, while the failure is held:\n");
		if (run->named)
			render_limit_text(run->named, color, out);
		else
		{
			buf_printf(out, "  no %s limit with scope ", limit_kinds[run->m->limit].id);
			escape_text_str(out, run->scope);
			buf_adds(out, " in the report\n");
		}
	}
}

void render_repro_removed(const struct repro_run *run, struct buf *out)
{
	buf_printf(out, "\nRemoved:  %u process%s, %u cgroup%s", run->sb.removed_procs,
		   run->sb.removed_procs == 1 ? "" : "es", run->sb.removed_cgroups, run->sb.removed_cgroups == 1 ? "" : "s");
	if (run->sb.leftover[0])
	{
		buf_adds(out, "; could NOT remove ");
		escape_text_str(out, run->sb.leftover);
	}
	buf_addc(out, '\n');
}
