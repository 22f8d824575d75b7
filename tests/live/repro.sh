#!/usr/bin/env bash
# headroom repro: every mode fails with the errno the kernel's source gives for the running kernel, the
# report names the mode's limit critical while the failure is held, and nothing is left behind, also
# after SIGINT, SIGTERM, a killed workload and a SIGKILL of headroom itself.
. "$(dirname "$0")/../lib.sh"
T=repro
is_root || { skip "$T" "needs root to create cgroups and namespaces"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit "rm -rf $tmp"

# What the kernel's source gives for this kernel (copy_process, alloc_pid: ENOMEM for pid exhaustion before
# 35f71bc0a09a in 4.1 and on RHEL 7), computed here, not by headroom.
kc=$(kernel_code)
pid_max_errno=EAGAIN
if [ "$kc" -lt 4001 ] || uname -r | grep -q '\.el7'; then pid_max_errno=ENOMEM; fi
overcommit=$(cat /proc/sys/vm/overcommit_memory)
commit_errno=ENOMEM
[ "$overcommit" = 1 ] && commit_errno=null

# Every sandbox cgroup and workload process that exists now.
leftovers() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name 'headroom-repro-*' 2>/dev/null
	local n
	# zombies included: a process left unreaped still holds its pid
	for n in repro-workload repro-alloc repro-holder; do pgrep -x "$n"; done
}
# Processes die a moment after SIGKILL: wait (bounded) until none is left.
settled_leftovers() {
	local i out
	for ((i = 0; i < 40; i++)); do
		out=$(leftovers)
		[ -z "$out" ] && return 0
		sleep 0.05
	done
	echo "$out"
}
before=$(leftovers)
[ -z "$before" ] || { not_ok "$T" "sandboxes of another run exist: $before"; exit 0; }

# run_mode MODE ERRNO LIMIT_ID [OPTION...]: runs the mode with --json into $json and checks the common part
run_mode() {
	local mode=$1 want=$2 id=$3
	shift 3
	json=$("$HEADROOM" repro --json "$@" "$mode" 2>"$tmp/err")
	rc=$?
	check_eq "$mode: exit status 0, reproduced and named" 0 "$rc"
	check_eq "$mode: nothing on stderr" "" "$(cat "$tmp/err")"
	check_eq "$mode: the call failed with $want, as the kernel source gives for $(uname -r)" "$want" "$(jq -r .errno <<<"$json")"
	check_eq "$mode: headroom expects the same errno" "$want" "$(jq -r .errno_expected <<<"$json")"
	check_eq "$mode: the report names $id for the sandbox" "$id $(jq -r .scope <<<"$json")" \
		"$(jq -r '.limit.id + " " + .limit.scope' <<<"$json")"
	check_eq "$mode: nothing is left behind" "" "$(settled_leftovers)"
	check_eq "$mode: its sandbox cgroup is gone" no "$(test -d "$(jq -r .sandbox.cgroup_dir <<<"$json")" && echo yes || echo no)"
}
critical() { check_eq "$1: the limit is critical while the failure is held" critical "$(jq -r .limit.status <<<"$json")"; }

run_mode pids-cgroup EAGAIN cgroup_pids --count 50
critical pids-cgroup
check_eq "pids-cgroup: 49 forks succeeded (the workload is the 50th task)" 49 "$(jq -r .after <<<"$json")"
check_eq "pids-cgroup: used and max are the cgroup's pids.current and pids.max" "50 50" "$(jq -r '"\(.limit.used) \(.limit.max)"' <<<"$json")"
check_eq "pids-cgroup: the C library's message" "fork: Resource temporarily unavailable" "$(jq -r .libc_message <<<"$json")"
check_eq "pids-cgroup: the whole sandbox was removed" "50 1" "$(jq -r '"\(.removed.processes) \(.removed.cgroups)"' <<<"$json")"

run_mode threads EAGAIN cgroup_pids --count 40
critical threads
check_eq "threads: 39 threads were created" 39 "$(jq -r .after <<<"$json")"
check_eq "threads: 40 of 40 tasks" "40 40" "$(jq -r '"\(.limit.used) \(.limit.max)"' <<<"$json")"

