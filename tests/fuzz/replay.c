// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs each input once through a fuzz target, without libFuzzer: "make check" replays the kept
 * corpus with the normal compiler (and under sanitizers with SANITIZE=1).
 *   fuzz_X-replay FILE|DIR...   a directory stands for its regular files, in name order
 * Prints one line, "ok - replayed N inputs from ARGS" or "not ok - WHY", and exits 0 either way:
 * tests/run counts the line, and a crash or a broken invariant aborts by itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "fuzz.h"

/* Reads the whole file at dirfd/path and runs it. Returns 0 or -errno. */
static int replay_file(int dirfd, const char *path)
{
	struct buf b;
	ssize_t n;
	int fd, r = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf_init(&b);
	for (;;) {
		buf_grow(&b, 65536);
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
	}
	LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
out_free:
	buf_free(&b);
	close(fd);
	return r;
}

static int maybe_regular(const struct dirent *d)
{
	/* DT_UNKNOWN: some file systems do not fill d_type; is_regular_at() then looks */
	return d->d_type == DT_REG || d->d_type == DT_UNKNOWN;
}

static bool is_regular_at(int dirfd, const struct dirent *d)
{
	struct stat st;

	if (d->d_type == DT_REG)
		return true;
	/* an entry that cannot be stat'ed is tried, so that its error is reported */
	return fstatat(dirfd, d->d_name, &st, 0) < 0 || S_ISREG(st.st_mode);
}

/* Replays the regular files of the directory dirfd in name order. Same contract as replay_path(). */
static int replay_dir(int dirfd, const char *path, size_t *count, char **ret_failed)
{
	struct dirent **ents;
	int n, r = 0;

	n = scandirat(dirfd, ".", &ents, maybe_regular, alphasort);
	if (n < 0) {
		r = -errno;
		*ret_failed = xstrdup(path);
		return r;
	}
	for (int i = 0; i < n; i++) {
		if (r == 0 && is_regular_at(dirfd, ents[i])) {
			r = replay_file(dirfd, ents[i]->d_name);
			if (r < 0)
				*ret_failed = xasprintf("%s/%s", path, ents[i]->d_name);
			else
				(*count)++;
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

/*
 * Replays path: a file, or the regular files of a directory. Adds the inputs run to *count.
 * Returns 0, or -errno with the file that could not be read in *ret_failed (malloc'ed).
 */
static int replay_path(const char *path, size_t *count, char **ret_failed)
{
	struct stat st;
	int dirfd, r;

	if (stat(path, &st) < 0) {
		r = -errno;
		goto out_failed;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = replay_file(AT_FDCWD, path);
		if (r < 0)
			goto out_failed;
		(*count)++;
		return 0;
	}
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = -errno;
		goto out_failed;
	}
	r = replay_dir(dirfd, path, count, ret_failed);
	close(dirfd);
	return r;

out_failed:
	*ret_failed = xstrdup(path);
	return r;
}

int main(int argc, char **argv)
{
	char *failed = NULL;
	size_t count = 0;
	struct buf args;
	int r = 0;

	buf_init(&args);
	for (int i = 1; i < argc; i++)
		buf_printf(&args, "%s%s", i > 1 ? " " : "", argv[i]);
	for (int i = 1; i < argc && r == 0; i++)
		r = replay_path(argv[i], &count, &failed);
	if (r < 0)
		printf("not ok - cannot read '%s': %s\n", failed, strerror(-r));
	else if (count == 0)
		printf("not ok - no inputs to replay in '%s'\n", argc > 1 ? args.data : "(no arguments)");
	else
		printf("ok - replayed %zu inputs from %s\n", count, args.data);
	free(failed);
	buf_free(&args);
	return 0;
}
