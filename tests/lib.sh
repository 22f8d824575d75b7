# shellcheck shell=bash
# Shared by the shell tests. Each test prints one line per check:
#   ok - NAME | not ok - NAME: WHY | skip - NAME: WHY
# tests/run counts them. Source this file, then call the helpers.

: "${HEADROOM:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/headroom}"
: "${HELPERS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/helpers}"
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ok() { printf 'ok - %s\n' "$1"; }
not_ok() { printf 'not ok - %s: %s\n' "$1" "$2"; }
skip() { printf 'skip - %s: %s\n' "$1" "$2"; }

# check NAME COMMAND...: ok when the command succeeds (its output is discarded).
check() {
	local name=$1
	shift
	if "$@" >/dev/null; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}

# Cleanup actions, run in reverse order on exit, SIGINT and SIGTERM.
_cleanups=()
on_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[$i]}" >/dev/null 2>&1 || true; done
	_cleanups=()
}
trap _run_cleanups EXIT
trap '_run_cleanups; exit 130' INT
trap '_run_cleanups; exit 143' TERM

is_root() { [ "$(id -u)" = 0 ]; }

# The v1 mount point of a controller, or empty.
cgroup_v1_mount() {
	awk -v c="$1" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo
}

# The cgroup2 mount point, or empty.
cgroup_v2_mount() {
	awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo
}

# A directory where a child cgroup with the given controller can be made: prints "v1 DIR" or "v2 DIR".
cgroup_parent_for() {
	local ctl=$1 m
	m=$(cgroup_v1_mount "$ctl")
	if [ -n "$m" ]; then printf 'v1 %s\n' "$m"; return 0; fi
	m=$(cgroup_v2_mount)
	if [ -n "$m" ] && grep -qw "$ctl" "$m/cgroup.subtree_control" 2>/dev/null; then
		printf 'v2 %s\n' "$m"
		return 0
	fi
	return 1
}

# Waits until FILE contains a line matching REGEX (at most SECONDS). Returns 0 when it did.
wait_for_line() {
	local file=$1 re=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eq "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# The kernel version as MAJOR*1000+MINOR.
kernel_code() {
	local r
	r=$(uname -r)
	echo $(( ${r%%.*} * 1000 + $(echo "$r" | cut -d. -f2 | tr -dc 0-9) ))
}

need_jq() { command -v jq >/dev/null 2>&1; }

# start_holder NAME OUTFILE COMMAND...: starts a test helper in the background, registers its removal,
# waits for its "ready" line. Sets HOLDER_PID. Returns 1 when it did not become ready.
start_holder() {
	local name=$1 outfile=$2
	shift 2
	# emptied first: a "ready" left by an earlier holder in the same file must not count
	: >"$outfile"
	"$@" >"$outfile" 2>&1 &
	HOLDER_PID=$!
	on_exit "kill_tree $HOLDER_PID; wait $HOLDER_PID"
	wait_for_line "$outfile" '^ready' "${HOLDER_WAIT:-15}" || { echo "$name did not start: $(cat "$outfile")"; return 1; }
}

# kill_tree PID: SIGTERM to a process's children, then to it (unshare --fork ignores SIGTERM and waits
# for its child, so the child must go first; the helpers take their own children with them).
kill_tree() {
	pkill -TERM -P "$1" 2>/dev/null
	kill "$1" 2>/dev/null
}

# rmdir_retry DIR: removes a cgroup directory once its tasks are gone (bounded: 5 s).
rmdir_retry() {
	local i
	for ((i = 0; i < 50; i++)); do
		rmdir "$1" 2>/dev/null && return 0
		[ -d "$1" ] || return 0
		sleep 0.1
	done
	return 1
}

# The limit of the JSON report with this id and scope, as compact JSON ("null" when absent).
limit_json() { jq -c --arg id "$2" --arg scope "$3" '[.limits[] | select(.id == $id and .scope == $scope)][0]' <<<"$1"; }

# The metric families headroom documents (headroom(1), METRICS), one a line: a ".B name" line each, and
# for the families by unit a ".BR headroom_limit_used_tasks ", " _pids ..." line.
man_metrics() {
	awk '/^\.BR? headroom_[a-z_]+/ { base = $2; print base
		if ($1 == ".BR") { sub(/_tasks$/, "", base); for (i = 3; i <= NF; i++) if ($i ~ /^_[a-z]+$/) print base $i } }' \
		"$TESTS_DIR/../man/headroom.1" | sort -u
}
