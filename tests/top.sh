#!/usr/bin/env bash
# headroom top -b on fixture trees: the frames, their rows and order, the events pane, and the options'
# errors. The live view under a terminal is tests/live/top.sh.
. "$(dirname "$0")/lib.sh"
FX=$TESTS_DIR/fixtures/6.18-cgroup-v1/root
TMPDIR_TOP=$(mktemp -d)
on_exit "rm -rf $TMPDIR_TOP"

out=$(COLUMNS=200 "$HEADROOM" top -b -n 3 -d 0.1 -r "$FX")
check_eq "-b -n 3: exits 0" 0 "$?"
check_eq "-b -n 3: three frames" 3 "$(grep -c '^headroom top - ' <<<"$out")"
frame=$(awk '/^headroom top - /{n++} n == 1' <<<"$out")
check "the header counts the listed limits and their statuses" \
	grep -qE '^headroom top - [0-9:]+ - 13 limits: 2 critical, 1 warning - ' <<<"$frame"
check_eq "the fullest first: the cgroup at its pids.max, critical, with its hog" \
	"CRIT 100% 12 12 cgroup pids.max cgroup /hr-fixture-app hog: 11 children of forker (pid 25518)" \
	"$(sed -n 3p <<<"$frame" | sed 's/\[[#.]*\]//; s/\.\.\.//; s/ - / /' | tr -s ' ' | sed 's/^ //')"
check "the warning (RLIMIT_NPROC of uid 48001 at 4 of 5) after the critical ones" \
	grep -qE '^  WARN  80% .* RLIMIT_NPROC \(ulimit -u\) +uid 48001' <<<"$(sed -n 5p <<<"$frame")"
check "a limit without a maximum has no bar and no percentage" \
	grep -qE '^  ok      - \[ {10}\] .* overcommit CommitLimit' <<<"$frame"
check "no trend from one frame" grep -qE '^  CRIT 100% \[#+\] 12 +12 +\.\.\. +- ' <<<"$frame"
check "the consumers pane: the process with the most threads" grep -qE '^ +25651 +501 threads  forker' <<<"$frame"
check "the events pane has the crossing found at start, with its hog" \
	grep -qF 'evidence: at ' <<<"$(awk '/^Kernel events/,0' <<<"$frame")"
check "no escape sequence in a pipe" test "$(grep -c $'\033' <<<"$out")" = 0
# a narrow log: the short ids, where each applies still shown
out=$(COLUMNS=80 "$HEADROOM" top -b -n 1 -r "$FX")
check "80 columns: no bar, the short id and the scope" grep -qE '^  CRIT 100% 12 +12 .* cgroup_pids +cgroup /hr-fixture' <<<"$out"
check "80 columns: no line is wider" test "$(awk '{ if (length($0) > w) w = length($0) } END { print w }' <<<"$out")" -le 80
# a hostile process name stays one escaped line (the fixture's "evil\n)x \e[31m")
out=$(COLUMNS=250 "$HEADROOM" top -b -n 1 -a -r "$TESTS_DIR/fixtures/6.18-cgroup-v1/root" 2>&1)
check "-a: every limit" grep -q 'RLIMIT_AS' <<<"$out"

# JSON: one object a frame, in the report's order, with the trend's fields
if need_jq; then
	out=$("$HEADROOM" top -b --json -n 2 -d 0.1 -r "$FX")
	check_eq "--json: two objects" 2 "$(jq -s length <<<"$out")"
	check_eq "--json: the cgroup first, critical, 12 of 12, its hog, no trend yet" \
		'{"id":"cgroup_pids","scope":"cgroup:/hr-fixture-app","status":"critical","used":12,"max":12,"percent":100,"per_minute":null,"seconds_to_full":null,"crossed":false,"hog":"11 children of forker (pid 25518)"}' \
		"$(jq -c -s '.[0].limits[0]' <<<"$out")"
	check "--json: the crossing at start is an event of the first frame only" \
		jq -e -s '(.[0].events | map(test("evidence: ")) | any) and (.[1].events | length == 0)' <<<"$out"
	out=$("$HEADROOM" top --json 2>&1 </dev/null)
	check_eq "--json without -b: exit 3" 3 "$?"
else
	skip "top --json" "jq is not installed"
fi

# errors: exit 3 and a word, nothing drawn
out=$("$HEADROOM" top -n 0 2>&1)
check_eq "-n 0: exit 3" 3 "$?"
check "-n 0: said" grep -qF "invalid --iterations value '0'" <<<"$out"
out=$("$HEADROOM" top -d 0.01 -b 2>&1)
check_eq "-d 0.01: exit 3" 3 "$?"
out=$("$HEADROOM" top --bogus 2>&1)
check_eq "an unknown option: exit 3" 3 "$?"
out=$("$HEADROOM" top extra 2>&1)
check_eq "an argument: exit 3" 3 "$?"
out=$("$HEADROOM" top </dev/null 2>&1)
check_eq "not a terminal, without -b: exit 3" 3 "$?"
check "not a terminal: -b is named" grep -qF "headroom top -b prints plain frames" <<<"$out"
check "--help names the keys" grep -qF "Keys: q quit" <<<"$("$HEADROOM" top --help)"
# a resize redraws a terminal, not a log: SIGWINCH adds no frame to -b
"$HEADROOM" top -b -n 3 -d 0.5 -r "$FX" >"$TMPDIR_TOP/winch" &
pid=$!
for i in 1 2 3 4; do sleep 0.2; kill -WINCH "$pid" 2>/dev/null; done
wait "$pid"
check_eq "SIGWINCH adds no frame to -b" 3 "$(grep -c '^headroom top - ' "$TMPDIR_TOP/winch")"
# a closed pipe ends it (head takes the first frame's first line)
start=$(date +%s)
"$HEADROOM" top -b -d 0.1 -r "$FX" | head -n 1 >/dev/null
check "a closed pipe stops -b without -n" test $(($(date +%s) - start)) -lt 10
# no allocation per frame: 40 frames with tiny thresholds (every limit past them: evidence scans) and full
# scans every second, the calls to malloc and its kin counted by an interposer (the sanitizer build: its hooks)
if [ "${SANITIZE:-}" = 1 ]; then
	bin=$HEADROOM preload=
else
	bin=$PWD/${BUILD:-build}/headroom-dynamic preload=$PWD/${BUILD:-build}/shim/alloc_count.so
fi
if [ -x "$bin" ] && { [ -z "$preload" ] || [ -f "$preload" ]; }; then
	LD_PRELOAD=$preload "$bin" top -b -n 40 -d 0.1 --scan-interval 1 -w 0.001 -c 0.002 -r "$FX" >"$TMPDIR_TOP/frames" 2>"$TMPDIR_TOP/err"
	line=$(grep -o 'stopped after 40 ticks and [0-9]* full scans; heap allocations at start-up: [0-9]*, after: [0-9]*' "$TMPDIR_TOP/err")
	check "40 frames drawn, with full scans among them" grep -qE 'and ([2-9]|[1-9][0-9]+) full scans' <<<"$line"
	check_eq "no heap allocation after start-up ($line)" 0 "${line##*after: }"
	check "the frames were drawn" test "$(grep -c '^headroom top - ' "$TMPDIR_TOP/frames")" = 40
else
	not_ok "top allocations" "build the counting pair first: make alloc-count"
fi
_run_cleanups
