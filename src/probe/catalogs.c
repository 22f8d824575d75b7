// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/catalogs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/dirlist.h"
#include "core/sort.h"

/* Languages tried at most: Debian's libc-l10n has about 40. */
#define LANGS_MAX 256
#define LANG_NAME_MAX 64
/* Catalogs of one language read at most, and their size in all. */
#define DOMAIN_FILES_MAX 64
#define DOMAIN_BYTES_MAX (64u << 20)

/*
 * The catalogs of the programs whose failure lines headroom reads: a name, or a prefix ending in '-'
 * for those installed with their version ("postgres-15.mo").
 */
static const char *const domains[] = {
	"libc", "bash", "coreutils", "findutils", "util-linux", "procps-ng", "psmisc", "sudo", "systemd", "shadow",
	"sed", "grep", "tar", "make", "wget", "postgres-", "libpq5-", "pg_ctl-", "initdb-", "psql-",
};

static bool domain_wanted(const char *file)
{
	size_t n = strlen(file);

	if (n < 4 || strcmp(file + n - 3, ".mo") != 0)
		return false;
	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		size_t d = strlen(domains[i]);

		if (domains[i][d - 1] == '-' ? strncmp(file, domains[i], d) == 0 && n > d + 3
					     : n == d + 3 && strncmp(file, domains[i], d) == 0)
			return true;
	}
	return false;
}

/* A language directory's name as gettext spells one ("de", "zh_CN", "sr@latin"): no path, no dots. */
static bool lang_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= LANG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '@' || s[i] == '-'))
			return false;
	return true;
}

/* Reads <root>/CATALOGS_DIR/lang/LC_MESSAGES/file into b and opens it as c. */
static int load(const struct hr_root *root, const char *lang, const char *file, struct buf *b, struct mo_catalog *c)
{
	char path[sizeof(CATALOGS_DIR) + 2 * LANG_NAME_MAX + 300];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s", CATALOGS_DIR, lang, file);
	buf_init(b);
	n = read_file_at(root, root->fd, path, b);
	if (n < 0)
		return (int)n;
	return mo_open(c, b->data, b->len);
}

/* How much of the line lang's glibc catalog reads: its fixed text's bytes; -errno when it cannot be read. */
static long libc_score(const struct hr_root *root, const char *lang, const char *line, size_t len,
		       struct back_translation *scratch)
{
	struct mo_catalog c;
	struct buf b;
	long score;
	int r = load(root, lang, "libc.mo", &b, &c);

	if (r < 0) {
		buf_free(&b);
		return r;
	}
	back_translate(&c, 1, line, len, scratch);
	score = (long)scratch->translated_bytes;
	buf_free(&b);
	return score;
}

/* The user's language directories from the environment, most wanted first: "zh_CN.UTF-8" gives "zh_CN", "zh". */
static size_t env_langs(char (*out)[LANG_NAME_MAX], size_t max)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	size_t n = 0;

	for (size_t v = 0; v < 4 && n < max; v++) {
		const char *s = getenv(vars[v]);

		while (s && *s && n < max) {
			size_t k = strcspn(s, ":");
			char name[LANG_NAME_MAX];

			if (k < LANG_NAME_MAX) {
				memcpy(name, s, k);
				name[k] = '\0';
				name[strcspn(name, ".")] = '\0'; /* the codeset; "@modifier" stays */
				if (lang_name_ok(name) && strcmp(name, "C") != 0 && strcmp(name, "POSIX") != 0) {
					snprintf(out[n++], LANG_NAME_MAX, "%s", name);
					if (strchr(name, '_') && n < max) {
						name[strcspn(name, "_")] = '\0';
						snprintf(out[n++], LANG_NAME_MAX, "%s", name);
					}
				}
			}
			s += k;
			if (*s == ':')
				s++;
		}
		if (n)
			break; /* as gettext: the first variable set decides */
	}
	return n;
}