run_mode nproc EAGAIN user_nproc --count 20
critical nproc
check_eq "nproc: 19 forks succeeded under RLIMIT_NPROC 20" 19 "$(jq -r .after <<<"$json")"
check_eq "nproc: 20 of 20 tasks of the uid" "20 20" "$(jq -r '"\(.limit.used) \(.limit.max)"' <<<"$json")"
check "nproc: the uid is not root" test "$(jq -r '.scope | sub("user:"; "")' <<<"$json")" -gt 0

if [ "$kc" -ge 6014 ]; then
	run_mode pid-max "$pid_max_errno" pid_max
	critical pid-max
	check_eq "pid-max: 299 forks, then the namespace's 301st pid failed" 299 "$(jq -r .after <<<"$json")"
	check_eq "pid-max: 300 of 301 pids, read although none was free" "300 301" "$(jq -r '"\(.limit.used) \(.limit.max)"' <<<"$json")"
else
	json=$("$HEADROOM" repro --json pid-max 2>"$tmp/err")
	check_eq "pid-max: refused before 6.14 with exit status 5" 5 "$?"
	check "pid-max: it says why" grep -q "per pid namespace only since 6.14" "$tmp/err"
fi

run_mode dead-pidns-init ENOMEM pidns_init
critical dead-pidns-init
check_eq "dead-pidns-init: one fork (the init) succeeded first" 1 "$(jq -r .after <<<"$json")"
check_eq "dead-pidns-init: the shell's message" "bash: fork: Cannot allocate memory" "$(jq -r .shell_message <<<"$json")"

for m in as data; do
	run_mode rlimit-$m ENOMEM rlimit_$m --size 32M
	critical rlimit-$m
	check_eq "rlimit-$m: the limit in the report is the one set" "$(jq -r .limit_set <<<"$json")" "$(jq -r .limit.max <<<"$json")"
	check "rlimit-$m: about 31 allocations of 1 MiB succeeded first" test "$(jq -r .after <<<"$json")" -ge 28 -a "$(jq -r .after <<<"$json")" -le 32
	check_eq "rlimit-$m: the C library's message" "malloc: Cannot allocate memory" "$(jq -r .libc_message <<<"$json")"
done

run_mode map-count ENOMEM map_count
critical map-count
max_map=$(cat /proc/sys/vm/max_map_count)
check_eq "map-count: its max is vm.max_map_count" "$max_map" "$(jq -r .limit.max <<<"$json")"
# the kernel refuses an mmap only once map_count > max_map_count, so the count ends at max + 1
check_eq "map-count: the mappings counted are the kernel's (max + 1)" $((max_map + 1)) "$(jq -r .limit.used <<<"$json")"

if read -r _ _ < <(cgroup_parent_for memory); then
	run_mode oom-cgroup null cgroup_memory --size 48M
	critical oom-cgroup
	victim=$(jq -r .victim_pid <<<"$json")
	check_eq "oom-cgroup: the allocator was killed with SIGKILL" SIGKILL "$(jq -r .signal <<<"$json")"
	check "oom-cgroup: the kernel log shows the kill of pid $victim" \
		jq -e --arg p "Killed process $victim (repro-alloc)" '[.kernel_log[] | select(contains($p))] | length == 1' <<<"$json"
	check "oom-cgroup: and the memcg constraint on the sandbox" \
		jq -e '.sandbox.cgroup as $c | [.kernel_log[] | select(startswith("oom-kill:constraint=CONSTRAINT_MEMCG") and contains("oom_memcg=" + $c))] | length == 1' <<<"$json"
	check_eq "oom-cgroup: the report counts the kill" 1 "$(jq -r .limit.oom_kill <<<"$json")"
	check_eq "oom-cgroup: the limit set is 48 MiB" $((48 << 20)) "$(jq -r .limit.max <<<"$json")"
else
	skip "oom-cgroup" "no memory controller is mounted or delegated"
fi

run_mode commit "$commit_errno" commit
check_eq "commit: overcommit was left as it was" "$overcommit" "$(cat /proc/sys/vm/overcommit_memory)"

