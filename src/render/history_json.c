// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom history as JSON: {"events": [...], "incidents": [...], "boots": [...], "sources": [...]}. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "diagnose/history.h"
#include "render/render.h"

const char *render_history_time(int64_t usec, bool utc, char *out, size_t size)
{
	time_t secs = (time_t)(usec >= 0 ? usec / 1000000 : (usec - 999999) / 1000000);
	long frac = (long)(usec - (int64_t)secs * 1000000);
	struct tm tm;

	if (!(utc ? gmtime_r(&secs, &tm) : localtime_r(&secs, &tm))) {
		snprintf(out, size, "?");
		return out;
	}
	if (utc)
		snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	else
		strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
	return out;
}

static void opt_str(struct json *j, const char *key, const char *s)
{
	json_str(j, key, s);
}

void render_hist_event_json(struct json *j, const char *key, const struct history *h, const struct hist_event *e)
{
	char when[48];

	json_object_begin(j, key);
	if (e->has_time)
		json_str(j, "time", render_history_time(e->time_usec, true, when, sizeof(when)));
	else
		json_null(j, "time");
	if (e->has_time && e->last_usec > e->time_usec)
		json_str(j, "last_time", render_history_time(e->last_usec, true, when, sizeof(when)));
	else
		json_null(j, "last_time");
	if (e->has_mono)
		json_fixed(j, "uptime_seconds", (double)e->mono_usec / 1e6, 6);
	else
		json_null(j, "uptime_seconds");
	if (e->boot >= 0)
		json_i64(j, "boot", h->boots[e->boot].number);
	else
		json_null(j, "boot");
	json_str(j, "boot_id", e->boot >= 0 && h->boots[e->boot].id[0] ? h->boots[e->boot].id : NULL);
	json_str(j, "source", h->sources[e->source].name);
	json_str(j, "kind", hist_kind_name(e->kind));
	json_str(j, "killer", hist_killer_name(e->killer));
	json_str(j, "domain", hist_domain_name(e->domain));
	if (e->pid)
		json_i64(j, "pid", e->pid);
	else
		json_null(j, "pid");
	opt_str(j, "comm", e->comm);
	if (e->has_uid)
		json_u64(j, "uid", e->uid);
	else
		json_null(j, "uid");
	opt_str(j, "cgroup", e->cgroup);
	opt_str(j, "oom_cgroup", e->oom_cgroup);
	opt_str(j, "unit", e->unit);
	opt_str(j, "container", e->container);
	opt_str(j, "pod", e->pod);
	opt_str(j, "namespace", e->pod_namespace);
	if (e->has_rss)
		json_u64(j, "rss_bytes", e->rss_bytes);
	else
		json_null(j, "rss_bytes");
	if (e->has_adj)
		json_i64(j, "oom_score_adj", e->oom_score_adj);
	else
		json_null(j, "oom_score_adj");
	/* headroom oom's names of before: the OOM domain as a scope, the victim's cgroup */
	if (e->killer == HIST_KILLER_KERNEL && e->kind == HIST_OOM_KILL && e->domain == HIST_DOMAIN_MEMCG && e->oom_cgroup) {
		struct buf sc;

		buf_init(&sc);
		buf_printf(&sc, "cgroup:%s", e->oom_cgroup);
		json_str(j, "scope", sc.data);
		buf_free(&sc);
	} else {
		json_str(j, "scope", e->killer == HIST_KILLER_KERNEL && e->kind == HIST_OOM_KILL &&
					     e->domain != HIST_DOMAIN_MEMCG && e->domain != HIST_DOMAIN_NONE ? "system" : NULL);
	}
	opt_str(j, "victim_cgroup", e->killer == HIST_KILLER_KERNEL ? e->cgroup : NULL);
	opt_str(j, "constraint", e->constraint);
	opt_str(j, "trigger", e->trigger);
	opt_str(j, "reason", e->reason);
	opt_str(j, "program", e->program);
	json_str(j, "operation", e->kind == HIST_FAILURE_MESSAGE ? failure_op_name(e->op) : NULL);
	if (e->err)
		json_i64(j, "errno", e->err);
	else
		json_null(j, "errno");
	opt_str(j, "limit", e->limit);
	json_u64(j, "count", e->count);
	json_bool(j, "partial", e->partial);
	json_array_begin(j, "evidence");
	for (unsigned i = 0; i < e->n_evidence; i++)
		json_str(j, NULL, e->evidence[i].text);
	json_array_end(j);
	json_u64(j, "evidence_more", e->evidence_more);
	json_array_begin(j, "seen_in");
	for (unsigned i = 0; i < h->nsources && i < 64; i++)
		if (e->seen_in & (1ULL << i))
			json_str(j, NULL, h->sources[i].name);
	json_array_end(j);
	json_object_end(j);
}

static void maybe_flush(struct buf *out, render_flush_fn *flush, void *ctx)
{
	if (flush && out->len > RENDER_FLUSH_BYTES)
		flush(out, ctx);
}

void render_history_json(const struct history *h, const struct history_filter *f, struct buf *out,
			 render_flush_fn *flush, void *ctx)
{
	struct json j;
	char when[48];

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "events");
	for (size_t i = 0; i < h->n; i++)
		if (history_event_selected(h, &h->events[i], f)) {
			render_hist_event_json(&j, NULL, h, &h->events[i]);
			maybe_flush(out, flush, ctx);
		}
	json_array_end(&j);
	json_array_begin(&j, "incidents");
	for (size_t k = 0, at = 0; k < h->nincidents; k++) {
		const struct hist_incident *x = &h->incidents[k];
		size_t first_shown = at, n = 0;
		struct buf cause;

		/* the events are in incident order: the selected ones of x are the next n of the list above */
		for (size_t i = x->first; i < x->first + x->n; i++)
			if (history_event_selected(h, &h->events[i], f))
				n++;
		at += n;
		if (!n)
			continue;
		json_object_begin(&j, NULL);
		if (x->has_time) {
			json_str(&j, "start", render_history_time(x->start_usec, true, when, sizeof(when)));
			json_str(&j, "end", render_history_time(x->end_usec, true, when, sizeof(when)));
		} else {
			json_null(&j, "start");
			json_null(&j, "end");
		}
		buf_init(&cause);
		render_history_cause(h, x, &cause);
		json_str(&j, "cause", cause.data);
		buf_free(&cause);
		json_u64(&j, "first_event", first_shown);
		json_u64(&j, "events", n);
		json_object_end(&j);
		maybe_flush(out, flush, ctx);
	}
	json_array_end(&j);
	json_array_begin(&j, "boots");
	for (size_t i = 0; i < h->nboots; i++) {
		const struct hist_boot *b = &h->boots[i];

		if (b->same_as != (int)i)
			continue;
		json_object_begin(&j, NULL);
		json_i64(&j, "boot", b->number);
		json_str(&j, "boot_id", b->id[0] ? b->id : NULL);
		if (b->has_start)
			json_str(&j, "start", render_history_time(b->start_usec, true, when, sizeof(when)));
		else
			json_null(&j, "start");
		json_bool(&j, "current", b->current);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "sources");
	for (unsigned i = 0; i < h->nsources; i++) {
		const struct hist_source *s = &h->sources[i];

		json_object_begin(&j, NULL);
		json_str(&j, "name", s->name);
		json_bool(&j, "read", s->read);
		json_u64(&j, "lines", s->lines);
		json_u64(&j, "events", s->events);
		json_str(&j, "error", s->err ? strerror(-s->err) : NULL);
		json_str(&j, "problem", s->problem);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(out, '\n');
	if (flush)
		flush(out, ctx);
}
