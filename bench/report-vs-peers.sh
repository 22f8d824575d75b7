#!/usr/bin/env bash
# Benchmark of the one-shot report against its peers, on the same machine in the same run.
#
# Holds THREADS sleeping threads (default 20,000) in PROCS processes (default 1) inside a sandbox cgroup,
# then times,
# alternately, RUNS times each (default 11), and prints the medians and the ratios:
#   headroom                   the full text report (every reader, map counts included)
#   ps -eLf | wc -l            what people run by hand
#   node_exporter scrape       GET /metrics with --collector.processes, when node_exporter is installed
#                              (Debian: apt-get install prometheus-node-exporter)
# Then the report's cost at 100 threads, to show it grows with processes, not threads.
# Targets (issue 2): headroom <= ps / 50 and <= node_exporter / 25.
#
# Run from the repository root as root, after 'make helpers': bench/report-vs-peers.sh [THREADS] [RUNS] [PROCS]
# Everything it starts is removed on exit, SIGINT included; it changes no sysctl.
set -u
cd "$(dirname "$0")/.." || exit 2
THREADS=${1:-20000}
RUNS=${2:-11}
PROCS=${3:-1}
BUILD=${BUILD:-build}
HEADROOM=$PWD/headroom
FORKER=$PWD/$BUILD/helpers/forker
. tests/lib.sh
. bench/peers.sh
trap - EXIT INT TERM
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT
trap '_run_cleanups; exit 143' TERM

[ -x "$HEADROOM" ] && [ -x "$FORKER" ] || { echo "build first: make headroom helpers" >&2; exit 2; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ms COMMAND...: wall time of one run in milliseconds
ms() {
	local s e
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", (e - s) * 1000 }'
}

# the sandbox cgroup
cg=
if is_root && read -r ver parent < <(cgroup_parent_for pids); then
	cg=$parent/headroom-bench-$$
	mkdir "$cg" && on_exit "rmdir_retry $cg"
	echo $((THREADS + 5000)) >"$cg/pids.max"
else
	echo "note: not root or no pids controller: the threads are held outside a sandbox cgroup"
fi

hold() { # hold N P: P processes with N threads in all (in the cgroup when there is one)
	local k per=$(($1 / $2))
	HOLDERS=()
	for ((k = 0; k < $2; k++)); do
		if [ -n "$cg" ]; then
			start_holder threads "$tmp/holder$k" sh -c "echo \$\$ > $cg/cgroup.procs && exec $FORKER -t -n $per -T 900" ||
				return 1
		else
			start_holder threads "$tmp/holder$k" "$FORKER" -t -n "$per" -T 900 || return 1
		fi
		HOLDERS+=("$HOLDER_PID")
	done
}

hold "$THREADS" "$PROCS" || exit 1
tasks=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f2)
echo "holding $(cat "$tmp"/holder* | awk '/^created/ { n += $2 } END { print n }') threads in $PROCS process(es); $tasks tasks on the machine;" \
	"$(ls -d /proc/[0-9]* | wc -l) processes; kernel $(uname -r); $(nproc) CPUs"

start_node_exporter
ne_url=$NE_URL

scrape() { curl -sf "$ne_url" >/dev/null; }
pslines() { ps -eLf | wc -l; }
for ((r = 0; r < RUNS; r++)); do
	ms "$HEADROOM" >>"$tmp/hr"
	ms pslines >>"$tmp/ps"
	[ -n "$ne_url" ] && ms scrape >>"$tmp/ne"
done
hr=$(median <"$tmp/hr")
ps_ms=$(median <"$tmp/ps")
printf '\n%-44s %10s\n' "median of $RUNS runs at $THREADS threads" "ms"
printf '%-44s %10.2f\n' "headroom (full report)" "$hr"
printf '%-44s %10.2f\n' "ps -eLf | wc -l" "$ps_ms"
[ -n "$ne_url" ] && printf '%-44s %10.2f\n' "node_exporter scrape (processes collector)" "$(median <"$tmp/ne")"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
met() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "NOT MET" }'; }
r=$(ratio "$ps_ms" "$hr")
echo "ps / headroom = ${r}x (target >= 50x: $(met "$r" 50))"
if [ -n "$ne_url" ]; then
	r=$(ratio "$(median <"$tmp/ne")" "$hr")
	echo "node_exporter / headroom = ${r}x (target >= 25x: $(met "$r" 25))"
fi

# the same report with few threads: the cost follows processes, not threads; what remains is the
# kernel formatting the 20,000-thread process's maps (two VMAs a thread stack)
for h in "${HOLDERS[@]}"; do kill_tree "$h"; wait "$h" 2>/dev/null; done
hold 100 1 || exit 1
for ((r = 0; r < RUNS; r++)); do ms "$HEADROOM" >>"$tmp/hr100"; done
printf '\n%-44s %10.2f\n' "headroom at 100 threads" "$(median <"$tmp/hr100")"
echo "(at $THREADS threads, $hr ms: the difference is mostly the kernel formatting the maps of the threads'" \
	"stacks, two VMAs a thread, and listing /proc, which walks every pid)"
