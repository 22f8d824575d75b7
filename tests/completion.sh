#!/usr/bin/env bash
# The completions, each run in its own shell (bash, zsh under a pseudo-terminal, fish): every option that
# each command's --help lists, the commands, the repro modes, oom's actions and pids, option values; and
# make install puts the scripts where the shells look, identical to what headroom completion prints.
. "$(dirname "$0")/lib.sh"
T=completion
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

mkdir -p "$tmp/zsh" "$tmp/dirs/alpha" "$tmp/dirs/beta"
"$HEADROOM" completion bash >"$tmp/headroom.bash" &&
	"$HEADROOM" completion zsh >"$tmp/zsh/_headroom" &&
	"$HEADROOM" completion fish >"$tmp/headroom.fish"
check_eq "$T: the three scripts are printed" 0 "$?"

# candidates SHELL LINE: what SHELL offers for LINE (ending with a space: a new word), one per line
candidates() {
	case $1 in
	bash)
		# shellcheck disable=SC2016
		bash -c 'source "$1" || exit 2
			read -ra COMP_WORDS <<<"$2"
			[[ $2 == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			_headroom 2>/dev/null
			printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/headroom.bash" "$2"
		;;
	zsh) "$TESTS_DIR/completion/zsh-complete" "$tmp/zsh" "$2" ;;
	fish) fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' "$tmp/headroom.fish" "$2" | cut -f1 ;;
	esac
}

# missing WANTED-FILE GOT-FILE: the wanted lines not among those got (an option offered as --color= counts
# as --color), space-separated
missing() { sed 's/=$//' "$2" | sort -u | comm -23 <(sort -u "$1") - | tr '\n' ' '; }

# the commands: report (the default) and those of --help's usage lines
{
	echo report
	"$HEADROOM" --help | sed -n 's/^ *headroom \([a-z][a-z]*\) .*/\1/p'
} >"$tmp/commands"
# options_of CMD: the options its --help lists, short and long
options_of() {
	"$HEADROOM" "$1" --help | grep -E '^ +(-[A-Za-z], )?--[a-z]' | grep -oE -- '(^ +-[A-Za-z],|--[a-z][a-z-]*)' |
		sed 's/^ *//; s/,$//'
}
"$HEADROOM" repro --list | awk '{ print $1 }' >"$tmp/modes"
"$HEADROOM" oom --help | sed -n 's/^ *headroom oom \([a-z]*\) .*/\1/p' >"$tmp/actions"
printf '%s\n' bash zsh fish >"$tmp/shells"
check "$T: the help lists the commands, modes and actions it is checked against" \
	test "$(wc -l <"$tmp/commands")" -ge 7 -a "$(wc -l <"$tmp/modes")" -ge 10 -a "$(wc -l <"$tmp/actions")" = 3

sleep 30 &
holder=$!
on_exit "kill $holder"

for sh in bash zsh fish; do
	if ! command -v "$sh" >/dev/null 2>&1; then
		not_ok "$T $sh" "$sh is not installed (tests/install-deps installs it)"
		continue
	fi
	case $sh in
	bash) bash -n "$tmp/headroom.bash" ;;
	zsh) zsh -n "$tmp/zsh/_headroom" ;;
	fish) fish --no-config -n "$tmp/headroom.fish" ;;
	esac
	check_eq "$T $sh: the script's syntax" 0 "$?"

	candidates "$sh" "headroom " >"$tmp/got"
	check_eq "$T $sh: every command" "" "$(missing "$tmp/commands" "$tmp/got")"
	while read -r cmd; do
		options_of "$cmd" >"$tmp/want"
		if [ "$cmd" = report ]; then line="headroom -"; else line="headroom $cmd -"; fi
		candidates "$sh" "$line" >"$tmp/got"
		# fish offers the short options on "-" and the long ones on "--"
		[ "$sh" = fish ] && candidates "$sh" "$line-" >>"$tmp/got"
		check "$T $sh $cmd: its --help lists options" test -s "$tmp/want"
		check_eq "$T $sh $cmd: every option of its --help" "" "$(missing "$tmp/want" "$tmp/got")"
	done <"$tmp/commands"

	candidates "$sh" "headroom repro " >"$tmp/got"
	check_eq "$T $sh: every repro mode" "" "$(missing "$tmp/modes" "$tmp/got")"
	candidates "$sh" "headroom repro -n 5 " >"$tmp/got"
	check_eq "$T $sh: a mode after an option's value" "" "$(missing "$tmp/modes" "$tmp/got")"
	candidates "$sh" "headroom repro pid-max " >"$tmp/got"
	check "$T $sh: no second mode" test -z "$(grep -Fxf "$tmp/modes" "$tmp/got")"
	candidates "$sh" "headroom oom " >"$tmp/got"
	check_eq "$T $sh: oom's actions" "" "$(missing "$tmp/actions" "$tmp/got")"
	candidates "$sh" "headroom oom protect " >"$tmp/got"
	if [ "$sh" = zsh ]; then
		# zsh's own _pids lists the processes of the terminal (ps without options), here zsh's pty
		check "$T $sh: oom protect offers pids" grep -qxE '[0-9]+' "$tmp/got"
	else
		check "$T $sh: oom protect offers pids (a running sleep's among them)" grep -qx "$holder" "$tmp/got"
	fi
	check "$T $sh: only pids" test -z "$(grep -vxE '[0-9]+' "$tmp/got")"
	candidates "$sh" "headroom explain --op " >"$tmp/got"
	check_eq "$T $sh: explain --op's values" "alloc fork thread " "$(sort "$tmp/got" | tr '\n' ' ')"
	candidates "$sh" "headroom completion " >"$tmp/got"
	check_eq "$T $sh: the shells" "" "$(missing "$tmp/shells" "$tmp/got")"
	candidates "$sh" "headroom top --root $tmp/dirs/a" >"$tmp/got"
	check "$T $sh: --root offers directories" grep -q 'alpha' "$tmp/got"
	check "$T $sh: only those that match" test -z "$(grep beta "$tmp/got")"
	case $sh in
	bash) line="headroom explain --color = " ;; # bash splits --color=WHEN at '=' (COMP_WORDBREAKS)
	*) line="headroom explain --color=" ;;
	esac
	candidates "$sh" "$line" | sed 's/^--color=//' | sort | tr '\n' ' ' >"$tmp/got"
	check_eq "$T $sh: --color's values" "always auto never " "$(cat "$tmp/got")"
