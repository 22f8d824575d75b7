#!/usr/bin/env bash
# Benchmark of the one-shot report against its peers, on the same machine in the same run.
#
# Holds TASKS sleeping tasks (default 20,000) inside a sandbox cgroup, in one of two shapes: as threads
# of PROCS processes (default 1: a JVM), or, with "processes" for PROCS, as single-thread children of one
# parent (a fork leak, a prefork server). Then times,
# alternately, RUNS times each (default 11), and prints the medians and the ratios:
#   headroom                   the full text report (every reader, map counts included)
#   ps -eLf | wc -l            what people run by hand
#   node_exporter scrape       GET /metrics with --collector.processes, when node_exporter is installed
#                              (Debian: apt-get install prometheus-node-exporter)
#   the floor                  listing /proc and reading each /proc/PID/stat once, in C (statfloor)
# and the report's peak resident size. Then the report's cost at 100 tasks.
# Targets: threads (issue 2): headroom <= ps / 50 and <= node_exporter / 25; processes (issue 12):
# headroom <= 2.5 x the floor, <= ps / 2.5 and <= node_exporter / 2.5, peak RSS <= 16 MiB, and the
# top consumer named as the parent's children.
#
# Run from the repository root as root, after 'make helpers':
#   bench/report-vs-peers.sh [TASKS] [RUNS] [PROCS|processes]
# Everything it starts is removed on exit, SIGINT included; it changes no sysctl.
set -u
cd "$(dirname "$0")/.." || exit 2
THREADS=${1:-20000}
RUNS=${2:-11}
PROCS=${3:-1}
SHAPE=threads
if [ "$PROCS" = processes ]; then SHAPE=processes; PROCS=1; fi
BUILD=${BUILD:-build}
HEADROOM=${HEADROOM:-$PWD/headroom}
FORKER=$PWD/$BUILD/helpers/forker
HOLDER_WAIT=300 # forking tens of thousands of processes takes a while
FLOOR=$PWD/$BUILD/helpers/statfloor
MAXRSS=$PWD/$BUILD/helpers/maxrss
. tests/lib.sh
. bench/peers.sh
trap - EXIT INT TERM
trap '_run_cleanups' EXIT
trap '_run_cleanups; exit 130' INT
trap '_run_cleanups; exit 143' TERM

[ -x "$HEADROOM" ] && [ -x "$FORKER" ] && [ -x "$FLOOR" ] || { echo "build first: make headroom helpers" >&2; exit 2; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"


# the sandbox cgroup
cg=
if is_root && read -r ver parent < <(cgroup_parent_for pids); then
	cg=$parent/headroom-bench-$$
	mkdir "$cg" && on_exit "rmdir_retry $cg"
	echo $((THREADS + 5000)) >"$cg/pids.max"
else
	echo "note: not root or no pids controller: the threads are held outside a sandbox cgroup"
fi

hold() { # hold N P: P processes with N threads in all, or N children of one (in the cgroup when there is one)
	local k per=$(($1 / $2)) flag=-t
	[ "$SHAPE" = processes ] && flag=
	HOLDERS=()
	for ((k = 0; k < $2; k++)); do
		if [ -n "$cg" ]; then
			start_holder tasks "$tmp/holder$k" sh -c "echo \$\$ > $cg/cgroup.procs && exec $FORKER $flag -n $per -T 900" ||
				return 1
		else
			start_holder tasks "$tmp/holder$k" "$FORKER" $flag -n "$per" -T 900 || return 1
		fi
		HOLDERS+=("$HOLDER_PID")
	done
}

hold "$THREADS" "$PROCS" || exit 1
tasks=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f2)
echo "holding $(cat "$tmp"/holder* | awk '/^created/ { n += $2 } END { print n }') $([ "$SHAPE" = processes ] && echo "children of one process" || echo "threads in $PROCS process(es)"); $tasks tasks on the machine;" \
	"$(ls -d /proc/[0-9]* | wc -l) processes; kernel $(uname -r); $(nproc) CPUs"

start_node_exporter
ne_url=$NE_URL

scrape() { curl -sf "$ne_url" >/dev/null; }
pslines() { ps -eLf | wc -l; }
for ((r = 0; r < RUNS; r++)); do
	ms "$HEADROOM" >>"$tmp/hr"
	ms "$FLOOR" >>"$tmp/floor"
	ms pslines >>"$tmp/ps"
	[ -n "$ne_url" ] && ms scrape >>"$tmp/ne"
	"$MAXRSS" "$HEADROOM" | cut -d' ' -f1 >>"$tmp/rss"
done
hr=$(median <"$tmp/hr")
ps_ms=$(median <"$tmp/ps")
floor=$(median <"$tmp/floor")
rss=$(median <"$tmp/rss")
printf '\n%-44s %10s\n' "median of $RUNS runs at $THREADS tasks ($SHAPE)" "ms"
printf '%-44s %10.2f\n' "headroom (full report)" "$hr"
printf '%-44s %10.2f\n' "the floor (/proc/PID/stat once each, in C)" "$floor"
printf '%-44s %10.2f\n' "ps -eLf | wc -l" "$ps_ms"
[ -n "$ne_url" ] && printf '%-44s %10.2f\n' "node_exporter scrape (processes collector)" "$(median <"$tmp/ne")"
printf '%-44s %10.1f MiB\n' "headroom peak resident size" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
met() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "NOT MET" }'; }
below() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "met" : "NOT MET" }'; }
if [ "$SHAPE" = processes ]; then
	r=$(ratio "$hr" "$floor")
	echo "headroom / floor = ${r}x (target <= 2.5x: $(below "$r" 2.5))"
	r=$(ratio "$ps_ms" "$hr")
	echo "ps / headroom = ${r}x (target >= 2.5x: $(met "$r" 2.5))"
	if [ -n "$ne_url" ]; then
		r=$(ratio "$(median <"$tmp/ne")" "$hr")
		echo "node_exporter / headroom = ${r}x (target >= 2.5x: $(met "$r" 2.5))"
	fi
	echo "peak RSS $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB (target <= 16 MiB: $(below "$rss" 16384))"
	top=$("$HEADROOM" --json --no-maps | jq -r --arg s "cgroup:${cg#"$parent"}" '.limits[] | select(.id == "cgroup_pids" and .scope == $s) | .top | "\(.kind) \(.count) \(.pid) \(.comm)"')
	echo "top consumer of the sandbox: $top (target: children of pid ${HOLDERS[0]})"
else
	r=$(ratio "$ps_ms" "$hr")
	echo "ps / headroom = ${r}x (target >= 50x: $(met "$r" 50))"
	if [ -n "$ne_url" ]; then
		r=$(ratio "$(median <"$tmp/ne")" "$hr")
		echo "node_exporter / headroom = ${r}x (target >= 25x: $(met "$r" 25))"
	fi
	echo "headroom / floor = $(ratio "$hr" "$floor")x"
fi

# the same report with few threads: the cost follows processes, not threads; what remains is the
# kernel formatting the 20,000-thread process's maps (two VMAs a thread stack)
for h in "${HOLDERS[@]}"; do kill_tree "$h"; wait "$h" 2>/dev/null; done
hold 100 1 || exit 1
for ((r = 0; r < RUNS; r++)); do ms "$HEADROOM" >>"$tmp/hr100"; done
printf '\n%-44s %10.2f\n' "headroom at 100 tasks" "$(median <"$tmp/hr100")"
[ "$SHAPE" = threads ] && echo "(at $THREADS threads, $hr ms: the difference is mostly the kernel formatting the maps of the threads'" \
	"stacks, two VMAs a thread, and listing /proc, which walks every pid)"
