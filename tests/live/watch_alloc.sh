#!/usr/bin/env bash
# headroom watch allocates nothing after start-up: a full scan every tick, 100 ticks, scrapes between
# them, and the calls to malloc and its kin counted by an interposer (the sanitizer build: its hooks).
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
HEADROOM=$bin LD_PRELOAD=$preload start_watch "$tmp/log" --interval 0.02 --scan-interval 0 --count 100 --state-dir "$tmp/state" ||
	{ not_ok "$T" "it did not start"; exit 0; }
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
