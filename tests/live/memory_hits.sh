#!/usr/bin/env bash
# headroom watch (and so headroom top's events pane) logs the hits of a memory cgroup's limit
# (memory.events max on v2, memory.failcnt on v1) once a minute a cgroup at most: a program past the limit
# is OOM-killed twice in a row; each kill is logged, the hits once.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="memory limit hits"
is_root || { skip "$T" "needs root for a memory cgroup"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for memory) || { skip "$T" "no memory hierarchy to make a cgroup in"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
M=$parent/headroom-test-hits-$$
mkdir "$M" || { not_ok "$T" "cannot make $M"; exit 0; }
on_exit "rmdir_retry $M"
if [ "$ver" = v1 ]; then echo 33554432 >"$M/memory.limit_in_bytes"; echo 0 >"$M/memory.swappiness"
else echo 32M >"$M/memory.max"; echo 0 >"$M/memory.swap.max" 2>/dev/null; fi
name=/${M##*/}
counter=memory.failcnt
[ "$ver" = v2 ] && counter="memory.events max"

start_watch "$tmp/log" --interval 0.1 || { not_ok "$T" "the daemon did not start"; exit 0; }
hog() { (sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2/hog" -m 128 -T 20' sh "$M" "$HELPERS") >/dev/null 2>&1; }
hog
check "the first kill is logged" wait_for_line "$tmp/log" "oom: .* in memory cgroup $name " 10
check "the hits of the limit are logged, with the counter" \
	wait_for_line "$tmp/log" "memory: cgroup $name reached its memory limit [0-9,]+ time\(s\) since it was read before \($counter now [0-9]+\)" 10
hog
for ((i = 0; i < 50; i++)); do [ "$(grep -c "oom: .* in memory cgroup $name " "$tmp/log")" -ge 2 ] && break; sleep 0.1; done
check "the second kill is logged too" test "$(grep -c "oom: .* in memory cgroup $name " "$tmp/log")" -ge 2
sleep 0.5
check_eq "the hits are not logged again within the minute" 1 "$(grep -c "memory: cgroup $name reached" "$tmp/log")"
_run_cleanups
