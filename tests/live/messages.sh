#!/usr/bin/env bash
# headroom explain reads what real programs print: every line of tests/messages/corpus (captured from the
# programs, each made to fail in a sandbox by tests/messages/capture) is explained against a sandbox held
# in the same failure, and the confirmed cause must be the real one. The kernel's own lines are made
# afresh and pasted without any option: the cgroup they name is the context.
. "$(dirname "$0")/../lib.sh"
T="messages"
is_root || { skip "$T" "needs root to hold failures in sandboxes"; exit 0; }
need_jq || { skip "$T" "jq is not installed"; exit 0; }
CORPUS=$TESTS_DIR/messages/corpus
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# The sandbox each capture was made in, and the limit that must come first, confirmed.
declare -A HOLD=(
	[bash_pids]=pids [dash_pids]=pids [findutils_find_pids]=pids [python_fork]=pids [python_subprocess]=pids [python_threading]=pids
	[python_multiprocessing]=pids [perl_fork]=pids [node_spawn]=pids [node_worker]=pids [java_threads]=pids
	[ruby_fork]=pids [ruby_thread]=pids [go_threads]=pids [openblas_numpy]=pids [redis_bgsave]=pids
	[nginx_workers]=pids [php_fpm]=pids [postgresql_connection]=pids [mariadb_connection]=pids
	[sshd_connection]=pids
	[python_memory]=as [perl_memory]=as [ruby_memory]=as [go_memory]=as [go_reserve]=as [loader_rlimit_as]=as
	[mono_memory]=as [mono_thread]=pids
	[java_heap_commit]=data
	[bash_nproc]=nproc [bash_dead_pidns]=pidns
	[kernel_pids_rejected]=kernel [kernel_memcg_oom]=kernel
	[systemd_tasksmax]=pids [systemd_oom_kill]=systemd [systemd_nproc_exec]=systemd
)
declare -A CAUSE=([pids]=cgroup_pids [as]=rlimit_as [data]=rlimit_data [nproc]=user_nproc [pidns]=pidns_init)

# The lines of a capture, pasted together as a user would.
lines_of() { sed -n 's/^| //p' "$CORPUS/$1.txt"; }
first() { jq -r '.causes[0] | "\(.id) \(.verdict)"' <<<"$1"; }

