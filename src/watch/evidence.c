// SPDX-License-Identifier: GPL-2.0-or-later
#include "watch/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* Removes the oldest files until at most keep remain. */
static void prune(struct evidence_dir *e, unsigned keep)
{
	unsigned drop;

	if (e->n <= keep)
		return;
	drop = e->n - keep;
	for (unsigned i = 0; i < drop; i++)
		unlinkat(e->fd, e->names[i], 0);
	memmove(e->names, e->names[drop], (size_t)(e->n - drop) * EVIDENCE_NAME_MAX);
	e->n -= drop;
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
	l = xmalloc(sizeof(*l));
	dir_list_start(l, e->fd);
	while ((name = dir_list_next(l, &type, &err)))
		if (is_evidence_name(name) && e->n < EVIDENCE_FILES_MAX)
			snprintf(e->names[e->n++], EVIDENCE_NAME_MAX, "%s", name);
	xfree(l);
	lseek(e->fd, 0, SEEK_SET);
	xsort(e->names, e->n, EVIDENCE_NAME_MAX, cmp_name, NULL); /* at start-up */
	prune(e, max_files);
	e->on = true;
	return 0;
}

void evidence_close(struct evidence_dir *e)
{
	if (e->on)
		close(e->fd);
	e->on = false;
}

/* The file's text: why, when, the top consumer, then the report (with top consumers as room allows). */
static void compose(const struct snapshot *snap, const struct assessment *a, const char *reason, const char *why,
		    const char *top, const char *stamp, size_t top_n, bool with_report, struct buf *out)
{
	struct render_opts ro = { .top = top_n };
	struct json j;

	buf_reset(out);
	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "evidence_version", 1);
	json_str(&j, "time", stamp);
	json_str(&j, "reason", reason);
	json_str(&j, "why", why);
	json_str(&j, "top_consumer", top[0] ? top : NULL);
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

int evidence_write(struct evidence_dir *e, const struct snapshot *snap, const struct assessment *a, const char *reason,
		   const char *why, const char *top, struct arena *mem, char *ret_path, size_t size)
{
	char stamp[40], base[32], name[EVIDENCE_NAME_MAX];
	struct tm tm;
	time_t t = time(NULL);
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
		if (!e->n || strcmp(name, e->names[e->n - 1]) > 0)
			break;
	}
	if (e->n && strcmp(name, e->names[e->n - 1]) <= 0)
		return -EEXIST; /* a hundred in one second: the rest of that second is not written */
	buf_init_in(&out, mem);
	compose(snap, a, reason, why, top, stamp, 10, true, &out);
	if (out.len > e->max_bytes)
		compose(snap, a, reason, why, top, stamp, 0, true, &out);
	if (out.len > e->max_bytes)
		compose(snap, a, reason, why, top, stamp, 0, false, &out);
	r = replace_file_at(e->fd, name, out.data, out.len, 0640, true);
	if (r < 0)
		goto out;
	if (e->n == EVIDENCE_FILES_MAX)
		prune(e, EVIDENCE_FILES_MAX - 1);
	snprintf(e->names[e->n++], EVIDENCE_NAME_MAX, "%s", name);
	prune(e, e->max_files ? e->max_files : 1);
	snprintf(ret_path, size, "%s/%s", e->path, name);
out:
	buf_free(&out);
	return r;
}
