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

# memory_cgroup DIR MIB: a memory cgroup with that limit and no swap, removed at the end; $mver is the
# hierarchy's version (v1 or v2), as cgroup_parent_for prints it
memory_cgroup() {
	local dir=$1 bytes=$(($2 << 20))
	mkdir "$dir" || return 1
	on_exit "rmdir_retry $dir"
	if [ "$mver" = v1 ]; then
		echo $bytes >"$dir/memory.limit_in_bytes"
		echo $bytes >"$dir/memory.memsw.limit_in_bytes" 2>/dev/null || echo 0 >"$dir/memory.swappiness"
	else
		echo $bytes >"$dir/memory.max"
		echo 0 >"$dir/memory.swap.max" 2>/dev/null
	fi
}
# oom_kills DIR: the cgroup's kill count, from v1 memory.oom_control or v2 memory.events, whichever it has
# (mawk stops at a missing file)
oom_kills() { cat "$1/memory.oom_control" "$1/memory.events" 2>/dev/null | awk '$1 == "oom_kill" { print $2; found = 1 } END { if (!found) print 0 }'; }
