#!/usr/bin/env bash
# A non-root uid at its RLIMIT_NPROC is reported critical, counted as the kernel counts it.
. "$(dirname "$0")/../lib.sh"
T="uid at its RLIMIT_NPROC"
is_root || { skip "$T" "needs root to run processes as another uid"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
command -v setpriv >/dev/null || { skip "$T" "setpriv is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
# a uid no process uses
uid=
for u in $(seq 48100 48999); do
	grep -qE "^Uid:\s+$u\s" /proc/[0-9]*/status 2>/dev/null || { uid=$u; break; }
done
[ -n "$uid" ] || { not_ok "$T" "no free uid"; exit 0; }
on_exit "pkill -KILL -U $uid"

start_holder forker "$tmp/out" prlimit --nproc=8:8 setpriv --reuid="$uid" --regid="$uid" --clear-groups \
	"$HELPERS/forker" -n 100 -T 60 || { not_ok "$T" "the holder did not start"; exit 0; }
check_eq "the uid's 9th task failed with EAGAIN" "created 7 errno EAGAIN" "$(head -n1 "$tmp/out")"

json=$("$HEADROOM" --json --no-maps)
rc=$?
# the kernel counts every task (thread) of the real uid
tasks=$(awk -v u="$uid" '/^Uid:/ && $2 == u { uid_ok = 1 } /^Threads:/ { if (uid_ok) n += $2; uid_ok = 0 } END { print n + 0 }' \
	/proc/[0-9]*/status 2>/dev/null)
l=$(limit_json "$json" user_nproc "user:$uid")
check_eq "exit status is critical" 2 "$rc"
check_eq "reported critical for the uid" critical "$(jq -r .status <<<"$l")"
check_eq "used equals the uid's tasks in /proc ($tasks)" "$tasks" "$(jq -r .used <<<"$l")"
check_eq "max is the soft limit in force" 8 "$(jq -r .max <<<"$l")"
check_eq "errno is EAGAIN" EAGAIN "$(jq -r .errno <<<"$l")"
check_eq "not exempt" false "$(jq -r .exempt <<<"$l")"
check_eq "root is exempt" true "$(jq -r .exempt <<<"$(limit_json "$json" user_nproc user:0)")"
check_eq "root has no maximum" null "$(jq -r .max <<<"$(limit_json "$json" user_nproc user:0)")"

_run_cleanups
check "nothing is left: no process of the uid" bash -c "! grep -qE '^Uid:\s+$uid\s' /proc/[0-9]*/status 2>/dev/null"
