#!/usr/bin/env bash
# The one-shot commands on a node's shape: COUNTS cgroups (default "100 1000 5000"), each a pod's or a
# unit's, with a pids limit and a memory limit and one sleeping process in both. For each count, times
# alternately, RUNS times each (default 7), and prints the medians:
#   headroom                   the full text report (every pids and memory cgroup a limit)
#   headroom oom               every memory cgroup an OOM domain, its processes ranked
#   ps -e -o pid,cgroup        what people run by hand to see who is where
#   systemd-cgtop -b -n 1      where systemd is installed
#   the floor                  cat of every cgroup's pids.current, pids.max, and memory usage and limit
# with headroom's peak resident size, the time per cgroup and the ratio to the smallest count: what
# grows faster than the cgroups do (a subtree matched against every cgroup or process) shows there.
# Target (issue 29): headroom and headroom oom grow no faster than the cgroups: their user CPU time per
# cgroup at the largest count within 2x of the one at 1,000 (the system time is the kernel's reading).
#
# Run from the repository root as root, after 'make headroom helpers':
#   bench/report-vs-peers-cgroups.sh [COUNTS] [RUNS]
# HEADROOM=path times another build. Everything it makes is removed on exit, SIGINT included; it
# changes no sysctl.
set -u
cd "$(dirname "$0")/.." || exit 2
COUNTS=${1:-"100 1000 5000"}
RUNS=${2:-7}
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
is_root || { echo "needs root to make cgroups" >&2; exit 2; }
read -r pver pparent < <(cgroup_parent_for pids) || { echo "no pids controller" >&2; exit 2; }
read -r mver mparent < <(cgroup_parent_for memory) || { echo "no memory controller" >&2; exit 2; }
for n in $COUNTS; do
	[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 10 ] && [ "$n" -le 30000 ] || { echo "a count is 10 to 30000: $n" >&2; exit 2; }
