// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/dirlist.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

void dir_list_start(struct dir_list *l, int fd)
{
	l->fd = fd;
	l->len = l->pos = 0;
}

const char *dir_list_next(struct dir_list *l, unsigned char *ret_type, int *ret_err)
{
	*ret_err = 0;
	for (;;) {
		while (l->pos < l->len) {
			struct dirent64 *de = (struct dirent64 *)(void *)(l->buf + l->pos);

			l->pos += de->d_reclen;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			*ret_type = de->d_type;
			return de->d_name;
		}
		ssize_t n = getdents64(l->fd, l->buf, sizeof(l->buf));

		if (n <= 0) {
			*ret_err = n < 0 ? -errno : 0;
			return NULL;
		}
		l->len = (size_t)n;
		l->pos = 0;
	}
}
