#!/usr/bin/env bash
# A hostile tenant and a broken system, live (issue 11): cgroups named to inject commands or to break
# terminals and Prometheus, a real OOM kill of a program with such a name, echoed input, planted links
# in the daemon's directories, and loose option checks. Each printed command is run by bash with stub
# programs, and must do exactly what it says and nothing else.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/watch-lib.sh"
T="hostile inputs"
is_root || { skip "$T" "needs root to create cgroups and mounts"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
read -r pver pparent < <(cgroup_parent_for pids) || { skip "$T" "no pids controller is mounted (v1) or delegated (v2)"; exit 0; }
read -r mver mparent < <(cgroup_parent_for memory) || { skip "$T" "no memory controller is mounted or delegated"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
tag=hr$$r$RANDOM

# shows_clean NAME TEXT: valid UTF-8, and no C0 (but newline), DEL, C1 or bidi control
shows_clean() {
	if ! iconv -f UTF-8 -t UTF-8 <<<"$2" >/dev/null 2>&1; then
		not_ok "$1" "not valid UTF-8"
	elif LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' <<<"$2"; then
		not_ok "$1" "a control character: $(LC_ALL=C grep -m1 $'[\x01-\x09\x0b-\x1f\x7f]' <<<"$2" | od -c | head -3)"
	elif LC_ALL=C.UTF-8 grep -qP '[\x{80}-\x{9f}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{2028}\x{2029}]' <<<"$2"; then
		not_ok "$1" "a C1 or bidi control character"
	else
		ok "$1"
	fi
}

# --- the cgroups: names that inject, quote, break terminals and are not UTF-8 -------------------------
# A top slice of our own with a unit below it: the systemd owner, whose fix names systemctl.
slice=$pparent/$tag.slice
mkdir "$slice" || { not_ok "$T" "cannot create $slice"; exit 0; }
on_exit "rmdir_retry '$slice'"
# v2: the children get pids.max only if the slice hands the controller down
[ "$pver" = v2 ] && { echo +pids >"$slice/cgroup.subtree_control" || not_ok "$T" "cannot enable pids below $slice"; }
names=(
	"x;touch y;.service"
	"docker-;touch y;.scope"
	"libpod-;touch y;"
	"a'\$(id>f)'\`id\`b"
	$'h\xc2\x9b2J\xe2\x80\xaeg'
	$'n\xff\xfe'
	$'t\t\x1bx'
	$'t\x1b\tx'
	"-dash"
	"web.service"
)
dirs=()
for n in "${names[@]}"; do
	d=$slice/$n
	mkdir "$d" || { not_ok "$T" "cannot create cgroup $(printf %q "$n")"; continue; }
	on_exit "rmdir_retry $(printf %q "$d")"
	echo 2 >"$d/pids.max"
	dirs+=("$d")
done
# one task in each, so that each is at 50%
for d in "${dirs[@]}"; do
	start_holder "holder" "$tmp/h$RANDOM" bash -c "echo \$\$ > $(printf %q "$d")/cgroup.procs && exec $HELPERS/forker -n 0 -T 60" ||
		not_ok "$T" "no holder in $(printf %q "$d")"
done

json=$("$HEADROOM" --json --all --no-maps -w 10 -c 95)
text=$("$HEADROOM" --all --details --no-maps -w 10 -c 95)
mine=$(jq -c --arg t "/$tag.slice/" '[.limits[] | select(.id == "cgroup_pids" and (.scope | contains($t)))]' <<<"$json")
check_eq "every hostile cgroup is in the report" "${#dirs[@]}" "$(jq length <<<"$mine")"
check_eq "the unit below our slice is owned by systemd" systemd \
	"$(jq -r '.[] | select(.scope | endswith("/web.service")) | .owner_kind' <<<"$mine")"
check_eq "no other hostile name is taken for an owner's" 1 "$(jq '[.[] | select(.owner_kind != "none")] | length' <<<"$mine")"
shows_clean "the text report shows every name escaped" "$text"

# --- each printed command, run by bash with stubs: exactly the intended program and arguments ---------
stubs=$tmp/stubs
mkdir "$stubs"
for prog in systemctl docker podman sysctl prlimit nsenter; do
	# a stub records its name and each argument, NUL-terminated, one file a call
	printf '#!/bin/bash\nf=$(mktemp -p %q call.XXXXXX)\nprintf "%%s\\0" "%s" "$@" >"$f"\n' "$tmp/calls" "$prog" >"$stubs/$prog"
	chmod +x "$stubs/$prog"
done
runs=0 bad=0
while IFS= read -r lim; do
	dir=$(jq -r .dir <<<"$lim")
	hex=$(jq -r '.dir_hex // empty' <<<"$lim")
	[ -n "$hex" ] && dir=$(printf "$(sed 's/../\\x&/g' <<<"$hex")")
	unit=$(basename -- "$dir")
	while IFS= read -r -d '' cmd; do
		rm -rf "$tmp/calls" "$tmp/cwd"
		mkdir "$tmp/calls" "$tmp/cwd"
		before=$(cat "$dir/pids.max")
		(cd "$tmp/cwd" && PATH=$stubs:/usr/bin:/bin bash --norc --noprofile -c "$cmd") >"$tmp/out" 2>&1
		rc=$?
		runs=$((runs + 1))
		calls=("$tmp"/calls/call.*)
		strays=$(ls -A "$tmp/cwd")
		case $cmd in
		"echo "*)
			want=$(awk '{ print $2 }' <<<"$cmd")
			if [ "$rc" != 0 ] || [ "$(cat "$dir/pids.max")" != "$want" ] || [ -e "${calls[0]}" ] || [ -n "$strays" ]; then
				bad=$((bad + 1))
				not_ok "command for $(printf %q "$unit")" "$(printf %q "$cmd") (rc $rc, pids.max $(cat "$dir/pids.max"), calls ${#calls[@]}, files '$strays')"
			fi
			echo "$before" >"$dir/pids.max"
			;;
		"systemctl set-property "* | "systemctl edit "*)
			got=$(tr '\0' '\n' <"${calls[0]}" 2>/dev/null | sed -n 3p)
			[ "$got" = -- ] && got=$(tr '\0' '\n' <"${calls[0]}" | sed -n 4p)
			if [ "$rc" != 0 ] || [ "${#calls[@]}" != 1 ] || [ "$got" != "$unit" ] || [ -n "$strays" ]; then
				bad=$((bad + 1))
				not_ok "command for $(printf %q "$unit")" "$(printf %q "$cmd") named '$got' (rc $rc, ${#calls[@]} calls, files '$strays')"
			fi
			;;
		*)
			bad=$((bad + 1))
			not_ok "command for $(printf %q "$unit")" "an unexpected command: $(printf %q "$cmd")"
			;;
		esac
	done < <(jq -j '(.fix_now_commands + .fix_durable_commands)[] | (., "\u0000")' <<<"$lim")
