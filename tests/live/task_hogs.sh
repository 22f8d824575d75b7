#!/usr/bin/env bash
# The four shapes of task exhaustion, each filling a sandbox pids cgroup to 95% or more, must name
# their true holder (issue 12): a fork leak its parent's children, a zombie leak its parent's zombies,
# a thread hog its threads, one command over 20 parents the command. Then a churn of forks while the
# report runs must never give a wrong total, a failed status or a line about an unreadable process.
. "$(dirname "$0")/../lib.sh"
T="task hogs"
is_root || { skip "$T" "needs root to create cgroups"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# sandbox MAX: a new pids cgroup with pids.max MAX; sets CG (directory) and NAME (path)
sandbox() {
	NAME=headroom-test-hog-$$-$RANDOM
	CG=$parent/$NAME
	mkdir "$CG" || return 1
	on_exit "rmdir_retry $CG"
	echo "$1" >"$CG/pids.max"
}

# in_cg ARGS...: becomes the forker helper inside the sandbox (exec: HOLDER_PID is the forker's pid)
in_cg() { exec sh -c "echo \$\$ > $CG/cgroup.procs && exec $HELPERS/forker $*"; }

# the cgroup's limit in the report; the text report's "top" line for it
report() {
	JSON=$("$HEADROOM" --json --no-maps)
	L=$(limit_json "$JSON" cgroup_pids "cgroup:/$NAME")
	TEXT=$("$HEADROOM" --no-maps)
	TOPLINE=$(sed -n "/: cgroup pids.max of cgroup \/$NAME\$/,/^  [a-z]*:/p" <<<"$TEXT" | sed -n 's/^    top      //p')
}

full() {
	check "$1: the cgroup is at 95% or more ($(cat "$CG/pids.current") of $(cat "$CG/pids.max"))" \
		test $(($(cat "$CG/pids.current") * 100)) -ge $(($(cat "$CG/pids.max") * 95))
	check_eq "$1: used is pids.current" "$(cat "$CG/pids.current")" "$(jq -r .used <<<"$L")"
}

# --- a fork leak: one parent, its children fill the cgroup
sandbox 200 || { not_ok "$T" "cannot create a cgroup"; exit 0; }
start_holder "fork leak" "$tmp/leak" in_cg -n 195 -T 60 || { not_ok "$T" "the fork leak did not start"; exit 0; }
pid=$HOLDER_PID
report
full "fork leak"
check_eq "fork leak: the top is the parent's children" "children 195 $pid forker" "$(jq -r '.top | "\(.kind) \(.count) \(.pid) \(.comm)"' <<<"$L")"
check_eq "fork leak: the text says so" "195 children of forker (pid $pid)" "$TOPLINE"
check_eq "fork leak: the parent tops the parents" "$pid 195 0" "$(jq -r '.consumers.parents[0] | "\(.pid) \(.children) \(.zombies)"' <<<"$JSON")"
kill_tree "$HOLDER_PID"; wait "$HOLDER_PID" 2>/dev/null

# --- a zombie leak: the children exit and are never reaped; each still holds its pid
sandbox 200 || { not_ok "$T" "cannot create a cgroup"; exit 0; }
start_holder "zombie leak" "$tmp/zombies" in_cg -z -n 195 -T 60 || { not_ok "$T" "the zombie leak did not start"; exit 0; }
pid=$HOLDER_PID
zombies=$(ps -o stat= --ppid "$pid" | grep -c '^Z')
check_eq "zombie leak: the kernel holds 195 zombies" 195 "$zombies"
report
full "zombie leak"
check_eq "zombie leak: the top is the parent's zombies" "zombies 195 $pid forker" "$(jq -r '.top | "\(.kind) \(.count) \(.pid) \(.comm)"' <<<"$L")"
check_eq "zombie leak: the text says so" "195 zombies of forker (pid $pid), which does not wait() for its children" "$TOPLINE"
check "zombie leak: the fix says the parent frees them, not a kill of the zombies" \
	jq -e '(.fix_now | test("killing or restarting it frees their pids.*killing the zombies does nothing")) and (.fix_now_commands | index("kill '"$pid"'"))' <<<"$L"
check_eq "zombie leak: the parents table counts the zombies" "$pid 0 195" "$(jq -r '.consumers.parents[0] | "\(.pid) \(.children) \(.zombies)"' <<<"$JSON")"
kill_tree "$HOLDER_PID"; wait "$HOLDER_PID" 2>/dev/null
check "zombie leak: the parent reaped them when it stopped" bash -c "for i in \$(seq 50); do [ \"\$(cat $CG/pids.current)\" = 0 ] && exit 0; sleep 0.1; done; exit 1"

# --- a thread hog: one process's threads fill the cgroup
sandbox 200 || { not_ok "$T" "cannot create a cgroup"; exit 0; }
start_holder "thread hog" "$tmp/threads" in_cg -t -n 195 -T 60 || { not_ok "$T" "the thread hog did not start"; exit 0; }
pid=$HOLDER_PID
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
report
full "thread hog"
check_eq "thread hog: the top is its threads, the kernel's count" "threads $threads $pid forker" "$(jq -r '.top | "\(.kind) \(.count) \(.pid) \(.comm)"' <<<"$L")"
check_eq "thread hog: the text says so" "forker (pid $pid) with $threads threads" "$TOPLINE"
kill_tree "$HOLDER_PID"; wait "$HOLDER_PID" 2>/dev/null

# --- one command over 20 parents: 20 processes with 9 children each
sandbox 200 || { not_ok "$T" "cannot create a cgroup"; exit 0; }
for ((k = 0; k < 20; k++)); do
	start_holder "parent $k" "$tmp/p$k" in_cg -n 9 -T 60 || { not_ok "$T" "parent $k did not start"; exit 0; }
done
report
full "one command over 20 parents"
check_eq "one command over 20 parents: the top is the command" "command 200 200 forker" "$(jq -r '.top | "\(.kind) \(.count) \(.tasks) \(.comm)"' <<<"$L")"
check "one command over 20 parents: the text says so" grep -qE '^200 processes named forker, with 200 tasks \(the largest pid [0-9]+\)$' <<<"$TOPLINE"
check "one command over 20 parents: the commands table has it" \
	jq -e '[.consumers.commands[] | select(.comm == "forker" and .processes >= 200)] | length == 1' <<<"$JSON"
_run_cleanups

# --- a churn of forks while the report walks /proc
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
baseline=$("$HEADROOM" --json --no-maps | jq '[.unreadable[] | .count] | add // 0')
# the churn lasts 8 s and until five reports ran in it (at most 60 s: a slow machine, qemu without KVM,
# takes two seconds a report), not a fixed time in which a slow machine makes fewer
start=$SECONDS
( end=$((SECONDS + 60)); while ((SECONDS < end)) && [ ! -e "$tmp/stop" ]; do for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & done; wait; done ) &
churn=$!
on_exit "kill $churn 2>/dev/null; wait $churn 2>/dev/null"
bad=0 runs=0
while kill -0 "$churn" 2>/dev/null && ((runs < 30)); do
	((runs >= 5 && SECONDS - start >= 8)) && touch "$tmp/stop"
	j=$("$HEADROOM" --json --no-maps 2>"$tmp/err")
	rc=$?
	runs=$((runs + 1))
	total=$(jq '[.unreadable[] | .count] | add // 0' <<<"$j")
	tasks=$(jq '[.limits[] | select(.id == "threads_max") | .used][0]' <<<"$j")
	if [ "$rc" -ge 3 ] || [ -s "$tmp/err" ] || [ "$total" != "$baseline" ] || [ "${tasks:-0}" -lt 10 ]; then
		bad=$((bad + 1))
		echo "run $runs: exit $rc, unreadable $total (baseline $baseline), tasks $tasks, stderr: $(head -c 200 "$tmp/err")"
	fi
done
check "a fork churn meanwhile: $runs reports with no error, no new unreadable item and a total each" test "$bad" = 0 -a "$runs" -ge 5
