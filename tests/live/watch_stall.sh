#!/usr/bin/env bash
# headroom watch stopped (SIGSTOP, as a debugger, a frozen cgroup or a swap storm stops it) while an OOM
# kill happens in a sandbox memory cgroup: when it runs again, a scrape that waited through the stall is
# answered with the caught-up metrics (a tick after SIGCONT, the kill counted), and the kill is logged
# with its victim. Then, on a machine of the test's own (make vm-check sets HEADROOM_TEST_VM=1), the same
# stall with the kernel log overrun past the kill's record (tests/helpers/kmsgflood writes filler lines):
# the lost records are said and counted, and the kill is still said, in its cgroup, with evidence.
# The flood is not run on the host: it would overwrite the machine's own kernel log.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="watch after a stall"
is_root || { skip "$T" "needs root for a memory cgroup"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
read -r mver mparent < <(cgroup_parent_for memory) || { skip "$T" "no memory hierarchy to make a cgroup in"; exit 0; }
[ -r /dev/kmsg ] || { skip "$T" "/dev/kmsg is not readable"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
ALL="--max-cgroups=100000 --tick-cgroups=100000"

# kill_in DIR: a hog past DIR's limit, waited for; prints its pid, returns its status
kill_in() {
	sh -c "echo \$\$ > $1/cgroup.procs && exec $HELPERS/hog -m 100 -T 30" >/dev/null 2>&1 &
	local pid=$!
	wait "$pid" 2>/dev/null
	local rc=$?
	echo "$pid"
	return $rc
}

# --- 1. a stall through an OOM kill
n1=headroom-test-stall-$$-$RANDOM
memory_cgroup "$mparent/$n1" 32 || { not_ok "$T" "cannot create a cgroup in $mparent"; exit 0; }
mkdir "$tmp/s1"
start_watch "$tmp/log1" $ALL --interval 0.2 --state-dir "$tmp/s1" || { not_ok "$T" "it did not start"; exit 0; }
ticks0=$(metric "$(scrape)" headroom_watch_ticks_total)
kill -STOP "$WATCH_PID"
on_exit "kill -CONT $WATCH_PID 2>/dev/null"
hog=$(kill_in "$mparent/$n1")
check_eq "the hog was OOM-killed (SIGKILL) while the daemon was stopped" 137 "$?"
check_eq "its cgroup counts the kill" 1 "$(oom_kills "$mparent/$n1")"
# a scrape that waits through the stall: its connection is queued, its request read when the daemon runs
curl -s --max-time 20 "$WATCH_URL/metrics" >"$tmp/waited" &
scraper=$!
sleep 1.5
cont=$(date +%s.%N)
kill -CONT "$WATCH_PID"
wait "$scraper"
check_eq "the waiting scrape is answered" 0 "$?"
out=$(cat "$tmp/waited")
stamp=$(metric "$out" headroom_watch_metrics_timestamp_seconds)
check "it is answered with a tick after SIGCONT ($stamp >= $cont)" awk -v s="${stamp:-0}" -v c="$cont" 'BEGIN { exit !(s >= c) }'
check "the ticks went on (${ticks0:-?} before, $(metric "$out" headroom_watch_ticks_total) after)" \
	test "$(metric "$out" headroom_watch_ticks_total)" -gt "${ticks0:-0}"
check_eq "the caught-up metrics count the cgroup's kill" 1 "$(metric "$out" "headroom_cgroup_oom_kills_total{scope=\"cgroup:/$n1\"}")"
check "the kill is logged with its victim, read from the kernel log after the stall" \
	wait_for_line "$tmp/log1" "oom: kernel log at .*: killed hog \\(pid $hog, uid 0\\) .* in cgroup /$n1" 5
check_eq "no kernel log record was lost" 0 "$(metric "$(scrape)" headroom_kernel_log_lost_records_total)"
check "the daemon runs on" kill -0 "$WATCH_PID"
kill "$WATCH_PID"
wait "$WATCH_PID"
check_eq "it stops cleanly" 0 "$?"

# --- 2. the same stall, the kernel log overrun past the kill's record
if [ "${HEADROOM_TEST_VM:-}" != 1 ]; then
	skip "$T: an overrun kernel log" "it would overwrite this machine's kernel log; make vm-check runs it in its machines"
	_run_cleanups
	exit 0
fi
[ -w /dev/kmsg ] && [ "$(cat /proc/sys/kernel/printk_devkmsg 2>/dev/null)" != off ] ||
	{ skip "$T: an overrun kernel log" "/dev/kmsg cannot be written"; _run_cleanups; exit 0; }
n2=headroom-test-stall2-$$-$RANDOM
memory_cgroup "$mparent/$n2" 32 || { not_ok "$T" "cannot create a cgroup in $mparent"; exit 0; }
mkdir "$tmp/s2"
start_watch "$tmp/log2" $ALL --interval 0.2 --state-dir "$tmp/s2" || { not_ok "$T" "it did not start"; exit 0; }
kill -STOP "$WATCH_PID"
hog=$(kill_in "$mparent/$n2")
check_eq "a second hog was OOM-killed while the daemon was stopped" 137 "$?"
check "the kernel log is overrun past its kill's record ($("$HELPERS/kmsgflood" -T 60 "Killed process $hog " 2>&1 | tee "$tmp/flood"))" \
	grep -q '^overwrote' "$tmp/flood"
kill -CONT "$WATCH_PID"
check "the lost records are said" \
	wait_for_line "$tmp/log2" "kernel-log: [0-9]+ record\\(s\\) overwritten before headroom read them( \\(sequence [0-9]+ to [0-9]+\\))?, [0-9]+ since start" 10
check "and counted" wait_metric headroom_kernel_log_lost_records_total "v >= 1" 5
check "the kill is said in its cgroup, its record overwritten" \
	wait_for_line "$tmp/log2" "oom: 1 OOM kill\\(s\\) in memory cgroup /$n2 whose kernel record was not read \\(overwritten before headroom read it\\)" 10
check "its victim is not made up: the kill is not logged with one" test "$(grep -c "oom: kernel log at .*killed hog (pid $hog," "$tmp/log2")" = 0
check "with evidence" wait_for_line "$tmp/log2" "evidence: .*cgroup /$n2.*snapshot in" 5
# the snapshot is the incident's first: the counter's rise, at the catch-up tick; the lost record is said a
# tick later (a kill's record follows its count), as part of that incident
ev=$(for f in "$tmp/s2"/evidence-*.json; do [ -e "$f" ] && jq -c '.events[]' "$f"; done | grep -F "cgroup /$n2")
check "whose events name the kill in its cgroup" grep -qi "oom kill" <<<"$ev"
check_eq "the cgroup's kill is counted" 1 "$(metric "$(scrape)" "headroom_cgroup_oom_kills_total{scope=\"cgroup:/$n2\"}")"
check "the daemon runs on" kill -0 "$WATCH_PID"
kill "$WATCH_PID"
wait "$WATCH_PID"
check_eq "it stops cleanly" 0 "$?"
_run_cleanups
