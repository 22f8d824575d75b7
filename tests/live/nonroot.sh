#!/usr/bin/env bash
# Without root: it reports what it can read, says exactly what it could not and why, and never fails for it.
. "$(dirname "$0")/../lib.sh"
T="run as a non-root user"
is_root || { skip "$T" "needs root to switch to another user"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v setpriv >/dev/null || { skip "$T" "setpriv is not installed"; exit 0; }
tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit "rm -rf $tmp"
# a root process with a child pid namespace, which the user may not look into
start_holder ns "$tmp/ns" unshare --pid --fork "$HELPERS/forker" -n 3 -T 60 || { not_ok "$T" "no holder"; exit 0; }
# a root process whose address space (1 GiB reserved, untouched) could hold vm.max_map_count mappings, so its
# maps are worth counting; small processes' are not read at all, and a quiet machine may have no large one
start_holder big "$tmp/big" "$HELPERS/hog" -m 0 -r 1024 -T 60 || { not_ok "$T" "no large holder"; exit 0; }
as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_user "$HEADROOM" --json >"$tmp/json" 2>"$tmp/err"
rc=$?
as_user "$HEADROOM" >"$tmp/text" 2>>"$tmp/err"
trc=$?
check "it does not fail for lack of permission (exit $rc)" test "$rc" -le 2
check_eq "text and JSON agree on the exit status" "$rc" "$trc"
check_eq "nothing on stderr" "" "$(cat "$tmp/err")"
check "JSON parses" jq -e . "$tmp/json"
check_eq "the machine-wide limits are there" 2 "$(jq '[.limits[] | select(.scope == "system" and (.id == "pid_max" or .id == "threads_max"))] | length' "$tmp/json")"
check "it says it could not read other users' maps, and why" \
	jq -e '.unreadable[] | select(.what | test("map count")) | select(.errno == "EACCES" and .count >= 1)' "$tmp/json"
check "the text report says what it could not read" grep -q '^Could not read' "$tmp/text"
check "the text names the error" grep -q 'needs ptrace access): Permission denied' "$tmp/text"
check "its own processes' map counts are read" jq -e '[.limits[] | select(.id == "map_count")] | length >= 1' "$tmp/json"