done
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 100 ] || { echo "RUNS is 1 to 100" >&2; exit 2; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

base=headroom-bench-cg-$$
ptop=$pparent/$base mtop=$mparent/$base
mkdir "$ptop" || exit 1
[ "$mtop" = "$ptop" ] || mkdir "$mtop" || exit 1
on_exit "rmdir_retry $ptop; rmdir_retry $mtop"
# the processes, then the cgroups: registered after, so run before the directories go
on_exit 'remove_all'
for top in "$ptop" "$mtop"; do
	[ "$pver" = v2 ] && [ "$top" = "$ptop" ] && echo +pids >"$top/cgroup.subtree_control"
	[ "$mver" = v2 ] && [ "$top" = "$mtop" ] && echo +memory >"$top/cgroup.subtree_control"
done
PIDS=()

# make N: cgroups c-1 .. c-N in both hierarchies, limited, one sleeping process in each pair
make_all() {
	local i
	(cd "$ptop" && seq -f "c-%.0f" 1 "$1" | xargs mkdir) || return 1
	[ "$mtop" = "$ptop" ] || (cd "$mtop" && seq -f "c-%.0f" 1 "$1" | xargs mkdir) || return 1
	for ((i = 1; i <= $1; i++)); do
		echo 1000 >"$ptop/c-$i/pids.max" || return 1
		if [ "$mver" = v1 ]; then echo 256M >"$mtop/c-$i/memory.limit_in_bytes"; else echo 256M >"$mtop/c-$i/memory.max"; fi || return 1
		sh -c "echo \$\$ > $ptop/c-$i/cgroup.procs && echo \$\$ > $mtop/c-$i/cgroup.procs && exec sleep 3600" &
		PIDS+=($!)
	done
	# every process in its cgroups (bounded: 60 s)
	for ((i = 0; i < 600; i++)); do
		[ "$(cat "$ptop/c-$1/pids.current")" = 1 ] && [ -n "$(cat "$mtop/c-$1/cgroup.procs")" ] && return 0
		sleep 0.1
	done
	return 1
}
remove_all() {
	local d
	[ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null
	wait 2>/dev/null
	PIDS=()
	for d in "$ptop" "$mtop"; do
		[ -d "$d" ] && (cd "$d" && find . -mindepth 1 -maxdepth 1 -type d -print0 | xargs -0 -r rmdir 2>/dev/null)
	done
	return 0
}

floor() {
	local f=pids.current g=memory.usage_in_bytes h=memory.limit_in_bytes
	[ "$mver" = v2 ] && g=memory.current h=memory.max
	printf '%s\0' "$ptop"/c-*/$f "$ptop"/c-*/pids.max "$mtop"/c-*/$g "$mtop"/c-*/$h | xargs -0 cat
}
cgtop=$(command -v systemd-cgtop)

echo "kernel $(uname -r), $(nproc) CPUs; pids $pver, memory $mver; $HEADROOM"
printf '\n%-8s %12s %12s %12s %12s %12s %10s %12s %12s\n' cgroups "headroom" "oom" "ps" "cgtop" "floor" "peak RSS" \
	"its user CPU" "oom's"
first=
for n in $COUNTS; do
	make_all "$n" || { echo "cannot make $n cgroups" >&2; exit 1; }
	rm -f "$tmp"/t.*
	for ((r = 0; r < RUNS; r++)); do
		ms "$HEADROOM" >>"$tmp/t.hr"
		ms "$HEADROOM" oom >>"$tmp/t.oom"
		ms ps -e -o pid,cgroup >>"$tmp/t.ps"
		[ -n "$cgtop" ] && ms "$cgtop" -b -n 1 >>"$tmp/t.cgtop"
		ms floor >>"$tmp/t.floor"
		"$MAXRSS" "$HEADROOM" >"$tmp/one"
		cut -d' ' -f1 "$tmp/one" >>"$tmp/t.rss"
		cut -d' ' -f3 "$tmp/one" >>"$tmp/t.user"
		"$MAXRSS" "$HEADROOM" oom | cut -d' ' -f3 >>"$tmp/t.ouser"
	done
	hr=$(median <"$tmp/t.hr") oom=$(median <"$tmp/t.oom") ps_ms=$(median <"$tmp/t.ps") fl=$(median <"$tmp/t.floor")
	ct=-
	[ -n "$cgtop" ] && ct=$(median <"$tmp/t.cgtop")
	rss=$(median <"$tmp/t.rss") user=$(median <"$tmp/t.user") ouser=$(median <"$tmp/t.ouser")
	printf '%-8s %9.1f ms %9.1f ms %9.1f ms %12s %9.1f ms %6.1f MiB %9.1f ms %9.1f ms\n' "$n" "$hr" "$oom" "$ps_ms" \
		"$ct${cgtop:+ ms}" "$fl" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$user" "$ouser"
	echo "$n $hr $oom $ps_ms $fl $user $ouser" >>"$tmp/rows"
	remove_all
done
echo
# the cost per cgroup at each count, and its ratio to the first count's
awk 'NR == 1 { n0 = $1; h0 = $2 / $1; o0 = $3 / $1 }
	{ printf "%-8s headroom %.3f ms a cgroup (%.2fx the first count'"'"'s), oom %.3f ms (%.2fx); headroom / floor %.1fx, ps / headroom %.1fx\n",
		$1, $2 / $1, ($2 / $1) / h0, $3 / $1, ($3 / $1) / o0, $2 / $5, $4 / $2 }' "$tmp/rows"
# headroom's own work (user CPU: the kernel's reading of the files is the sys time, the same for every reader)
awk '$1 == 1000 { h = $6 / $1; o = $7 / $1 } { n = $1; hl = $6 / $1; ol = $7 / $1 }
	END { if (h) printf "target: user CPU per cgroup at %d within 2x of that at 1000: headroom %.2fx %s, oom %.2fx %s\n",
		n, hl / h, hl <= 2 * h ? "met" : "NOT MET", ol / o, ol <= 2 * o ? "met" : "NOT MET" }' "$tmp/rows"
