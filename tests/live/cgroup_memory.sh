#!/usr/bin/env bash
# A memory cgroup's usage and limit are reported as the kernel gives them.
. "$(dirname "$0")/../lib.sh"
T="memory cgroup"
is_root || { skip "$T" "needs root to create a cgroup"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for memory) || { skip "$T" "no memory controller is mounted or delegated"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
name=headroom-test-mem-$$-$RANDOM
cg=$parent/$name
mkdir "$cg" || { not_ok "$T" "cannot create $cg"; exit 0; }
on_exit "rmdir_retry $cg"
if [ "$ver" = v1 ]; then
	limit_file=memory.limit_in_bytes usage_file=memory.usage_in_bytes
else
	limit_file=memory.max usage_file=memory.current
fi
echo $((64 << 20)) >"$cg/$limit_file"
start_holder hog "$tmp/out" sh -c "echo \$\$ > $cg/cgroup.procs && exec $HELPERS/hog -m 56 -T 60" || { not_ok "$T" "no holder"; exit 0; }
check_eq "the hog got its memory" "allocated 56 MiB" "$(head -n1 "$tmp/out")"
same=no
for i in 1 2 3 4 5; do
	before=$(cat "$cg/$usage_file")
	json=$("$HEADROOM" --json --no-maps --no-fork)
	after=$(cat "$cg/$usage_file")
	[ "$before" = "$after" ] || continue
	l=$(limit_json "$json" cgroup_memory "cgroup:/$name")
	[ "$(jq -r .used <<<"$l")" = "$before" ] && same=yes
	break
done
check_eq "used equals $usage_file" yes "$same"
check_eq "max equals $limit_file" $((64 << 20)) "$(jq -r .max <<<"$l")"
check_eq "56 MiB of anonymous memory in 64 MiB is a warning" warning "$(jq -r .status <<<"$l")"
check_eq "errno is ENOMEM" ENOMEM "$(jq -r .errno <<<"$l")"
check "the working set is given" test "$(jq -r .working_set_bytes <<<"$l")" -gt $((50 << 20))
_run_cleanups
check "nothing is left: the cgroup is removed" test ! -d "$cg"
