// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's allocation: arenas named by each caller, the stable sort, the directory lister. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/dirlist.h"
#include "core/sort.h"
#include "unit.h"

static bool in_arena(const struct arena *a, const void *p)
{
	return (const char *)p >= a->base && (const char *)p < a->base + a->size;
}

static void blocks_come_from_the_arena_named(void)
{
	struct arena a;
	char *p, *q;
	struct buf b;

	CHECK(arena_init(&a, 1 << 20) == 0);
	p = mem_alloc(&a, 10);
	CHECK(in_arena(&a, p));
	CHECK((uintptr_t)p % 16 == 0);
	q = mem_calloc(&a, 4, 8);
	CHECK(in_arena(&a, q));
	for (int i = 0; i < 32; i++)
		CHECK(q[i] == 0);
	/* the last block grows in place */
	CHECK(xrealloc(q, 4000) == q);
	/* an earlier one is copied, contents kept */
	memcpy(p, "arena-ok!", 10);
	q = xrealloc(p, 64);
	CHECK(q != p && in_arena(&a, q));
	CHECK_STR(q, "arena-ok!");
	/* a growing buffer stays in its arena */
	buf_init_in(&b, &a);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	CHECK(in_arena(&a, b.data));
	CHECK(b.len > 2000);
	buf_free(&b);
	/* strings too */
	p = mem_asprintf(&a, "%s-%d", "pid", 42);
	CHECK(in_arena(&a, p));
	CHECK_STR(p, "pid-42");
	str_appendf(&a, &p, "; %s", "more");
	CHECK(in_arena(&a, p));
	CHECK_STR(p, "pid-42; more");
	p = mem_reallocarray(&a, NULL, 3, 8);
	CHECK(in_arena(&a, p));
	/* giving back the last block reuses its space */
	{
		size_t used = a.used;
		char *r = mem_alloc(&a, 100);

		xfree(r);
		CHECK_U64(a.used, used);
	}
	/* the x helpers and a NULL arena: the heap, whatever was allocated before */
	p = xmalloc(10);
	CHECK(!in_arena(&a, p));
	xfree(p);
	p = mem_strdup(NULL, "heap");
	CHECK(!in_arena(&a, p));
	xfree(p);
	CHECK(a.peak >= a.used && a.peak > 4000);
	arena_reset(&a);
	CHECK_U64(a.used, 0);
	arena_destroy(&a);
}

/* Two arenas in turn, as the daemon's two ticks and its scan: each block goes where it is asked. */
static void two_arenas_do_not_mix(void)
{
	struct arena x, y;
	char *p, *q, *r;

	CHECK(arena_init(&x, 1 << 16) == 0);
	CHECK(arena_init(&y, 1 << 16) == 0);
	p = mem_strdup(&x, "x");
	q = mem_strdup(&y, "y");
	r = mem_strdup(&x, "x again");
	CHECK(in_arena(&x, p) && in_arena(&y, q) && in_arena(&x, r));
	CHECK(arena_owner(p) == &x && arena_owner(q) == &y && arena_owner(r) == &x);
	/* a block grows where it lives, not where the last one was taken */
	p = xrealloc(p, 5000);
	CHECK(in_arena(&x, p));
	q = mem_strdup(&y, "y again");
	CHECK(in_arena(&y, q));
	/* resetting one leaves the other's blocks alone */
	arena_reset(&x);
	CHECK_STR(q, "y again");
	CHECK(arena_owner(mem_alloc(&x, 8)) == &x);
	arena_destroy(&x);
	arena_destroy(&y);
}

static void a_full_arena_spills_to_the_heap_and_gets_it_back(void)
{
	struct arena a;
	char *big, *p, *q;

	CHECK(arena_init(&a, 8192) == 0);
	big = mem_alloc(&a, 6000);
	CHECK(in_arena(&a, big));
	p = mem_alloc(&a, 6000); /* does not fit */
	CHECK(!in_arena(&a, p));
	CHECK_U64(a.overflows, 1);
	CHECK_U64(a.nspill, 1);
	memset(p, 'x', 6000);
	/* a spilled block that moves is still remembered; one freed by its user is forgotten */
	p = xrealloc(p, 100000);
	CHECK_U64(a.nspill, 1);
	q = mem_calloc(&a, 1, 7000);
	CHECK_U64(a.nspill, 2);
	xfree(q);
	CHECK_U64(a.nspill, 1);
	/* an arena block that outgrows the arena moves to the heap, contents kept */
	memcpy(big, "kept", 5);
	q = xrealloc(big, 20000);
	CHECK(!in_arena(&a, q));
	CHECK_STR(q, "kept");
	CHECK_U64(a.nspill, 2);
	/* the reset frees what spilled (the sanitizer build would report a leak or a double free) */
	arena_reset(&a);
	CHECK_U64(a.nspill, 0);
	arena_destroy(&a);
}

struct item {
	int key, order;
};

static int cmp_key(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	return (a->key > b->key) - (a->key < b->key);
}