# A pids cgroup held full: 3 sleeps under pids.max 3. Sets PIDS_CG (its path in the hierarchy).
hold_pids() {
	local ver dir i
	read -r ver dir < <(cgroup_parent_for pids) || return 1
	PIDS_DIR=$dir/headroom-test-messages-$$
	mkdir "$PIDS_DIR" || return 1
	on_exit "rmdir_retry $PIDS_DIR"
	on_exit "for p in \$(cat $PIDS_DIR/cgroup.procs 2>/dev/null); do kill -KILL \$p; done"
	echo 3 >"$PIDS_DIR/pids.max"
	for i in 1 2 3; do sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 60' sh "$PIDS_DIR" & done
	for ((i = 0; i < 50; i++)); do [ "$(cat "$PIDS_DIR/pids.current")" = 3 ] && break; sleep 0.1; done
	PIDS_CG=/${PIDS_DIR##*/}
	[ "$(cat "$PIDS_DIR/pids.current")" = 3 ]
}

# A process at its rlimit: sleep, with RLIMIT_AS (or RLIMIT_DATA) lowered to what it uses. Sets RL_PID.
hold_rlimit() {
	local kind=$1 field bytes
	sleep 60 </dev/null >/dev/null 2>&1 &
	RL_PID=$!
	on_exit "kill $RL_PID"
	[ "$kind" = as ] && field=VmSize || field=VmData
	for ((i = 0; i < 50; i++)); do [ "$(cat "/proc/$RL_PID/comm")" = sleep ] && break; sleep 0.1; done
	bytes=$(($(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$RL_PID/status") * 1024))
	prlimit --pid "$RL_PID" "--$kind=$bytes"
}

# hold MODE: `headroom repro --hold` in the mode; sets W, its workload (as tests/live/explain.sh does).
hold_repro() {
	: >"$tmp/held"
	"$HEADROOM" repro --hold 60 "$1" >"$tmp/held" 2>&1 &
	HELD=$!
	on_exit "kill -INT $HELD 2>/dev/null; wait $HELD 2>/dev/null"
	wait_for_line "$tmp/held" '^Holding the failure' 15 || return 1
	local h=$HELD
	[ "$(cat "/proc/$h/comm" 2>/dev/null)" = headroom ] || h=$(ps -o pid= --ppid "$HELD" | tr -d ' ' | head -n1)
	W=$(ps -o pid= --ppid "$h" | tr -d ' ' | head -n1)
	[ -n "$W" ]
}
release_repro() { kill -INT "$HELD"; wait "$HELD" 2>/dev/null; }

# explain_as NAME CAUSE OPTION...: the capture's lines, explained with the options, give CAUSE confirmed.
explain_as() {
	local name=$1 cause=$2 j
	shift 2
	j=$("$HEADROOM" explain --json "$@" "$(lines_of "$name")")
	check_eq "$name: explained by $cause, confirmed" "$cause confirmed" "$(first "$j")"
}

# explain_l10n PATTERN CAUSE OPTION...: each localized capture (corpus/l10n/PATTERN.LOCALE.txt) whose language
# has a glibc catalog here, explained with the options: read through the catalogs in the locale's language,
# its English names fork and the errno the file expects, and CAUSE confirmed first, as in English.
explain_l10n() {
	local pattern=$1 cause=$2 f name loc lang said j n=0 bad=0
	shift 2
	for f in "$CORPUS"/l10n/$pattern.*.txt; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .txt)
		loc=$(sed -n 's/^# locale: //p' "$f")
		lang=${loc%%.*}
		case $lang in zh_*) ;; *) lang=${lang%%_*} ;; esac
		compgen -G "/usr/share/locale/$lang*/LC_MESSAGES/libc.mo" >/dev/null || continue
		n=$((n + 1))
		# the English names the errno the file expects, as glibc words it
		case $(sed -n 's/^# expect: .*errno=\([A-Z]*\).*/\1/p' "$f") in
		EAGAIN) said="Resource temporarily unavailable" ;;
		ENOMEM) said="Cannot allocate memory" ;;
		*) said= ;;
		esac
		j=$(env -u LANGUAGE -u LC_MESSAGES -u LANG LC_ALL=C "$HEADROOM" explain --json "$@" "$(sed -n 's/^| //p' "$f")")
		if [ "$(first "$j")" != "$cause confirmed" ] || ! jq -e --arg l "$lang" --arg said "$said" \
			'(.message_language | startswith($l)) and (.message_english | test("fork")) and
			 (.message_english | contains($said))' <<<"$j" >/dev/null; then
			echo "    $name: $(first "$j"), read as $(jq -r '"\(.message_language): \(.message_english)"' <<<"$j")"
			bad=$((bad + 1))
		fi
	done
	if [ "$n" = 0 ]; then
		skip "localized $pattern" "no glibc catalog of the captures' languages is installed (apt-get install libc-l10n)"
	else
		check_eq "localized $pattern: $n captures in their languages, each read through the catalogs and explained by $cause, confirmed" 0 "$bad"
	fi
}

