#!/usr/bin/env bash
# headroom watch on the live machine: /metrics that promtool accepts with the kernel's own numbers, a
# pids cgroup filling up (evidence with its top consumer, the rejected forks counted and logged), the
# textfile, the HTTP bounds, SIGHUP reloading the configuration and SIGTERM stopping cleanly.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="headroom watch"
is_root || { skip "$T" "needs root to create a cgroup and read /dev/kmsg"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
command -v promtool >/dev/null || { skip "$T" "promtool is not installed (Debian: prometheus)"; exit 0; }
read -r ver parent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
name=headroom-test-watch-$$-$RANDOM
cg=$parent/$name
mkdir "$cg" || { not_ok "$T" "cannot create $cg"; exit 0; }
on_exit "rmdir_retry $cg"
echo 16 >"$cg/pids.max"
mkdir "$tmp/state" "$tmp/textfile"
printf '# headroom watch settings\ninterval = 0.5\n' >"$tmp/watch.conf"

start_watch "$tmp/log" --config "$tmp/watch.conf" --state-dir "$tmp/state" --textfile "$tmp/textfile" \
	--scan-interval 3600 || { not_ok "$T" "it did not start"; exit 0; }
pid=$WATCH_PID
check "it says it serves /metrics" grep -q "started: headroom .*serving $WATCH_URL/metrics" "$tmp/log"

out=$(curl -s -D "$tmp/headers" --max-time 5 "$WATCH_URL/metrics")
check "GET /metrics answers 200" grep -q '^HTTP/1.1 200 OK' "$tmp/headers"
check "with the text format's content type" grep -qi '^Content-Type: text/plain; version=0.0.4' "$tmp/headers"
check "promtool check metrics accepts it" promtool check metrics <<<"$out"
undocumented=$(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' <<<"$out" | grep -vxF -f <(man_metrics))
check_eq "every family it serves is documented in headroom(1)" "" "$undocumented"
check_eq "pid_max is the kernel's" "$(cat /proc/sys/kernel/pid_max)" "$(metric "$out" 'headroom_limit_max_pids{id="pid_max",scope="system"}')"
check_eq "the OOM kill counter is /proc/vmstat's" "$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)" \
	"$(metric "$out" headroom_oom_kills_total)"
check_eq "the cgroup's pids.max is watched" 16 "$(metric "$out" "headroom_limit_max_tasks{id=\"cgroup_pids\",scope=\"cgroup:/$name\"}")"
check_eq "it follows the kernel log" 1 "$(metric "$out" headroom_watch_kernel_log_open)"
sec_before=$(metric "$out" 'headroom_kernel_events_total{event="fork_rejected"}')

# the cgroup fills: 15 tasks, the 16th fork fails
start_holder forker "$tmp/forker" sh -c "echo \$\$ > $cg/cgroup.procs && exec $HELPERS/forker -n 100 -T 60" || {
	not_ok "$T" "the holder did not start"; exit 0; }
holder=$HOLDER_PID
# the kernel logs the rejection at once: the evidence names that event and the crossing
check "the evidence line names the holder's children as the top consumer" \
	wait_for_line "$tmp/log" "evidence: at [0-9:]{8} (forks rejected in cgroup /$name; )?cgroup_pids cgroup:/$name is critical: 16 of 16 tasks.*top consumer: 15 children of forker \\(pid $holder\\); snapshot in $tmp/state/evidence-" 10
grep -q "is critical: 16 of 16" "$tmp/log" || grep 'evidence:\|fork-rejected' "$tmp/log" | head -n 5 # shown when it fails
check "the rejected fork is logged from pids.events" wait_for_line "$tmp/log" "fork-rejected: 1 fork\\(s\\) failed in cgroup /$name: pids.max 16 reached" 10
check "and from the kernel log" wait_for_line "$tmp/log" "fork-rejected: kernel log at .*: the pids controller rejected a fork in cgroup /$name" 10
events=$(awk '$1 == "max" { print $2 }' "$cg/pids.events")
v=$(wait_metric "headroom_cgroup_pids_rejected_forks_total{scope=\"cgroup:/$name\"}" "v == $events" 5)
check_eq "rejected forks equal pids.events max ($events)" "$events" "$v"
out=$(scrape)
check_eq "used equals pids.current" "$(cat "$cg/pids.current")" "$(metric "$out" "headroom_limit_used_tasks{id=\"cgroup_pids\",scope=\"cgroup:/$name\"}")"
check_eq "its status is critical" 2 "$(metric "$out" "headroom_limit_status{id=\"cgroup_pids\",scope=\"cgroup:/$name\"}")"
check "the kernel log's rejection is counted" awk -v a="$sec_before" -v b="$(metric "$out" 'headroom_kernel_events_total{event="fork_rejected"}')" 'BEGIN { exit !(b > a) }'
check_eq "the interval shortened to --min-interval at 100% of a limit" 0.100000 "$(metric "$out" headroom_watch_tick_interval_seconds)"
ev=$(ls "$tmp/state"/evidence-*.json | head -n1)
check "the evidence file is JSON" jq -e . "$ev"
check "it says why" grep -qE "^(forks rejected in cgroup /$name; )?cgroup_pids cgroup:/$name is critical: 16 of 16 tasks \(100.0%\)\$" <<<"$(jq -r .why "$ev")"
check_eq "and names the top consumer: the forker's children" "15 children of forker (pid $holder)" "$(jq -r .top_consumer "$ev")"
check_eq "and holds the report with the cgroup critical" critical \
	"$(jq -r --arg s "cgroup:/$name" '.report.limits[] | select(.id == "cgroup_pids" and .scope == $s) | .status' "$ev")"
check "no temporary file is left in the state directory" test ! -e "$tmp/state/.evidence.tmp"
check "the textfile is written" test -s "$tmp/textfile/headroom.prom"
check "promtool accepts the textfile" promtool check metrics <"$tmp/textfile/headroom.prom"

# HTTP: wrong paths and methods, garbage, an oversized head, and slow clients that never finish
check_eq "an unknown path is 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$WATCH_URL/nope")"
check_eq "POST is 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$WATCH_URL/metrics")"
check_eq "HEAD has no body" 0 "$(curl -s -I --max-time 5 "$WATCH_URL/metrics" | sed '1,/^\r$/d' | wc -c)"
port=${WATCH_URL##*:}
resp=$(exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'GARBAGE\x01 / HTTP/1.1\r\n\r\n' >&3; timeout 5 cat <&3)
check "garbage gets 400" grep -q '^HTTP/1.1 400' <<<"$resp"
resp=$(exec 3<>"/dev/tcp/127.0.0.1/$port"; { printf 'GET /metrics HTTP/1.1\r\n'; head -c 5000 /dev/zero | tr '\0' a; } >&3 2>/dev/null; timeout 5 cat <&3)
check "a head over 4096 bytes gets 431" grep -q '^HTTP/1.1 431' <<<"$resp"
for fd in 10 11 12 13 14 15 16 17 18; do eval "exec $fd<>/dev/tcp/127.0.0.1/$port"; printf 'GET /met' >&$fd; done
check "9 slow clients do not keep a scrape out" grep -q '^headroom_watch_ticks_total ' <<<"$(scrape)"
for fd in 10 11 12 13 14 15 16 17 18; do eval "exec $fd>&-"; done
check "the oldest slow client was evicted" wait_metric 'headroom_watch_http_rejected_total{reason="evicted"}' 'v >= 1' 5
# one more that sends nothing: closed at its 5-second deadline
exec 19<>"/dev/tcp/127.0.0.1/$port"
idle_start=$EPOCHREALTIME

# SIGHUP: a changed file takes effect (tiny thresholds make the machine's pid_max critical)
printf 'interval = 0.5\nwarning = 0.001\ncritical = 0.002\n' >"$tmp/watch.conf"
kill -HUP "$pid"
check "SIGHUP reloads the file" wait_for_line "$tmp/log" "reload: interval 0.5s .*warning 0.001%, critical 0.002%" 5
check_eq "the new thresholds apply" 2 "$(wait_metric 'headroom_limit_status{id="pid_max",scope="system"}' 'v == 2' 5)"
printf 'interval = 0.1\nbogus = 1\n' >"$tmp/watch.conf"
kill -HUP "$pid"
check "a bad file is refused, naming the line" wait_for_line "$tmp/log" "unknown setting 'bogus' in $tmp/watch.conf:2" 5
check "and the running configuration is kept" wait_for_line "$tmp/log" "reload: kept the running configuration" 5
check "the daemon still serves" grep -q '^headroom_watch_ticks_total ' <<<"$(scrape)"

timeout 8 cat <&19 >/dev/null 2>&1
rc=$?
exec 19>&-
check "an idle client is closed at its deadline (not by timeout(1): $rc)" test "$rc" != 124
check "after about 5 seconds" awk -v s="$idle_start" -v e="$EPOCHREALTIME" 'BEGIN { exit !(e - s >= 4.5 && e - s < 8) }'
check "and counted" wait_metric 'headroom_watch_http_rejected_total{reason="timeout"}' 'v >= 1' 5

# SIGTERM: a clean stop
kill -TERM "$pid"
wait "$pid"
rc=$?
check_eq "SIGTERM stops it with status 0" 0 "$rc"
check "it says so" grep -q "stopping on SIGTERM" "$tmp/log"
check "the textfile goes with it (stale numbers would read as current)" test ! -e "$tmp/textfile/headroom.prom"
check "the port is closed" test -z "$(curl -s --max-time 2 "$WATCH_URL/metrics")"
check "nothing was logged as an error" test -z "$(grep -E ' error: ' "$tmp/log")"

# bad options: a message and status 3
err=$("$HEADROOM" watch --interval abc 2>&1)
check_eq "a bad interval exits 3" 3 "$?"
check_eq "naming the option" "headroom: invalid --interval value 'abc'; see 'headroom watch --help'" "$err"
"$HEADROOM" watch --listen 127.0.0.1:notaport 2>"$tmp/err"
check_eq "a bad --listen exits 3" 3 "$?"
check "saying what is expected" grep -q "cannot listen on '127.0.0.1:notaport': expected ADDRESS:PORT" "$tmp/err"

# evidence is bounded in count: three cgroups filled in turn, three incidents, two files kept, the newest
for k in 1 2 3; do
	mkdir "$cg-$k" && on_exit "rmdir_retry $cg-$k"
	echo 2 >"$cg-$k/pids.max"
done
start_watch "$tmp/log2" --interval 0.1 --scan-gap 0 --evidence-files 2 --state-dir "$tmp/state2" ||
	{ not_ok "$T" "the second daemon did not start"; exit 0; }
wait_for_line "$tmp/log2" "evidence: .*snapshot in" 5
n0=$(grep -c 'evidence: .*snapshot in' "$tmp/log2")
for k in 1 2 3; do
	sh -c "echo \$\$ > $cg-$k/cgroup.procs && exec $HELPERS/forker -n 4 -T 2" >/dev/null 2>&1
	for j in $(seq 100); do grep -q "evidence: .*cgroup:/$name-$k is critical.*snapshot in" "$tmp/log2" && break; sleep 0.1; done
done
# stopped first: a late rejection would otherwise write between the log's reading and the directory's
kill "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
for k in 1 2 3; do
	check "cgroup $k's incident has its snapshot" grep -q "evidence: .*cgroup:/$name-$k is critical.*snapshot in" "$tmp/log2"
done
check_eq "two are kept" 2 "$(ls "$tmp/state2" | wc -l)"
# each kept was logged, and is the first of its incident: a repeat goes before any incident's first
# snapshot, though it is newer (tests/live/watch_incidents.sh checks that rule on its own); of the firsts,
# the oldest goes, so the newest incident's first, cgroup 3's, is kept
logged=$(grep -o 'snapshot in .*' "$tmp/log2" | sed 's|.*/||' | sort)
check "each kept was logged" test -z "$(ls "$tmp/state2" | grep -vxF -f <(echo "$logged"))"
check "each kept is the first of its incident" \
	test -z "$(cd "$tmp/state2" && for f in evidence-*.json; do jq -e '.incident.first' "$f" >/dev/null || echo "$f"; done)"
check "the newest incident's first is kept" \
	test -e "$tmp/state2/$(grep "evidence: .*cgroup:/$name-3 .*snapshot in" "$tmp/log2" | head -n1 | sed 's|.*/||')"

_run_cleanups
check "nothing is left: the cgroup is removed" test ! -d "$cg"
