/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_OOM_ADJ_H
#define HEADROOM_CORE_OOM_ADJ_H

/*
 * A process's oom_score_adj (-1000 never chosen .. 1000 chosen first), in /proc/PID/oom_score_adj of
 * the running machine. pid 0 is the caller. Lowering it below the value the process was given needs
 * CAP_SYS_RESOURCE (EACCES); another user's process needs root.
 */

/* Returns 0, or -errno (-ENOENT or -ESRCH: no such process; -EACCES, -EPERM: not permitted). */
int oom_adj_write(int pid, int value);

/* Returns 0 with *ret_value set, or -errno (-EINVAL: not a number). */
int oom_adj_read(int pid, int *ret_value);

#endif
