#!/usr/bin/env bash
# A real Prometheus (Debian's package) scrapes headroom watch on loopback with contrib/'s alerting
# rules loaded; the values read back through its HTTP API are the kernel's.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="Prometheus scrapes headroom watch"
command -v prometheus >/dev/null || { skip "$T" "prometheus is not installed (Debian: prometheus)"; exit 0; }
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
start_watch "$tmp/watch.log" --interval 0.5 || { not_ok "$T" "headroom watch did not start"; exit 0; }
target=${WATCH_URL#http://}
cat >"$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $PWD/contrib/prometheus/headroom-alerts.yml
scrape_configs:
  - job_name: headroom
    static_configs:
      - targets: ['$target']
YML
# its own port: tried until one is free (bounded)
for try in 1 2 3 4 5; do
	pport=$((20000 + RANDOM % 20000))
	prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
		--web.listen-address="127.0.0.1:$pport" >"$tmp/prom.log" 2>&1 &
	prom=$!
	wait_for_line "$tmp/prom.log" 'Server is ready to receive web requests|address already in use|err=' 20
	grep -q 'Server is ready' "$tmp/prom.log" && break
	kill "$prom" 2>/dev/null
	wait "$prom" 2>/dev/null
done
on_exit "kill $prom 2>/dev/null; wait $prom 2>/dev/null"
check "Prometheus started" grep -q 'Server is ready' "$tmp/prom.log"
api=http://127.0.0.1:$pport/api/v1
# query EXPR: the first result's value, or empty
query() { curl -s --max-time 5 --data-urlencode "query=$1" "$api/query" | jq -r '.data.result[0].value[1] // empty'; }
up=
for i in $(seq 1 100); do
	up=$(query 'up{job="headroom"}')
	[ "$up" = 1 ] && [ -n "$(query 'headroom_limit_max_pids{id="pid_max",scope="system"}')" ] && break
	sleep 0.2
done
check_eq "the target is up" 1 "$up"
check_eq "pid_max read back through the API is the kernel's" "$(cat /proc/sys/kernel/pid_max)" \
	"$(query 'headroom_limit_max_pids{id="pid_max",scope="system"}')"
check_eq "so is threads-max" "$(cat /proc/sys/kernel/threads-max)" \
	"$(query 'headroom_limit_max_tasks{id="threads_max",scope="system"}')"
check_eq "and the OOM kill counter" "$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)" "$(query headroom_oom_kills_total)"
targets=$(curl -s --max-time 5 "$api/targets")
check_eq "the target's last scrape had no error" "up|" "$(jq -r '.data.activeTargets[0] | "\(.health)|\(.lastError)"' <<<"$targets")"
check "Prometheus rejected no sample" test "$(curl -s --max-time 5 "http://127.0.0.1:$pport/metrics" |
	awk '/^prometheus_target_scrapes_sample_(out_of_order|duplicate_timestamp|out_of_bounds)_total / { s += $2 } END { print s + 0 }')" = 0
rules=$(curl -s --max-time 5 "$api/rules")
check_eq "contrib's alerting rules load and evaluate" "ok" \
	"$(jq -r '[.data.groups[].rules[].health] | unique | join(",")' <<<"$rules")"
check "the rules count more than 20 alerts" test "$(jq '[.data.groups[].rules[]] | length' <<<"$rules")" -gt 20
check "the scrapes were answered 200" wait_metric 'headroom_watch_http_requests_total{code="200"}' 'v >= 1' 5
