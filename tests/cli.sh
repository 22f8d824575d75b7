#!/usr/bin/env bash
# The command line: options, bad input, exit statuses, colour rules, output errors.
. "$(dirname "$0")/lib.sh"
H=$HEADROOM
FX=$TESTS_DIR/fixtures
rhel=$FX/3.10-rhel7/root

# expect_exit NAME STATUS STDERR_REGEX COMMAND...
expect_exit() {
	local name=$1 want=$2 re=$3 err rc
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "$name" "exit status $rc, expected $want (stderr: $err)"
	elif [ -n "$re" ] && ! grep -Eq "$re" <<<"$err"; then
		not_ok "$name" "stderr '$err' does not match /$re/"
	else
		ok "$name"
	fi
}

out=$("$H" --help)
check "--help exits 0 and shows the usage line" grep -q '^Usage: headroom \[report\] \[OPTION\]\.\.\.$' <<<"$out"
check "--help names the repro command" grep -q '^       headroom repro \[OPTION\]\.\.\. MODE' <<<"$out"
check "--help names the oom command" grep -q '^       headroom oom \[OPTION\]\.\.\.' <<<"$out"
check "oom --help names its subcommands" bash -c 'for o in protect prefer adj json top; do grep -q -- "$o" <<<"$1" || exit 1; done' _ "$("$H" oom --help)"
check "--help names the watch command" grep -q '^       headroom watch \[OPTION\]\.\.\.' <<<"$out"
watch_help=$("$H" watch --help)
missing=
for o in listen state-dir textfile interval min-interval scan-interval scan-gap warning critical evidence-files \
	evidence-bytes max-cgroups scan-memory no-maps count config root help version; do
	grep -q -- "--$o" <<<"$watch_help" || missing="$missing help:--$o"
	[ "$o" = help ] || [ "$o" = version ] || grep -qF -- "$(sed 's/-/\\-/g' <<<"--$o")" "$TESTS_DIR/../man/headroom.1" || missing="$missing man:--$o"
done
check_eq "watch --help lists every long option, and the man page documents each" "" "$missing"
check "--help names the explain command" grep -q '^       headroom explain \[OPTION\]\.\.\. MESSAGE' <<<"$out"
check "explain --help lists every long option" bash -c 'for o in pid user cgroup op errno json root no-fork color help version; do grep -q -- "--$o" <<<"$1" || exit 1; done' _ "$("$H" explain --help)"
check "repro --help lists every long option" bash -c 'for o in list json count size uid hold timeout color help version; do grep -q -- "--$o" <<<"$1" || exit 1; done' _ "$("$H" repro --help)"
check "--help lists every long option" bash -c 'for o in json metrics all details top warning critical root no-fork no-maps color help version; do grep -q -- "--$o" <<<"$1" || exit 1; done' _ "$out"
check_eq "--version" "headroom 0.1.0" "$("$H" --version)"
if [ -f "$TESTS_DIR/../man/headroom.1" ]; then
	check "the man page SYNOPSIS matches --help" grep -q 'headroom.*\[report\].*OPTION' "$TESTS_DIR/../man/headroom.1"
fi

expect_exit "unknown option" 3 "unknown option '--bogus'" "$H" --bogus
expect_exit "unknown short option" 3 "unknown option '-Z'" "$H" -Z
expect_exit "option without its value" 3 "needs a value" "$H" --root
expect_exit "warning of 0" 3 "invalid --warning value '0'" "$H" --root "$rhel" --warning 0
expect_exit "warning above 100" 3 "invalid --warning" "$H" --root "$rhel" -w 101
expect_exit "warning not a number" 3 "invalid --warning value 'abc'" "$H" --root "$rhel" -w abc
expect_exit "critical with trailing junk" 3 "invalid --critical value '90x'" "$H" --root "$rhel" -c 90x
expect_exit "warning above critical" 3 "must not be above --critical" "$H" --root "$rhel" -w 96 -c 95
expect_exit "negative --top" 3 "invalid --top value '-1'" "$H" --root "$rhel" --top -1
expect_exit "bad --color" 3 "invalid --color value 'maybe'" "$H" --root "$rhel" --color=maybe
expect_exit "unexpected argument" 3 "unexpected argument 'extra'" "$H" --root "$rhel" extra
expect_exit "unknown command" 3 "unknown command 'frobnicate'" "$H" frobnicate
expect_exit "missing root" 3 "cannot open root '/nonexistent-headroom': No such file or directory" "$H" --root /nonexistent-headroom
empty=$(mktemp -d)
on_exit "rm -rf $empty"
expect_exit "root without proc" 3 "cannot open '.*/proc': No such file or directory" "$H" --root "$empty"
if [ -w /dev/full ]; then
	expect_exit "a write error is reported" 3 "cannot write the report: No space left on device" sh -c "'$H' --root '$rhel' >/dev/full"
