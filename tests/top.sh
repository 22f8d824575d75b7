#!/usr/bin/env bash
# headroom top -b on fixture trees: the frames, their rows and order, the events pane, and the options'
# errors. The live view under a terminal is tests/live/top.sh.
. "$(dirname "$0")/lib.sh"
FX=$TESTS_DIR/fixtures/6.18-cgroup-v1/root

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
# a closed pipe ends it (head takes the first frame's first line)
start=$(date +%s)
"$HEADROOM" top -b -d 0.1 -r "$FX" | head -n 1 >/dev/null
check "a closed pipe stops -b without -n" test $(($(date +%s) - start)) -lt 10
_run_cleanups
