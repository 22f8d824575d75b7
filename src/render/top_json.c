// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom top -b --json: one object a frame (headroom(1), THE LIVE VIEW), read as a stream by jq. */
#include <time.h>

#include "core/json.h"
#include "render/render.h"
#include "top/view.h"
#include "watch/watch.h"

void render_top_json(struct top_view *v, const struct watch_frame *f, struct buf *out)
{
	const struct assessment *a = f->limits;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "schema", REPORT_SCHEMA_VERSION);
	json_i64(&j, "time", (int64_t)time(NULL));
	json_u64(&j, "tick", f->stats->ticks);
	json_fixed(&j, "tick_seconds", f->stats->tick_seconds, 6);
	if (f->stats->last_scan_time > 0)
		json_fixed(&j, "last_scan_time", f->stats->last_scan_time, 3);
	else
		json_null(&j, "last_scan_time");
	json_array_begin(&j, "limits");
	for (size_t i = 0; i < a->nlimits; i++) {
		const struct limit *l = &a->limits[i];
		const struct trend_slot *slot;
		const struct limit *scanned;
		struct trend t;
		double pct = limit_percent(l);
		char hog[320];

		if (!v->all && !l->listed)
			continue;
		slot = trends_find(&v->trends, l);
		trend_of(slot, l, &t);
		json_object_begin(&j, NULL);
		json_str(&j, "id", limit_kinds[l->id].id);
		json_str(&j, "scope", l->scope);
		json_str(&j, "status", status_name(l->status));
		json_u64(&j, "used", l->used);
		if (l->unlimited)
			json_null(&j, "max");
		else
			json_u64(&j, "max", l->max);
		if (pct >= 0)
			json_fixed(&j, "percent", pct, 1);
		else
			json_null(&j, "percent");
		if (t.known)
			json_fixed(&j, "per_minute", t.per_minute, 1);
		else
			json_null(&j, "per_minute");
		if (t.seconds_to_full >= 0)
			json_fixed(&j, "seconds_to_full", t.seconds_to_full, 1);
		else
			json_null(&j, "seconds_to_full");
		json_bool(&j, "crossed", slot && slot->crossed_at);
		scanned = assessment_limit(f->scan, l->id, l->scope);
		json_str(&j, "hog", scanned && scanned->has_top ? task_top_words(&scanned->top, hog, sizeof(hog)) : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "events");
	for (unsigned i = v->nevents; i-- > 0;)
		json_str(&j, NULL, top_view_event_at(v, i));
	json_array_end(&j);
	json_object_end(&j);
	buf_addc(out, '\n');
}
