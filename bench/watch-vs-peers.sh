#!/usr/bin/env bash
# Benchmark of headroom watch, on the same machine in the same run, at 100 and at TASKS tasks (default
# 20,000, held inside a sandbox cgroup as threads of one process, or with "processes" as single-thread
# children of one process):
#   CPU time per tick          from /proc/PID/schedstat (nanoseconds on CPU) over windows of ticks
#                              at --interval 0.02 (median of 5), no scrape inside a window: the tick
#                              must cost the same at 100 and at 20,000 threads
#   CPU time per full scan     the same, with a full scan every tick
#   resident memory            VmRSS after the start-up scan and after the scans above (threads: target
#                              < 2 MiB; processes (issue 12): target <= 4 MiB, within 1 MiB of 100),
#                              and the most a full scan used of --scan-memory
#   heap allocations           after start-up, counted by tests/shim/alloc_count.so over the scans
#                              and scrapes (target 0)
#   a /metrics scrape          curl's time_total, median of RUNS, against a node_exporter scrape with
#                              its processes collector (target: node_exporter / headroom >= 25)
#
# With "cgroups" (issue 29), N cgroups with limits (N = 100, 1,000 and 5,000; each with pids.max and a
# memory limit, of the same name in both controllers), each N twice: with the default watched table
# (--max-cgroups 512) and with --max-cgroups 100000 (every cgroup watched); the daemon runs in a memory
# cgroup of its own made by the bench, whose charge is read (v1: memory.usage_in_bytes, max_usage and
# kmem.usage; v2: memory.current, memory.peak and memory.stat's kernel):
#   RSS                        headroom_watch_resident_bytes and VmRSS
#   memory cgroup charge       user + kernel, its peak, and the kernel part (the cgroups are made afresh
#                              for each daemon, as the kernel charges the dentries and inodes of cgroup
#                              files to the first to open them)
#   tick and scan              headroom_watch_tick_duration_seconds (median of 7 scrapes) and
#                              headroom_watch_scan_duration_seconds
#   table                      headroom_watch_watched_cgroups, _cgroups_left_out, _heap_fallbacks_total
# with ratios against N = 100 in the same run.
#
# Run from the repository root as root, after 'make headroom helpers alloc-count':
#   bench/watch-vs-peers.sh [TASKS] [RUNS] [threads|processes]
#   bench/watch-vs-peers.sh cgroups ["100 1000 5000"]     (needs only 'make headroom')
# Everything it starts is removed on exit, SIGINT included; it changes no sysctl.
set -u
cd "$(dirname "$0")/.." || exit 2
THREADS=${1:-20000}
RUNS=${2:-21}
SHAPE=${3:-threads}
if [ "${1:-}" = cgroups ]; then SHAPE=cgroups; COUNTS=${2:-100 1000 5000}; fi
case $SHAPE in threads | processes | cgroups) ;; *) echo "shape: threads, processes or cgroups" >&2; exit 2 ;; esac
HOLDER_WAIT=300 # forking tens of thousands of processes takes a while
BUILD=${BUILD:-build}
HEADROOM=$PWD/headroom
FORKER=$PWD/$BUILD/helpers/forker
DYN=$PWD/$BUILD/headroom-dynamic
SHIM=$PWD/$BUILD/shim/alloc_count.so
. tests/lib.sh
. tests/watch-lib.sh
. bench/peers.sh
trap - EXIT INT TERM
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT
trap '_run_cleanups; exit 143' TERM

if [ "$SHAPE" = cgroups ]; then
	[ -x "$HEADROOM" ] || { echo "build first: make headroom" >&2; exit 2; }
else
	[ -x "$HEADROOM" ] && [ -x "$FORKER" ] && [ -x "$DYN" ] && [ -f "$SHIM" ] ||
		{ echo "build first: make headroom helpers alloc-count" >&2; exit 2; }
fi
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