done < <(jq -c '.[]' <<<"$mine")
[ "$bad" = 0 ] && ok "each of the $runs printed commands did exactly what it says, and nothing else"
check "and no command created a file anywhere it ran" test ! -e "$tmp/cwd/y" -a ! -e "$tmp/cwd/f"

# the text report prints the very commands of the JSON, unescaped: every JSON command is a text line
missing=0
while IFS= read -r -d '' cmd; do
	grep -qxF "               $cmd" <<<"$text" || { missing=$((missing + 1)); echo "not in the text: $cmd"; }
done < <(jq -j '.[] | (.fix_now_commands + .fix_durable_commands)[] | (., "\u0000")' <<<"$mine")
check_eq "the text report shows each command as the JSON has it, on a line of its own" 0 "$missing"
check "a quote in a path is quoted once in the text, not escaped over its quoting" \
	grep -qF "a'\\''\$(id>f)'\\''\`id\`b/pids.max'" <<<"$text"

# --- Prometheus: valid, and one series a name -----------------------------------------------------------
metrics=$("$HEADROOM" --metrics --no-maps)
if command -v promtool >/dev/null; then
	check "promtool accepts the metrics with every hostile name" promtool check metrics <<<"$metrics"
else
	skip "promtool accepts the metrics" "promtool is not installed"
fi
check_eq "distinct names give distinct series" "${#dirs[@]}" \
	"$(grep '^headroom_limit_used_tasks{' <<<"$metrics" | grep -F "/$tag.slice/" | sort -u | wc -l)"
check "a label value shows bytes that are not UTF-8 reversibly" grep -qF '/n\\xff\\xfe"' <<<"$metrics"
check "tab and ESC are kept, in their order" grep -qF 't\\t\\x1bx"' <<<"$metrics"
shows_clean "the metrics are printable" "$metrics"

# --- the daemon: its log, /metrics and the textfile, with links planted in its directories -----------
tf=$tmp/textfile
sd=$tmp/state
mkdir "$tf" "$sd"
echo precious >"$tmp/victim1"
echo precious >"$tmp/victim2"
echo precious >"$tmp/victim3"
ln -s "$tmp/victim1" "$tf/.headroom.prom.tmp"
ln -s "$tmp/victim2" "$tf/headroom.prom"
ln -s "$tmp/victim3" "$sd/.evidence.tmp"
start_watch "$tmp/wlog" --interval 0.2 --textfile "$tf" --state-dir "$sd" -w 10 -c 40 --no-maps ||
	{ not_ok "$T" "the daemon did not start"; exit 0; }
wait_for_line "$tmp/wlog" 'evidence: ' 10
for ((i = 0; i < 50; i++)); do [ -f "$tf/headroom.prom" ] && [ ! -L "$tf/headroom.prom" ] && break; sleep 0.1; done
check "the daemon's /metrics is valid with every hostile name" promtool check metrics <<<"$(scrape)"
check "its textfile is a file of its own, not the planted link" test -f "$tf/headroom.prom" -a ! -L "$tf/headroom.prom"
check "no target of a planted link was written" bash -c "[ \"\$(cat $tmp/victim1 $tmp/victim2 $tmp/victim3)\" = \"\$(printf 'precious\nprecious\nprecious')\" ]"
check "the textfile is valid" promtool check metrics <"$tf/headroom.prom"

