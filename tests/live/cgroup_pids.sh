#!/usr/bin/env bash
# A cgroup at its pids.max is reported critical under its path, with the kernel's own numbers.
. "$(dirname "$0")/../lib.sh"
T="cgroup at its pids.max"
is_root || { skip "$T" "needs root to create a cgroup"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
name=headroom-test-pids-$$-$RANDOM
cg=$parent/$name
mkdir "$cg" || { not_ok "$T" "cannot create $cg"; exit 0; }
on_exit "rmdir_retry $cg"
echo 16 >"$cg/pids.max"

start_holder forker "$tmp/out" sh -c "echo \$\$ > $cg/cgroup.procs && exec $HELPERS/forker -n 100 -T 60" || {
	not_ok "$T" "the holder did not start"; exit 0; }
check_eq "the 16th task's fork failed with EAGAIN" "created 15 errno EAGAIN" "$(head -n1 "$tmp/out")"

json=$("$HEADROOM" --json --no-maps)
rc=$?
current=$(cat "$cg/pids.current")
events=$(awk '$1 == "max" { print $2 }' "$cg/pids.events")
l=$(limit_json "$json" cgroup_pids "cgroup:/$name")
check_eq "exit status is critical" 2 "$rc"
check_eq "reported critical under its path" critical "$(jq -r .status <<<"$l")"
check_eq "used equals pids.current ($current)" "$current" "$(jq -r .used <<<"$l")"
check_eq "max equals pids.max" 16 "$(jq -r .max <<<"$l")"
check_eq "errno is EAGAIN" EAGAIN "$(jq -r .errno <<<"$l")"
check_eq "rejected forks equal pids.events max ($events)" "$events" "$(jq -r .rejected_forks <<<"$l")"
check_eq "the directory is named" "$cg" "$(jq -r .dir <<<"$l")"
check_eq "the top consumer is in the cgroup" 1 "$(grep -cx "$(jq -r .top.pid <<<"$l")" "$cg/cgroup.procs")"
check "the fix writes the pids.max file" grep -qxE "echo [0-9]+ > $cg/pids.max" <<<"$(jq -r ".fix_now_commands[]" <<<"$l")"
text=$("$HEADROOM" --no-maps --top 0)
check "the text report's first line names the cgroup" grep -q "^headroom: CRITICAL: .*cgroup /$name" <<<"$(head -n1 <<<"$text")"
check "the text table lists it critical" grep -qE "^critical +100% +cgroup pids.max +16 / 16 tasks +cgroup /$name\$" <<<"$text"

_run_cleanups
check "nothing is left: the cgroup is removed" test ! -d "$cg"