# the text output says the same things in words
"$HEADROOM" repro pids-cgroup >"$tmp/text" 2>&1
check_eq "text: exit status 0" 0 "$?"
check "text: the failure line" grep -q '^Failure:  fork failed after 63 successful calls: EAGAIN (Resource temporarily unavailable)$' "$tmp/text"
check "text: the report's line for the sandbox" grep -Eq '^critical +100% +cgroup pids.max +64 / 64 tasks +cgroup /.*headroom-repro-' "$tmp/text"
check "text: what was removed" grep -q '^Removed:  64 processes, 1 cgroup$' "$tmp/text"

# interruptions: SIGINT and SIGTERM while the failure is held, a killed workload, a killed headroom
for sig in INT TERM; do
	: >"$tmp/held" # emptied first: the redirection of a background job happens later, and an old "Holding" line must not count
	"$HEADROOM" repro --hold 30 pids-cgroup >"$tmp/held" 2>"$tmp/err" &
	p=$!
	if wait_for_line "$tmp/held" '^Holding the failure' 10; then
		kill -$sig $p
		wait $p
		rc=$?
		check_eq "SIG$sig while held: exit status 128 + signal" $((128 + $(kill -l $sig))) "$rc"
		check "SIG$sig while held: it says what it removed" grep -q 'removed 64 processes and 1 cgroup$' "$tmp/err"
		check_eq "SIG$sig while held: nothing is left behind" "" "$(settled_leftovers)"
	else
		kill -KILL $p
		not_ok "SIG$sig while held" "the failure was not held: $(cat "$tmp/held" "$tmp/err")"
	fi
done

: >"$tmp/held" # emptied first: the redirection of a background job happens later, and an old "Holding" line must not count
"$HEADROOM" repro --hold 2 threads >"$tmp/held" 2>"$tmp/err" &
p=$!
if wait_for_line "$tmp/held" '^Holding the failure' 10; then
	pkill -KILL -x repro-workload
	wait $p
	check_eq "a killed workload: the run still ends normally" 0 "$?"
	check_eq "a killed workload: nothing is left behind" "" "$(settled_leftovers)"
else
	kill -KILL $p
	not_ok "a killed workload" "the failure was not held"
fi

: >"$tmp/held" # emptied first: the redirection of a background job happens later, and an old "Holding" line must not count
"$HEADROOM" repro --hold 30 pids-cgroup >"$tmp/held" 2>"$tmp/err" &
p=$!
if wait_for_line "$tmp/held" '^Holding the failure' 10; then
	dir=$(sed -n 's/^Set up:   cgroup \(.*\) (v[12] pids)$/\1/p' "$tmp/held")
	kill -KILL $p
	wait $p 2>/dev/null
	check_eq "headroom killed outright: its processes die with it" "" "$(settled_leftovers | grep -v '^/')"
	check "headroom killed outright: its empty cgroup is left" test -d "$dir"
	json=$("$HEADROOM" repro --json pids-cgroup)
	check_eq "the next run removes it" 1 "$(jq -r .sandbox.stale_removed <<<"$json")"
	check_eq "and leaves nothing" "" "$(settled_leftovers)"
else
	kill -KILL $p
	not_ok "headroom killed outright" "the failure was not held"
fi

# refusals and usage errors have their own exit statuses
command -v setpriv >/dev/null && {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HEADROOM" repro pids-cgroup >/dev/null 2>"$tmp/err"
	check_eq "not root: refused with exit status 4" 4 "$?"
	check "not root: it says so" grep -q 'needs root' "$tmp/err"
}
"$HEADROOM" repro no-such-mode 2>"$tmp/err"
check_eq "an unknown mode is a usage error (3)" 3 "$?"
"$HEADROOM" repro --count 1 pids-cgroup 2>"$tmp/err"
check_eq "a --count out of range is a usage error (3)" 3 "$?"
check "and says the range" grep -q 'must be from 2 to 4096' "$tmp/err"
"$HEADROOM" repro --size 1M oom-cgroup 2>"$tmp/err"
check_eq "a --size out of range is a usage error (3)" 3 "$?"
check_eq "--list lists every mode" 10 "$("$HEADROOM" repro --list | wc -l)"
check_eq "nothing was left behind by any run" "" "$(settled_leftovers)"
_run_cleanups
