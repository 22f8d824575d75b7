// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log without a kernel: /dev/kmsg records parsed (who wrote them: facility and level), and
 * the reader's bookkeeping fed record by record: sequence gaps counted as lost, records from user space
 * skipped, the first record after an open taken as the starting point.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diagnose/explain.h"
#include "diagnose/oom_history.h"
#include "parse/kmsg.h"
#include "probe/kernel_log.h"
#include "unit.h"

static void kmsg_records(void)
{
	struct kmsg_record r;
	char out[128];

	CHECK(kmsg_parse(S("6,1234,5678901,-;Memory cgroup out of memory: Killed process 42 (java)\n"), &r) == 0);
	CHECK(r.prio == 6 && r.seq == 1234 && r.usec == 5678901 && !r.continuation);
	CHECK(r.text_len == strlen("Memory cgroup out of memory: Killed process 42 (java)"));
	CHECK(kmsg_parse(S("4,7,8,c;oom-kill:constraint=CONSTRAINT_MEMCG\n SUBSYSTEM=x\n"), &r) == 0);
	CHECK(r.continuation && r.text_len == strlen("oom-kill:constraint=CONSTRAINT_MEMCG"));
	/* fields the kernel may add after the flags are skipped */
	CHECK(kmsg_parse(S("6,1,2,-,caller=T1;text"), &r) == 0 && r.text_len == 4);
	CHECK(kmsg_parse(S("6,1,2;no flags\n"), &r) == -EINVAL);
	CHECK(kmsg_parse(S("6,1,2,-\n"), &r) == -EINVAL);
	CHECK(kmsg_parse(S("2048,1,2,-;prio too large"), &r) == -EINVAL);
	CHECK(kmsg_parse(S("6,99999999999999999999,2,-;overflow"), &r) == -EINVAL);
	CHECK(kmsg_parse(S(""), &r) == -EINVAL);
	/* escapes: printable ones decoded, control characters kept escaped, raw controls dropped */
	kmsg_unescape(S("a\\x5cb \\x0a c\\x1b[31m \\xzz\x07"), out, sizeof(out));
	CHECK_STR(out, "a\\b \\x0a c\\x1b[31m \\xzz");
	CHECK(kmsg_unescape(S("abcdef"), out, 4) == 3);
	CHECK_STR(out, "abc");
}

/* prio = facility * 8 + level; as read back on 6.18 after writing each line into /dev/kmsg as root */
static void facility_and_level(void)
{
	static const struct {
		const char *rec;
		unsigned facility, level;
		bool kernel;
	} t[] = {
		{ "6,1,2,-;Memory cgroup out of memory: Killed process 42 (java)", 0, 6, true }, /* the kernel, KERN_INFO */
		{ "3,1,2,-;Out of memory: Killed process 42 (java)", 0, 3, true },
		{ "0,1,2,-;Kernel panic", 0, 0, true },
		{ "12,1,2,-;written with no prefix", 1, 4, false },  /* LOG_USER, default_message_loglevel */
		{ "11,1,2,-;written as <3>", 1, 3, false },          /* a facility-0 prefix stays LOG_USER */
		{ "8,1,2,-;written as <0>", 1, 0, false },
		{ "14,1,2,-;written as <14>", 1, 6, false },
		{ "30,1,2,-;written as <30> (LOG_DAEMON)", 3, 6, false },
		{ "2047,1,2,-;written as <2047>", 255, 7, false },   /* the most a u8 facility holds */
	};
	struct kmsg_record r;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK(kmsg_parse(t[i].rec, strlen(t[i].rec), &r) == 0);
		CHECK_U64(kmsg_facility(&r), t[i].facility);
		CHECK_U64(kmsg_level(&r), t[i].level);
		CHECK(kmsg_from_kernel(&r) == t[i].kernel);
	}
}

/* One record with this sequence number and facility through the bookkeeping; returns what it says. */
static bool account(struct kernel_log *k, uint64_t seq, unsigned facility)
{
	struct kmsg_record r = { .prio = facility * 8 + 6, .seq = seq };

	return kernel_log_account(k, &r);
}