cpu_ns() { awk '{ print $1 }' "/proc/$1/schedstat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# The cgroups shape (issue 29): runs and exits here.
if [ "$SHAPE" = cgroups ]; then
	is_root || { echo "the cgroups shape needs root" >&2; exit 2; }
	read -r pver pids_root < <(cgroup_parent_for pids) || { echo "no pids controller" >&2; exit 2; }
	read -r mver mem_root < <(cgroup_parent_for memory) || { echo "no memory controller" >&2; exit 2; }
	base=headroom-bench-cg-$$
	# the daemon's own memory cgroup, one per run so that its peak is the run's; no limit, so not watched
	in_cg() { # in_cg DIR: a wrapper that starts headroom inside the memory cgroup DIR
		printf '#!/bin/sh\necho $$ > %s/cgroup.procs || exit 1\nexec %s "$@"\n' "$1" "$PWD/headroom" >"$tmp/in-cg"
		chmod +x "$tmp/in-cg"
	}
	# make_cgroups N: c-1..c-N under $base in both controllers, pids.max 100 and a 256 MiB memory limit
	make_cgroups() {
		local root i
		for root in "$pids_root" "$mem_root"; do
			mkdir "$root/$base" || return 1
			on_exit "cd $root/$base 2>/dev/null && ls -d c-* 2>/dev/null | xargs -r rmdir; cd /; rmdir_retry $root/$base"
			(cd "$root/$base" && seq -f "c-%.0f" 1 "$1" | xargs mkdir) || return 1
		done
		if [ "$mver" = v2 ]; then # one tree for both
			for ((i = 1; i <= $1; i++)); do echo 100 >"$pids_root/$base/c-$i/pids.max"; echo 268435456 >"$mem_root/$base/c-$i/memory.max"; done
		else
			for ((i = 1; i <= $1; i++)); do echo 100 >"$pids_root/$base/c-$i/pids.max"; done
			for ((i = 1; i <= $1; i++)); do echo 268435456 >"$mem_root/$base/c-$i/memory.limit_in_bytes"; done
		fi
	}
	remove_cgroups() {
		local root
		for root in "$pids_root" "$mem_root"; do
			[ -d "$root/$base" ] || continue
			(cd "$root/$base" && ls -d c-* 2>/dev/null | xargs -r rmdir)
			rmdir_retry "$root/$base"
		done
	}
	# charge DIR: "usage peak kernel" in KiB of the daemon's memory cgroup
	charge() {
		if [ "$mver" = v2 ]; then
			echo "$(($(cat "$1/memory.current") / 1024)) $(($(cat "$1/memory.peak" 2>/dev/null || echo 0) / 1024))" \
				"$(awk '$1 == "kernel" { print int($2 / 1024) }' "$1/memory.stat")"
		else
			echo "$(($(cat "$1/memory.usage_in_bytes") / 1024)) $(($(cat "$1/memory.max_usage_in_bytes") / 1024))" \
				"$(($(cat "$1/memory.kmem.usage_in_bytes") / 1024))"
		fi
	}
	# run_cg N MODE ARGS...: one daemon at N cgroups, its figures into the row and into R_<MODE>_<N>_*
	run_cg() {
		local n=$1 mode=$2 d k m tick scan rssm rss ch fb w lo
		shift 2
		d=$mem_root/$base-daemon-$n-$mode
		mkdir "$d" || return 1
		on_exit "rmdir_retry $d"
		in_cg "$d"
		HEADROOM=$tmp/in-cg start_watch "$tmp/w.log" --interval 0.5 "$@" || return 1
		sleep 2
		: >"$tmp/ticks"
		for ((k = 0; k < 7; k++)); do
			m=$(scrape)
			metric "$m" headroom_watch_tick_duration_seconds >>"$tmp/ticks"
			sleep 0.6
		done
		tick=$(median <"$tmp/ticks")
		scan=$(metric "$m" headroom_watch_scan_duration_seconds)
		rssm=$(($(metric "$m" headroom_watch_resident_bytes) / 1024))
		fb=$(metric "$m" headroom_watch_heap_fallbacks_total)
		w=$(metric "$m" headroom_watch_watched_cgroups)
		lo=$(metric "$m" headroom_watch_cgroups_left_out)
		rss=$(rss_kib "$WATCH_PID")
		ch=$(charge "$d")
		kill "$WATCH_PID"
		wait "$WATCH_PID" 2>/dev/null
		rmdir_retry "$d"
		read -r use peak kern <<<"$ch"
		printf '%-6s %-9s %9s %9s %10s %10s %10s %9.3f %9.2f %9s %8s %8s\n' "$n" "$mode" "$rssm" "$rss" "$use" "$peak" "$kern" \
			"$(awk -v t="$tick" 'BEGIN { print t * 1000 }')" "$(awk -v t="$scan" 'BEGIN { print t * 1000 }')" "$fb" "$w" "$lo"
		eval "R_${mode}_${n}=\"$rssm $rss $use $peak $kern $tick $scan\""
	}
	echo "kernel $(uname -r); $(nproc) CPUs; cgroup $pver (pids) / $mver (memory); each N: pids.max 100 and a 256 MiB memory limit"
	echo "KiB; ms; default = --max-cgroups 512, all = --max-cgroups 100000; the daemon's memory cgroup: usage, peak, kernel"
	printf '\n%-6s %-9s %9s %9s %10s %10s %10s %9s %9s %9s %8s %8s\n' N table "RSS(met)" VmRSS "cg usage" "cg peak" "cg kernel" \
		"tick ms" "scan ms" fallbacks watched "left out"
	first=
	for n in $COUNTS; do
		case $n in '' | *[!0-9]*) echo "counts: numbers" >&2; exit 2 ;; esac
		[ "$n" -le 20000 ] || { echo "at most 20000 cgroups" >&2; exit 2; }
		[ -n "$first" ] || first=$n
		# made afresh for each daemon: the dentries and inodes of the cgroup files it is the first to
		# open are charged to its memory cgroup, and would be to the first daemon only
		make_cgroups "$n" || exit 1
		run_cg "$n" default || exit 1
		remove_cgroups
		make_cgroups "$n" || exit 1
		run_cg "$n" all --max-cgroups 100000 || exit 1
		remove_cgroups
	done
	echo
	echo "against N = $first in the same run (RSS(met), VmRSS, cg usage, cg peak, cg kernel, tick, scan):"
	for mode in default all; do
		eval "b=(\$R_${mode}_${first})"
		for n in $COUNTS; do
			eval "r=(\$R_${mode}_${n})"
			printf '%-6s %-9s' "$n" "$mode"
			for ((k = 0; k < 7; k++)); do awk -v a="${r[k]}" -v b="${b[k]}" 'BEGIN { printf " %7.2fx", (b > 0) ? a / b : 0 }'; done
			echo
		done
	done
	echo
	echo "peers: none apply; node_exporter has no per-cgroup limit collector (its processes collector counts"
	echo "tasks, not cgroups), and cAdvisor, which does read every cgroup, is $(command -v cadvisor >/dev/null && echo "installed but not compared" || echo "not installed")"
	exit 0
