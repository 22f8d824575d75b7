/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_JOURNAL_EXPORT_H
#define HEADROOM_PARSE_JOURNAL_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The systemd journal's export format, as `journalctl -o export` writes it (systemd
 * docs/JOURNAL_EXPORT_FORMATS.md; written by src/shared/logs-show.c output_export(), read back by
 * src/shared/journal-importer.c for systemd-journal-remote):
 *
 *   __CURSOR=s=...;i=1;b=...\n            one field per line: NAME=value\n
 *   __REALTIME_TIMESTAMP=1765000000000000\n
 *   _BOOT_ID=0123456789abcdef0123456789abcdef\n
 *   MESSAGE\n                             a value that is not printable UTF-8 (a newline, a control
 *   <u64 length, little endian>a\nb\xff\n   character, invalid UTF-8): the name alone, then 8 bytes of
 *                                         length, the raw bytes and a newline
 *   \n                                    an empty line ends the entry
 *
 * Field order is undefined; a field may repeat (the first one is kept here, as sd_journal_get_data()
 * returns the first). A field name is 1 to 64 of A-Z, 0-9 and '_', not starting with a digit
 * (journal_field_valid() in src/libsystemd/sd-journal/journal-file.c); "__" names are the
 * addressing fields output_export() writes first (__CURSOR, __REALTIME_TIMESTAMP,
 * __MONOTONIC_TIMESTAMP, _BOOT_ID from the entry header; newer versions than 252 add __SEQNUM and
 * __SEQNUM_ID, as systemd main does; not read here).
 *
 * The parser is pure (no I/O) and streaming: journal_export_feed() takes chunks split anywhere, even
 * inside a name or a binary length, and calls back once per complete entry. Its memory is the struct
 * itself, whatever the input: only the fields of struct journal_entry are kept, MESSAGE up to
 * JOURNAL_FIELD_MAX bytes (the rest is skipped and the entry says message_truncated), the other
 * strings together up to JOURNAL_ENTRY_MAX - JOURNAL_FIELD_MAX bytes (a string that does not fit is
 * left out, as if absent, and counted in truncated_fields). Values are any bytes; nothing is
 * NUL-terminated. The struct is about 80 KiB: allocate it once, not on a small stack.
 *
 * Lenient where journalctl is strict, so that a user's saved file still reads:
 *  - a line that is neither NAME=value nor a valid binary field name is skipped and counted in
 *    malformed (a binary length over 768 MiB, journal-importer's DATA_SIZE_MAX, too);
 *  - "\r\n" ends a line as "\n" does (a file that went through a CRLF conversion): journalctl never
 *    writes a '\r' in a text value (it is a control character, so the field would be binary), so
 *    dropping a '\r' before the '\n' loses nothing; binary values are taken as they are;
 *  - the last entry need not be followed by an empty line (journal_export_finish()).
 */

#define JOURNAL_FIELD_MAX (64u * 1024)                      /* most bytes of MESSAGE kept */
#define JOURNAL_ENTRY_MAX (JOURNAL_FIELD_MAX + 16u * 1024)  /* MESSAGE plus every other string kept */
#define JOURNAL_BINARY_MAX (768ull * 1024 * 1024)           /* a larger binary length is malformed */

struct journal_entry {
	bool has_realtime;
	uint64_t realtime_usec;          /* __REALTIME_TIMESTAMP: when journald stored it, since the epoch */
	bool has_monotonic;
	uint64_t monotonic_usec;         /* __MONOTONIC_TIMESTAMP: CLOCK_MONOTONIC of boot_id at storing */
	bool has_source_monotonic;
	uint64_t source_monotonic_usec;  /* _SOURCE_MONOTONIC_TIMESTAMP (kernel entries: the printk time) */
	char boot_id[33];                /* _BOOT_ID, 32 lowercase hex digits; "" when absent or invalid */
	bool kernel;                     /* _TRANSPORT=kernel */
	int priority;                    /* PRIORITY 0..7, -1 when absent or invalid */
	int pid;                         /* _PID, 0 when absent or invalid */
	const char *message;             /* MESSAGE, any bytes; NULL when absent */
	size_t message_len;
	bool message_truncated;          /* longer than JOURNAL_FIELD_MAX: the first JOURNAL_FIELD_MAX kept */
	const char *identifier;          /* SYSLOG_IDENTIFIER */
	size_t identifier_len;
	const char *comm;                /* _COMM */
	size_t comm_len;
	const char *unit;                /* UNIT, else USER_UNIT: the unit a PID1 message is about */
	size_t unit_len;
	const char *systemd_unit;        /* _SYSTEMD_UNIT: the unit of the process that logged */
	size_t systemd_unit_len;
	const char *systemd_cgroup;      /* _SYSTEMD_CGROUP */
	size_t systemd_cgroup_len;
	const char *message_id;          /* MESSAGE_ID */
	size_t message_id_len;
	const char *unit_result;         /* UNIT_RESULT */
	size_t unit_result_len;
	uint64_t n_processes;            /* N_PROCESSES */
	bool has_n_processes;
};

/* Called once per entry; the pointers in e are valid only during the call. Return < 0 to stop. */
typedef int journal_entry_fn(void *ctx, const struct journal_entry *e);

/* The strings kept, in the order of JOURNAL_FIELD_* in journal_export.c. */
#define JOURNAL_STRINGS 9

struct journal_export_parser {
	/* counters, since journal_export_init() */
	uint64_t entries;           /* entries passed to the callback */
	uint64_t malformed;         /* lines that were neither NAME=value nor a binary field */
	uint64_t truncated_fields;  /* values cut (MESSAGE) or left out (the others), binary fields cut by EOF */

	/* private: the state between two chunks */
	int state;
	char name[65];              /* the field name read so far */
	size_t name_len;
	bool cr;                    /* a '\r' just read, kept back until the next byte says whether it ends the line */
	int field;                  /* which field the value being read is, -1 none */
	uint64_t bin_len;           /* binary field: its length and how much of it is still to come */
	uint64_t bin_left;
	unsigned bin_len_bytes;     /* how many bytes of the length were read */
	bool value_dropped;         /* the current value does not fit: it is left out */
	char scratch[32];           /* a short value (number, boot id, transport) being read */
	size_t scratch_len;
	bool scratch_overflow;
	size_t nfields;             /* fields read in this entry */
	unsigned scalars_seen;      /* a bit per scalar field read in this entry (the first one counts) */
	size_t str_off[JOURNAL_STRINGS], str_len[JOURNAL_STRINGS];
	bool str_seen[JOURNAL_STRINGS];
	size_t other_used;          /* bytes of data[] used after the MESSAGE area */
	struct journal_entry e;
	char data[JOURNAL_ENTRY_MAX];
};

void journal_export_init(struct journal_export_parser *p);

/*
 * Feeds the next len bytes of the stream (any split); calls fn for each entry completed by them.
 * Returns 0, or fn's negative value: the rest of this chunk is then not read (stop the stream there).
 */
int journal_export_feed(struct journal_export_parser *p, const char *data, size_t len, journal_entry_fn *fn,
			void *ctx);

/*
 * The end of the stream: passes on the last entry if no empty line followed it. A binary field cut
 * short (in its length or its value) is counted in truncated_fields; what was read of a cut MESSAGE
 * is kept and flagged message_truncated. Returns 0 or fn's negative value. The parser is then ready
 * for a new stream (its counters go on).
 */
int journal_export_finish(struct journal_export_parser *p, journal_entry_fn *fn, void *ctx);

/*
 * True when data (the start of a file, len bytes of it) reads like export output: its first line is
 * NAME=value or a binary field name, and a trusted or addressing field ('_' first) or MESSAGE comes
 * before the first empty line. Syslog text, dmesg output and the journal's binary files are not.
 */
bool journal_export_looks_like(const char *data, size_t len);

#endif
