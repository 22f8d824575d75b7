#!/usr/bin/env bash
# The shipped unit (contrib/systemd/headroom-watch.service) starting on a node's worth of limited cgroups:
# 5,000 cgroups with a pids limit (500 of them with a memory limit too) exist when it starts; under the
# unit's MemoryMax=, TasksMax= and CPUQuota= it starts, serves, is not OOM-killed nor restarted, and its
# cgroup's memory peak is printed (the figure MemoryMax= is sized from). Needs systemd as init (make
# vm-check runs it in its systemd machine); elsewhere it skips. Every cgroup and unit it makes is removed.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="the unit at 5,000 cgroups"
N=${HEADROOM_TEST_UNIT_CGROUPS:-5000}
is_root || { skip "$T" "needs root"; exit 0; }
[ -d /run/systemd/system ] || { skip "$T" "systemd is not the init (make vm-check runs it in a systemd machine)"; exit 77; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
read -r ver root < <(cgroup_parent_for pids) || { skip "$T" "no pids controller delegated"; exit 0; }
[ "$ver" = v2 ] || { skip "$T" "systemd on cgroup v1"; exit 0; }
grep -qw memory "$root/cgroup.subtree_control" || { skip "$T" "no memory controller delegated"; exit 0; }
unit=headroom-test-watch-$$.service
sdir=headroom-test-watch-$$
port=$((20000 + RANDOM % 20000))
M=$((N / 10))

base=$root/headroom-test-unitcg-$$
mkdir -p "$base/p" "$base/m" || { not_ok "$T" "cannot create $base"; exit 0; }
on_exit "rmdir_retry $base"
on_exit "rmdir_retry $base/p; rmdir_retry $base/m"
on_exit "(cd $base/p && find . -mindepth 1 -maxdepth 1 -type d -print0 | xargs -0 -r rmdir); (cd $base/m && find . -mindepth 1 -maxdepth 1 -type d -print0 | xargs -0 -r rmdir)"
echo "+pids +memory" >"$base/cgroup.subtree_control" && echo +pids >"$base/p/cgroup.subtree_control" &&
	echo "+pids +memory" >"$base/m/cgroup.subtree_control" || { not_ok "$T" "cannot delegate in $base"; exit 0; }
(cd "$base/p" && seq -f "c-%.0f" 1 $((N - M)) | xargs mkdir) && (cd "$base/m" && seq -f "c-%.0f" 1 "$M" | xargs mkdir) ||
	{ not_ok "$T" "cannot make $N cgroups"; exit 0; }
for ((i = 1; i <= N - M; i++)); do echo 100 >"$base/p/c-$i/pids.max"; done
for ((i = 1; i <= M; i++)); do echo 100 >"$base/m/c-$i/pids.max"; echo 64M >"$base/m/c-$i/memory.max"; done

# the shipped unit, with this tree's binary and another port
sed -e "s|/usr/local/bin/headroom|$HEADROOM|" -e "s|127.0.0.1:9966|127.0.0.1:$port|" -e "s|--state-dir /var/lib/headroom|--state-dir /var/lib/$sdir|" \
	-e "s|^StateDirectory=headroom|StateDirectory=$sdir|" -e "s|^ReadWritePaths=/var/lib/headroom|ReadWritePaths=/var/lib/$sdir|" \
	contrib/systemd/headroom-watch.service >"/run/systemd/system/$unit"
on_exit "rm -rf /run/systemd/system/$unit /var/lib/$sdir; systemctl daemon-reload"
on_exit "systemctl stop $unit 2>/dev/null"
systemctl daemon-reload
limit=$(systemctl show -p MemoryMax --value "$unit")
check "the unit has its MemoryMax ($limit)" test "$limit" -gt 0
systemctl start "$unit"
check_eq "it starts" 0 "$?"
WATCH_URL=http://127.0.0.1:$port
ticks=$(wait_metric headroom_watch_ticks_total "v >= 5" 120)
check "it serves and ticks ($ticks ticks)" test "${ticks:-0}" -ge 5
out=$(scrape)
watched=$(metric "$out" headroom_watch_watched_cgroups)
left=$(metric "$out" headroom_watch_cgroups_left_out)
check "its table is full (${watched:-?} watched)" test "${watched:-0}" -ge 512
check "the rest are counted as left out (${left:-?})" test $((${watched:-0} + ${left:-0})) -ge "$N"
cg=/sys/fs/cgroup$(systemctl show -p ControlGroup --value "$unit")
check_eq "nothing was OOM-killed in its cgroup" 0 "$(awk '$1 == "oom_kill" { print $2 }' "$cg/memory.events")"
check_eq "it was never restarted" 0 "$(systemctl show -p NRestarts --value "$unit")"
check_eq "it is active" active "$(systemctl is-active "$unit")"
peak=$(cat "$cg/memory.peak" 2>/dev/null || cat "$cg/memory.current")
echo "    memory peak $peak B of MemoryMax $limit B; resident $(metric "$out" headroom_watch_resident_bytes) B;" \
	"scan $(metric "$out" headroom_watch_scan_duration_seconds) s; kernel $(awk '$1 == "kernel" { print $2 }' "$cg/memory.stat") B"
check "its memory peak leaves room under MemoryMax ($peak < $limit / 2)" test "$peak" -lt $((limit / 2))
systemctl stop "$unit"
check_eq "it stops cleanly" success "$(systemctl show -p Result --value "$unit")"
_run_cleanups
