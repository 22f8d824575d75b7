// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the limits are configured: the sysctl.d(5) files applied at boot, and limits.conf(5) with
 * limits.d for the rlimits PAM gives login sessions. Read under the root, like everything else.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dirlist.h"
#include "core/sort.h"
#include "parse/conf.h"
#include "probe/probe.h"

/* systemd-sysctl's directories, strongest first: a file name in an earlier one masks the same name later. */
static const char *const sysctl_dirs[] = { "etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d",
					   "lib/sysctl.d" };

static const char *const sysctl_keys[SYSCTL_NIDS] = {
	[SYSCTL_PID_MAX] = "kernel.pid_max",
	[SYSCTL_THREADS_MAX] = "kernel.threads-max",
	[SYSCTL_MAX_MAP_COUNT] = "vm.max_map_count",
	[SYSCTL_OVERCOMMIT_MEMORY] = "vm.overcommit_memory",
	[SYSCTL_OVERCOMMIT_RATIO] = "vm.overcommit_ratio",
	[SYSCTL_OVERCOMMIT_KBYTES] = "vm.overcommit_kbytes",
};

#define CONF_MAX_FILES 256

struct conf_file {
	char name[128];
	char path[256]; /* relative to the root */
};

static int cmp_conf(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

/*
 * Adds the *.conf files of dir (relative to the root) not already named. Returns the new count. A
 * directory or file that is absent is normal; one refused (root_refused) is reported.
 */
static size_t list_conf(const struct hr_root *root, struct snapshot *snap, const char *dir, struct conf_file *files,
			size_t n)
{
	struct dir_list *d;
	const char *name;
	unsigned char type;
	int err, fd = root_openat(root, root->fd, dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0) {
		if (root_refused(fd))
			probe_problem(root, snap, "configuration directory", fd, false, "%s", dir);
		return n;
	}
	d = mem_alloc(snap->mem, sizeof(*d));
	dir_list_start(d, fd);
	while (n < CONF_MAX_FILES && (name = dir_list_next(d, &type, &err))) {
		size_t len = strlen(name);
		bool seen = false;

		if (len < 6 || len >= sizeof(files[0].name) || strcmp(name + len - 5, ".conf") != 0 || name[0] == '.')
			continue;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(files[i].name, name) == 0;
		if (seen)
			continue;
		snprintf(files[n].name, sizeof(files[n].name), "%s", name);
		snprintf(files[n].path, sizeof(files[n].path), "%s/%s", dir, name);
		n++;
	}
	xfree(d);
	close(fd);
	return n;
}

/* Reads the configuration file path (relative to the root) into b. Returns its length or -errno. */
static ssize_t read_conf(const struct hr_root *root, struct snapshot *snap, const char *path, struct buf *b)
{
	ssize_t n = read_file_at(root, root->fd, path, b);

	if (root_refused((int)n))
		probe_problem(root, snap, "configuration file", (int)n, false, "%s", path);
	return n;
}

/* The snapshot filled and the file being parsed, for the parsers' callbacks. */
struct conf_ctx {
	struct snapshot *snap;
	const char *path;
};

static int on_sysctl(const char *key, const char *value, int line, void *ctx_)
{
	struct conf_ctx *ctx = ctx_;

	for (int k = 0; k < SYSCTL_NIDS; k++) {
		struct config_origin *o = &ctx->snap->sysctl_origin[k];

		if (strcmp(key, sysctl_keys[k]) != 0)
			continue;
		o->set = true;
		snprintf(o->value, sizeof(o->value), "%s", value);
		snprintf(o->file, sizeof(o->file), "/%s", ctx->path);
		o->line = line;
	}
	return 0;
}

static void read_sysctl_conf(const struct hr_root *root, struct snapshot *snap, struct buf *b)
{
	struct conf_file *files = mem_calloc(snap->mem, CONF_MAX_FILES + 1, sizeof(*files));
	struct conf_ctx ctx = { .snap = snap };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(sysctl_dirs) / sizeof(sysctl_dirs[0]); i++)
		n = list_conf(root, snap, sysctl_dirs[i], files, n);
	if (n)
		xsort(files, n, sizeof(*files), cmp_conf, snap->mem);
	/* procps' sysctl --system applies /etc/sysctl.conf last */
	snprintf(files[n].name, sizeof(files[n].name), "sysctl.conf");
	snprintf(files[n].path, sizeof(files[n].path), "etc/sysctl.conf");
	n++;
	for (size_t i = 0; i < n; i++) {
		if (read_conf(root, snap, files[i].path, b) < 0)
			continue;
		ctx.path = files[i].path;
		sysctl_conf_parse(b->data, b->len, on_sysctl, &ctx, NULL);
	}
	xfree(files);
}

static int on_limit(const char *domain, const char *type, const char *item, const char *value, int line, void *ctx_)
{
	struct conf_ctx *ctx = ctx_;
	struct snapshot *snap = ctx->snap;
	struct limits_rule *r;

	if (strcmp(item, "nproc") && strcmp(item, "as") && strcmp(item, "data"))
		return 0;
	if (snap->nlimits_rules >= 1024)
		return -1;
	MEM_GROW(snap->mem, snap->limits_rules, snap->limits_rules_cap, snap->nlimits_rules + 1);
	r = &snap->limits_rules[snap->nlimits_rules++];
	snprintf(r->domain, sizeof(r->domain), "%s", domain);
	snprintf(r->type, sizeof(r->type), "%s", type);
	snprintf(r->item, sizeof(r->item), "%s", item);
	snprintf(r->value, sizeof(r->value), "%s", value);
	snprintf(r->file, sizeof(r->file), "/%s", ctx->path);
	r->line = line;
	return 0;
}

static void read_limits_conf(const struct hr_root *root, struct snapshot *snap, struct buf *b)
{
	struct conf_file *files = mem_calloc(snap->mem, CONF_MAX_FILES + 1, sizeof(*files));
	struct conf_ctx ctx = { .snap = snap };
	size_t n;

	/* pam_limits: limits.conf first, then the .conf files of limits.d in C-locale order, as if concatenated */
	snprintf(files[0].name, sizeof(files[0].name), "limits.conf");
	snprintf(files[0].path, sizeof(files[0].path), "etc/security/limits.conf");
	n = list_conf(root, snap, "etc/security/limits.d", files + 1, 0);
	if (n)
		xsort(files + 1, n, sizeof(*files), cmp_conf, snap->mem);
	for (size_t i = 0; i <= n; i++) {
		if (read_conf(root, snap, files[i].path, b) < 0)
			continue;
		ctx.path = files[i].path;
		limits_conf_parse(b->data, b->len, on_limit, &ctx);
	}
	xfree(files);
}

void probe_config(const struct hr_root *root, struct snapshot *snap)
{
	struct buf b;

	buf_init_in(&b, snap->mem);
	read_sysctl_conf(root, snap, &b);
	read_limits_conf(root, snap, &b);
	buf_free(&b);
}
