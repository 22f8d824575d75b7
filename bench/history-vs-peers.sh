#!/usr/bin/env bash
# headroom history against what people run by hand, on logs of a fleet's size:
#   text     a syslog file of SIZE_MB (default 1024) MiB holding KILLS (default 10,000) OOM kill reports
#            (rsyslog's RFC 3339 lines: the kernel's header, usage, summary and kill line, PID1's line)
#            among unrelated lines: headroom history --log FILE against grep -c 'Killed process' FILE
#   journal  a journal file of ENTRIES (default 2,000,000) entries, made by systemd-journal-remote from
#            export text, one in a hundred a kernel kill line: headroom history --log FILE against
#            journalctl --file FILE -k -o cat | grep -c 'Killed process'
# Each RUNS times (default 3), alternately; prints the medians, the throughput ratio and headroom's peak
# resident size. Goals (issue 24): text at no less than half grep's throughput, the journal no slower
# than journalctl piped to grep, peak memory under 16 MiB whatever the log's size.
#
# Run from the repository root, after 'make headroom helpers':
#   bench/history-vs-peers.sh [SIZE_MB] [KILLS] [ENTRIES] [RUNS]
# HEADROOM=path times another build. The logs are made in a temporary directory (about SIZE_MB plus a
# journal of about ENTRIES * 300 bytes) and removed on exit, SIGINT included.
set -u
cd "$(dirname "$0")/.." || exit 2
SIZE_MB=${1:-1024}
KILLS=${2:-10000}
ENTRIES=${3:-2000000}
RUNS=${4:-3}
BUILD=${BUILD:-build}
HEADROOM=${HEADROOM:-$PWD/headroom}
MAXRSS=$PWD/$BUILD/helpers/maxrss
. tests/lib.sh
. bench/peers.sh
trap - EXIT INT TERM
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT
trap '_run_cleanups; exit 143' TERM

[ -x "$HEADROOM" ] && [ -x "$MAXRSS" ] || { echo "build first: make headroom helpers" >&2; exit 2; }
for v in "$SIZE_MB" "$KILLS" "$ENTRIES" "$RUNS"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "the arguments are numbers: $v" >&2; exit 2; }
done
[ "$SIZE_MB" -ge 1 ] && [ "$SIZE_MB" -le 8192 ] || { echo "SIZE_MB is 1 to 8192" >&2; exit 2; }
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || { echo "RUNS is 1 to 20" >&2; exit 2; }
tmp=$(mktemp -d /var/tmp/headroom-bench-history.XXXXXX)
on_exit "rm -rf $tmp"

# run NAME COMMAND...: wall ms, then "KIB STATUS USER_MS SYS_MS" from maxrss (for headroom)
bench_pair() {
	local what=$1 log=$2 hr=() peer=() kib=0 i
	shift 2
	for ((i = 0; i < RUNS; i++)); do
		hr+=("$(ms bash -c "'$HEADROOM' history --log '$log' >$tmp/hr.out")")
		# into a file: GNU grep whose output is /dev/null stops at the first match, as -q does
		peer+=("$(ms bash -c "$* >$tmp/peer.out")")
	done
	kib=$("$MAXRSS" "$HEADROOM" history --log "$log" | awk '{ print $1 }')
	HR_MS=$(printf '%s\n' "${hr[@]}" | median)
	PEER_MS=$(printf '%s\n' "${peer[@]}" | median)
	HR_KIB=$kib
	printf '%-8s headroom history %9.1f ms   peer %9.1f ms   throughput ratio (peer time / headroom time) %.2f   headroom peak RSS %d KiB\n' \
		"$what" "$HR_MS" "$PEER_MS" "$(awk -v a="$PEER_MS" -v b="$HR_MS" 'BEGIN { print a / b }')" "$HR_KIB"
}

