#!/usr/bin/env bash
# headroom history, oom and explain on the live kernel log: a rejected fork in a pids cgroup of this
# test's own and an OOM kill in a memory cgroup of its own; what they report is what the kernel did
# (the victim's pid is the process that died with SIGKILL, the cgroup is the one the fork failed in).
. "$(dirname "$0")/../lib.sh"
T="history"
is_root || { skip "$T" "needs root to read the kernel log and create cgroups"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
trap '_run_cleanups' EXIT INT TERM

# a rejected fork: the kernel says so once per cgroup, naming it
if read -r ver parent < <(cgroup_parent_for pids); then
	name=headroom-test-hist-$$-$RANDOM
	cg=$parent/$name
	mkdir "$cg" && on_exit "rmdir_retry $cg"
	echo 3 >"$cg/pids.max"
	timeout 20 sh -c "echo \$\$ > $cg/cgroup.procs && exec $HELPERS/forker -n 8 -T 1" >/dev/null 2>&1
	rel=${cg#"$parent"}
	ev=""
	for i in $(seq 50); do
		ev=$("$HEADROOM" history --json --since -10min | jq -c --arg c "$rel" '[.events[] | select(.kind == "fork-rejected" and .cgroup == $c)]')
		[ "$(jq length <<<"$ev")" -ge 1 ] && break
		sleep 0.1
	done
	check_eq "history: the kernel's rejection in this test's cgroup, from /dev/kmsg, this boot" "1 /dev/kmsg 0" \
		"$(jq -r '"\(length) \(.[0].source) \(.[0].boot)"' <<<"$ev")"
	check "history: it is dated within the last minutes" \
		jq -e --argjson now "$(date +%s)" '.[0].time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | . > $now - 600 and . <= $now + 5' <<<"$ev"
	ex=$("$HEADROOM" explain --json --cgroup "$rel" "fork: retry: Resource temporarily unavailable")
	check "explain: the logs' rejection in that cgroup is among the related events" \
		jq -e --arg c "$rel" '.history.events | any(.kind == "fork-rejected" and .cgroup == $c)' <<<"$ex"
	check "explain --no-fork: still read, from the kernel log" \
		jq -e --arg c "$rel" '.history.events | any(.cgroup == $c)' < <("$HEADROOM" explain --json --no-fork --cgroup "$rel" "fork: retry: Resource temporarily unavailable")
else
	skip "$T: a rejected fork" "no pids controller is mounted or delegated"
fi

# an OOM kill: the process that died with SIGKILL is the victim history and oom name
if read -r ver parent < <(cgroup_parent_for memory); then
	name=headroom-test-hist-$$-$RANDOM
	cg=$parent/$name
	mkdir "$cg" && on_exit "rmdir_retry $cg"
	if [ "$ver" = v1 ]; then
		echo $((32 << 20)) >"$cg/memory.limit_in_bytes"
		echo $((32 << 20)) >"$cg/memory.memsw.limit_in_bytes" 2>/dev/null || echo 0 >"$cg/memory.swappiness"
	else
		echo $((32 << 20)) >"$cg/memory.max"
		echo 0 >"$cg/memory.swap.max" 2>/dev/null
	fi
	# bounded: the hog holds its memory at most 5 seconds
	sh -c "echo \$\$ > $cg/cgroup.procs && exec $HELPERS/hog -m 64 -T 5" >/dev/null 2>&1 &
	hog=$!
	wait "$hog" 2>/dev/null
	rc=$?
	check_eq "the kernel killed the hog (SIGKILL)" 137 "$rc"
	rel=${cg#"$parent"}
	k=""
	for i in $(seq 50); do
		k=$("$HEADROOM" history --json --since -10min | jq -c --arg c "$rel" '[.events[] | select(.kind == "oom-kill" and .oom_cgroup == $c)]')
		[ "$(jq length <<<"$k")" -ge 1 ] && break
		sleep 0.1
	done
	# the hog is exec'ed by the shell that joined the cgroup: its pid is the background job's
	check_eq "history: one kill in this test's cgroup, of the hog's pid, by the kernel, memcg" "1 $hog hog kernel memcg" \
		"$(jq -r '"\(length) \(.[0].pid) \(.[0].comm) \(.[0].killer) \(.[0].domain)"' <<<"$k")"
	check "history: with the kernel's report as evidence" jq -e '.[0].evidence | any(test("^Memory cgroup out of memory: Killed process"))' <<<"$k"
	check_eq "oom: the same kill, --boot 0" "$hog" \
		"$("$HEADROOM" oom --json --boot 0 | jq -r --arg c "cgroup:$rel" '[.kills[] | select(.scope == $c)][0].pid')"
	"$HEADROOM" history --since -10min --boot 0 >"$tmp/text"
	check_eq "history: exit 1 when a kill is in the range" 1 "$?"
	check "history: the text names the kill and the cgroup" grep -qF "killed hog (pid $hog" "$tmp/text"
else
	skip "$T: an OOM kill" "no memory controller is mounted or delegated"
fi