done

# --json: the data the scripts are made from, against --help and repro --list
"$HEADROOM" completion --json >"$tmp/completion.json"
check_eq "$T: --json: exit 0" 0 "$?"
check "$T: --json: one JSON object" jq -e 'type == "object"' "$tmp/completion.json"
check_eq "$T: --json: every command of --help" "" \
	"$(missing "$tmp/commands" <(jq -r '.commands[].name' "$tmp/completion.json"))"
check_eq "$T: --json: report is the default" report "$(jq -r '.commands[] | select(.default) | .name' "$tmp/completion.json")"
while read -r cmd; do
	options_of "$cmd" | grep -- '^--' >"$tmp/want"
	check_eq "$T: --json: $cmd: every option of its --help" "" \
		"$(missing "$tmp/want" <(jq -r --arg c "$cmd" '.commands[] | select(.name == $c) | .options[] | "--" + .long' "$tmp/completion.json"))"
done <"$tmp/commands"
check_eq "$T: --json: repro's modes" "$(sort "$tmp/modes" | tr '\n' ' ')" \
	"$(jq -r '.commands[] | select(.name == "repro") | .operand_words[].name' "$tmp/completion.json" | sort | tr '\n' ' ')"
check_eq "$T: --json: --top takes a required N" "required N any" \
	"$(jq -r '.commands[] | select(.name == "report") | .options[] | select(.long == "top") | "\(.value) \(.value_name) \(.value_kind)"' "$tmp/completion.json")"
# every option of every command is in the manual (as \-\-name)
if [ -f "$TESTS_DIR/../man/headroom.1" ]; then
	undocumented=
	for o in $(jq -r '.commands[].options[].long' "$tmp/completion.json" | sort -u); do
		grep -qF -- "\\-\\-$(sed 's/-/\\-/g' <<<"$o")" "$TESTS_DIR/../man/headroom.1" || undocumented="$undocumented --$o"
	done
	check_eq "$T: headroom(1) documents every option of every command" "" "$undocumented"
fi
out=$("$HEADROOM" completion --json bash 2>&1)
check_eq "$T: --json with a shell: exit 3" 3 "$?"

# the command itself
out=$("$HEADROOM" completion tcsh 2>&1)
check_eq "$T: an unknown shell: exit 3" 3 "$?"
check "$T: and says which it knows" grep -qF "no completion for the shell 'tcsh': bash, zsh or fish" <<<"$out"
out=$("$HEADROOM" completion 2>&1)
check_eq "$T: no shell: exit 3" 3 "$?"
out=$("$HEADROOM" completion bash >/dev/full 2>&1)
check_eq "$T: a full disk: exit 3" 3 "$?"

# make install: the scripts (the same as headroom completion prints), the unit at the installed binary
if [ -f "$TESTS_DIR/../Makefile" ]; then
	make -s -C "$TESTS_DIR/.." install SANITIZE="${SANITIZE:-}" DESTDIR="$tmp/inst" PREFIX=/usr >"$tmp/make.log" 2>&1
	check_eq "$T: make install" 0 "$?"
	check "$T: make install: bash's" cmp -s "$tmp/headroom.bash" "$tmp/inst/usr/share/bash-completion/completions/headroom"
	check "$T: make install: zsh's" cmp -s "$tmp/zsh/_headroom" "$tmp/inst/usr/share/zsh/site-functions/_headroom"
	check "$T: make install: fish's" cmp -s "$tmp/headroom.fish" "$tmp/inst/usr/share/fish/vendor_completions.d/headroom.fish"
	check "$T: make install: the unit runs the installed binary" \
		grep -qx 'ExecStart=/usr/bin/headroom watch --listen 127.0.0.1:9966 --state-dir /var/lib/headroom' \
		"$tmp/inst/usr/lib/systemd/system/headroom-watch.service"
	check "$T: make install: the contrib files" test -f "$tmp/inst/usr/share/headroom/prometheus/headroom-alerts.yml" \
		-a -f "$tmp/inst/usr/share/headroom/grafana/headroom-dashboard.json" \
		-a -f "$tmp/inst/usr/share/headroom/kubernetes/headroom-daemonset.yaml"
	make -s -C "$TESTS_DIR/.." uninstall DESTDIR="$tmp/inst" PREFIX=/usr >>"$tmp/make.log" 2>&1
	check_eq "$T: make uninstall leaves no file" "" "$(find "$tmp/inst" -type f)"
fi
_run_cleanups
