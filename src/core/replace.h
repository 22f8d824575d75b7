/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_REPLACE_H
#define HEADROOM_CORE_REPLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Files headroom writes into directories others may write to (a textfile directory shared with
 * node_exporter's group, a state directory): nothing planted there is ever followed or truncated.
 */

/*
 * Writes data to dirfd/name by a new temporary file beside it (".NAME.XXXXXXXX", created with
 * O_CREAT|O_EXCL|O_NOFOLLOW, so an existing file or link of that name makes it pick another name,
 * never open it), then renameat() over name (which replaces a link at name, never follows it).
 * sync: fsync before the rename. Returns 0 or -errno; the temporary file is removed on failure.
 * Allocates nothing: the daemon calls it from its loop.
 */
int replace_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, bool sync);

/*
 * Whether a file can be created in the directory open at dirfd: an unnamed O_TMPFILE (3.11+), or
 * where the file system lacks it, access(W_OK). Catches a read-only mount as well as permissions.
 * Returns 0 or -errno.
 */
int dir_takes_files(int dirfd);

#endif
