// SPDX-License-Identifier: GPL-2.0-or-later
#include "watch/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/dirlist.h"
#include "core/json.h"
#include "core/replace.h"
#include "core/sort.h"
#include "render/render.h"

static bool is_evidence_name(const char *s)
{
	size_t n = strlen(s);

	return n < EVIDENCE_NAME_MAX && strncmp(s, "evidence-", 9) == 0 && n > 14 && strcmp(s + n - 5, ".json") == 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Forgets name i (its file removed). */
static void drop(struct evidence_dir *e, unsigned i)
{
	unlinkat(e->fd, e->names[i], 0);
	memmove(e->names[i], e->names[i + 1], (size_t)(e->n - i - 1) * EVIDENCE_NAME_MAX);
	memmove(&e->first[i], &e->first[i + 1], (size_t)(e->n - i - 1) * sizeof(e->first[0]));
	e->n--;
}

/*
 * Removes files until at most keep remain: the oldest that is not the first of its incident, and only
 * when none is left, the oldest first one (a storm of repeats never pushes out how an incident began).
 */
static void prune(struct evidence_dir *e, unsigned keep)
{
	while (e->n > keep) {
		unsigned victim = 0;

		while (victim < e->n && e->first[victim])
			victim++;
		drop(e, victim < e->n ? victim : 0);
	}
}

/* Adds a name where it sorts (a snapshot written late is older than those written since). */
static void add_name(struct evidence_dir *e, const char *name, bool first)
{
	unsigned at = e->n;

	if (e->n == EVIDENCE_FILES_MAX)
		prune(e, EVIDENCE_FILES_MAX - 1);
	while (at > 0 && strcmp(e->names[at - 1], name) > 0)
		at--;
	memmove(e->names[at + 1], e->names[at], (size_t)(e->n - at) * EVIDENCE_NAME_MAX);
	memmove(&e->first[at + 1], &e->first[at], (size_t)(e->n - at) * sizeof(e->first[0]));
	snprintf(e->names[at], EVIDENCE_NAME_MAX, "%s", name);
	e->first[at] = first;
	e->n++;
}

int evidence_open(struct evidence_dir *e, const char *dir, unsigned max_files, size_t max_bytes)
{
	struct dir_list *l;
	const char *name;
	unsigned char type;
	int err;

	e->on = false;
	e->n = 0;
	e->max_files = max_files;
	e->max_bytes = max_bytes;
	e->pending = NULL;
	e->pending_len = 0;
	e->last_name[0] = '\0';
	e->last_err = 0;
	snprintf(e->path, sizeof(e->path), "%s", dir);
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	e->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->fd < 0)
		return -errno;
	/* the directory must take a file: found now, not at the first incident */
	err = dir_takes_files(e->fd);
	if (err < 0) {
		close(e->fd);
		return err;
	}
	/* the retry's space: reserved now, touched only when a write fails (evidence_bytes at most 1 GiB) */
	e->pending = reserve_space(max_bytes);
	if (!e->pending) {
		err = -errno;
		close(e->fd);
		return err;
	}
	l = xmalloc(sizeof(*l));
	dir_list_start(l, e->fd);
	while ((name = dir_list_next(l, &type, &err)))
		if (is_evidence_name(name) && e->n < EVIDENCE_FILES_MAX)
			snprintf(e->names[e->n++], EVIDENCE_NAME_MAX, "%s", name);
	xfree(l);
	lseek(e->fd, 0, SEEK_SET);
	xsort(e->names, e->n, EVIDENCE_NAME_MAX, cmp_name, NULL); /* at start-up */
	/* an earlier run's: how its incidents began is not known, so each is kept as a first */
	for (unsigned i = 0; i < e->n; i++)
		e->first[i] = true;
	if (e->n)
		snprintf(e->last_name, sizeof(e->last_name), "%s", e->names[e->n - 1]);
	prune(e, max_files);
	e->on = true;
	return 0;
}

void evidence_close(struct evidence_dir *e)
{
	if (e->on)
		close(e->fd);
	if (e->pending)
		release_space(e->pending, e->max_bytes);
	e->pending = NULL;
	e->on = false;
}

