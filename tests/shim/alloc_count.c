// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A malloc interposer (LD_PRELOAD) that counts calls to malloc and its kin, for the test that headroom
 * watch allocates nothing after start-up. headroom finds headroom_alloc_calls() through a weak
 * reference and logs the count when it stops. Allocation itself goes to glibc's own functions.
 */
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void *__libc_valloc(size_t n);
extern void *__libc_pvalloc(size_t n);
extern void __libc_free(void *p);

static unsigned long calls;

static void count(void)
{
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
}

unsigned long headroom_alloc_calls(void);
unsigned long headroom_alloc_calls(void)
{
	return __atomic_load_n(&calls, __ATOMIC_RELAXED);
}

void *malloc(size_t n)
{
	count();
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	count();
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	count();
	return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
	count();
	return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	count();
	return __libc_memalign(align, n);
}

int posix_memalign(void **ret, size_t align, size_t n)
{
	void *p;

	count();
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*ret = p;
	return 0;
}

void *valloc(size_t n)
{
	count();
	return __libc_valloc(n);
}

void *pvalloc(size_t n)
{
	count();
	return __libc_pvalloc(n);
}

void free(void *p)
{
	__libc_free(p);
}
