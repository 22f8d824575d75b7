#!/usr/bin/env bash
# --root on a hostile copy of a fixture tree: nothing is read outside DIR (an absolute link, a cgroup
# mount point climbing with ".."), and no FIFO or device stops a command (issue 11, items 5 and 6).
# Every command that takes --root is run on it: the report (text and JSON), explain, oom and watch.
# All of it twice: with openat2, and under a seccomp filter that fails openat2 (the fallback resolver).
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

# The fallback resolver, forced: openat2 fails with ENOSYS, as before Linux 5.6.
modes=(openat2)
NO_OPENAT2=$HELPERS/no_openat2
if [ -x "$NO_OPENAT2" ] && "$NO_OPENAT2" --check; then
	modes+=(fallback)
	# the fixture trees read the same either way
	for dir in "$TESTS_DIR"/fixtures/*/; do
		[ -f "$dir/MANIFEST" ] || continue
		name=$(basename "$dir")
		args=()
		[ -f "$dir/args" ] && read -ra args <"$dir/args"
		check_eq "fallback: $name reads as with openat2 (text and JSON)" \
			"$("$HEADROOM" --root "$dir/root" "${args[@]}"; "$HEADROOM" --root "$dir/root" --json "${args[@]}")" \
			"$("$NO_OPENAT2" "$HEADROOM" --root "$dir/root" "${args[@]}"; "$NO_OPENAT2" "$HEADROOM" --root "$dir/root" --json "${args[@]}")"
	done
else
	skip "the fallback resolver" "cannot make openat2 fail here (no seccomp, or $NO_OPENAT2 not built)"
fi

# What lies outside: each file holds a marker that must never reach any output.
mkdir -p "$T/outside/cg"
echo "6.66.6-MARKER-OUTSIDE" >"$T/outside/osrelease"
echo 987654 >"$T/outside/cg/pids.max"
echo 987653 >"$T/outside/cg/pids.current"

# Item 5: an absolute link out, and a v1 pids hierarchy of its own (another mount root) whose mount
# point climbs out of the root.
ln -sfn "$T/outside/osrelease" "$R/proc/sys/kernel/osrelease"
up=$(printf '../%.0s' $(seq 40))
printf '99 31 0:99 /escape /sys/fs/cgroup/%s%s/outside/cg rw,relatime - cgroup cgroup rw,pids\n' "$up" "${T#/}" \
	>>"$R/proc/26170/mountinfo"
# Item 6: FIFOs, and /dev/zero's device in place of a maps file.
for f in proc/meminfo proc/25486/status "$APP/pids.max"; do
	rm -f "$R/$f" && mkfifo "$R/$f"
done
rm -f "$R/proc/25651/maps"
if mknod "$R/proc/25651/maps" c 1 5 2>/dev/null; then
	maps_dev=1
else
	skip "a device in place of proc/25651/maps" "mknod needs CAP_MKNOD"
	maps_dev=0
fi
mkfifo "$T/watch.conf"
mkdir -p "$T/textfile"
# A child pid namespace's pid_max is read from the fixture at proc/INIT/root/proc/sys/kernel/pid_max: a link
# from there to "/" would read this machine's. In a tree of its own: the one above has no kernel release,
# and without one no namespace's pid_max is read.
R2=$T/root2
cp -a "$TESTS_DIR/fixtures/6.18-cgroup-v1/root" "$R2" && rm -rf "$R2/proc/25543/root" && ln -s / "$R2/proc/25543/root"

# run NAME COMMAND...: runs a command (under $WRAP) bounded by 10 s; sets OUT (stdout and stderr) and RC.
run() {
	local name="$1 ($mode)"
	shift
	OUT=$(timeout -k 5 10 "${WRAP[@]}" "$@" 2>&1)
	RC=$?
	if [ "$RC" -le 3 ]; then ok "$name: ends with a defined status ($RC)"; else not_ok "$name" "exit status $RC (124 or 137: stopped after 10 s)"; fi
	if grep -Eq 'MARKER-OUTSIDE|987,?65[34]' <<<"$OUT"; then
		not_ok "$name: nothing from outside the root" "$(grep -E 'MARKER-OUTSIDE|987,?65[34]' <<<"$OUT" | head -3)"
	else
		ok "$name: nothing from outside the root"
	fi
}

REFUSED="leads outside the root (a symbolic link or '..'): refused"
for mode in "${modes[@]}"; do
	WRAP=()
	[ "$mode" = fallback ] && WRAP=("$NO_OPENAT2")

	run "report" "$HEADROOM" --root "$R"
	text=$OUT
	check "text: the absolute link is named as refused ($mode)" \
		grep -qF "kernel release: $REFUSED ($R/proc/sys/kernel/osrelease)" <<<"$text"
	check "text: the mount point with '..' is named as refused ($mode)" \
		grep -qF "cgroup hierarchy: $REFUSED ($R/sys/fs/cgroup/../" <<<"$text"
	for f in proc/meminfo proc/25486/status "$APP/pids.max"; do
		check "text: the FIFO $f is not a regular file ($mode)" grep -qF "not a regular file ($R/$f)" <<<"$text"
	done
	[ "$maps_dev" = 1 ] && check "text: the device in place of maps is not a regular file ($mode)" \
		grep -qF "map count of processes: not a regular file ($R/proc/25651/maps)" <<<"$text"

	run "report --json" "$HEADROOM" --root "$R" --json
	json=$OUT
	check_eq "JSON: the absolute link's errno and words ($mode)" "EXDEV $REFUSED" \
		"$(jq -r --arg p "$R/proc/sys/kernel/osrelease" '.unreadable[] | select(.path == $p) | "\(.errno) \(.error)"' <<<"$json")"
	check_eq "JSON: the kernel release is unknown, not the outside file's ($mode)" null "$(jq -r '.kernel' <<<"$json")"
	check_eq "JSON: no cgroup from outside ($mode)" "" "$(jq -r '.limits[] | select(.scope == "cgroup:/escape") | .scope' <<<"$json")"
	check_eq "JSON: the FIFO meminfo's errno and words, essential ($mode)" "EMEDIUMTYPE not a regular file true" \
		"$(jq -r --arg p "$R/proc/meminfo" '.unreadable[] | select(.path == $p) | "\(.errno) \(.error) \(.essential)"' <<<"$json")"

	run "report, proc/INIT/root a link to /" "$HEADROOM" --root "$R2"
	check "text: the namespace's pid_max is not read through it ($mode)" grep -qF \
		"pid_max of pid namespace 4026532178: $REFUSED ($R2/proc/25543/root/proc/sys/kernel/pid_max)" <<<"$OUT"

	# the other commands that take --root read through the same functions
	run "explain" "$HEADROOM" explain --root "$R" --pid 25518 "fork: Resource temporarily unavailable"
	run "oom" "$HEADROOM" oom --root "$R"
	run "oom --json" "$HEADROOM" oom --root "$R" --json
	run "watch" "$HEADROOM" watch --root "$R" --count 2 --textfile "$T/textfile"

	# a FIFO as the daemon's configuration file: refused, never waited on
	run "watch --config FIFO" "$HEADROOM" watch --root "$R" --count 1 --config "$T/watch.conf" --textfile "$T/textfile"
	check_eq "watch --config FIFO: exit 3 ($mode)" 3 "$RC"
	check "watch --config FIFO: says why ($mode)" grep -qF "cannot read '$T/watch.conf': not a regular file" <<<"$OUT"
done