fi

cg=
if is_root && read -r ver parent < <(cgroup_parent_for pids); then
	cg=$parent/headroom-bench-watch-$$
	mkdir "$cg" && on_exit "rmdir_retry $cg"
	echo $((THREADS + 5000)) >"$cg/pids.max"
fi
HOLDER=
hold() { # hold N: one process with N threads, or N children of one
	local flag=-t
	[ "$SHAPE" = processes ] && flag=
	if [ -n "$cg" ]; then
		start_holder tasks "$tmp/holder" sh -c "echo \$\$ > $cg/cgroup.procs && exec $FORKER $flag -n $1 -T 900" || return 1
	else
		start_holder tasks "$tmp/holder" "$FORKER" $flag -n "$1" -T 900 || return 1
	fi
	HOLDER=$HOLDER_PID
}
unhold() { kill_tree "$HOLDER"; wait "$HOLDER" 2>/dev/null; }

# cpu_per_tick ARGS...: µs of CPU per tick of a daemon started with ARGS, the median of 5 windows of
# 1.5 s of ticks (its VmRSS at the end into $tmp/rss)
cpu_per_tick() {
	local t0 t1 c0 c1 k
	start_watch "$tmp/w.log" "$@" || return 1
	sleep 1
	: >"$tmp/win"
	for k in 1 2 3 4 5; do
		t0=$(metric "$(scrape)" headroom_watch_ticks_total)
		c0=$(cpu_ns "$WATCH_PID")
		sleep 1.5
		c1=$(cpu_ns "$WATCH_PID")
		t1=$(metric "$(scrape)" headroom_watch_ticks_total)
		# the scrape that read t1 ran after c1: the window holds t1 - t0 ticks, give or take the last one
		awk -v c="$((c1 - c0))" -v t="$((t1 - t0))" 'BEGIN { printf "%.1f\n", c / t / 1000 }' >>"$tmp/win"
	done
	rss_kib "$WATCH_PID" >"$tmp/rss"
	kill "$WATCH_PID"
	wait "$WATCH_PID" 2>/dev/null
	median <"$tmp/win"
}

# measure LABEL: the tick, the scan, the resident memory
measure() {
	local tick scan rss_start
	start_watch "$tmp/w.log" --interval 1 --scan-interval 3600 || exit 1
	sleep 0.5
	rss_start=$(rss_kib "$WATCH_PID")
	SCAN_SECONDS=$(metric "$(scrape)" headroom_watch_scan_duration_seconds)
	scan_kib=$(($(metric "$(scrape)" headroom_watch_scan_memory_peak_bytes) / 1024))
	kill "$WATCH_PID"
	wait "$WATCH_PID" 2>/dev/null
	tick=$(cpu_per_tick --interval 0.02 --scan-interval 3600)
	scan=$(cpu_per_tick --interval 0.02 --scan-interval 0)
	RSS=$(cat "$tmp/rss")
	printf '%-14s %14s %18s %16s %16s %18s\n' "$1" "$tick" "$scan" "$rss_start" "$RSS" "$scan_kib"
	eval "TICK_$2=$tick SCAN_$2=$scan RSS_$2=$RSS RSS0_$2=$rss_start SCANMEM_$2=$scan_kib"
}

