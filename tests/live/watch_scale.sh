#!/usr/bin/env bash
# headroom watch on a node's worth of cgroups, churned as a Kubernetes node churns its pods: N cgroups
# with a pids limit (HEADROOM_TEST_SCALE_CGROUPS, default 5000), a fifth of them removed and made anew
# under other names, six rounds (HEADROOM_TEST_SCALE_ROUNDS). The series of a removed cgroup are gone at
# the next scrape, the new ones are watched after the next full scan, the watched count is what exists;
# no heap fallback, the heap in use stays flat, the resident size within 12 KiB a watched cgroup; and the daemon, in
# a memory cgroup whose limit is 6 MiB above what it was measured to need in the first round, is never
# OOM-killed. Every cgroup is removed at the end.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="watch at scale"
N=${HEADROOM_TEST_SCALE_CGROUPS:-5000}
ROUNDS=${HEADROOM_TEST_SCALE_ROUNDS:-6}
is_root || { skip "$T" "needs root to create cgroups"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
read -r pver pparent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
read -r mver mparent < <(cgroup_parent_for memory) || { skip "$T" "no memory controller is mounted (v1) or delegated (v2)"; exit 0; }
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 10 ] && [ "$N" -le 30000 ] || { not_ok "$T" "HEADROOM_TEST_SCALE_CGROUPS=$N: 10 to 30000"; exit 0; }
[[ $ROUNDS =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 4 ] && [ "$ROUNDS" -le 50 ] || { not_ok "$T" "HEADROOM_TEST_SCALE_ROUNDS=$ROUNDS: 4 to 50"; exit 0; }
K=$((N / 5))
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
REAL=$HEADROOM

base=headroom-test-scale-$$-$RANDOM
top=$pparent/$base
mkdir "$top" || { not_ok "$T" "cannot create $top"; exit 0; }
# removed last (registered first, run last): the children, then the directory
on_exit "rmdir_retry $top"
on_exit "cd $top && find . -mindepth 1 -maxdepth 1 -type d -print0 | xargs -0 -r rmdir 2>/dev/null; cd /"
[ "$pver" = v2 ] && { echo +pids >"$top/cgroup.subtree_control" || { not_ok "$T" "cannot delegate pids in $top"; exit 0; }; }

# make FROM TO: cgroups c-FROM .. c-TO with a pids limit
make_cgroups() {
	local i
	(cd "$top" && seq -f "c-%.0f" "$1" "$2" | xargs mkdir) || return 1
	for ((i = $1; i <= $2; i++)); do echo 100 >"$top/c-$i/pids.max" || return 1; done
}
# remove FROM TO
remove_cgroups() { (cd "$top" && seq -f "c-%.0f" "$1" "$2" | xargs rmdir); }
# series TEXT: the test's cgroups in the metrics (their limit_status series), one name a line
series() { awk -v p="scope=\"cgroup:/$base/" 'index($1, "headroom_limit_status{id=\"cgroup_pids\"," p) == 1 {
	s = $1; sub(/.*\//, "", s); sub(/".*/, "", s); print s }' <<<"$1" | sort; }
# expect FROM TO: the names c-FROM .. c-TO, sorted as series sorts
expect() { seq -f "c-%.0f" "$1" "$2" | sort; }

start=$(date +%s.%N)
make_cgroups 1 "$N" || { not_ok "$T" "cannot make $N cgroups in $top"; exit 0; }
echo "    $N cgroups made in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"

# the daemon in a memory cgroup of its own, with no limit at first
mcg=$mparent/headroom-test-scalemem-$$-$RANDOM
mkdir "$mcg" || { not_ok "$T" "cannot create $mcg"; exit 0; }
on_exit "rmdir_retry $mcg"
if [ "$mver" = v1 ]; then echo 0 >"$mcg/memory.swappiness"; else echo 0 >"$mcg/memory.swap.max" 2>/dev/null; fi
printf '#!/bin/sh\necho $$ > %s/cgroup.procs || exit 1\nexec %s "$@"\n' "$mcg" "$REAL" >"$tmp/wrap"
chmod +x "$tmp/wrap"
HEADROOM=$tmp/wrap
start_watch "$tmp/log" --max-cgroups=100000 --interval 0.5 --scan-interval 2 --scan-gap 0 ||
	{ not_ok "$T" "it did not start"; exit 0; }
HEADROOM=$REAL
check_eq "the daemon runs in its memory cgroup" 1 "$(grep -cx "$WATCH_PID" "$mcg/cgroup.procs")"

# wait_series WANT-FILE SECONDS: until the served series are those of the file; the last scrape in $out
wait_series() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		out=$(scrape)
		series "$out" >"$tmp/got"
		cmp -s "$1" "$tmp/got" && return 0
		sleep 0.2
	done
	echo "want $(wc -l <"$1") series, got $(wc -l <"$tmp/got"); $(comm -3 "$1" "$tmp/got" | head -3 | tr '\n\t' '  ')"
	return 1
}
expect 1 "$N" >"$tmp/want"
check "all $N cgroups are watched" wait_series "$tmp/want" 30
watched=$(metric "$out" headroom_watch_watched_cgroups)
check "the watched count holds them (${watched:-?})" test "${watched:-0}" -ge "$N"
check_eq "none is left out" 0 "$(metric "$out" headroom_watch_cgroups_left_out)"

lo=1 hi=$N rss=() heap=() peak=0 limit=none
for ((r = 1; r <= ROUNDS; r++)); do
	# the oldest fifth goes
	remove_cgroups "$lo" $((lo + K - 1)) || { not_ok "$T" "round $r: cannot remove cgroups"; break; }
	lo=$((lo + K))
	expect "$lo" "$hi" >"$tmp/want"
	t0=$(date +%s.%N)
	check "round $r: the $K removed cgroups' series are gone" wait_series "$tmp/want" 30
	t1=$(date +%s.%N)
	scans=$(awk '$1 ~ /^headroom_watch_full_scans_total/ { n += $2 } END { print n }' <<<"$out")
	# as many come, under new names
	make_cgroups $((hi + 1)) $((hi + K)) || { not_ok "$T" "round $r: cannot make cgroups"; break; }
	hi=$((hi + K))
	expect "$lo" "$hi" >"$tmp/want"
	check "round $r: the $K new ones are watched after a full scan" wait_series "$tmp/want" 30
	echo "    round $r: removed series gone in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s (after $scans scans);" \
		"scan $(metric "$out" headroom_watch_scan_duration_seconds) s, tick $(metric "$out" headroom_watch_tick_duration_seconds) s," \
		"resident $(metric "$out" headroom_watch_resident_bytes) B"
	rss[r]=$(metric "$out" headroom_watch_resident_bytes)
	heap[r]=$(metric "$out" headroom_watch_heap_bytes)
	if [ "$r" = 1 ] && [ "${SANITIZE:-}" != 1 ]; then
		# what it needed through a round of churn, and a limit 6 MiB above it: its resident size reaches
		# its working set in steps, a reserved space's pages touched to a new high-water mark, of up to
		# 4.1 MiB seen in round 3 on this host (with 2 MiB of room it was OOM-killed there once)
		if [ "$mver" = v1 ]; then peak=$(cat "$mcg/memory.max_usage_in_bytes"); else peak=$(cat "$mcg/memory.peak" 2>/dev/null || cat "$mcg/memory.current"); fi
		limit=$((peak + (6 << 20)))
		if [ "$mver" = v1 ]; then echo "$limit" >"$mcg/memory.limit_in_bytes"; else echo "$limit" >"$mcg/memory.max"; fi
		check_eq "its memory cgroup's limit is its measured need ($peak B) + 6 MiB" "$limit" \
			"$(cat "$mcg/memory.limit_in_bytes" "$mcg/memory.max" 2>/dev/null | head -1)"
	fi
done
check "it survived $ROUNDS rounds of churn" kill -0 "$WATCH_PID"
kills=$(cat "$mcg/memory.oom_control" "$mcg/memory.events" 2>/dev/null | awk '$1 == "oom_kill" { print $2; exit }')
check_eq "nothing was OOM-killed in its memory cgroup" 0 "${kills:-0}"
hits=$(cat "$mcg/memory.failcnt" 2>/dev/null || awk '$1 == "max" { print $2 }' "$mcg/memory.events")
echo "    memory cgroup: need $peak B, limit $limit B, $hits hit(s) of the limit"
[ "${SANITIZE:-}" = 1 ] && skip "$T: the memory cgroup's limit" "under AddressSanitizer the daemon's memory is the sanitizer's (shadow, quarantine)"
check_eq "no allocation fell back to the heap" 0 "$(metric "$out" headroom_watch_heap_fallbacks_total)"
check_eq "no watched cgroup is left out" 0 "$(metric "$out" headroom_watch_cgroups_left_out)"
# a leak would grow the heap: it stays as it was after the first round (within 16 KiB; the rounds churn
# N cgroups and more, so a leak of 4 bytes a cgroup shows). The reserved spaces (the scan's, the ticks', the
# metrics') are not in it: they are reused, and their pages stay resident once touched, up to the most a
# scan or tick has used, which a slow machine can reach late (round 6 in a 6.1 TCG machine, 2.3 MiB more).
# The resident size is within what headroom(1) says a watched cgroup costs at most (12 KiB, over 4 MiB).
if [ "${SANITIZE:-}" = 1 ]; then
	skip "$T: the heap and resident size" "under AddressSanitizer they are the sanitizer's"
elif [ -z "${heap[1]:-}" ]; then
	skip "$T: the heap in use" "headroom_watch_heap_bytes is not served (no mallinfo2 in this C library)"
else
	check "the heap in use stays flat (${heap[*]} B)" \
		awk -v a="${heap[1]}" -v b="${heap[$ROUNDS]:-0}" 'BEGIN { exit !(a > 0 && b > 0 && b <= a + 16384) }'
fi
if [ "${SANITIZE:-}" != 1 ]; then
	bound=$(((4 << 20) + (N + K) * 12288))
	most=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
	check "the resident size (${rss[*]} B) is within the documented cost of $((N + K)) table entries ($most <= $bound B)" \
		test "${most:-0}" -le "$bound"
fi
kill "$WATCH_PID"
wait "$WATCH_PID"
check_eq "it stops cleanly" 0 "$?"
_run_cleanups