static void the_sort_is_stable(void)
{
	struct item v[2000];
	bool ok = true;

	srand(7);
	for (int i = 0; i < 2000; i++)
		v[i] = (struct item){ rand() % 50, i };
	xsort(v, 2000, sizeof(v[0]), cmp_key, NULL);
	for (int i = 1; i < 2000; i++)
		ok &= v[i - 1].key < v[i].key || (v[i - 1].key == v[i].key && v[i - 1].order < v[i].order);
	CHECK(ok);
	xsort(v, 0, sizeof(v[0]), cmp_key, NULL);
	xsort(v, 1, sizeof(v[0]), cmp_key, NULL);
	/* its scratch space from an arena: sorted the same, and given back (it is the last block) */
	{
		struct arena a;

		CHECK(arena_init(&a, 1 << 20) == 0);
		for (int i = 0; i < 2000; i++)
			v[i] = (struct item){ rand() % 50, i };
		xsort(v, 2000, sizeof(v[0]), cmp_key, &a);
		ok = true;
		for (int i = 1; i < 2000; i++)
			ok &= v[i - 1].key < v[i].key || (v[i - 1].key == v[i].key && v[i - 1].order < v[i].order);
		CHECK(ok);
		CHECK(a.peak >= 2000 * sizeof(v[0]));
		CHECK_U64(a.used, 0);
		arena_destroy(&a);
	}
}

static void the_directory_lister_sees_every_entry(void)
{
	char dir[] = "/tmp/headroom-unit-XXXXXX", path[64];
	struct dir_list *l = xmalloc(sizeof(*l));
	unsigned seen = 0, dirs = 0;
	unsigned char type;
	const char *name;
	int fd, err;

	CHECK(mkdtemp(dir) != NULL);
	for (int i = 0; i < 300; i++) { /* more than one getdents64 buffer */
		snprintf(path, sizeof(path), "%s/entry-with-a-longish-name-%03d", dir, i);
		close(open(path, O_CREAT | O_WRONLY, 0600));
	}
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	dir_list_start(l, fd);
	while ((name = dir_list_next(l, &type, &err))) {
		CHECK(strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
		seen++;
		dirs += type == DT_DIR;
	}
	CHECK_U64(err, 0);
	CHECK_U64(seen, 301);
	CHECK_U64(dirs, 1);
	close(fd);
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "%s/entry-with-a-longish-name-%03d", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
	xfree(l);
}

/*
 * Appending one element at a time: the array grows geometrically in its arena, so that the arena holds
 * a few copies of it, not one per element (the cgroup walk's array was quadratic: 74 MB at 1,000 cgroups).
 */
static void an_array_grown_one_at_a_time_stays_linear(void)
{
	struct arena a;
	struct { char pad[200]; } *v = NULL;
	size_t cap = 0, n = 0, resizes = 0;

	CHECK(arena_init(&a, 64 << 20) == 0);
	for (n = 0; n < 10000; n++) {
		void *before = v;

		MEM_GROW(&a, v, cap, n + 1);
		resizes += v != before;
		/* a string between two appends: the array is never the arena's last block */
		(void)mem_strdup(&a, "/kubepods.slice/kubepods-burstable.slice");
		memset(v[n].pad, (int)(n & 0x7f), sizeof(v[n].pad));
	}
	CHECK(cap >= n && cap < 2 * n);
	CHECK(resizes <= 12);
	CHECK_U64(v[9999].pad[199], 9999 & 0x7f);
	CHECK_U64(v[1234].pad[0], 1234 & 0x7f);
	/* 10,000 elements of 200 bytes are 2 MB: the copies (8, 16, ... 16,384 elements) sum to 6.5 MB; one
	 * copy per append would be 10 GB */
	CHECK(a.used < 8u << 20);
	CHECK_U64(a.overflows, 0);
	arena_destroy(&a);
	/* on the heap alike */
	v = NULL;
	cap = 0;
	for (n = 0; n < 100; n++)
		MEM_GROW(NULL, v, cap, n + 1);
	CHECK(cap >= 100);
	xfree(v);
}

/* More heap blocks than the arena remembers inline: every one is still freed at reset (ASan: no leak). */
static void every_spilled_block_is_freed_at_reset(void)
{
	struct arena a;

	CHECK(arena_init(&a, 4096) == 0);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 3 * ARENA_SPILL_INLINE; i++) {
			char *p = mem_alloc(&a, 8192);

			CHECK(!in_arena(&a, p));
			p[0] = 1;
		}
		CHECK_U64(a.nspill, 3 * ARENA_SPILL_INLINE);
		CHECK(a.spill_cap >= 3 * ARENA_SPILL_INLINE);
		arena_reset(&a);
		CHECK_U64(a.nspill, 0);
	}
	/* a spilled block freed by its user leaves the list */
	{
		char *p = mem_alloc(&a, 8192);

		CHECK_U64(a.nspill, 1);
		xfree(p);
		CHECK_U64(a.nspill, 0);
	}
	arena_destroy(&a);
}

int main(void)
{
	RUN(an_array_grown_one_at_a_time_stays_linear);
	RUN(every_spilled_block_is_freed_at_reset);
	RUN(blocks_come_from_the_arena_named);
	RUN(two_arenas_do_not_mix);
	RUN(a_full_arena_spills_to_the_heap_and_gets_it_back);
	RUN(the_sort_is_stable);
	RUN(the_directory_lister_sees_every_entry);
	return 0;
}
