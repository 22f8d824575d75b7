/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_LOADAVG_H
#define HEADROOM_PARSE_LOADAVG_H

#include <stddef.h>
#include <stdint.h>

/*
 * /proc/loadavg: "0.37 0.09 0.03 1/80 1896". Field 4 is nr_running()/nr_threads: nr_threads is the
 * kernel's own task counter that kernel.threads-max is checked against, host-global even inside
 * containers, zombies included until reaped (fs/proc/loadavg.c; kernel/exit.c:__unhash_process).
 * Field 5 is the last pid allocated in the reader's pid namespace.
 */
struct loadavg {
	uint64_t nr_running;
	uint64_t nr_threads;
	uint64_t last_pid;
};

/* Returns 0 or -EINVAL. */
int loadavg_parse(const char *buf, size_t len, struct loadavg *ret);

#endif
