// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gettext catalog reader (parse/mo.h) and the back-translation through catalogs (parse/back_translate.h):
 * catalogs written here in both byte orders, cut and corrupted ones, and the machine's own (glibc's,
 * coreutils' and bash's, where libc-l10n and the programs' catalogs are installed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/back_translate.h"
#include "parse/mo.h"
#include "unit.h"

struct pair {
	const char *id, *str;
	size_t id_len, str_len; /* with the NULs between plural forms */
};

static void put32(unsigned char *p, uint32_t v, bool swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

/* A catalog of the n pairs, as msgfmt lays one out (no hash table); *ret_len its size. */
static unsigned char *write_mo(const struct pair *pairs, size_t n, bool swap, size_t *ret_len)
{
	size_t size = 28 + 16 * n, off;
	unsigned char *m;

	for (size_t i = 0; i < n; i++)
		size += pairs[i].id_len + 1 + pairs[i].str_len + 1;
	m = calloc(1, size);
	put32(m, 0x950412de, swap);
	put32(m + 4, 0, swap);
	put32(m + 8, (uint32_t)n, swap);
	put32(m + 12, 28, swap);
	put32(m + 16, (uint32_t)(28 + 8 * n), swap);
	off = 28 + 16 * n;
	for (size_t i = 0; i < n; i++) {
		put32(m + 28 + 8 * i, (uint32_t)pairs[i].id_len, swap);
		put32(m + 28 + 8 * i + 4, (uint32_t)off, swap);
		memcpy(m + off, pairs[i].id, pairs[i].id_len);
		off += pairs[i].id_len + 1;
	}
	for (size_t i = 0; i < n; i++) {
		put32(m + 28 + 8 * n + 8 * i, (uint32_t)pairs[i].str_len, swap);
		put32(m + 28 + 8 * n + 8 * i + 4, (uint32_t)off, swap);
		memcpy(m + off, pairs[i].str, pairs[i].str_len);
		off += pairs[i].str_len + 1;
	}
	*ret_len = size;
	return m;
}

#define PAIR(a, b) { a, b, sizeof(a) - 1, sizeof(b) - 1 }
static const struct pair pairs[] = {
	PAIR("", "Project-Id-Version: t\nContent-Type: text/plain; charset=UTF-8\n"),
	PAIR("Cannot allocate memory", "无法分配内存"),
	PAIR("Resource temporarily unavailable", "资源暂时不可用"),
	PAIR("%d process\0%d processes", "%d 个进程"),
};

static void both_byte_orders(void)
{
	for (int swap = 0; swap < 2; swap++) {
		size_t len;
		unsigned char *m = write_mo(pairs, 4, swap, &len);
		struct mo_catalog c;
		const char *id, *str;
		size_t id_len, str_len;

		CHECK(mo_open(&c, m, len) == 0);
		CHECK(c.swap == (bool)swap);
		CHECK_U64(c.n, 4);
		CHECK_STR(c.charset, "utf-8");
		CHECK(mo_entry(&c, 1, &id, &id_len, &str, &str_len));
		CHECK(id_len == 22 && memcmp(id, "Cannot allocate memory", 22) == 0);
		CHECK(str_len == strlen("无法分配内存") && memcmp(str, "无法分配内存", str_len) == 0);
		/* plural forms: the original's two, NUL-separated within its length */
		CHECK(mo_entry(&c, 3, &id, &id_len, &str, &str_len));
		CHECK(id_len == sizeof("%d process\0%d processes") - 1 && strcmp(id + strlen(id) + 1, "%d processes") == 0);
		CHECK(!mo_entry(&c, 4, &id, &id_len, &str, &str_len));
		free(m);
	}
}

static void malformed_catalogs(void)
{
	size_t len;
	unsigned char *m = write_mo(pairs, 4, false, &len), *x = malloc(len);
	struct mo_catalog c;
	const char *id, *str;
	size_t id_len, str_len;

	/* not a catalog: too short, a wrong magic, a later major revision */
	CHECK(mo_open(&c, m, 27) == -EINVAL);
	CHECK(mo_open(&c, NULL, 0) == -EINVAL);
	memcpy(x, m, len);
	x[0] ^= 1;
	CHECK(mo_open(&c, x, len) == -EINVAL);
	memcpy(x, m, len);
	put32(x + 4, 2u << 16, false);
	CHECK(mo_open(&c, x, len) == -EINVAL);
	/* tables that do not fit: a count past the end, an offset past the end, an unaligned one */
	memcpy(x, m, len);
	put32(x + 8, 0x20000000, false);
	CHECK(mo_open(&c, x, len) == -EINVAL);
	memcpy(x, m, len);
	put32(x + 16, (uint32_t)len, false);
	CHECK(mo_open(&c, x, len) == -EINVAL);
	memcpy(x, m, len);
	put32(x + 12, 30, false);
	CHECK(mo_open(&c, x, len) == -EINVAL);
	/* an entry whose string runs past the end, or has no NUL after it, is skipped; the others are read */
	memcpy(x, m, len);
	put32(x + 28 + 8, 0xffffff00u, false);
	CHECK(mo_open(&c, x, len) == 0);
	CHECK(!mo_entry(&c, 1, &id, &id_len, &str, &str_len));
	CHECK(mo_entry(&c, 2, &id, &id_len, &str, &str_len));
	memcpy(x, m, len);
	put32(x + 28 + 32 + 16, (uint32_t)strlen("资源暂时不可用") - 1, false);
	CHECK(mo_open(&c, x, len) == 0);
	CHECK(!mo_entry(&c, 2, &id, &id_len, &str, &str_len));
	/* the whole file cut anywhere: never a read past it */
	for (size_t cut = 0; cut < len; cut++) {
		unsigned char *part = malloc(cut ? cut : 1);

		memcpy(part, m, cut);
		if (mo_open(&c, part, cut) == 0)
			for (uint32_t i = 0; i < c.n; i++)
				if (mo_entry(&c, i, &id, &id_len, &str, &str_len))
					CHECK(str + str_len < (const char *)part + cut && id + id_len < (const char *)part + cut);
		free(part);
	}
	/* a header naming no charset */
	{
		static const struct pair bare[] = { PAIR("", "Project-Id-Version: t\n") };
		unsigned char *b = write_mo(bare, 1, false, &len);

		CHECK(mo_open(&c, b, len) == 0);
		CHECK_STR(c.charset, "");
		free(b);
	}
	free(x);
	free(m);
}

/* glibc's own German catalog, as libc-l10n installs it */
static void the_machines_catalog(void)
{
	const char *path = "/usr/share/locale/de/LC_MESSAGES/libc.mo";
	struct mo_catalog c;
	struct stat st;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool found = false;

	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("# skip: %s: not installed (libc-l10n)\n", path);
		if (fd >= 0)
			close(fd);
		return;
	}
	data = malloc((size_t)st.st_size + 1);
	CHECK(read(fd, data, (size_t)st.st_size) == st.st_size);
	close(fd);
	CHECK(mo_open(&c, data, (size_t)st.st_size) == 0);
	CHECK_STR(c.charset, "utf-8");
	CHECK(c.n > 500);
	for (uint32_t i = 0; i < c.n; i++) {
		const char *id, *str;
		size_t id_len, str_len;

		CHECK(mo_entry(&c, i, &id, &id_len, &str, &str_len));
		if (id_len == 22 && memcmp(id, "Cannot allocate memory", 22) == 0)
			found = str_len > 0 && (str_len != id_len || memcmp(str, id, id_len) != 0);
	}
	CHECK(found);
	free(data);
}

