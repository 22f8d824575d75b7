#!/usr/bin/env bash
# headroom watch allocates nothing after start-up: a full scan every tick, 100 ticks, scrapes between
# them, a reload of its file whose thresholds make evidence scans write snapshots, and the calls to
# malloc and its kin counted by an interposer (the sanitizer build: its hooks).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="headroom watch allocations"
command -v curl >/dev/null || { skip "$T" "curl is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
if [ "${SANITIZE:-}" = 1 ]; then
	bin=$HEADROOM preload=
else
	bin=$PWD/${BUILD:-build}/headroom-dynamic preload=$PWD/${BUILD:-build}/shim/alloc_count.so
	[ -x "$bin" ] && [ -f "$preload" ] || { not_ok "$T" "build the counting pair first: make alloc-count"; exit 0; }
fi
: >"$tmp/watch.conf"
HEADROOM=$bin LD_PRELOAD=$preload start_watch "$tmp/log" --interval 0.02 --scan-interval 0 --count 100 --state-dir "$tmp/state" \
	--config "$tmp/watch.conf" || { not_ok "$T" "it did not start"; exit 0; }
# tiny thresholds make the machine's pid_max critical: an evidence scan, and its snapshot written, each tick
printf 'warning = 0.001\ncritical = 0.002\nscan-gap = 0\n' >"$tmp/watch.conf"
kill -HUP "$WATCH_PID"
check "SIGHUP reloaded the file" wait_for_line "$tmp/log" "reload: .*warning 0.001%, critical 0.002%" 5
check "evidence scans wrote snapshots" wait_for_line "$tmp/log" "evidence: at .* snapshot in $tmp/state/" 5
# the last scrape answered is kept: on a slow machine the daemon may end its 100 ticks before the 20th
for i in $(seq 1 20); do scrape >"$tmp/m.new" && mv "$tmp/m.new" "$tmp/m" || break; done
check "scrapes were served meanwhile" grep -q '^headroom_watch_full_scans_total{reason="periodic"} ' "$tmp/m"
wait "$WATCH_PID"
check_eq "it stopped after --count 100 ticks" 0 "$?"
line=$(grep -o 'heap allocations at start-up: [0-9]*, after: [0-9]*' "$tmp/log")
check "it logged the counts" test -n "$line"
check "the counter counts (start-up allocates)" awk -v l="$line" 'BEGIN { split(l, f, /[:,] */); exit !(f[2] + 0 > 0) }'
check_eq "heap allocations after start-up, over 100 full scans and 20 scrapes" 0 "${line##*after: }"
scans=$(awk '/^headroom_watch_full_scans_total\{reason="periodic"\}/ { print $2 }' "$tmp/m")
check "full scans ran (the last scrape saw $scans)" test "${scans:-0}" -ge 5