echo "kernel $(uname -r); $(nproc) CPUs; $(ls -d /proc/[0-9]* | wc -l) processes before the holder"
printf '\n%-14s %14s %18s %16s %16s %18s\n' "$SHAPE held" "µs CPU/tick" "µs CPU/full scan" "RSS KiB (start)" "RSS KiB (after)" \
	"scan memory KiB"
hold 100 || exit 1
measure 100 small
unhold
hold "$THREADS" || exit 1
measure "$THREADS" big

# heap allocations after start-up at THREADS threads, full scans every tick, with scrapes
HEADROOM=$DYN LD_PRELOAD=$SHIM start_watch "$tmp/alloc.log" --interval 0.02 --scan-interval 0 --count 200 || exit 1
for i in $(seq 1 20); do scrape >/dev/null; done
wait "$WATCH_PID"
allocs=$(grep -o 'heap allocations at start-up: [0-9]*, after: [0-9]*' "$tmp/alloc.log")

# /metrics against node_exporter's with its processes collector, at THREADS threads
start_watch "$tmp/w.log" --interval 1 || exit 1
hr_url=$WATCH_URL/metrics
start_node_exporter
ne_url=$NE_URL
t() { curl -sf -o /dev/null -w '%{time_total}\n' "$1" | awk '{ printf "%.3f\n", $1 * 1000 }'; }
for ((r = 0; r < RUNS; r++)); do
	t "$hr_url" >>"$tmp/hr"
	[ -n "$ne_url" ] && t "$ne_url" >>"$tmp/ne"
done
hr=$(median <"$tmp/hr")
printf '\n%-50s %10s\n' "/metrics scrape, median of $RUNS at $THREADS $SHAPE" "ms"
printf '%-50s %10.3f   (%s bytes)\n' "headroom watch" "$hr" "$(curl -s "$hr_url" | wc -c)"
if [ -n "$ne_url" ]; then
	ne_ms=$(median <"$tmp/ne")
	printf '%-50s %10.3f   (%s bytes)\n' "node_exporter --collector.processes" "$ne_ms" "$(curl -s "$ne_url" | wc -c)"
fi

echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
met() { awk -v r="$1" -v t="$2" -v op="$3" 'BEGIN { print ((op == ">=") ? (r >= t) : (r < t)) ? "met" : "NOT MET" }'; }
echo "CPU per tick at $THREADS $SHAPE / at 100 = $(ratio "$TICK_big" "$TICK_small") (the tick must cost the same)"
echo "CPU per tick at $THREADS $SHAPE: $TICK_big µs (target <= 2000 µs: $(met "$TICK_big" 2000 "<"))"
echo "CPU per full scan at $THREADS $SHAPE / at 100 = $(ratio "$SCAN_big" "$SCAN_small") (a scan reads every process: it grows)"
echo "full scan at $THREADS $SHAPE, as the daemon timed it: $(awk -v s="$SCAN_SECONDS" 'BEGIN { printf "%.2f ms", s * 1000 }')"
limit=2048
[ "$SHAPE" = processes ] && limit=4097
for k in small big; do
	eval "r=\$RSS_$k"
	echo "RSS after scans, $([ $k = small ] && echo 100 || echo "$THREADS") $SHAPE: $r KiB (target < $limit KiB: $(met "$r" "$limit" "<"))"
done
[ "$SHAPE" = processes ] && echo "RSS at $THREADS processes - at 100 = $((RSS_big - RSS_small)) KiB (target <= 1024 KiB: $(met "$((RSS_big - RSS_small))" 1025 "<"))"
echo "scan memory (the most a full scan used of --scan-memory) at $THREADS $SHAPE - at 100 = $((SCANMEM_big - SCANMEM_small)) KiB"
echo "$allocs (target 0 after: $(met "${allocs##*after: }" 1 "<"))"
[ -n "$ne_url" ] && r=$(ratio "$ne_ms" "$hr") && echo "node_exporter / headroom watch scrape = ${r}x (target >= 25x: $(met "$r" 25 ">="))"
exit 0