[ -d "$CORPUS" ] || { not_ok "$T" "no corpus in $CORPUS"; exit 0; }
n=0
for f in "$CORPUS"/*.txt; do
	name=$(basename "$f" .txt)
	[ -n "${HOLD[$name]:-}" ] || { not_ok "$name" "this test does not know the capture's sandbox: add it to HOLD"; continue; }
	n=$((n + 1))
done
check "every capture of the corpus is explained here ($n)" test "$n" -ge 15

if hold_pids; then
	for name in "${!HOLD[@]}"; do
		[ "${HOLD[$name]}" = pids ] && [ -f "$CORPUS/$name.txt" ] && explain_as "$name" cgroup_pids --cgroup "$PIDS_CG"
	done
	explain_l10n bash_pids cgroup_pids --cgroup "$PIDS_CG"
	explain_l10n coreutils_timeout_pids cgroup_pids --cgroup "$PIDS_CG"
	explain_l10n findutils_find_pids cgroup_pids --cgroup "$PIDS_CG"
	explain_l10n postgresql_connection cgroup_pids --cgroup "$PIDS_CG"
	# the kernel's line for this cgroup, pasted alone: it names the cgroup, which is the context
	sh -c 'echo $$ > "$1/cgroup.procs"; /bin/true; exit 0' sh "$PIDS_DIR" 2>/dev/null
	line=$(dmesg 2>/dev/null | grep -o "cgroup: fork rejected by pids controller in $PIDS_CG\$" | tail -n1)
	if [ -n "$line" ]; then
		j=$("$HEADROOM" explain --json "$line")
		check_eq "the kernel's pids line: its cgroup is the context" "$PIDS_CG" "$(jq -r .context.cgroup <<<"$j")"
		check_eq "the kernel's pids line: explained by cgroup_pids, confirmed" "cgroup_pids confirmed" "$(first "$j")"
	else
		not_ok "the kernel's pids line" "the kernel did not log it for $PIDS_CG"
	fi
else
	not_ok "pids" "no pids cgroup could be held full"
fi

for kind in as data; do
	hold_rlimit "$kind" || { not_ok "$kind" "could not lower the rlimit"; continue; }
	for name in "${!HOLD[@]}"; do
		[ "${HOLD[$name]}" = "$kind" ] && explain_as "$name" "${CAUSE[$kind]}" --pid "$RL_PID"
	done
done

if hold_repro nproc; then
	explain_as bash_nproc user_nproc --pid "$W"
	explain_l10n bash_nproc user_nproc --pid "$W"
	release_repro
else
	not_ok "bash_nproc" "the repro nproc failure was not held"
fi
if hold_repro dead-pidns-init; then
	explain_as bash_dead_pidns pidns_init --pid "$W"
	explain_l10n bash_dead_pidns pidns_init --pid "$W"
	release_repro
else
	not_ok "bash_dead_pidns" "the repro dead-pidns-init failure was not held"
fi

# An OOM kill in a memory cgroup, made now: its lines, pasted alone, name the cgroup and the victim.
if read -r ver dir < <(cgroup_parent_for memory); then
	M=$dir/headroom-test-messages-oom-$$
	mkdir "$M" && on_exit "rmdir_retry $M"
	if [ "$ver" = v1 ]; then echo 33554432 >"$M/memory.limit_in_bytes"; echo 0 >"$M/memory.swappiness"
	else echo 32M >"$M/memory.max"; echo 0 >"$M/memory.swap.max"; fi
	(sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2/hog" -m 256 -T 20' sh "$M" "$HELPERS") >/dev/null 2>&1
	line=$(dmesg 2>/dev/null | grep "oom-kill:.*oom_memcg=/${M##*/}," | tail -n1 | sed 's/^\[[^]]*\] *//')
	if [ -n "$line" ]; then
		j=$("$HEADROOM" explain --json "$line")
		check_eq "the kernel's oom-kill line: an OOM kill" true "$(jq -r .message_says.oom_kill <<<"$j")"
		check_eq "the kernel's oom-kill line: its cgroup is the context" "/${M##*/}" "$(jq -r .context.cgroup <<<"$j")"
		check_eq "the kernel's oom-kill line: explained by cgroup_memory, confirmed" "cgroup_memory confirmed" \
			"$(first "$j")"
		# the victim's line alone names no cgroup: the kill in the log gives it
		victim=$(grep -o ',pid=[0-9]*' <<<"$line" | tr -dc 0-9)
		line=$(dmesg 2>/dev/null | grep -o "Memory cgroup out of memory: Killed process $victim (.*" | tail -n1)
		j=$("$HEADROOM" explain --json "$line")
		check_eq "the victim's line: the kill is found in the log" "$victim" "$(jq -r .oom_kill.pid <<<"$j")"
		check_eq "the victim's line: the kill's cgroup is the context" "/${M##*/}" "$(jq -r .context.cgroup <<<"$j")"
		check_eq "the victim's line: explained by cgroup_memory, confirmed" "cgroup_memory confirmed" "$(first "$j")"
	else
		not_ok "the kernel's oom-kill line" "the kernel did not log a kill in ${M##*/}"
	fi
