// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes killer_line_classify() with the user-space killers' and PID 1's log lines. The first byte picks
 * the ident: 0 none (NULL), 1..8 one of the known programs', 9 the next byte's length of bytes that follow.
 */
#include "fuzz.h"
#include "parse/killer_line.h"

static const char *const idents[] = {
	NULL, "systemd-oomd", "systemd", "earlyoom", "nohang", "kubelet", "containerd", "(agetty)", "bash",
};

/* The program a kind's lines are from: a line taken with no ident is taken alike with its program's. */
static const char *ident_of(enum killer_line_kind kind)
{
	switch (kind) {
	case KILLER_LINE_OOMD_KILL:
	case KILLER_LINE_OOMD_NOTICE:
		return "systemd-oomd";
	case KILLER_LINE_UNIT_OOMD_KILL:
	case KILLER_LINE_UNIT_OOM:
	case KILLER_LINE_UNIT_RESULT:
	case KILLER_LINE_UNIT_KILLED:
	case KILLER_LINE_UNIT_FORK_FAILED:
		return "systemd";
	case KILLER_LINE_EARLYOOM_KILL:
	case KILLER_LINE_EARLYOOM_LOW:
	case KILLER_LINE_EARLYOOM_EXITED:
		return "earlyoom";
	case KILLER_LINE_NOHANG_VICTIM:
	case KILLER_LINE_NOHANG_ACTION:
		return "nohang";
	case KILLER_LINE_KUBELET_EVICTED:
	case KILLER_LINE_KUBELET_RECLAIM:
		return "kubelet";
	case KILLER_LINE_CONTAINERD_OOM:
		return "containerd";
	case KILLER_LINE_OTHER:
		break;
	}
	return NULL;
}

#define TERMINATED(field) memchr((field), '\0', sizeof(field))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct killer_line zero;
	const char *ident = NULL;
	size_t ident_len = 0;
	char *buf, *id = NULL;
	struct killer_line k, again;
	enum killer_line_kind kind;

	if (size == 0)
		return 0;
	if (data[0] % 10 < 9) {
		ident = idents[data[0] % 10];
		ident_len = ident ? strlen(ident) : 0;
		data++, size--;
	} else {
		if (size < 2 || (size_t)data[1] > size - 2)
			return 0;
		ident_len = data[1];
		id = fuzz_dup(data + 2, ident_len);
		ident = id;
		data += 2 + ident_len, size -= 2 + ident_len;
	}
	buf = fuzz_dup(data, size);
	kind = killer_line_classify(ident, ident_len, buf, size, &k);

	FUZZ_CHECK(kind == k.kind && kind >= KILLER_LINE_OTHER && kind <= KILLER_LINE_CONTAINERD_OOM);
	FUZZ_CHECK(TERMINATED(k.unit) && TERMINATED(k.cgroup) && TERMINATED(k.reason) && TERMINATED(k.step) &&
		   TERMINATED(k.comm) && TERMINATED(k.pod) && TERMINATED(k.pod_namespace) && TERMINATED(k.resource) &&
		   TERMINATED(k.container_id));
	FUZZ_CHECK(k.pid >= 0 && k.pid <= 4194304);
	FUZZ_CHECK(k.signal >= 0 && k.signal <= 64);
	if (kind == KILLER_LINE_OTHER)
		FUZZ_CHECK(memcmp(&k, &zero, sizeof(k)) == 0);
	if (kind == KILLER_LINE_OOMD_KILL)
		FUZZ_CHECK(k.cgroup[0] == '/' && k.reason[0]);
	if (kind >= KILLER_LINE_UNIT_OOMD_KILL && kind <= KILLER_LINE_UNIT_FORK_FAILED && k.unit[0] == '\0')
		/* only the bare fork lines lack a unit, and only a known ident admits them */
		FUZZ_CHECK(kind == KILLER_LINE_UNIT_FORK_FAILED && ident);
	if (kind == KILLER_LINE_UNIT_FORK_FAILED || kind == KILLER_LINE_UNIT_RESULT)
		FUZZ_CHECK(k.reason[0]);
	if (kind == KILLER_LINE_CONTAINERD_OOM)
		FUZZ_CHECK(k.container_id[0]);
	if (kind == KILLER_LINE_KUBELET_EVICTED)
		FUZZ_CHECK(k.pod[0]);
	if (kind == KILLER_LINE_KUBELET_RECLAIM)
		FUZZ_CHECK(k.resource[0]);
	if (!ident && kind != KILLER_LINE_OTHER) {
		/* what no ident admits, the program's own ident admits alike */
		const char *own = ident_of(kind);

		FUZZ_CHECK(own && kind != KILLER_LINE_NOHANG_VICTIM && kind != KILLER_LINE_NOHANG_ACTION);
		FUZZ_CHECK(killer_line_classify(own, strlen(own), buf, size, &again) == kind);
		FUZZ_CHECK(memcmp(&k, &again, sizeof(k)) == 0);
	}
	free(buf);
	free(id);
	return 0;
}
