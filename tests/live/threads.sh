#!/usr/bin/env bash
# A process holding thousands of threads tops the consumers; the numbers equal the kernel's own:
# its Threads: line, its /proc/PID/maps lines, and the loadavg task count.
. "$(dirname "$0")/../lib.sh"
need_jq || { skip "threads" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
start_holder threads "$tmp/out" "$HELPERS/forker" -t -n 3000 -T 60 || { not_ok "threads" "no holder"; exit 0; }
pid=$HOLDER_PID
check_eq "the holder made 3000 threads" "created 3000" "$(head -n1 "$tmp/out")"

# the holder's last threads may still map memory as they start (the sanitizer build's do): compare
# with a map count that did not change while headroom ran
for i in 1 2 3 4 5 6 7 8 9 10; do
	before=$(wc -l <"/proc/$pid/maps")
	json=$("$HEADROOM" --json)
	json_all=$("$HEADROOM" --json --all)
	maps=$(wc -l <"/proc/$pid/maps")
	[ "$before" = "$maps" ] && break
	sleep 0.2
done
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
gate=$(grep -c '\[vsyscall\]$' "/proc/$pid/maps")
check_eq "it tops the consumers" "$pid" "$(jq -r '.consumers.processes[0].pid' <<<"$json")"
check_eq "its threads equal its Threads: line ($threads)" "$threads" "$(jq -r '.consumers.processes[0].threads' <<<"$json")"
check_eq "its cgroup is given" true "$(jq -r '.consumers.processes[0].cgroup | type == "string"' <<<"$json")"
check_eq "its map count equals its maps lines minus [vsyscall] ($maps - $gate)" "$((maps - gate))" \
	"$(jq -r --arg s "pid:$pid" '[.limits[] | select(.id == "map_count" and .scope == $s)][0].used' <<<"$json_all")"
check_eq "it is the top consumer of the system pid_max" "$pid" "$(jq -r '.limits[] | select(.id == "pid_max" and .scope == "system") | .top.pid' <<<"$json")"
check_eq "root's tasks include its threads" true "$(jq -r --argjson t "$threads" '.consumers.users[] | select(.uid == 0) | .tasks >= $t' <<<"$json")"

# the task count equals /proc/loadavg's, read at the same moment (retried while other tasks come and go)
same=no
for i in 1 2 3 4 5 6 7 8 9 10; do
	before=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f2)
	used=$("$HEADROOM" --json --no-fork --no-maps | jq -r '.limits[] | select(.id == "pid_max" and .scope == "system") | .used')
	after=$(cut -d' ' -f4 /proc/loadavg | cut -d/ -f2)
	# headroom itself is one task while it reads; the shells above are gone by then
	if [ "$before" = "$after" ]; then
		if [ "$used" = "$before" ] || [ "$used" = "$((before + 1))" ]; then same=yes; fi
		break
	fi
done
check_eq "system pid_max used equals the loadavg task count" yes "$same"
tm=$("$HEADROOM" --json --no-fork --no-maps | jq -r '[.limits[] | select(.scope == "system" and (.id == "pid_max" or .id == "threads_max")) | .used] | unique | length')
check_eq "pid_max and threads_max count the same tasks" 1 "$tm"
