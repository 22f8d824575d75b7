#!/usr/bin/env bash
# headroom --metrics: Prometheus text format that promtool accepts, the same numbers as the JSON report.
. "$(dirname "$0")/lib.sh"
need_jq || { skip "metrics" "jq is not installed"; exit 0; }
# promtool_accepts NAME TEXT: promtool check metrics accepts TEXT (skipped without promtool: the other checks run)
promtool_accepts() {
	if command -v promtool >/dev/null; then
		check "$1" promtool check metrics <<<"$2"
	else
		skip "$1" "promtool is not installed (Debian: prometheus)"
	fi
}
FX=$TESTS_DIR/fixtures
for f in 3.10-rhel7 6.8-cgroup-v2 6.18-cgroup-v1 6.18-container 6.1-malformed; do
	out=$("$HEADROOM" --metrics -r "$FX/$f/root")
	promtool_accepts "$f: promtool check metrics accepts it" "$out"
	json=$("$HEADROOM" --json -r "$FX/$f/root")
	# every listed limit's usage is the JSON's
	want=$(jq -r '.limits[] | "\(.id) \(.scope) \(.used)"' <<<"$json" | sort)
	got=$(sed -n 's/^headroom_limit_used_[a-z]*{id="\([a-z_]*\)",scope="\(.*\)"} \([0-9]*\)$/\1 \2 \3/p' <<<"$out" | sort)
	check_eq "$f: the used gauges are the JSON report's numbers" "$want" "$got"
done
out=$("$HEADROOM" --metrics -r "$FX/6.8-cgroup-v2/root")
check "the container's rejected forks are a counter" grep -q '^headroom_cgroup_pids_rejected_forks_total{scope="cgroup:/system.slice/docker-[0-9a-f]*.scope"} 37$' <<<"$out"
check "and its OOM kills" grep -q '^headroom_cgroup_oom_kills_total{scope="cgroup:/system.slice/docker-[0-9a-f]*.scope"} 3$' <<<"$out"
out=$("$HEADROOM" --metrics)
promtool_accepts "live: promtool check metrics accepts it" "$out"
# scope system, or in a child pid namespace (a package build's, 6.14+) that namespace's own
check "live: the machine's pid_max" grep -qE "^headroom_limit_max_pids\{id=\"pid_max\",scope=\"(system|pidns:$(stat -L -c %i /proc/self/ns/pid))\"\} $(cat /proc/sys/kernel/pid_max)\$" <<<"$out"
