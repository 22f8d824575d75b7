#!/usr/bin/env bash
# Units under systemd (issue 13): a service whose TasksMax= its workload fills, a service pushed past its
# MemoryMax= into an OOM kill, and a systemd-run --scope unit. headroom names each unit, prints the
# systemctl fix; the fix is run, and the unit can fork again. Needs systemd as init (make vm-check boots
# a Debian 12 machine for it); elsewhere it skips.
. "$(dirname "$0")/../lib.sh"
T="systemd units"
is_root || { skip "$T" "needs root"; exit 0; }
[ -d /run/systemd/system ] || { skip "$T" "systemd is not the init (make vm-check runs it in a systemd machine)"; exit 77; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
cg=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$cg" ] || { skip "$T" "cgroup v2 is not mounted"; exit 0; }
tag=hr$$r$RANDOM
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# fork_in DIR: whether a process moved into cgroup DIR can fork (a child runs and exits 0). Moving in is
# never refused by pids.max; the fork is. "&& :" keeps bash from exec'ing its last command without a fork.
fork_in() { bash -c "echo \$\$ >'$1/cgroup.procs' && /bin/true && :" 2>/dev/null; }

# limit_of JSON ID SCOPE: one limit of the report, as JSON
limit_of() { jq -c --arg id "$2" --arg s "$3" '.limits[] | select(.id == $id and .scope == $s)' <<<"$1"; }

# --- a service at its TasksMax= ---------------------------------------------------------------------------
svc=$tag-tasks.service
systemd-run --quiet --unit="$svc" -p TasksMax=20 "$HELPERS/forker" -n 100 -T 120 ||
	{ not_ok "$T" "systemd-run failed"; exit 0; }
on_exit "systemctl stop '$svc'"
dir=$cg/system.slice/$svc
for i in $(seq 1 100); do [ "$(cat "$dir/pids.current" 2>/dev/null)" = 20 ] && break; sleep 0.1; done
check_eq "the service fills its TasksMax=" 20 "$(cat "$dir/pids.current")"
check "a fork in the full service fails" test "$(fork_in "$dir"; echo $?)" != 0
json=$("$HEADROOM" --json)
l=$(limit_of "$json" cgroup_pids "cgroup:/system.slice/$svc")
check_eq "the report has the service's pids limit, critical" critical "$(jq -r .status <<<"$l")"
check_eq "owned by systemd" systemd "$(jq -r .owner_kind <<<"$l")"
check_eq "the owner is the unit" "$svc" "$(jq -r .owner <<<"$l")"
fix=$(jq -r '.fix_now_commands[] | select(startswith("systemctl set-property"))' <<<"$l")
check "the fix is systemctl set-property ... TasksMax=" grep -qE "^systemctl set-property $svc TasksMax=[0-9]+$" <<<"$fix"
check "the text names the unit" grep -qF "$svc" <<<"$("$HEADROOM")"
bash -c "$fix"
check_eq "the fix ran: TasksMax= is the new value" "${fix##*=}" "$(systemctl show -P TasksMax "$svc")"
check "the service can fork again" fork_in "$dir"

# --- a service pushed past its MemoryMax= into an OOM kill --------------------------------------------------
svc=$tag-mem.service
systemd-run --quiet --unit="$svc" -p MemoryMax=64M -p MemorySwapMax=0 "$HELPERS/hog" -m 56 -T 120 ||
	{ not_ok "$T" "systemd-run failed"; exit 0; }
on_exit "systemctl stop '$svc'"
dir=$cg/system.slice/$svc
for i in $(seq 1 200); do [ "$(cat "$dir/memory.current" 2>/dev/null || echo 0)" -gt $((50 << 20)) ] && break; sleep 0.1; done
json=$("$HEADROOM" --json)
l=$(limit_of "$json" cgroup_memory "cgroup:/system.slice/$svc")
check "the report has the service's memory limit, past the warning" jq -e '.status == "warning" or .status == "critical"' <<<"$l"
check_eq "its owner is the unit" "$svc" "$(jq -r .owner <<<"$l")"
check "the fix is systemctl set-property ... MemoryMax=" \
	grep -qE "^systemctl set-property $svc MemoryMax=[0-9]+$" <<<"$(jq -r '.fix_now_commands[]' <<<"$l")"
# a second one that asks for more than its MemoryMax=: the kernel kills it
kill=$tag-kill.service
systemd-run --quiet --unit="$kill" -p MemoryMax=32M -p MemorySwapMax=0 "$HELPERS/hog" -m 200 -T 60
on_exit "systemctl reset-failed '$kill'"
for i in $(seq 1 300); do systemctl is-active --quiet "$kill" || break; sleep 0.1; done
check_eq "the kernel killed it (systemd's view)" oom-kill "$(systemctl show -P Result "$kill")"
oj=$("$HEADROOM" oom --json)
check "headroom oom's history has the kill, in the unit's cgroup" \
	jq -e --arg s "cgroup:/system.slice/$kill" '[.kills[] | select(.scope == $s and .comm == "hog")] | length >= 1' <<<"$oj"

# --- a systemd-run --scope unit ------------------------------------------------------------------------------
systemd-run --quiet --scope --unit="$tag-scope" -p TasksMax=10 "$HELPERS/forker" -n 50 -T 120 >"$tmp/scope" 2>&1 &
sp=$!
on_exit "kill $sp"
scope=$tag-scope.scope
dir=$(find "$cg" -maxdepth 3 -type d -name "$scope" | head -n1)
for i in $(seq 1 100); do [ -n "$dir" ] && [ "$(cat "$dir/pids.current" 2>/dev/null)" = 10 ] && break; sleep 0.1
	dir=$(find "$cg" -maxdepth 3 -type d -name "$scope" | head -n1); done
check_eq "the scope fills its TasksMax=" 10 "$(cat "$dir/pids.current" 2>/dev/null)"
rel=${dir#"$cg"}
l=$(limit_of "$("$HEADROOM" --json)" cgroup_pids "cgroup:$rel")
check_eq "the report names the scope unit" "$scope" "$(jq -r .owner <<<"$l")"
fix=$(jq -r '.fix_now_commands[] | select(startswith("systemctl set-property"))' <<<"$l")
check "the fix is systemctl set-property for the scope" grep -qE "^systemctl set-property $scope TasksMax=[0-9]+$" <<<"$fix"
bash -c "$fix"
check "the scope can fork again" fork_in "$dir"