else
	skip "oom-kill line" "no memory cgroup hierarchy to make a cgroup in"
fi
# systemd's lines about a unit. The EXEC step's EAGAIN confirms RLIMIT_NPROC by itself, wherever it is read;
# a unit's OOM kill is found in the log by the unit's name. Under systemd both are made afresh.
j=$("$HEADROOM" explain --json "$(lines_of systemd_nproc_exec)")
check_eq "systemd_nproc_exec: explained by user_nproc, confirmed" "user_nproc confirmed" "$(first "$j")"
check_eq "systemd_nproc_exec: of a user the line does not name" "user:?" "$(jq -r '.causes[0].scope' <<<"$j")"
j=$("$HEADROOM" explain --json "$(lines_of systemd_oom_kill | grep -v kernel:)")
check "systemd_oom_kill: systemd's lines alone are an OOM kill in the unit" \
	jq -e '.message_says.oom_kill and (.message_says.unit | endswith("-oom.service"))' <<<"$j"
if [ -d /run/systemd/system ]; then
	unit=headroom-test-messages-$$
	# OOMPolicy=continue: the kill takes the hog, the unit and its cgroup stay
	systemd-run --quiet --unit="$unit-oom" -p MemoryMax=32M -p MemorySwapMax=0 -p OOMPolicy=continue \
		bash -c "$HELPERS/hog -m 200 -T 20; exec sleep 60"
	on_exit "systemctl stop $unit-oom.service; systemctl reset-failed $unit-oom.service"
	for ((i = 0; i < 100; i++)); do
		line=$(journalctl -q -o short -u "$unit-oom.service" | grep -m1 'killed by the OOM killer')
		[ -n "$line" ] && break
		sleep 0.2
	done
	if [ -n "$line" ]; then
		j=$("$HEADROOM" explain --json "$line")
		check_eq "systemd's OOM line: the unit's cgroup is the context" "/system.slice/$unit-oom.service" \
			"$(jq -r .context.cgroup <<<"$j")"
		check_eq "systemd's OOM line: the kill is found in the log, in the unit's cgroup" \
			"cgroup:/system.slice/$unit-oom.service hog" "$(jq -r '"\(.oom_kill.scope) \(.oom_kill.comm)"' <<<"$j")"
		check_eq "systemd's OOM line: explained by cgroup_memory, confirmed" "cgroup_memory confirmed" "$(first "$j")"
	else
		not_ok "systemd's OOM line" "journalctl has no OOM line for $unit-oom.service"
	fi
	# a second service as nobody, while nobody runs two processes, with LimitNPROC=1: its execve fails
	systemd-run --quiet --unit="$unit-holder" -p User=nobody bash -c 'sleep 60 & exec sleep 60'
	on_exit "systemctl stop $unit-holder.service"
	systemd-run --quiet --unit="$unit-nproc" -p User=nobody -p LimitNPROC=1 sleep 60
	on_exit "systemctl reset-failed $unit-nproc.service"
	for ((i = 0; i < 50; i++)); do
		line=$(journalctl -q -o short -u "$unit-nproc.service" | grep -m1 'Failed at step EXEC')
		[ -n "$line" ] && break
		sleep 0.2
	done
	if [ -n "$line" ]; then
		j=$("$HEADROOM" explain --json --user nobody "$line")
		check_eq "systemd's EXEC line: explained by user_nproc of nobody, confirmed" "user_nproc confirmed user:65534" \
			"$(jq -r '.causes[0] | "\(.id) \(.verdict) \(.scope)"' <<<"$j")"
	else
		not_ok "systemd's EXEC line" "journalctl has no EXEC line for $unit-nproc.service"
	fi
else
	skip "systemd's lines made afresh" "systemd is not the init here (make vm-check runs them in its systemd machine)"
fi
_run_cleanups
