#!/usr/bin/env bash
# Lines written into /dev/kmsg from user space are not the kernel's. Root can write "Out of memory:
# Killed process ..." there; the record then carries a user-space facility (kernel/printk/printk.c
# devkmsg_write()), and no reader of headroom may take it for a kill or a rejected fork: headroom oom
# does not list it, headroom explain does not cite it, and a running headroom watch neither logs it,
# counts it nor writes evidence for it.
#
# The forged lines stay in this machine's kernel log: they are few (6 a run), name impossible pids
# (above the kernel's PID_MAX_LIMIT, 4194304) and say "forged".
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="forged kernel log lines"
is_root || { skip "$T" "needs root to write into /dev/kmsg"; exit 0; }
[ -w /dev/kmsg ] || { skip "$T" "/dev/kmsg is not writable"; exit 0; }
[ "$(cat /proc/sys/kernel/printk_devkmsg 2>/dev/null)" != off ] || { skip "$T" "kernel.printk_devkmsg is off: user space cannot write the log"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
read -r _ parent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# a real pids cgroup with a limit far from reached: explain judges it, and would cite a rejection logged for it
name=headroom-test-forged-$$-$RANDOM
cg=$parent/$name
mkdir "$cg" || { not_ok "$T" "cannot create $cg"; exit 0; }
on_exit "rmdir_retry $cg"
echo 1000 >"$cg/pids.max"
comm=headroom-forged-$$
pid1=4242424 pid2=4242425

# forge LINE: one line into /dev/kmsg, on a file opened for it (the kernel allows 10 lines per 5 s per
# opener when kernel.printk_devkmsg is "ratelimit", and drops the others silently)
forge() { printf '%s\n' "$1" >/dev/kmsg; }

mkdir "$tmp/state"
printf 'interval = 0.5\n' >"$tmp/watch.conf"
start_watch "$tmp/log" --config "$tmp/watch.conf" --state-dir "$tmp/state" --scan-interval 3600 ||
	{ not_ok "$T" "headroom watch did not start"; exit 0; }
out=$(scrape)
check_eq "headroom watch follows the kernel log" 1 "$(metric "$out" headroom_watch_kernel_log_open)"
oom0=$(metric "$out" 'headroom_kernel_events_total{event="oom_kill"}')
rej0=$(metric "$out" 'headroom_kernel_events_total{event="fork_rejected"}')
ticks0=$(metric "$out" headroom_watch_ticks_total)

# the OOM killer's lines as the kernel prints them (the summary, then the kill), in both forms; a prefix
# "<3>" asks for the kernel's facility (0) and gets LOG_USER; one line has no prefix at all
forge "<6>oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/$name,task_memcg=/$name,task=$comm,pid=$pid1,uid=0"
forge "<3>Memory cgroup out of memory: Killed process $pid1 ($comm) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0"
forge "<0>Out of memory: Killed process $pid2 ($comm) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0"
forge "Out of memory: Killed process $pid2 ($comm) total-vm:2kB, anon-rss:2kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0"
forge "<4>cgroup: fork rejected by pids controller in /$name"
forge "<30>cgroup: fork rejected by pids controller in /$name"

# they are in the log, with user-space facilities: what follows tests the filter, not an empty log. The
# records as /dev/kmsg gives them, one a read ("PRIO,SEQ,USEC,FLAGS;TEXT"; dd stops at EAGAIN)
raw=$(dd if=/dev/kmsg iflag=nonblock bs=8192 2>/dev/null | grep -E -- "$comm|in /$name\$")
check_eq "the 6 forged lines are in the kernel log" 6 "$(grep -c . <<<"$raw")"
check_eq "each with a facility other than 0 (prio = facility * 8 + level >= 8)" "" "$(awk -F, '$1 < 8' <<<"$raw")"

# headroom watch reads the log as it comes (it polls /dev/kmsg): a few ticks later it has read them
wait_metric headroom_watch_ticks_total "v >= $ticks0 + 4" 10 >/dev/null
out=$(scrape)
check "headroom watch logs no OOM kill for the forged lines" test -z "$(grep -E "oom: .*(pid ($pid1|$pid2)|$comm)" "$tmp/log")"
check "and no rejected fork" test -z "$(grep -E "fork-rejected: kernel log .* in cgroup /$name" "$tmp/log")"
# the counters rise only by the real kills and rejections the daemon logged meanwhile (other work on
# the machine), lines that name none of the forged: a forged line would add one more
real_oom=$(grep 'oom: kernel log at' "$tmp/log" | grep -cvE -- "$comm|pid ($pid1|$pid2)")
real_rej=$(grep 'fork-rejected: kernel log at' "$tmp/log" | grep -cvF -- "in cgroup /$name ")
check_eq "headroom_kernel_events_total{event=\"oom_kill\"} does not count them" "$real_oom" \
	"$(( $(metric "$out" 'headroom_kernel_events_total{event="oom_kill"}') - oom0 ))"
check_eq "headroom_kernel_events_total{event=\"fork_rejected\"} does not count them" "$real_rej" \
	"$(( $(metric "$out" 'headroom_kernel_events_total{event="fork_rejected"}') - rej0 ))"
# what an evidence file says happened (its why and events): the report inside it lists every watched
# cgroup, this test's too, whenever something real elsewhere on the machine wrote one
said=$(for f in "$tmp"/state/evidence-*.json; do [ -e "$f" ] && jq -r '.why, (.events[]? | .what, .scope)' "$f"; done)
check "no evidence names them" test -z "$(grep -E -- "$comm|$pid1|$pid2|/$name" <<<"$said")"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"

# headroom oom: the kills still in the log
j=$("$HEADROOM" oom --json)
check_eq "headroom oom read the kernel log" true "$(jq -r .kernel_log_read <<<"$j")"
check_eq "headroom oom lists none of the forged kills" "[]" \
	"$(jq -c --arg c "$comm" "[.kills[] | select(.pid == $pid1 or .pid == $pid2 or .comm == \$c)]" <<<"$j")"

# headroom explain, from a shell in the cgroup: the limit is judged, and no forged rejection confirms it
j=$(sh -c "echo \$\$ >'$cg/cgroup.procs' && exec '$HEADROOM' explain --json 'fork: retry: Resource temporarily unavailable'")
check_eq "headroom explain read the kernel log" true "$(jq -r .kernel_log_read <<<"$j")"
c=$(jq -c --arg s "cgroup:/$name" '[.causes[] | select(.id == "cgroup_pids" and .scope == $s)][0]' <<<"$j")
check "it judges the cgroup's pids.max" test "$c" != null
check "without citing the forged rejection" test -z "$(jq -r '.evidence' <<<"$c" | grep -F 'fork rejected by pids controller')"
check "nor confirming the cgroup as the cause" test "$(jq -r .verdict <<<"$c")" != confirmed
# the kill a forged line names is not in the log's history either
j=$("$HEADROOM" explain --json "Memory cgroup out of memory: Killed process $pid1 ($comm)")
check_eq "headroom explain of a forged kill finds no such kill in the log" null "$(jq -c .oom_kill <<<"$j")"
