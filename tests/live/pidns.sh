#!/usr/bin/env bash
# Child pid namespaces: one at its own pid_max (6.14+), one below it, and one whose init has exited.
# Everything runs in namespaces this test creates; no global sysctl is touched.
. "$(dirname "$0")/../lib.sh"
is_root || { skip "pid namespaces" "needs root to create pid namespaces"; exit 0; }
need_jq || { skip "pid namespaces" "jq is not installed"; exit 0; }
command -v unshare >/dev/null || { skip "pid namespaces" "unshare is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
F=$HELPERS/forker

# The init (pid 1 inside) of the namespace made by the holder whose unshare has pid $1.
ns_init_of() {
	local p
	for p in $(pgrep -P "$1"); do
		grep -qP 'NSpid:\t\d+\t1$' "/proc/$p/status" && { echo "$p"; return; }
	done
}

# 1. the namespace an `unshare --pid` without --fork leaves behind when its first child exits
start_holder dead "$tmp/dead" unshare --pid sh -c "/bin/true; exec $F -n 5 -T 60" || { not_ok "dead init" "no holder"; exit 0; }
check_eq "a fork into a namespace whose init exited fails with ENOMEM" "created 0 errno ENOMEM" "$(head -n1 "$tmp/dead")"
dead_pid=$HOLDER_PID
dead_ns=$(readlink "/proc/$dead_pid/ns/pid_for_children" | tr -dc 0-9)
json=$("$HEADROOM" --json --no-maps)
l=$(limit_json "$json" pidns_init "pidns:$dead_ns")
check_eq "the dead namespace is critical" critical "$(jq -r .status <<<"$l")"
check_eq "its errno is the one the fork got" ENOMEM "$(jq -r .errno <<<"$l")"
check_eq "the process that forks into it is named" "$dead_pid" "$(jq -r .holder_pid <<<"$l")"

if [ "$(kernel_code)" -lt 6014 ]; then
	skip "pid namespace at its own pid_max" "kernel.pid_max is per namespace only since 6.14 ($(uname -r))"
	exit 0
fi

# 2. a namespace at its own pid_max: numbers 1..300 taken, the 301st fork fails
start_holder full "$tmp/full" unshare --pid --fork --mount-proc sh -c "echo 301 > /proc/sys/kernel/pid_max && exec $F -n 1000 -T 60" ||
	{ not_ok "full namespace" "no holder"; exit 0; }
check_eq "the namespace's 301st task failed with EAGAIN" "created 299 errno EAGAIN" "$(head -n1 "$tmp/full")"
full_init=$(ns_init_of "$HOLDER_PID")
full_ns=$(readlink "/proc/$full_init/ns/pid" | tr -dc 0-9)
in_ns=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "pid:[$full_ns]" ] && in_ns=$((in_ns + $(awk '/^Threads:/ { print $2 }' "$p/status" 2>/dev/null || echo 0)))
done

# 3. a namespace below its own pid_max
start_holder part "$tmp/part" unshare --pid --fork --mount-proc sh -c "echo 400 > /proc/sys/kernel/pid_max && exec $F -n 49 -T 60" ||
	{ not_ok "partly filled namespace" "no holder"; exit 0; }
part_ns=$(readlink "/proc/$(ns_init_of "$HOLDER_PID")/ns/pid" | tr -dc 0-9)

json=$("$HEADROOM" --json --no-maps)
rc=$?
l=$(limit_json "$json" pid_max "pidns:$full_ns")
check_eq "exit status is critical" 2 "$rc"
check_eq "the full namespace is critical" critical "$(jq -r .status <<<"$l")"
check_eq "its used pids equal its tasks ($in_ns)" "$in_ns" "$(jq -r .used <<<"$l")"
check_eq "its pid_max is found although no pid is free" 301 "$(jq -r .max <<<"$l")"
check_eq "its errno is EAGAIN" EAGAIN "$(jq -r .errno <<<"$l")"
check_eq "a probe fork into it failed with EAGAIN" EAGAIN "$(jq -r .probe_fork_errno <<<"$l")"
check "the evidence says how pid_max was found" grep -q "clone3 set_tid" <<<"$(jq -r .source <<<"$l")"
check_eq "its init is named" "$full_init" "$(jq -r .init_pid <<<"$l")"
l=$(limit_json "$json" pid_max "pidns:$part_ns")
check_eq "the partly filled namespace is ok" ok "$(jq -r .status <<<"$l")"
check_eq "its pid_max is read from inside" 400 "$(jq -r .max <<<"$l")"
check_eq "its used pids" 50 "$(jq -r .used <<<"$l")"
check "the evidence says it was read inside" grep -q "read from inside the namespace" <<<"$(jq -r .source <<<"$l")"

# 4. --no-fork reads nothing that needs a fork, and says nothing wrong
json=$("$HEADROOM" --json --no-maps --no-fork)
check_eq "--no-fork leaves child pid_max unread" null "$(limit_json "$json" pid_max "pidns:$full_ns")"
check_eq "--no-fork still finds the dead namespace" critical "$(jq -r .status <<<"$(limit_json "$json" pidns_init "pidns:$dead_ns")")"

# the probes left nothing behind: the full namespace still has exactly its tasks
after=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "pid:[$full_ns]" ] && after=$((after + 1))
done
check_eq "the probes left no task in the namespace" "$in_ns" "$after"
_run_cleanups
check "nothing is left: no holder process" bash -c "! pgrep -f '$F -n (5|1000|49) -T 60' >/dev/null"
