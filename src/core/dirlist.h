/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_DIRLIST_H
#define HEADROOM_CORE_DIRLIST_H

#include <stddef.h>

/*
 * A directory's entries through getdents64, in a buffer the caller owns: opendir() would malloc its
 * own, which the daemon's loop must not (see core/arena.h).
 */
struct dir_list {
	int fd;            /* not owned */
	size_t len, pos;
	char buf[8192];
};

/* Lists the directory open at fd, from its current offset. */
void dir_list_start(struct dir_list *l, int fd);
/*
 * The next entry's name, skipping "." and "..", with its d_type in *ret_type (DT_UNKNOWN when the
 * file system does not say); NULL at the end, with *ret_err 0, or -errno when listing failed.
 */
const char *dir_list_next(struct dir_list *l, unsigned char *ret_type, int *ret_err);

#endif