static struct mo_catalog catalog_of(const struct pair *p, size_t n, unsigned char **keep)
{
	size_t len;
	struct mo_catalog c;

	*keep = write_mo(p, n, false, &len);
	CHECK(mo_open(&c, *keep, len) == 0);
	return c;
}

static const char *english(const struct mo_catalog *c, size_t n, const char *line)
{
	static struct back_translation bt;

	back_translate(c, n, line, strlen(line), &bt);
	return bt.text;
}

static void translations_back_to_english(void)
{
	static const struct pair zh[] = {
		PAIR("", "Content-Type: text/plain; charset=UTF-8\n"),
		PAIR("Cannot allocate memory", "无法分配内存"),
		PAIR("Resource temporarily unavailable", "资源暂时不可用"),
		PAIR("fork system call failed", "fork 系统调用失败"),
		PAIR("%s: cannot fork: %s", "%s：无法 fork：%s"),
		PAIR("%d process\0%d processes", "%d 个进程"),
		/* reordered arguments */
		PAIR("%s of %s", "%2$s 的 %1$s"),
		PAIR("same", "same"),
		PAIR("abc", "短"),
		/* glibc's %m, PostgreSQL's own; and the same text without it, shorter in this catalog */
		PAIR("could not fork new process for connection: %m", "接続用の新しいプロセスをforkできませんでした: %m"),
		PAIR("could not fork new process for connection: ", "接続用の新しいプロセスをforkできませんでした"),
	};
	static const struct pair latin[] = {
		PAIR("", "Content-Type: text/plain; charset=UTF-8\n"),
		PAIR("Out of memory", "Speicher"),
		PAIR("%s: line %d: %s", "%s: Zeile %d: %s"),
	};
	unsigned char *m1, *m2;
	struct mo_catalog c[2] = { catalog_of(zh, 11, &m1), catalog_of(latin, 3, &m2) };
	static struct back_translation bt;

	CHECK_STR(english(c, 1, "-bash: fork: 无法分配内存"), "-bash: fork: Cannot allocate memory");
	CHECK_STR(english(c, 1, "timeout: fork 系统调用失败: 资源暂时不可用"),
		  "timeout: fork system call failed: Resource temporarily unavailable");
	/* a template: its values back where the original has them, the strerror within translated too */
	CHECK_STR(english(c, 1, "myd：无法 fork：资源暂时不可用"), "myd: cannot fork: Resource temporarily unavailable");
	CHECK_STR(english(c, 1, "还有 12 个进程"), "还有 12 processes");
	CHECK_STR(english(c, 1, "还有 1 个进程"), "还有 1 process");
	CHECK_STR(english(c, 1, "还有 x 个进程"), "还有 x 个进程"); /* %d takes digits only */
	CHECK_STR(english(c, 1, "B 的 A"), "A of B");
	/* %m: the strerror printed there, back in English too; not the shorter translation and a stray ": " */
	CHECK_STR(english(c, 1, "LOG:  接続用の新しいプロセスをforkできませんでした: 资源暂时不可用"),
		  "LOG:  could not fork new process for connection: Resource temporarily unavailable");
	/* twice in a line, and over lines */
	CHECK_STR(english(c, 1, "无法分配内存; 无法分配内存\n无法分配内存"),
		  "Cannot allocate memory; Cannot allocate memory\nCannot allocate memory");
	/* too short to tell from chance, and a msgstr that is its msgid, are not taken */
	CHECK_STR(english(c, 1, "短 same"), "短 same");
	/* fixed text is not found inside a word */
	CHECK_STR(english(c + 1, 1, "Speicherplatz"), "Speicherplatz");
	CHECK_STR(english(c + 1, 1, "kein Speicher"), "kein Out of memory");
	CHECK_STR(english(c + 1, 1, "bash: Zeile 3: Speicher"), "bash: line 3: Out of memory");
	/* English put in is not read again as a translation */
	CHECK_STR(english(c, 2, "x: Zeile 1: 无法分配内存"), "x: line 1: Cannot allocate memory");
	/* counts: translations replaced, and the fixed text they covered */
	CHECK_U64(back_translate(c, 1, S("-bash: fork: 无法分配内存"), &bt), 1);
	CHECK_U64(bt.translated_bytes, strlen("无法分配内存"));
	CHECK_U64(back_translate(c, 1, S("nothing here"), &bt), 0);
	CHECK_STR(bt.text, "nothing here");
	CHECK_U64(bt.translated_bytes, 0);
	/* a catalog in another charset is not read against a UTF-8 line */
	{
		struct mo_catalog k = c[0];

		snprintf(k.charset, sizeof(k.charset), "gb2312");
		CHECK_STR(english(&k, 1, "-bash: fork: 无法分配内存"), "-bash: fork: 无法分配内存");
	}
	/* NULs and invalid UTF-8 in the line are kept as they are, around what is replaced */
	CHECK_U64(back_translate(c, 1, S("\xff\0无法分配内存\xc3"), &bt), 1);
	CHECK(bt.len == 2 + 22 + 1 && memcmp(bt.text, "\xff\0Cannot allocate memory\xc3", bt.len) == 0);
	free(m1);
	free(m2);
}

