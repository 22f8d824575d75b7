#!/usr/bin/env bash
# A real JVM in a pids cgroup: Java says "unable to create native thread", and headroom names the
# cgroup's pids.max critical with the java process on top, its thread count the kernel's.
. "$(dirname "$0")/../lib.sh"
T="java threads"
is_root || { skip "$T" "needs root to create a cgroup"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v java >/dev/null || { skip "$T" "java is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted or delegated"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
name=headroom-test-java-$$-$RANDOM
cg=$parent/$name
mkdir "$cg" || { not_ok "$T" "cannot create $cg"; exit 0; }
on_exit "rmdir_retry $cg"
max=300
echo $max >"$cg/pids.max"
src=$(cd "$(dirname "$0")" && pwd)/java/Threads.java
start_holder java "$tmp/out" sh -c "echo \$\$ > $cg/cgroup.procs && exec java -Xss256k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 $src 60" ||
	{ not_ok "$T" "the JVM did not start: $(cat "$tmp/out")"; exit 0; }
jpid=$HOLDER_PID
check "Java says it could not create a native thread" grep -q '^error java.lang.OutOfMemoryError: unable to create native thread' "$tmp/out"
check_eq "repro's Java message is the JVM's own" \
	"$(sed -n 's/^error //p' "$tmp/out")" "$("$HEADROOM" repro --json threads --count 20 | jq -r '.shell_message | sub(" \\(a JVM\\)$"; "")')"
json=$("$HEADROOM" --json --no-fork)
current=$(cat "$cg/pids.current")
l=$(limit_json "$json" cgroup_pids "cgroup:/$name")
check_eq "the cgroup is at its pids.max ($current of $max)" "$max" "$current"
check_eq "headroom names its pids.max critical" critical "$(jq -r .status <<<"$l")"
check_eq "with the kernel's pids.current" "$current" "$(jq -r .used <<<"$l")"
check_eq "the java process tops the cgroup" "$jpid" "$(jq -r .top.pid <<<"$l")"
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$jpid/status")
check_eq "by its threads" threads "$(jq -r .top.kind <<<"$l")"
check_eq "its threads are the kernel's count" "$threads" "$(jq -r .top.count <<<"$l")"
check_eq "the java process tops the consumers" "$jpid java" "$(jq -r '.consumers.processes[0] | "\(.pid) \(.comm)"' <<<"$json")"
# the JVM runs SIGTERM's shutdown hooks in a new thread, which it cannot create here: SIGKILL it
kill -KILL "$jpid"
_run_cleanups
check "nothing is left: the cgroup is removed" test ! -d "$cg"
