// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log without a kernel: /dev/kmsg records parsed (who wrote them: facility and level).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse/kmsg.h"
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

int main(void)
{
	RUN(kmsg_records);
	RUN(facility_and_level);
	return unit_failures ? 1 : 0;
}