/* A line longer than the output can hold, and English longer than the translation: bounded, not overrun. */
static void bounded_output(void)
{
	static const struct pair grow[] = {
		PAIR("", "Content-Type: text/plain; charset=UTF-8\n"),
		PAIR("a very long original text that is much longer than its translation", "kurz"),
	};
	unsigned char *m;
	struct mo_catalog c = catalog_of(grow, 2, &m);
	static struct back_translation bt;
	static char line[8000];

	for (size_t i = 0; i + 5 <= sizeof(line); i += 5)
		memcpy(line + i, "kurz ", 5);
	back_translate(&c, 1, line, sizeof(line), &bt);
	CHECK(bt.len <= BACK_TRANSLATE_MAX && bt.text[bt.len] == '\0');
	CHECK(bt.replaced > 0 && bt.replaced < BACK_TRANSLATE_MAX / 5);
	/* a line past the bound: read up to it */
	{
		static char big[BACK_TRANSLATE_MAX + 4000];

		memset(big, 'x', sizeof(big));
		memcpy(big + BACK_TRANSLATE_MAX - 2, "kurz", 4);
		CHECK_U64(back_translate(&c, 1, big, sizeof(big), &bt), 0);
		CHECK_U64(bt.len, BACK_TRANSLATE_MAX);
	}
	free(m);
}