# ---- text: a syslog file ----
echo "making a ${SIZE_MB} MiB syslog with $KILLS kills ..."
awk -v size=$((SIZE_MB << 20)) -v kills="$KILLS" 'BEGIN {
	filler = "2026-12-06T03:00:00.000000+00:00 web1 app[700]: GET /api/v1/items?page=2 200 1532 bytes in 12 ms, upstream ok, cache miss"
	per = length(filler) + 1
	lines = int(size / per)
	every = kills ? int(lines / kills) : lines + 1
	if (every < 6) every = 6
	k = 0
	for (i = 0; i < lines; i++) {
		if (k < kills && i % every == 0) {
			pid = 10000 + k
			hh = int(k / 3600) % 24; mm = int(k / 60) % 60; ss = k % 60
			printf "2026-12-06T%02d:%02d:%02d.000100+00:00 web1 kernel: [%d.000100] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n", hh, mm, ss, 1000 + k
			printf "2026-12-06T%02d:%02d:%02d.000200+00:00 web1 kernel: [%d.000200] memory: usage 65536kB, limit 65536kB, failcnt %d\n", hh, mm, ss, 1000 + k, k
			printf "2026-12-06T%02d:%02d:%02d.000300+00:00 web1 kernel: [%d.000300] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/w%d.service,task_memcg=/system.slice/w%d.service,task=worker,pid=%d,uid=0\n", hh, mm, ss, 1000 + k, k % 50, k % 50, pid
			printf "2026-12-06T%02d:%02d:%02d.000400+00:00 web1 kernel: [%d.000400] Memory cgroup out of memory: Killed process %d (worker) total-vm:70000kB, anon-rss:65000kB, file-rss:1000kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0\n", hh, mm, ss, 1000 + k, pid
			printf "2026-12-06T%02d:%02d:%02d.100000+00:00 web1 systemd[1]: w%d.service: A process of this unit has been killed by the OOM killer.\n", hh, mm, ss, k % 50
			k++
			i += 4
			continue
		}
		print filler
	}
}' >"$tmp/syslog"
ls -l "$tmp/syslog" | awk '{ printf "  %d bytes, ", $5 }'
echo "$(grep -c 'Killed process' "$tmp/syslog") kill lines"
n=$("$HEADROOM" history --json --log "$tmp/syslog" | jq '[.events[] | select(.kind == "oom-kill")] | length')
echo "  headroom history finds $n kills"
bench_pair text "$tmp/syslog" "grep -c 'Killed process' $tmp/syslog"
TEXT_RATIO=$(awk -v a="$PEER_MS" -v b="$HR_MS" 'BEGIN { print a / b }')
TEXT_KIB=$HR_KIB
rm -f "$tmp/syslog"

# ---- the journal ----
if ! command -v journalctl >/dev/null || ! [ -x /lib/systemd/systemd-journal-remote ]; then
	echo "journal: skipped: needs journalctl and systemd-journal-remote (apt-get install systemd-journal-remote)"
	exit 0
fi
echo "making a journal of $ENTRIES entries ..."
awk -v n="$ENTRIES" 'BEGIN {
	boot = "0123456789abcdef0123456789abcdef"
	for (i = 0; i < n; i++) {
		t = 1796600000000000 + i * 1000
		printf "__CURSOR=s=1;i=%x\n__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n", i, t, 1000000 + i * 1000, boot
		if (i % 100 == 0) {
			printf "_TRANSPORT=kernel\nSYSLOG_IDENTIFIER=kernel\nPRIORITY=3\n_SOURCE_MONOTONIC_TIMESTAMP=%d\n", 1000000 + i * 1000
			printf "MESSAGE=Memory cgroup out of memory: Killed process %d (worker) total-vm:70000kB, anon-rss:65000kB, file-rss:1000kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0\n\n", 10000 + i / 100
		} else {
			printf "_TRANSPORT=stdout\nSYSLOG_IDENTIFIER=app\n_PID=700\n_SYSTEMD_UNIT=app.service\nPRIORITY=6\n"
			printf "MESSAGE=GET /api/v1/items?page=%d 200 1532 bytes in 12 ms, upstream ok, cache miss\n\n", i % 97
		}
	}
}' | /lib/systemd/systemd-journal-remote -o "$tmp/bench.journal" - 2>/dev/null
ls -l "$tmp"/*.journal | awk '{ s += $5 } END { printf "  %d bytes, ", s }'
echo "$(journalctl --file "$tmp/bench.journal" -k -o cat | grep -c 'Killed process') kill lines"
bench_pair journal "$tmp/bench.journal" "journalctl --file $tmp/bench.journal -k -o cat | grep -c 'Killed process'"
JOURNAL_RATIO=$(awk -v a="$PEER_MS" -v b="$HR_MS" 'BEGIN { print a / b }')
JOURNAL_KIB=$HR_KIB
echo
echo "goals: text ratio >= 0.5 ($TEXT_RATIO), journal ratio >= 1 ($JOURNAL_RATIO), peak RSS < 16384 KiB ($TEXT_KIB, $JOURNAL_KIB)"
