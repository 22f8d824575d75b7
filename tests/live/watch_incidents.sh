#!/usr/bin/env bash
# headroom watch's evidence, one snapshot an incident, none lost: a storm of SIGHUPs while a limit is
# critical writes no snapshot; an incident that gets worse writes a second one, and beyond
# --evidence-files the first of each incident outlives it; a snapshot that cannot be written (a full disk)
# is kept and written when there is room, while its incident lasts; the textfile's outages (a full disk,
# then a read-only one) are each said when they start and when they end, the stale file tells its age,
# and a stop that cannot remove it says so. Every cgroup and mount it makes is removed.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="watch incidents"
is_root || { skip "$T" "needs root to create cgroups and mount a tmpfs"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
base=headroom-test-inc-$$-$RANDOM
# this test's cgroups start empty: on a machine with more cgroups with a limit than the default table
# holds, a scan keeps the closest to a limit and leaves empty ones out (headroom(1), WATCHING)
ALL=--max-cgroups=100000

# pids_cgroup NAME MAX: a pids cgroup, removed at the end (its tasks first)
pids_cgroup() {
	mkdir "$parent/$1" || return 1
	on_exit "rmdir_retry $parent/$1"
	on_exit "for p in \$(cat $parent/$1/cgroup.procs 2>/dev/null); do kill -KILL \$p 2>/dev/null; done"
	echo "$2" >"$parent/$1/pids.max"
}
# add_tasks NAME N: N sleeping processes in the cgroup, waited for (bounded)
add_tasks() {
	local cg=$parent/$1 want i
	want=$(($(cat "$cg/pids.current") + $2))
	for ((i = 0; i < $2; i++)); do sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 300' sh "$cg" 2>/dev/null & done
	for ((i = 0; i < 100; i++)); do [ "$(cat "$cg/pids.current")" -ge "$want" ] && return 0; sleep 0.05; done
	return 1
}
# snapshots DIR SCOPE: the evidence files of DIR whose incident is SCOPE's, one "NAME first" a line
snapshots() {
	local f
	for f in "$1"/evidence-*.json; do
		[ -e "$f" ] || continue
		jq -r --arg s "$2" --arg n "${f##*/}" 'select(.incident.scope == $s) | "\($n) \(.incident.first)"' "$f"
	done
}

# --- 1. a SIGHUP storm while a limit is critical: reloads, and no new snapshot
pids_cgroup "$base-hup" 4 || { not_ok "$T" "cannot create a cgroup in $parent"; exit 0; }
add_tasks "$base-hup" 4 || { not_ok "$T" "cannot fill $base-hup"; exit 0; }
printf 'interval = 0.1\n' >"$tmp/watch.conf"
start_watch "$tmp/log1" $ALL --config "$tmp/watch.conf" --scan-gap 0 --state-dir "$tmp/s1" || { not_ok "$T" "it did not start"; exit 0; }
check "the critical cgroup's incident has its snapshot" \
	wait_for_line "$tmp/log1" "evidence: .*cgroup_pids cgroup:/$base-hup is critical: 4 of 4 .*snapshot in" 10
first=$(snapshots "$tmp/s1" "cgroup:/$base-hup")
for ((i = 0; i < 100; i++)); do kill -HUP "$WATCH_PID"; sleep 0.03; done
# signals coalesce: at least some reloads, each with its full scan
reloads=$(wait_metric 'headroom_watch_full_scans_total{reason="reload"}' 'v >= 10' 10)
check "the daemon reloaded ($reloads full scans for SIGHUP)" test "${reloads:-0}" -ge 10
sleep 1
check_eq "100 SIGHUPs while critical wrote no snapshot" "$first" "$(snapshots "$tmp/s1" "cgroup:/$base-hup")"
check_eq "and logged no crossing" 1 "$(grep -c "evidence: .*cgroup:/$base-hup is critical" "$tmp/log1")"
# a refused reload says why in the log's own form (checked with every line below)
printf 'interval = 0.1\nbogus = 1\n' >"$tmp/watch.conf"
kill -HUP "$WATCH_PID"
check "a refused reload says why" wait_for_line "$tmp/log1" "reload: unknown setting 'bogus' in $tmp/watch.conf:2" 5
kill "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
for p in $(cat "$parent/$base-hup/cgroup.procs"); do kill -KILL "$p" 2>/dev/null; done

# --- 2. an incident that gets worse has a second snapshot; beyond --evidence-files, the first of each
# incident is kept over it, though it is newer
pids_cgroup "$base-grow" 10 && pids_cgroup "$base-next" 2 || { not_ok "$T" "cannot create cgroups"; exit 0; }
start_watch "$tmp/log2" $ALL --interval 0.1 --scan-gap 0 --evidence-files 2 --state-dir "$tmp/s2" ||
	{ not_ok "$T" "it did not start"; exit 0; }
add_tasks "$base-grow" 8
check "80% of its limit: a warning and the incident's first snapshot" \
	wait_for_line "$tmp/log2" "evidence: .*cgroup:/$base-grow is warning: 8 of 10 .*snapshot in" 10
add_tasks "$base-grow" 2
check "at its limit: worse, a second snapshot" \
	wait_for_line "$tmp/log2" "evidence: .*cgroup:/$base-grow is critical: 10 of 10 .*snapshot in" 10
add_tasks "$base-next" 2
check "another incident: its first snapshot" \
	wait_for_line "$tmp/log2" "evidence: .*cgroup:/$base-next is critical: 2 of 2 .*snapshot in" 10
kill "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
# each incident's first snapshot: the first logged of its cgroup, the warning's or, when a slow machine read
# the cgroup while its tasks were being added, that of the jump ("moved from 10.0% to 60.0%")
grow_first=$(grep "evidence: .*cgroup:/$base-grow .*snapshot in " "$tmp/log2" | head -1 | sed 's|.*/||')
next_first=$(grep "evidence: .*cgroup:/$base-next .*snapshot in " "$tmp/log2" | head -1 | sed 's|.*/||')
want=$(printf '%s\n' "$grow_first" "$next_first" | sort) got=$(ls "$tmp/s2" | sort)
check_eq "two files are kept: the first of each incident" "$want" "$got"
[ "$want" = "$got" ] ||
	{ grep "evidence:" "$tmp/log2" | sed 's/^/    | /'; for f in "$tmp/s2"/*; do echo "    | $f: $(jq -c .incident "$f")"; done; }
check_eq "the first says so" "true" "$(jq -r .incident.first "$tmp/s2/$grow_first")"

# --- 3. a full disk, then a read-only one: the textfile's outages said, the evidence kept and written later
mnt=$tmp/small
mkdir "$mnt"
mount -t tmpfs -o size=2m tmpfs "$mnt" || { skip "$T: full and read-only disks" "cannot mount a tmpfs"; exit 0; }
on_exit "umount -l $mnt"
mkdir "$mnt/state" "$mnt/text"
pids_cgroup "$base-disk" 3 || { not_ok "$T" "cannot create a cgroup"; exit 0; }
start_watch "$tmp/log3" $ALL --interval 0.1 --scan-gap 0 --state-dir "$mnt/state" --textfile "$mnt/text" ||
	{ not_ok "$T" "it did not start"; exit 0; }
for ((i = 0; i < 50; i++)); do [ -s "$mnt/text/headroom.prom" ] && break; sleep 0.1; done
check "the textfile is there" test -s "$mnt/text/headroom.prom"
dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null # until the disk is full
check "a full disk: the textfile's outage is said" \
	wait_for_line "$tmp/log3" "textfile: cannot write to '$mnt/text' from now: No space left on device" 10
stale=$(awk '$1 == "headroom_watch_metrics_timestamp_seconds" { print $2 }' "$mnt/text/headroom.prom")
add_tasks "$base-disk" 3
# the incident's first snapshot is kept: the crossing's, or on a slow machine that of the jump before it
check "the incident's snapshot cannot be written, and is kept" \
	wait_for_line "$tmp/log3" "evidence: at ([0-9:]{8}) .*cgroup:/$base-disk .*cannot write it to '$mnt/state': No space left on device \(kept" 10
check "the evidence's outage is said" wait_for_line "$tmp/log3" "evidence: cannot write to '$mnt/state' from now: No space left on device" 5
when=$(grep -oE "evidence: at [0-9:]{8} .*cgroup:/$base-disk .*\(kept" "$tmp/log3" | head -n1 | cut -d' ' -f3)
sleep 2
check "the stale textfile tells its age (its tick is more than 1.5 s old)" \
	awk -v s="$stale" -v now="$(date +%s.%N)" 'BEGIN { exit !(s > 0 && now - s > 1.5) }'
check_eq "its series stay as they were" "$stale" "$(awk '$1 == "headroom_watch_metrics_timestamp_seconds" { print $2 }' "$mnt/text/headroom.prom")"
rm -f "$mnt/fill"
check "room again: the kept snapshot is written at last" \
	wait_for_line "$tmp/log3" "evidence: the snapshot of $when is written at last, at attempt [0-9]+: $mnt/state/evidence-" 10
f=$(grep -o "the snapshot of $when is written at last, at attempt [0-9]*: .*" "$tmp/log3" | sed 's/.*: //')
[ -n "$f" ] || grep -E "evidence|textfile" "$tmp/log3" | sed 's/^/    | /'
check "it is the snapshot of that moment" test "$(jq -r .time "$f" | cut -c12-19)" = "$when"
check_eq "the first of its incident" "cgroup:/$base-disk true" "$(jq -r '"\(.incident.scope) \(.incident.first)"' "$f")"
check "the evidence's outage ends, said" wait_for_line "$tmp/log3" "evidence: writing to '$mnt/state' works again, after [0-9]+ failure" 5
check "the textfile's too" wait_for_line "$tmp/log3" "textfile: writing to '$mnt/text' works again, after [0-9]+ failure" 5
mount -o remount,ro "$mnt"
check "read-only: a second outage is said (not 'said once')" \
	wait_for_line "$tmp/log3" "textfile: cannot write to '$mnt/text' from now: Read-only file system" 10
check_eq "two outages were said" 2 "$(grep -c "textfile: cannot write to '$mnt/text' from now" "$tmp/log3")"
kill "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
check "a stop that cannot remove the textfile says so" \
	grep -q "textfile: cannot remove '$mnt/text/headroom.prom' at stop: Read-only file system" "$tmp/log3"
check "every line of the log is stamped" test -z "$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4} ' "$tmp/log1" "$tmp/log2" "$tmp/log3")"
mount -o remount,rw "$mnt"

_run_cleanups
check "nothing is left: the cgroups are removed" test -z "$(ls -d "$parent/$base"-* 2>/dev/null)"