fi

# make install honours PREFIX and DESTDIR
dest=$(mktemp -d)
on_exit "rm -rf $dest"
if make -s -C "$TESTS_DIR/.." install SANITIZE="${SANITIZE:-}" DESTDIR="$dest" PREFIX=/opt/hr >/dev/null 2>&1; then
	check "make install puts the binary under DESTDIR/PREFIX/bin" test -x "$dest/opt/hr/bin/headroom"
	check "make install puts the man page under DESTDIR/PREFIX/share/man/man1" test -f "$dest/opt/hr/share/man/man1/headroom.1"
	check_eq "the installed binary runs" "headroom 0.1.0" "$("$dest/opt/hr/bin/headroom" --version)"
else
	not_ok "make install" "failed"
fi

# the report command is the default
check_eq "'report' is the default command" "$("$H" --root "$rhel" --json)" "$("$H" report --root "$rhel" --json)"

# thresholds change the verdict (pid_max is at 96.3%, tomcat's memory working set at 85.4%)
"$H" --root "$rhel" >/dev/null
check_eq "default thresholds: critical" 2 $?
"$H" --root "$rhel" -c 97 >/dev/null
check_eq "critical at 97%: warning" 1 $?
"$H" --root "$rhel" -w 99 -c 100 >/dev/null
check_eq "warning at 99%: ok" 0 $?
check "-c 97 makes pid_max a warning in JSON" \
	bash -c '"$1" --root "$2" -c 97 --json | grep -A8 "\"id\": \"pid_max\"" | grep -q "\"status\": \"warning\""' _ "$H" "$rhel"

# --top and --all
check "--top 0 hides the consumer tables" bash -c '! "$1" --root "$2" --top 0 | grep -q "Processes with the most threads"' _ "$H" "$rhel"
n_default=$("$H" --root "$rhel" | grep -c 'vm.max_map_count')
n_all=$("$H" --root "$rhel" --all | grep -c 'vm.max_map_count')
check "--all lists more per-process limits ($n_default -> $n_all)" test "$n_all" -gt "$n_default"
if need_jq; then
	n_text=$("$H" --root "$rhel" | sed -n '/^STATUS/,/^$/p' | grep -cE '^(ok|warning|critical) ')
	n_json=$("$H" --root "$rhel" --json | jq '.limits | length')
	check_eq "text and JSON list the same limits" "$n_text" "$n_json"
	check_eq "--top 2 keeps two processes in JSON" 2 "$("$H" --root "$rhel" --json --top 2 | jq '.consumers.processes | length')"
else
	skip "text and JSON list the same limits" "jq is not installed"
fi

# colour: only on a terminal, never with NO_COLOR or TERM=dumb, always with --color=always
esc=$'\033['
check "no colour into a pipe" bash -c '! "$1" --root "$2" | grep -qF "$3"' _ "$H" "$rhel" "$esc"
check "--color=always colours" bash -c '"$1" --root "$2" --color=always | grep -qF "$3"' _ "$H" "$rhel" "$esc"
if command -v script >/dev/null 2>&1; then
	check "NO_COLOR wins over a terminal" bash -c '! NO_COLOR=1 TERM=xterm script -qec "\"$1\" --root \"$2\"" /dev/null | grep -qF "$3"' _ "$H" "$rhel" "$esc"
	check "a terminal gets colour" bash -c 'env -u NO_COLOR TERM=xterm script -qec "\"$1\" --root \"$2\"" /dev/null | grep -qF "$3"' _ "$H" "$rhel" "$esc"
	check "TERM=dumb gets none" bash -c '! env -u NO_COLOR TERM=dumb script -qec "\"$1\" --root \"$2\"" /dev/null | grep -qF "$3"' _ "$H" "$rhel" "$esc"
	check "--color=never on a terminal" bash -c '! env -u NO_COLOR TERM=xterm script -qec "\"$1\" --root \"$2\" --color=never" /dev/null | grep -qF "$3"' _ "$H" "$rhel" "$esc"
else
	skip "colour on a terminal" "script(1) is not installed"
fi
check "--json never holds colour" bash -c '! "$1" --root "$2" --json --color=always | grep -qF "$3"' _ "$H" "$rhel" "$esc"
