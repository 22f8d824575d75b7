#!/usr/bin/env bash
# A real program runs out of memory: stress-ng's vm stressor in a 128 MiB memory cgroup is killed by the
# OOM killer; headroom oom records the kill with the kernel's own numbers, and explain confirms the limit.
. "$(dirname "$0")/../lib.sh"
T="stress-ng oom"
is_root || { skip "$T" "needs root to create a memory cgroup"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v stress-ng >/dev/null || { skip "$T" "stress-ng is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for memory) || { skip "$T" "no memory controller is mounted or delegated"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
name=headroom-test-sng-$$-$RANDOM
dir=$parent/$name
mkdir "$dir" || { not_ok "$T" "cannot create $dir"; exit 0; }
on_exit "rmdir_retry $dir"
if [ "$ver" = v1 ]; then
	echo $((128 << 20)) >"$dir/memory.limit_in_bytes"
	echo $((128 << 20)) >"$dir/memory.memsw.limit_in_bytes" 2>/dev/null || echo 0 >"$dir/memory.swappiness"
	counter() { awk '$1 == "oom_kill" { print $2 }' "$dir/memory.oom_control"; }
else
	echo $((128 << 20)) >"$dir/memory.max"
	echo 0 >"$dir/memory.swap.max" 2>/dev/null
	counter() { awk '$1 == "oom_kill" { print $2 }' "$dir/memory.events"; }
fi
# --oomable: a killed worker is not restarted; the run is bounded by --timeout
sh -c "echo \$\$ > $dir/cgroup.procs && exec stress-ng --vm 1 --vm-bytes 200M --vm-keep --oomable --timeout 20s" \
	>"$tmp/out" 2>&1 &
sng=$!
on_exit "kill -KILL $sng 2>/dev/null; pkill -KILL -f 'stress-ng --vm 1 --vm-bytes 200M' 2>/dev/null"
for ((i = 0; i < 150; i++)); do
	[ "$(counter)" -ge 1 ] 2>/dev/null && break
	sleep 0.1
done
kills=$(counter)
check "the kernel killed stress-ng's worker (oom_kill $kills)" test "$kills" -ge 1
json=$("$HEADROOM" oom --json)
k=$(jq -c --arg s "cgroup:/$name" '[.kills[] | select(.scope == $s)] | last' <<<"$json")
check_eq "headroom oom's history has the kill, with stress-ng's name" stress-ng-vm "$(jq -r .comm <<<"$k")"
check_eq "with the memcg constraint" CONSTRAINT_MEMCG "$(jq -r .constraint <<<"$k")"
check "its resident memory is near the 128 MiB limit" test "$(jq -r .rss_bytes <<<"$k")" -gt $((100 << 20))
check_eq "the oom_score_adj stress-ng gave it" 1000 "$(jq -r .oom_score_adj <<<"$k")"
d=$(jq -c --arg s "cgroup:/$name" '.domains[] | select(.scope == $s)' <<<"$json")
check_eq "the cgroup's domain counts the kills" "$kills" "$(jq -r .oom_kills <<<"$d")"
e=$("$HEADROOM" explain --json --cgroup "/$name" "stress-ng: error: mmap: Cannot allocate memory")
check_eq "explain: an allocation there is confirmed as the cgroup's memory limit" "cgroup_memory cgroup:/$name confirmed" \
	"$(jq -r '.causes[0] | "\(.id) \(.scope) \(.verdict)"' <<<"$e")"
wait $sng 2>/dev/null
_run_cleanups
check "nothing is left: the cgroup is removed" test ! -d "$dir"
