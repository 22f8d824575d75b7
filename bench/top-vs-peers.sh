#!/usr/bin/env bash
# Benchmark of headroom top against procps top, on the same machine in the same run, at 100 and at
# TASKS tasks (default 20,000: threads of one process, or with "processes" single-thread children of
# one process), held in a sandbox cgroup. Both print plain frames to /dev/null (-b), as a view would
# draw them:
#   CPU per refresh     from /proc/PID/schedstat over 4 s at a 0.1 s refresh, full scans off
#                       (headroom top --scan-interval 86400): the constant-cost tick and its frame
#   CPU over a minute   at the default refresh (1 s) for SECONDS (default 60), full scans as by
#                       default (every 30 s): the share of one core (target < 2% at 20,000)
#   a full report       headroom's report once a second instead (watch -n1 headroom): CPU per run
# Run from the repository root as root, after 'make headroom helpers':
#   bench/top-vs-peers.sh [TASKS] [threads|processes] [SECONDS]
# Everything it starts is removed on exit, SIGINT included; it changes no sysctl.
set -u
cd "$(dirname "$0")/.." || exit 2
TASKS=${1:-20000}
SHAPE=${2:-threads}
SECONDS_RUN=${3:-60}
case $SHAPE in threads | processes) ;; *) echo "shape: threads or processes" >&2; exit 2 ;; esac
HOLDER_WAIT=300
BUILD=${BUILD:-build}
HEADROOM=$PWD/headroom
FORKER=$PWD/$BUILD/helpers/forker
. tests/lib.sh
trap - EXIT INT TERM
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT
trap '_run_cleanups; exit 143' TERM
[ -x "$HEADROOM" ] && [ -x "$FORKER" ] || { echo "build first: make headroom helpers" >&2; exit 2; }
TOP=$(command -v top || true)
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

cpu_ns() { awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null || echo 0; }

cg=
if is_root && read -r ver parent < <(cgroup_parent_for pids); then
	cg=$parent/headroom-bench-top-$$
	mkdir "$cg" && on_exit "rmdir_retry $cg"
	echo $((TASKS * 2)) >"$cg/pids.max" # half full: no crossing, so no triggered scan inside a window
fi
HOLDER=
hold() {
	local flag=-t
	[ "$SHAPE" = processes ] && flag=
	if [ -n "$cg" ]; then
		start_holder tasks "$tmp/holder" sh -c "echo \$\$ > $cg/cgroup.procs && exec $FORKER $flag -n $1 -T 1800" || return 1
	else
		start_holder tasks "$tmp/holder" "$FORKER" $flag -n "$1" -T 1800 || return 1
	fi
	HOLDER=$HOLDER_PID
}
unhold() { kill_tree "$HOLDER"; wait "$HOLDER" 2>/dev/null; }

# cpu_of SECONDS COMMAND...: ms of CPU the command used over SECONDS, after a second to start
cpu_of() {
	local secs=$1 pid c0 c1
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep 1
	c0=$(cpu_ns "$pid")
	sleep "$secs"
	c1=$(cpu_ns "$pid")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	awk -v c="$((c1 - c0))" 'BEGIN { printf "%.1f\n", c / 1e6 }'
}

# the report once: ms of CPU (perf stat's task-clock; else the child's times from /proc, in clock ticks)
report_ms() {
	local s e
	if command -v perf >/dev/null && perf stat -x, -e task-clock -o "$tmp/perf" "$HEADROOM" >/dev/null 2>&1; then
		awk -F, '$3 == "task-clock" { printf "%.1f\n", $1 }' "$tmp/perf"
		return
	fi
	s=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	"$HEADROOM" >/dev/null 2>&1
	e=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	awk -v d="$((e - s))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f\n", d * 1000 / hz }'
}

measure() { # measure LABEL KEY
	local hr_frame top_frame hr_min top_min rep k
	hr_frame=$(cpu_of 4 "$HEADROOM" top -b -d 0.1 --scan-interval 86400)
	top_frame=
	[ -n "$TOP" ] && top_frame=$(cpu_of 4 "$TOP" -b -d 0.1)
	hr_min=$(cpu_of "$SECONDS_RUN" "$HEADROOM" top -b)
	top_min=
	[ -n "$TOP" ] && top_min=$(cpu_of "$SECONDS_RUN" "$TOP" -b -d 1)
	: >"$tmp/rep"
	for k in 1 2 3 4 5; do report_ms >>"$tmp/rep"; done
	rep=$(sort -n "$tmp/rep" | sed -n 3p)
	# per refresh: 4 s at 0.1 s is about 40 refreshes
	printf '%-16s %16.2f %16s %16.2f %16s %16s\n' "$1" "$(awk -v c="$hr_frame" 'BEGIN { print c / 40 }')" \
		"$([ -n "$top_frame" ] && awk -v c="$top_frame" 'BEGIN { printf "%.2f", c / 40 }')" \
		"$(awk -v c="$hr_min" -v s="$SECONDS_RUN" 'BEGIN { print c / (s * 1000) * 100 }')" \
		"$([ -n "$top_min" ] && awk -v c="$top_min" -v s="$SECONDS_RUN" 'BEGIN { printf "%.2f", c / (s * 1000) * 100 }')" "$rep"
	eval "HRF_$2=$hr_frame TOPF_$2=${top_frame:-0} HRM_$2=$hr_min TOPM_$2=${top_min:-0} REP_$2=$rep"
}

echo "kernel $(uname -r); $(nproc) CPUs; $(ls -d /proc/[0-9]* | wc -l) processes before the holder; $(top -V 2>&1 | head -n1)"
printf '\n%-16s %16s %16s %16s %16s %16s\n' "$SHAPE held" "hr ms/refresh" "top ms/refresh" "hr %core/min" "top %core/min" \
	"report ms/run"
hold 100 || exit 1
measure 100 small
unhold
hold "$TASKS" || exit 1
measure "$TASKS" big
unhold

echo
met() { awk -v r="$1" -v t="$2" 'BEGIN { print (r < t) ? "met" : "NOT MET" }'; }
pct=$(awk -v c="$HRM_big" -v s="$SECONDS_RUN" 'BEGIN { printf "%.2f", c / (s * 1000) * 100 }')
echo "headroom top at $TASKS $SHAPE, default refresh, over ${SECONDS_RUN} s: $pct% of one core (target < 2%: $(met "$pct" 2))"
echo "headroom top per refresh at $TASKS / at 100 = $(awk -v a="$HRF_big" -v b="$HRF_small" 'BEGIN { printf "%.2f", a / b }') (the tick must cost about the same)"
[ -n "$TOP" ] && echo "top / headroom top, CPU over the minute at $TASKS $SHAPE = $(awk -v a="$TOPM_big" -v b="$HRM_big" 'BEGIN { printf "%.1fx", a / b }')"
echo "a full report each second instead (watch -n1 headroom) at $TASKS $SHAPE: $(awk -v r="$REP_big" 'BEGIN { printf "%.1f%%", r / 10 }') of one core"
exit 0
