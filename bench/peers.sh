# Shared by the benchmarks (sourced after tests/lib.sh, with $tmp set).

# median: of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ms COMMAND...: the wall time of one run, its output discarded, in milliseconds
ms() {
	local s e
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", (e - s) * 1000 }'
}

# start_node_exporter: starts node_exporter with its processes collector on a free loopback port and
# sets NE_URL to its /metrics; leaves NE_URL empty, after saying why, when it is missing or does not
# serve the collector. Stopped on exit.
start_node_exporter() {
	local ne port i
	NE_URL=
	ne=$(command -v prometheus-node-exporter || command -v node_exporter || true)
	if [ -z "$ne" ]; then
		echo "note: node_exporter is not installed (apt-get install prometheus-node-exporter); skipped"
		return 1
	fi
	port=$((20000 + RANDOM % 20000))
	"$ne" --web.listen-address="127.0.0.1:$port" --collector.processes >"$tmp/ne.log" 2>&1 &
	on_exit "kill $!"
	for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/metrics" -o /dev/null && break; sleep 0.1; done
	if curl -sf "http://127.0.0.1:$port/metrics" | grep -q '^node_processes_threads '; then
		NE_URL="http://127.0.0.1:$port/metrics"
	else
		echo "note: node_exporter did not serve its processes collector; skipped"
		return 1
	fi
}
