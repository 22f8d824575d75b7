/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_LOG_TEXT_H
#define HEADROOM_PARSE_LOG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One line of a text log, in the forms people keep and paste, split into its stamp, its writer and its
 * message:
 *   dmesg            "[  123.456789] Memory cgroup out of memory: Killed process 42 (java) ..."
 *   dmesg -r         "<3>[  123.456789] ..."         dmesg -T  "[Mon Jan  5 10:00:00 2026] ..."
 *   dmesg -H / -d    "[  +0.000003] ..."             (a delta: no time)
 *   syslog (rsyslog's traditional format, journalctl's short and short-precise)
 *                    "Dec  7 00:45:34 host kernel: [  123.456789] Killed process ..."
 *                    "Dec 07 00:45:34.123456 host systemd[1]: app.service: Failed with result 'oom-kill'."
 *   RFC 3339 (rsyslog's default file format, journalctl's short-iso and short-iso-precise)
 *                    "2026-12-07T00:45:34.123456+00:00 host earlyoom[812]: sending SIGTERM to ..."
 *   short-monotonic  "[ 1234.567890] host kernel: ..."
 *   journalctl's boot separator "-- Boot 0d5ad7ba4e6a4c3c9bbc2b2d2a1d6b8e --", "-- Reboot --"
 *   a message alone  (journalctl -o cat, a line copied from anywhere)
 * each possibly quoted in a mail or a ticket ("> ", "> > ", "| "). The month of a syslog stamp may be
 * written in another language (journalctl follows LC_TIME): the line is still split, and the month is
 * then unknown (0) unless it is a number ("12月").
 * Pure: the pointers point into line, which need not be NUL-terminated and may hold any bytes.
 */

enum log_text_form {
	LOG_FORM_MESSAGE,    /* no prefix recognised: the whole line is the message */
	LOG_FORM_DMESG,      /* a printk stamp, then the kernel's text */
	LOG_FORM_SYSLOG,     /* month, day, time (no year), host, writer */
	LOG_FORM_ISO,        /* RFC 3339 date and time, host, writer */
	LOG_FORM_MONOTONIC,  /* journalctl -o short-monotonic: printk-style stamp, host, writer */
	LOG_FORM_BOOT,       /* journalctl's "-- Boot ID --" or "-- Reboot --" separator */
	LOG_FORM_NOTE,       /* another "-- ... --" line of journalctl ("-- No entries --", "-- Logs begin at ...") */
};

enum log_wall {
	LOG_WALL_NONE,
	LOG_WALL_ZONED,   /* date and time with its UTC offset: wall_usec is exact */
	LOG_WALL_LOCAL,   /* date and time of the writer's zone, offset not given (dmesg -T) */
	LOG_WALL_NOYEAR,  /* month (0 when unknown), day and time, no year (syslog) */
};

struct log_text_line {
	enum log_text_form form;
	const char *msg;        /* the message: after every prefix, never NULL */
	size_t msg_len;
	const char *ident;      /* the writer, "kernel", "systemd", "sshd" ... (syslog, ISO, monotonic); NULL none */
	size_t ident_len;
	const char *host;       /* NULL none */
	size_t host_len;
	int pid;                /* the writer's [pid], 0 none */
	bool has_prio;          /* dmesg -r's "<N>" */
	unsigned prio;
	bool has_mono;          /* a printk stamp: time since boot */
	uint64_t mono_usec;
	enum log_wall wall;
	int year, month, day, hour, minute, second; /* month 1-12, 0 unknown; year 0 for NOYEAR */
	uint32_t usec;          /* fraction of the second, when written */
	int utc_offset_min;     /* LOG_WALL_ZONED */
	char boot_id[33];       /* LOG_FORM_BOOT: 32 hex digits, "" for "-- Reboot --" */
	unsigned quote_depth;   /* how many "> " were stripped */
};

/* Always fills ret (form LOG_FORM_MESSAGE at worst); returns 0. len counts no trailing '\n' (one is ignored). */
int log_text_parse(const char *line, size_t len, struct log_text_line *ret);

/* The exact time of a LOG_WALL_ZONED line, in microseconds since the epoch. */
int64_t log_text_zoned_usec(const struct log_text_line *l);

#endif
