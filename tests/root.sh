#!/usr/bin/env bash
# --root on a hostile copy of a fixture tree: nothing is read outside DIR (an absolute link, a cgroup
# mount point climbing with ".."), and no FIFO or device stops a command (issue 11, items 5 and 6).
# Every command that takes --root is run on it: the report (text and JSON), explain, oom and watch.
. "$(dirname "$0")/lib.sh"
need_jq || { skip "root" "jq is not installed"; exit 0; }

T=$(mktemp -d /tmp/headroom-root-test.XXXXXX) || exit 2
on_exit "rm -rf '$T'"
R=$T/root
cp -a "$TESTS_DIR/fixtures/6.18-cgroup-v1/root" "$R" || exit 2
APP=sys/fs/cgroup/pids/hr-fixture-app
[ -f "$R/$APP/pids.max" ] && [ -f "$R/proc/25651/maps" ] && [ -f "$R/proc/25486/status" ] || {
	not_ok "the fixture" "6.18-cgroup-v1 no longer has the files this test plants over"
	exit 0
}

# What lies outside: each file holds a marker that must never reach any output.
mkdir -p "$T/outside/cg"
echo "6.66.6-MARKER-OUTSIDE" >"$T/outside/osrelease"
echo 987654 >"$T/outside/cg/pids.max"
echo 987653 >"$T/outside/cg/pids.current"

# run NAME COMMAND...: runs a command on the tree, bounded by 10 s; sets OUT (stdout and stderr) and RC.
run() {
	local name=$1
	shift
	OUT=$(timeout -k 5 10 "$@" 2>&1)
	RC=$?
	if [ "$RC" -le 3 ]; then ok "$name: ends with a defined status ($RC)"; else not_ok "$name" "exit status $RC (124 or 137: stopped after 10 s)"; fi
	if grep -Eq 'MARKER-OUTSIDE|987,?65[34]' <<<"$OUT"; then
		not_ok "$name: nothing from outside the root" "$(grep -E 'MARKER-OUTSIDE|987,?65[34]' <<<"$OUT" | head -3)"
	else
		ok "$name: nothing from outside the root"
	fi
}

# --- item 5: confined ---
ln -sfn "$T/outside/osrelease" "$R/proc/sys/kernel/osrelease"
# a v1 pids hierarchy of its own (another mount root) whose mount point climbs out of the root
up=$(printf '../%.0s' $(seq 40))
printf '99 31 0:99 /escape /sys/fs/cgroup/%s%s/outside/cg rw,relatime - cgroup cgroup rw,pids\n' "$up" "${T#/}" \
	>>"$R/proc/26170/mountinfo"

run "an absolute link and '..' in mountinfo (text)" "$HEADROOM" --root "$R"
text=$OUT
check "text: the link is named as refused" \
	grep -qF "kernel release: leads outside the root (a symbolic link or '..'): refused ($R/proc/sys/kernel/osrelease)" <<<"$text"
check "text: the mount point is named as refused" \
	grep -qF "cgroup hierarchy: leads outside the root (a symbolic link or '..'): refused ($R/sys/fs/cgroup/../" <<<"$text"
run "an absolute link and '..' in mountinfo (JSON)" "$HEADROOM" --root "$R" --json
json=$OUT
check_eq "JSON: the refused link, its errno and words" \
	"EXDEV leads outside the root (a symbolic link or '..'): refused" \
	"$(jq -r --arg p "$R/proc/sys/kernel/osrelease" '.unreadable[] | select(.path == $p) | "\(.errno) \(.error)"' <<<"$json")"
check_eq "JSON: the kernel release is unknown, not the outside file's" null "$(jq -r '.kernel' <<<"$json")"
check_eq "JSON: no cgroup from outside" "" "$(jq -r '.limits[] | select(.scope == "cgroup:/escape") | .scope' <<<"$json")"

# --- item 6: no FIFO or device holds a reader ---
for f in proc/meminfo proc/25486/status "$APP/pids.max"; do
	rm -f "$R/$f" && mkfifo "$R/$f"
done
rm -f "$R/proc/25651/maps"
if mknod "$R/proc/25651/maps" c 1 5 2>/dev/null; then # /dev/zero
	maps_dev=1
else
	skip "a device in place of proc/25651/maps" "mknod needs CAP_MKNOD"
	maps_dev=0
fi

run "FIFOs and a device (text)" "$HEADROOM" --root "$R"
text=$OUT
for f in proc/meminfo proc/25486/status "$APP/pids.max"; do
	check "text: $f is not a regular file" grep -qF "not a regular file ($R/$f)" <<<"$text"
done
[ "$maps_dev" = 1 ] && check "text: the device in place of maps is not a regular file" \
	grep -qF "map count of processes: not a regular file ($R/proc/25651/maps)" <<<"$text"
run "FIFOs and a device (JSON)" "$HEADROOM" --root "$R" --json
check_eq "JSON: meminfo's errno and words" "EMEDIUMTYPE not a regular file" \
	"$(jq -r --arg p "$R/proc/meminfo" '.unreadable[] | select(.path == $p) | "\(.errno) \(.error)"' <<<"$OUT")"
check_eq "JSON: the memory check is unknown: essential" true \
	"$(jq -r --arg p "$R/proc/meminfo" '.unreadable[] | select(.path == $p) | .essential' <<<"$OUT")"

# the other commands that take --root read through the same functions
run "explain on the tree" "$HEADROOM" explain --root "$R" --pid 25518 "fork: Resource temporarily unavailable"
run "oom on the tree" "$HEADROOM" oom --root "$R"
run "oom --json on the tree" "$HEADROOM" oom --root "$R" --json
mkdir -p "$T/textfile"
run "watch on the tree" "$HEADROOM" watch --root "$R" --count 2 --textfile "$T/textfile"

# a FIFO as the daemon's configuration file: refused, never waited on
mkfifo "$T/watch.conf"
run "watch --config FIFO" "$HEADROOM" watch --root "$R" --count 1 --config "$T/watch.conf" --textfile "$T/textfile"
check_eq "watch --config FIFO: exit 3" 3 "$RC"
check "watch --config FIFO: says why" grep -qF "cannot read '$T/watch.conf': not a regular file" <<<"$OUT"
