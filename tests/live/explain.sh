#!/usr/bin/env bash
# headroom explain against real failures: every repro mode, while its failure is held, is explained
# with its true cause first and confirmed; a healthy process gets no confirmed cause.
. "$(dirname "$0")/../lib.sh"
T="explain"
is_root || { skip "$T" "needs root to hold failures in sandboxes"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# hold MODE [OPTION...]: starts `headroom repro --hold` and waits until the failure is held; sets W,
# the workload's pid (the repro-workload child of headroom)
hold() {
	: >"$tmp/held" # emptied first: the redirection of a background job happens later, and an old "Holding" line must not count
	"$HEADROOM" repro --hold 60 "$@" >"$tmp/held" 2>&1 &
	HELD=$!
	on_exit "kill -INT $HELD 2>/dev/null; wait $HELD 2>/dev/null"
	wait_for_line "$tmp/held" '^Holding the failure' 15 || { echo "not held: $(cat "$tmp/held")"; return 1; }
	# the workload is headroom's only child; $! may be a subshell of this shell that runs headroom
	local h=$HELD
	[ "$(cat "/proc/$h/comm" 2>/dev/null)" = headroom ] || h=$(ps -o pid= --ppid "$HELD" | tr -d ' ' | head -n1)
	W=$(ps -o pid= --ppid "$h" | tr -d ' ' | head -n1)
	[ -n "$W" ] && [ "$(cat "/proc/$W/comm" 2>/dev/null)" = repro-workload ]
}
release() { kill -INT "$HELD"; wait "$HELD" 2>/dev/null; }
first() { jq -r '.causes[0] | "\(.id) \(.verdict)"' <<<"$1"; }

# explain_mode MODE ID MESSAGE [REPRO-OPTION...]: the mode's limit must come first, confirmed
explain_mode() {
	local mode=$1 id=$2 msg=$3 j
	shift 3
	if ! hold "$@" "$mode"; then
		not_ok "$mode" "the failure was not held"
		return
	fi
	j=$("$HEADROOM" explain --json --pid "$W" "$msg")
	check_eq "$mode: '$msg' is explained by $id, confirmed" "$id confirmed" "$(first "$j")"
	check_eq "$mode: exit status 2 (a confirmed cause)" 2 "$("$HEADROOM" explain --pid "$W" "$msg" >/dev/null; echo $?)"
	EXPLAINED=$j
	release
}

explain_mode pids-cgroup cgroup_pids "bash: fork: retry: Resource temporarily unavailable"
check "pids-cgroup: the kernel log line is part of the evidence" \
	jq -e '.causes[0].evidence | test("fork rejected by pids controller|rejected since it was created")' <<<"$EXPLAINED"
explain_mode threads cgroup_pids "java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource limits reached"
explain_mode nproc user_nproc "fork: Resource temporarily unavailable"
[ "$(kernel_code)" -ge 6014 ] && explain_mode pid-max pid_max "fork: retry: Resource temporarily unavailable"
explain_mode dead-pidns-init pidns_init "-bash: fork: Cannot allocate memory"
explain_mode rlimit-as rlimit_as "malloc: Cannot allocate memory"
explain_mode rlimit-data rlimit_data "MemoryError"
explain_mode map-count map_count "mmap: Cannot allocate memory"
if read -r _ _ < <(cgroup_parent_for memory); then
	if hold oom-cgroup; then
		j=$("$HEADROOM" explain --json --pid "$(ps -o pid=,comm= --ppid "$W" | awk '$2 == "repro-holder" { print $1 }')" --op alloc --errno ENOMEM)
		check_eq "oom-cgroup: an allocation in the cgroup is explained by its memory limit" "cgroup_memory confirmed" "$(first "$j")"
		# counted, once or more: under a sanitizer the workload's own allocations after the kill may bring a
		# second OOM in the full cgroup (its holder)
		check "oom-cgroup: the kill is counted in the evidence" \
			jq -e '.causes[0].evidence | test("OOM killer killed [1-9][0-9]* tasks? in it")' <<<"$j"
		jq -e '.causes[0].evidence | test("OOM killer killed")' <<<"$j" >/dev/null ||
			echo "    evidence: $(jq -r '.causes[0].evidence' <<<"$j")"
		release
	else
		not_ok "oom-cgroup" "the failure was not held"
	fi
fi

# a healthy process: no cause confirmed or likely, exit status 0
j=$("$HEADROOM" explain --json --pid $$ "fork: retry: Resource temporarily unavailable")
check_eq "a healthy shell: nothing confirmed or likely" "" "$(jq -r '.causes[] | select(.verdict == "confirmed" or .verdict == "likely") | .id' <<<"$j")"
"$HEADROOM" explain --pid $$ "fork: Cannot allocate memory" >/dev/null
check_eq "a healthy shell: exit status 0" 0 "$?"
# with no context it explains for itself, the calling shell's context (exec headroom explain ...)
j=$("$HEADROOM" explain --json EAGAIN --op fork)
check_eq "no context: its own pid" "$(jq -r .context.pid <<<"$j")" "$(jq -r .context.pid <<<"$j" | grep -E '^[0-9]+$')"
# its cgroup for pids.max: the v1 pids hierarchy's, else the unified one's ("0::")
own_cg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' /proc/self/cgroup)
[ -n "$own_cg" ] || own_cg=$(awk -F: '$1 == 0 && $2 == "" { print $3 }' /proc/self/cgroup)
check_eq "no context: its own cgroup" "$own_cg" "$(jq -r .context.cgroup <<<"$j")"
_run_cleanups
