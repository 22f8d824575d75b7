#!/usr/bin/env bash
# headroom top in a terminal (tmux: send-keys, capture-pane): a pids cgroup filling while the view is
# open shows its count within a refresh, its trend and time to full, its hog; the keys work, a resize
# redraws, and q, SIGTERM and a crash all leave the terminal as it was.
. "$(dirname "$0")/../lib.sh"
T="top"
is_root || { skip "$T" "needs root for a pids cgroup"; exit 0; }
command -v tmux >/dev/null || { skip "$T" "tmux is not installed"; exit 0; }
read -r ver parent < <(cgroup_parent_for pids) || { skip "$T" "no pids hierarchy to make a cgroup in"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
sock=$tmp/tmux
tm() { tmux -S "$sock" "$@"; }
on_exit "tmux -S $sock kill-server 2>/dev/null"
screen() { tm capture-pane -p -t hr; }
# wait_screen REGEX TENTHS: until the pane shows it, at most TENTHS tenths of a second
wait_screen() {
	local i
	for ((i = 0; i < $2; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_file FILE: until it has something (2 s at most)
wait_file() {
	local i
	for ((i = 0; i < 20; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

CG=$parent/headroom-test-top-$$
mkdir "$CG" || { not_ok "$T" "cannot make $CG"; exit 0; }
on_exit "rmdir_retry $CG"
on_exit "for p in \$(cat $CG/cgroup.procs 2>/dev/null); do kill -KILL \$p 2>/dev/null; done"
echo 40 >"$CG/pids.max"
name=${CG##*/}
add_tasks() { local i; for ((i = 0; i < $1; i++)); do sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 120' sh "$CG" & done; }
add_tasks 4
for ((i = 0; i < 50; i++)); do [ "$(cat "$CG/pids.current")" -ge 4 ] && break; sleep 0.1; done

# a shell in a 200x50 terminal; headroom top in it, then a word about its exit and the terminal's modes
tm -f /dev/null new-session -d -s hr -x 200 -y 50 "env -u NO_COLOR bash --norc --noprofile" 2>"$tmp/tmux.err" ||
	{ not_ok "$T" "tmux cannot start a session: $(cat "$tmp/tmux.err")"; exit 0; }
tm send-keys -t hr "stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' > $tmp/before; clear" Enter
sleep 0.5
tm send-keys -t hr "$HEADROOM top -d 0.5; echo EXIT=\$? > $tmp/exit; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' > $tmp/after" Enter
check "the view opens with the cgroup's row" wait_screen "cgroup pids.max +cgroup /$name" 100
check_eq "the view is on the alternate screen, the cursor hidden" "0 1" "$(tm display -p -t hr '#{cursor_flag} #{alternate_on}')"

# the count follows the cgroup within a refresh
add_tasks 10
for ((i = 0; i < 50; i++)); do [ "$(cat "$CG/pids.current")" -ge 14 ] && break; sleep 0.1; done
n=$(cat "$CG/pids.current")
check "the new count ($n of 40) is shown within a refresh" wait_screen " $n +40 .*cgroup /$name" 15

# it grows steadily: a trend and a time until full appear; past 80% it is a warning, marked, with its hog
for ((k = 0; k < 20; k++)); do add_tasks 1; sleep 0.4; done
check "the trend is positive" wait_screen " [0-9]+ +40 +\+[0-9.,]+ +[0-9]+ (s|min) +cgroup pids.max +cgroup /$name" 40
row=$(screen | grep "cgroup /$name")
check "past the warning, marked as crossed since the view opened" grep -qE '^\* (WARN|CRIT) ' <<<"$row"
check "its hog is named (the children of the shell that started them, or the sleeps)" \
	wait_screen "cgroup /$name +hog: ([0-9,]+ children of|[0-9,]+ processes named sleep)" 80
check "the crossing is in the events pane" wait_screen "evidence: .*cgroup_pids cgroup:/$name is (warning|critical)" 40

# colour on a terminal: the critical or warning word in red or yellow (tmux gives the attributes with -e)
check "the status words are coloured on a terminal" grep -qE $'\033\\[[0-9;]*3[13]m(CRIT|WARN)' <<<"$(tm capture-pane -p -e -t hr)"

# keys
tm send-keys -t hr s
check "s: sorted by trend" wait_screen "sort: trend" 20
tm send-keys -t hr c
check "c: the parents" wait_screen "^Consumers: parents" 20
tm send-keys -t hr '?'
check "?: the help" wait_screen "any key closes it" 20
tm send-keys -t hr x
check "any key closes the help" wait_screen "^Consumers: parents" 20
tm send-keys -t hr Down
tm send-keys -t hr Up
check "arrows: the view is still drawn" wait_screen "cgroup /$name" 20
# a resize redraws at the new width: 90 columns have no bar
tm resize-window -t hr -x 90 -y 30
check "a resize redraws without the bar at 90 columns" wait_screen "^  ST +USE USED +MAX +TREND/MIN" 30
check "no line wider than the terminal" test "$(screen | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')" -le 90

tm send-keys -t hr q
check "q: exit 0" wait_for_line "$tmp/exit" '^EXIT=0$' 5
wait_file "$tmp/after"
check_eq "q: the terminal's modes are as before" "$(cat "$tmp/before")" "$(cat "$tmp/after")"
check_eq "q: the cursor shown again, the alternate screen left" "1 0" "$(tm display -p -t hr '#{cursor_flag} #{alternate_on}')"

# never with NO_COLOR: the same view, no colour at all
tm send-keys -t hr "clear; NO_COLOR=1 $HEADROOM top -d 0.5" Enter
wait_screen "cgroup /$name" 100
check "NO_COLOR: no colour" test "$(tm capture-pane -p -e -t hr | grep -cE $'\033\\[[0-9;]*3[0-7]m')" = 0
tm send-keys -t hr q
sleep 0.5

# Ctrl-C (SIGINT from the terminal), SIGTERM, and a crash (SIGSEGV): the terminal is put back as well
for sig in INT TERM SEGV; do
	rm -f "$tmp/exit" "$tmp/after"
	tm send-keys -t hr "clear; $HEADROOM top -d 0.5; echo EXIT=\$? > $tmp/exit; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' > $tmp/after" Enter
	wait_screen "^headroom top - " 100
	pid=$(pgrep -n -f "^$HEADROOM top -d 0.5")
	if [ "$sig" = INT ]; then tm send-keys -t hr C-c; else kill -"$sig" "$pid"; fi
	want=0
	[ "$sig" = SEGV ] && want=139
	check "SIG$sig: exit $want" wait_for_line "$tmp/exit" "^EXIT=$want\$" 5
	wait_file "$tmp/after"
	check_eq "SIG$sig: the terminal's modes are as before" "$(cat "$tmp/before")" "$(cat "$tmp/after" 2>/dev/null)"
	check_eq "SIG$sig: the cursor shown again, the alternate screen left" "1 0" \
		"$(tm display -p -t hr '#{cursor_flag} #{alternate_on}')"
done
_run_cleanups
