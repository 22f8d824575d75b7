# Helpers for the tests of headroom watch (sourced after lib.sh).

# start_watch LOG ARGS...: starts headroom watch listening on a free loopback port, waits for its
# "started:" line, registers its stop. Sets WATCH_PID and WATCH_URL. Returns 1 when it did not start.
start_watch() {
	local log=$1 port try
	shift
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		: >"$log"
		"$HEADROOM" watch --listen "127.0.0.1:$port" "$@" 2>"$log" &
		WATCH_PID=$!
		if wait_for_line "$log" 'started:|error:' 10 && grep -q 'started:' "$log"; then
			on_exit "kill $WATCH_PID 2>/dev/null; wait $WATCH_PID 2>/dev/null"
			WATCH_URL=http://127.0.0.1:$port
			return 0
		fi
		kill "$WATCH_PID" 2>/dev/null
		wait "$WATCH_PID" 2>/dev/null
	done
	echo "headroom watch did not start: $(cat "$log")"
	return 1
}

# scrape: the metrics, or nothing (bounded: 5 s).
scrape() { curl -s --max-time 5 "$WATCH_URL/metrics"; }

# metric TEXT NAME{LABELS}: the value of one series, or empty.
metric() { awk -v s="$2" '$1 == s { print $2; exit }' <<<"$1"; }

# wait_metric NAME{LABELS} AWK-CONDITION SECONDS: waits until the series' value ($1 in the condition,
# as v) meets the condition. Prints the last value; returns 0 when it did.
wait_metric() {
	local series=$1 cond=$2 secs=${3:-10} i v
	for ((i = 0; i < secs * 10; i++)); do
		v=$(metric "$(scrape)" "$series")
		if [ -n "$v" ] && awk -v v="$v" "BEGIN { exit !($cond) }"; then
			echo "$v"
			return 0
		fi
		sleep 0.1
	done
	echo "$v"
	return 1
}