static void sequence_gaps(void)
{
	struct kernel_log k = { .fd = -1 };

	/* the first record after an open at the end: the 1000 before it are not lost */
	CHECK(account(&k, 1000, 0));
	CHECK_U64(k.lost, 0);
	CHECK_U64(k.gap_lost, 0);
	CHECK(k.seen && k.last_seq == 1000);
	CHECK(account(&k, 1001, 0));
	CHECK_U64(k.lost, 0);
	/* three overwritten: 1002 to 1004 */
	CHECK(account(&k, 1005, 0));
	CHECK_U64(k.lost, 3);
	CHECK_U64(k.gap_lost, 3);
	CHECK_U64(k.gap_first, 1002);
	CHECK_U64(k.gap_last, 1004);
	/* the next record had no gap before it */
	CHECK(account(&k, 1006, 0));
	CHECK_U64(k.gap_lost, 0);
	CHECK_U64(k.lost, 3);

	/* a user-space record between two kernel records: skipped, counted, and not a gap */
	CHECK(!account(&k, 1007, 1));
	CHECK_U64(k.user_records, 1);
	CHECK_U64(k.last_seq, 1007);
	CHECK(account(&k, 1008, 0));
	CHECK_U64(k.gap_lost, 0);
	CHECK_U64(k.lost, 3);

	/*
	 * EPIPE: the reader expected 1009, the ring buffer had moved on and devkmsg_read() put the reader at
	 * the oldest record left, 1500, which the next read returns: 1009 to 1499 are lost
	 */
	CHECK(account(&k, 1500, 0));
	CHECK_U64(k.lost, 3 + 491);
	CHECK_U64(k.gap_lost, 491);
	CHECK_U64(k.gap_first, 1009);
	CHECK_U64(k.gap_last, 1499);

	/* gaps before skipped user records add up to the next kernel record, whose range spans them */
	CHECK(!account(&k, 1510, 3));  /* 1501..1509 lost */
	CHECK(!account(&k, 1511, 1));
	CHECK(account(&k, 1515, 0));   /* 1512..1514 lost */
	CHECK_U64(k.gap_lost, 9 + 3);
	CHECK_U64(k.gap_first, 1501);
	CHECK_U64(k.gap_last, 1514);
	CHECK_U64(k.user_records, 3);
	CHECK_U64(k.lost, 3 + 491 + 12);
	CHECK(account(&k, 1516, 0));
	CHECK_U64(k.gap_lost, 0);

	/* a sequence number that goes back is a new starting point, not a loss */
	CHECK(account(&k, 10, 0));
	CHECK_U64(k.lost, 506);
	CHECK_U64(k.last_seq, 10);
	CHECK(account(&k, 11, 0));
	CHECK_U64(k.lost, 506);
	/* the largest sequence numbers cannot wrap the arithmetic into a false gap */
	CHECK(account(&k, UINT64_MAX, 0));
	CHECK_U64(k.gap_lost, UINT64_MAX - 12);
	CHECK(account(&k, 5, 0));
	CHECK_U64(k.gap_lost, 0);
	CHECK_U64(k.lost, UINT64_MAX); /* held there, not wrapped */
}

static void open_at_start(void)
{
	struct kernel_log k = { .fd = -1 };

	/* a log opened at its oldest record, 5: records 0 to 4 were gone before the open, not lost by it */
	CHECK(!account(&k, 5, 1));
	CHECK_U64(k.lost, 0);
	CHECK(account(&k, 6, 0));
	CHECK_U64(k.lost, 0);
	CHECK_U64(k.gap_lost, 0);
	CHECK_U64(k.user_records, 1);
}

/* A user-space record that reads as a kill or a rejection is no evidence, even fed to the consumers directly. */
static void consumers_ignore_user_records(void)
{
	const char *kill = "Memory cgroup out of memory: Killed process 4242424 (headroom-forged) total-vm:1kB, "
			   "anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0";
	const char *rejected = "cgroup: fork rejected by pids controller in /headroom-forged";
	struct explain_context ctx = { .cgroup = "/headroom-forged" };
	struct log_evidence ev = { 0 };
	struct oom_history h = { 0 };
	struct kmsg_record user = { .prio = 11, .seq = 1 }, kernel = { .prio = 3, .seq = 2 };

	oom_history_feed(&h, &user, kill);
	explain_log_feed(&(struct explain_log_scan){ &ev, &ctx }, &user, rejected);
	CHECK_U64(h.n, 0);
	CHECK_U64(ev.pids_rejected, 0);
	/* the same lines from the kernel count */
	oom_history_feed(&h, &kernel, kill);
	explain_log_feed(&(struct explain_log_scan){ &ev, &ctx }, &kernel, rejected);
	CHECK_U64(h.n, 1);
	CHECK_U64(ev.pids_rejected, 1);
	oom_history_free(&h);
}

int main(void)
{
	RUN(kmsg_records);
	RUN(facility_and_level);
	RUN(sequence_gaps);
	RUN(open_at_start);
	RUN(consumers_ignore_user_records);
	return unit_failures ? 1 : 0;
}