# --- a real OOM kill of a program named to attack the terminal, in a cgroup so named -------------------
oname=$'h\xc2\x9b2J\xe2\x80\xae\xffg'
mdir=$mparent/$tag-m$'\x1b[31m'
mkdir "$mdir" || { not_ok "$T" "cannot create the memory cgroup"; exit 0; }
on_exit "rmdir_retry $(printf %q "$mdir")"
if [ "$mver" = v1 ]; then
	echo $((32 << 20)) >"$mdir/memory.limit_in_bytes"
	echo $((32 << 20)) >"$mdir/memory.memsw.limit_in_bytes" 2>/dev/null || echo 0 >"$mdir/memory.swappiness"
else
	echo $((32 << 20)) >"$mdir/memory.max"
	echo 0 >"$mdir/memory.swap.max" 2>/dev/null
fi
cp "$HELPERS/hog" "$tmp/$oname"
bash -c "echo \$\$ > $(printf %q "$mdir")/cgroup.procs && exec $(printf %q "$tmp/$oname") -m 64 -T 20" >/dev/null 2>&1 &
hogpid=$!
wait "$hogpid"
hogrc=$?
check_eq "the kernel killed the hostile-named program (SIGKILL)" 137 "$hogrc"
wait_for_line "$tmp/wlog" "oom: kernel log at .*pid $hogpid" 10
check "the daemon logged the kill" grep -q "oom: kernel log at .*pid $hogpid" "$tmp/wlog"
check "and named it escaped" grep -qF 'h\xc2\x9b2J\xe2\x80\xae\xffg' "$tmp/wlog"
shows_clean "the daemon's log holds no raw control or bidi character" "$(cat "$tmp/wlog")"
hist=$("$HEADROOM" oom 2>&1)
check "headroom oom lists the kill, its name and cgroup escaped" grep -qF "h\\xc2\\x9b2J\\xe2\\x80\\xae\\xffg (pid $hogpid," <<<"$hist"
check "and the cgroup escaped too" grep -qF "$tag-m\\x1b[31m" <<<"$hist"
shows_clean "headroom oom shows the kill raw nowhere" "$hist"
ojson=$("$HEADROOM" oom --json)
check_eq "oom --json keeps the victim's bytes in comm_hex" "$(printf %s "$oname" | od -An -tx1 | tr -d ' \n')" \
	"$(jq -r --argjson p "$hogpid" '.kills[] | select(.pid == $p) | .comm_hex' <<<"$ojson")"
wait_for_line "$tmp/wlog" 'evidence: .*snapshot in' 10
check "evidence was written beside the planted link" bash -c "ls $sd/evidence-*.json >/dev/null"
check "the link planted in the state directory was not followed" test "$(cat "$tmp/victim3")" = precious
kill "$WATCH_PID" 2>/dev/null
wait "$WATCH_PID" 2>/dev/null

# --- echoed input -----------------------------------------------------------------------------------------
err=$("$HEADROOM" explain -- $'\033[2J\033]0;x\007' 2>&1 >/dev/null)
shows_clean "explain escapes the message it echoes" "$err"
head -c 2000 /bin/true | tr '\n' '=' >"$tmp/binary.conf"
printf '\n' >>"$tmp/binary.conf"
err=$("$HEADROOM" watch --config "$tmp/binary.conf" 2>&1 >/dev/null)
rc=$?
check_eq "watch --config on a binary file exits 3" 3 "$rc"
shows_clean "and echoes none of its bytes raw" "$err"

# --- loose checks, now errors (exit 3) ------------------------------------------------------------------
for args in "-w 0x50" "-w 1e2" "-c inf" "--json --metrics"; do
	# shellcheck disable=SC2086
	"$HEADROOM" $args >/dev/null 2>&1
	check_eq "headroom $args is refused" 3 "$?"
done
"$HEADROOM" watch --config /etc/passwd >/dev/null 2>&1
check_eq "watch --config /etc/passwd is refused" 3 "$?"
"$HEADROOM" watch --interval 0.01 --min-interval 5 >/dev/null 2>&1
check_eq "--min-interval above --interval is refused" 3 "$?"
"$HEADROOM" explain --cgroup /nonexistent-$tag --op fork --errno EAGAIN >/dev/null 2>&1
check_eq "explain --cgroup of no cgroup is refused" 3 "$?"
mkdir "$tmp/ro"
if mount --bind "$tmp/ro" "$tmp/ro" && mount -o remount,bind,ro "$tmp/ro"; then
	on_exit "umount $tmp/ro"
	timeout 10 "$HEADROOM" watch --textfile "$tmp/ro" --count 1 >/dev/null 2>&1
	check_eq "a read-only textfile directory exits 3, as a read-only state directory does" 3 "$?"
	timeout 10 "$HEADROOM" watch --state-dir "$tmp/ro" --count 1 >/dev/null 2>&1
	check_eq "a read-only state directory exits 3" 3 "$?"
else
	not_ok "read-only directories" "cannot make a read-only bind mount"
fi