/* The installed languages, as listed by installed_langs(): one list, for whichever call lists them. */
static char langs[LANGS_MAX][LANG_NAME_MAX];

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The language directories installed that have a glibc catalog, sorted; -errno when the directory cannot be listed. */
static long installed_langs(const struct hr_root *root, char (*out)[LANG_NAME_MAX], size_t max)
{
	struct dir_list *l;
	const char *name;
	unsigned char type;
	size_t n = 0;
	int err = 0, fd = root_openat(root, root->fd, CATALOGS_DIR, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return fd;
	l = xmalloc(sizeof(*l));
	dir_list_start(l, fd);
	while ((name = dir_list_next(l, &type, &err)) && n < max) {
		char path[LANG_NAME_MAX + 32];

		if (!lang_name_ok(name))
			continue;
		snprintf(path, sizeof(path), "%s/LC_MESSAGES/libc.mo", name);
		if (root_access(root, fd, path) == 0)
			snprintf(out[n++], LANG_NAME_MAX, "%s", name);
	}
	xfree(l);
	close(fd);
	xsort(out, n, LANG_NAME_MAX, cmp_name, NULL);
	return err < 0 && !n ? err : (long)n;
}

int catalogs_back_translate(const struct hr_root *root, const char *line, size_t len, struct message_translation *ret)
{
	static char mine[8][LANG_NAME_MAX];
	static struct back_translation scratch;
	static struct mo_catalog cats[DOMAIN_FILES_MAX];
	static struct buf bufs[DOMAIN_FILES_MAX];
	long n, best_score = 0, s;
	size_t nmine = env_langs(mine, 8), ncats = 0, bytes = 0;
	const char *best = NULL;
	struct dir_list *l;
	const char *name;
	unsigned char type;
	char dir[sizeof(CATALOGS_DIR) + LANG_NAME_MAX + 16];
	int fd, err = 0;

	memset(ret->lang, 0, sizeof(ret->lang));
	ret->catalogs = ret->languages = 0;
	back_translate(NULL, 0, line, len, &ret->bt);
	/* the user's own languages first: the line is most often theirs */
	for (size_t i = 0; i < nmine && !best; i++) {
		s = libc_score(root, mine[i], line, len, &scratch);
		ret->languages += s >= 0;
		if (s > 0) {
			best = mine[i];
			best_score = s;
		}
	}
	if (!best) {
		n = installed_langs(root, langs, LANGS_MAX);
		if (n < 0)
			return (int)n;
		if (n == 0 && !ret->languages)
			return -ENOENT;
		for (long i = 0; i < n; i++) {
			s = libc_score(root, langs[i], line, len, &scratch);
			ret->languages += s >= 0;
			if (s > best_score) {
				best = langs[i];
				best_score = s;
			}
		}
	}
	if (!best)
		return 0;
	snprintf(ret->lang, sizeof(ret->lang), "%s", best);
	/* that language's catalogs of the programs headroom reads */
	snprintf(dir, sizeof(dir), "%s/%s/LC_MESSAGES", CATALOGS_DIR, best);
	fd = root_openat(root, root->fd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;
	l = xmalloc(sizeof(*l));
	dir_list_start(l, fd);
	while ((name = dir_list_next(l, &type, &err)) && ncats < DOMAIN_FILES_MAX && bytes < DOMAIN_BYTES_MAX) {
		if (!domain_wanted(name))
			continue;
		if (load(root, best, name, &bufs[ncats], &cats[ncats]) < 0) {
			buf_free(&bufs[ncats]);
			continue;
		}
		bytes += bufs[ncats].len;
		ncats++;
	}
	xfree(l);
	close(fd);
	back_translate(cats, ncats, line, len, &ret->bt);
	ret->catalogs = (unsigned)ncats;
	for (size_t i = 0; i < ncats; i++)
		buf_free(&bufs[i]);
	return ret->bt.replaced ? 1 : 0;
}

bool catalogs_language_installed(const struct hr_root *root, const char *code)
{
	size_t lang = strcspn(code, "_@."), full = strcspn(code, "@.");
	long n = installed_langs(root, langs, LANGS_MAX);

	/* "zh_CN" (or "zh_CN.UTF-8") wants zh_CN or zh; "pt" any pt_* */
	for (long i = 0; i < n; i++) {
		size_t have = strcspn(langs[i], "_@.");

		if (have != lang || strncmp(langs[i], code, lang) != 0)
			continue;
		if (full == lang || !langs[i][have] || (strlen(langs[i]) == full && strncmp(langs[i], code, full) == 0))
			return true;
	}
	return false;
}
