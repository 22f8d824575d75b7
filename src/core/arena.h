/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_ARENA_H
#define HEADROOM_CORE_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A bump allocator over address space reserved once (mmap, MAP_NORESERVE): what lets the daemon run
 * the report's whole pipeline in its loop without calling malloc. There is no arena "in use": the
 * caller names the arena each new block comes from (mem_alloc and its kin in core/buf.h, through the
 * snapshot, assessment or buffer being built). xfree of its blocks does nothing (the last block is
 * given back), and arena_reset drops everything at once.
 *
 * Only touched pages count toward the resident size; under mlockall(MCL_ONFAULT) they stay locked
 * once touched, so a reset arena is reused without faulting.
 *
 * Invariants: base != NULL after arena_init; used <= size; peak is the most ever used.
 * When a block does not fit, the allocators fall back to malloc and count it in *overflows*: the
 * daemon reports that figure rather than failing a scan. Those heap blocks are remembered (in spill:
 * ARENA_SPILL_INLINE of them in the arena itself, then in a list grown on the heap, which is in use
 * anyway) and freed by arena_reset with the rest, however many there are. Single-threaded only: the
 * arenas alive are listed so that a block's arena is found by its address (arena_owner).
 */
#define ARENA_SPILL_INLINE 256
struct arena {
	char *base;
	size_t size;       /* reserved bytes */
	size_t used;
	size_t peak;
	size_t last;       /* offset of the last block's header, for in-place growth; SIZE_MAX none */
	uint64_t overflows;
	void **spill;      /* heap blocks taken while this arena was in use: spill_inline, or a heap list */
	size_t nspill, spill_cap;
	void *spill_inline[ARENA_SPILL_INLINE];
};

/*
 * size bytes of zeroed address space, reserved (MAP_NORESERVE) and made resident page by page as it is
 * touched: not in transparent huge pages, which under THP "always" (Debian's kernels) would make a page
 * touched in a reservation 2 MiB resident. NULL with errno set. release_space gives it back.
 */
void *reserve_space(size_t size);
void release_space(void *p, size_t size);

/* Reserves size bytes of address space. Returns 0 or -errno. */
int arena_init(struct arena *a, size_t size);
void arena_destroy(struct arena *a);
/* Forgets every block. */
void arena_reset(struct arena *a);

/* The allocator side, for core/buf.c: NULL when the block does not fit (or when a is NULL). */
void *arena_alloc(struct arena *a, size_t n);
/* The arena p lies in, or NULL for a heap pointer. */
struct arena *arena_owner(const void *p);
/* Resizes block p of arena a: in place when it is the last block, else a copy. NULL when it does not fit. */
void *arena_realloc(struct arena *a, void *p, size_t n);
/* Remembers heap block p, taken because a did not have room, for arena_reset to free. */
void arena_spill_add(struct arena *a, void *p);
/* Forgets heap block p (freed or moved by its user). Returns the arena that held it (a, or any when a is NULL), or NULL. */
struct arena *arena_spill_forget(struct arena *a, void *p);

/* The size block p was asked with. */
size_t arena_block_size(const void *p);
/* Gives back block p when it is the last one; otherwise does nothing. */
void arena_release(struct arena *a, void *p);

#endif