/* The file's text: why, when, the events and the incident, then the report (with top consumers as room allows). */
static void compose(const struct snapshot *snap, const struct assessment *a, const struct evidence_note *note,
		    const char *stamp, size_t top_n, bool with_report, struct buf *out)
{
	struct render_opts ro = { .top = top_n };
	struct json j;

	buf_reset(out);
	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "evidence_version", 1);
	json_str(&j, "time", stamp);
	json_str(&j, "reason", note->reason);
	json_str(&j, "why", note->why);
	json_str(&j, "top_consumer", note->top && note->top[0] ? note->top : NULL);
	json_array_begin(&j, "events");
	for (size_t i = 0; i < note->nevents; i++) {
		const struct evidence_event *ev = &note->events[i];

		json_object_begin(&j, NULL);
		json_str(&j, "what", ev->what);
		json_str(&j, "limit", ev->limit);
		json_str(&j, "scope", ev->scope);
		json_str(&j, "top_consumer", ev->top && ev->top[0] ? ev->top : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_u64(&j, "events_more", note->events_more);
	json_object_begin(&j, "incident");
	json_str(&j, "limit", note->incident_limit);
	json_str(&j, "scope", note->incident_scope);
	json_str(&j, "started", note->incident_started ? note->incident_started : stamp);
	json_bool(&j, "first", note->first);
	json_object_end(&j);
	if (!with_report) {
		json_bool(&j, "report_omitted", true);
		json_object_end(&j);
		buf_addc(out, '\n');
		return;
	}
	buf_adds(out, ",\n  \"report\": ");
	render_report_json(snap, a, &ro, out);
	while (out->len && (out->data[out->len - 1] == '\n'))
		out->data[--out->len] = '\0';
	buf_adds(out, "\n}\n");
}

/* Writes a composed snapshot under name and lists it. Returns 0 or -errno. */
static int store(struct evidence_dir *e, const char *name, const char *data, size_t len, bool first, char *ret_path,
		 size_t size)
{
	int r = replace_file_at(e->fd, name, data, len, 0640, true);

	e->last_err = r;
	if (r < 0)
		return r;
	add_name(e, name, first);
	prune(e, e->max_files ? e->max_files : 1);
	snprintf(ret_path, size, "%s/%s", e->path, name);
	return 0;
}

int evidence_write(struct evidence_dir *e, const struct snapshot *snap, const struct assessment *a,
		   const struct evidence_note *note, struct arena *mem, char *ret_path, size_t size)
{
	char stamp[40], base[32], name[EVIDENCE_NAME_MAX];
	struct tm tm;
	/* the caller's moment: a write that falls in the next second is still of the second it logs */
	time_t t = note->when ? note->when : time(NULL);
	struct buf out;
	int r = 0;

	if (!e->on)
		return -ENOTDIR;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
	/* evidence-YYYYMMDDTHHMMSS-NN.json: NN counts the files of one second, so that names sort by time */
	strftime(base, sizeof(base), "evidence-%Y%m%dT%H%M%S", &tm);
	for (unsigned k = 1; k < 100; k++) {
		snprintf(name, sizeof(name), "%s-%02u.json", base, k);
		if (strcmp(name, e->last_name) > 0)
			break;
	}
	if (strcmp(name, e->last_name) <= 0)
		return -EEXIST; /* a hundred in one second: the rest of that second is not written */
	snprintf(e->last_name, sizeof(e->last_name), "%s", name);
	buf_init_in(&out, mem);
	compose(snap, a, note, stamp, 10, true, &out);
	if (out.len > e->max_bytes)
		compose(snap, a, note, stamp, 0, true, &out);
	if (out.len > e->max_bytes)
		compose(snap, a, note, stamp, 0, false, &out);
	r = store(e, name, out.data, out.len, note->first, ret_path, size);
	if (r < 0 && !e->pending_len && out.len <= e->max_bytes) {
		/* kept for a retry: the snapshot of that moment, not of when the disk has room again */
		memcpy(e->pending, out.data, out.len);
		e->pending_len = out.len;
		e->pending_first = note->first;
		e->pending_tries = 1;
		snprintf(e->pending_name, sizeof(e->pending_name), "%s", name);
		strftime(e->pending_when, sizeof(e->pending_when), "%H:%M:%S", &tm);
	}
	buf_free(&out);
	return r;
}

bool evidence_pending(const struct evidence_dir *e)
{
	return e->pending_len > 0;
}

int evidence_retry(struct evidence_dir *e, char *ret_path, size_t size)
{
	int r;

	if (!e->on || !e->pending_len)
		return -ENOENT;
	e->pending_tries++;
	r = store(e, e->pending_name, e->pending, e->pending_len, e->pending_first, ret_path, size);
	if (r == 0)
		evidence_drop_pending(e);
	return r;
}

void evidence_drop_pending(struct evidence_dir *e)
{
	e->pending_len = 0;
	/* its pages back to the kernel (locked pages are not given back: unlocked first); the space stays reserved */
	if (e->pending) {
		munlock(e->pending, e->max_bytes);
		madvise(e->pending, e->max_bytes, MADV_DONTNEED);
	}
}
