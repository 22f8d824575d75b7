#!/usr/bin/env bash
# Processes that exit while headroom scans are skipped quietly: no error, no bogus problem.
. "$(dirname "$0")/../lib.sh"
need_jq || { skip "vanishing processes" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
# churn: short-lived processes and threads, bounded in count (2,000, at most 50 at once) and time (20 s)
(
	end=$((SECONDS + 20))
	for ((b = 0; b < 40 && SECONDS < end; b++)); do
		for ((i = 0; i < 50; i++)); do /bin/true & done
		wait
	done
) &
churn=$!
on_exit "kill $churn"
(
	end=$((SECONDS + 20))
	for ((i = 0; i < 200 && SECONDS < end; i++)); do "$HELPERS/forker" -t -n 50 -T 1 >/dev/null & sleep 0.02; done
	wait
) &
churn2=$!
on_exit "kill $churn2"
bad=0 runs=0 badjson=0 vanish_problems=0
for ((r = 0; r < 25; r++)); do
	"$HEADROOM" --json --all >"$tmp/out" 2>"$tmp/err"
	rc=$?
	runs=$((runs + 1))
	[ "$rc" -le 2 ] && [ ! -s "$tmp/err" ] || { bad=$((bad + 1)); cat "$tmp/err"; }
	jq -e . "$tmp/out" >/dev/null 2>&1 || badjson=$((badjson + 1))
	n=$(jq '[.unreadable[] | select(.errno == "ENOENT" or .errno == "ESRCH")] | length' "$tmp/out" 2>/dev/null)
	[ "${n:-1}" = 0 ] || { vanish_problems=$((vanish_problems + 1)); jq -c '.unreadable' "$tmp/out"; }
done
check_eq "every run of $runs ended normally with nothing on stderr" 0 "$bad"
check_eq "every run printed valid JSON" 0 "$badjson"
check_eq "no run reported a vanished process as a problem" 0 "$vanish_problems"
wait "$churn" "$churn2" 2>/dev/null