static char *slurp(const char *path, size_t *ret_len)
{
	struct stat st;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	data = malloc((size_t)st.st_size + 1);
	if (read(fd, data, (size_t)st.st_size) != st.st_size) {
		free(data);
		close(fd);
		return NULL;
	}
	close(fd);
	*ret_len = (size_t)st.st_size;
	return data;
}

/* Lines as bash and timeout(1) print them, through the machine's catalogs of their languages. */
static void the_machines_languages(void)
{
	static const struct {
		const char *lang, *domains[3], *line, *want;
	} cases[] = {
		{ "zh_CN", { "libc", "bash" }, "-bash: fork: 无法分配内存", "-bash: fork: Cannot allocate memory" },
		{ "de", { "libc", "bash" }, "bash: fork: retry: Die Ressource ist zur Zeit nicht verfügbar",
		  "bash: fork: retry: Resource temporarily unavailable" },
		{ "ru", { "libc", "coreutils" }, "timeout: системный вызов fork завершился неудачно: Ресурс временно недоступен",
		  "timeout: fork system call failed: Resource temporarily unavailable" },
		{ "ja", { "libc" }, "bash: fork: リソースが一時的に利用できません", "bash: fork: Resource temporarily unavailable" },
	};
	static struct back_translation bt;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mo_catalog c[3];
		char *data[3] = { NULL, NULL, NULL }, path[256];
		size_t n = 0;
		bool missing = false;

		for (int d = 0; d < 3 && cases[i].domains[d]; d++) {
			size_t len;

			snprintf(path, sizeof(path), "/usr/share/locale/%s/LC_MESSAGES/%s.mo", cases[i].lang, cases[i].domains[d]);
			data[d] = slurp(path, &len);
			if (!data[d]) {
				printf("# skip: %s: not installed\n", path);
				missing = true;
				break;
			}
			CHECK(mo_open(&c[n++], data[d], len) == 0);
		}
		if (!missing) {
			back_translate(c, n, cases[i].line, strlen(cases[i].line), &bt);
			CHECK_STR(bt.text, cases[i].want);
		}
		for (int d = 0; d < 3; d++)
			free(data[d]);
	}
}

int main(void)
{
	RUN(both_byte_orders);
	RUN(malformed_catalogs);
	RUN(the_machines_catalog);
	RUN(translations_back_to_english);
	RUN(bounded_output);
	RUN(the_machines_languages);
	return 0;
}
