#!/usr/bin/env bash
# headroom oom on a cgroup v2 fixture tree: domains, their own scaling, memory.oom.group, counters.
. "$(dirname "$0")/lib.sh"
need_jq || { skip "oom" "jq is not installed"; exit 0; }
R=$TESTS_DIR/fixtures/6.8-cgroup-v2/root
DOCKER=cgroup:/system.slice/docker-3f1c6a0e5b7d4c2a9e8f1b0c3d5e7f9a1b2c3d4e5f60718293a4b5c6d7e8f901.scope
json=$("$HEADROOM" oom --json --top 100 -r "$R")
check_eq "exit status 0: no kill in a fixture's (absent) log" 0 "$?"
d=$(jq -c --arg s "$DOCKER" '.domains[] | select(.scope == $s)' <<<"$json")
check_eq "v2: the container is a domain of 512 MiB, 131072 pages" "536870912 131072" "$(jq -r '"\(.limit) \(.totalpages)"' <<<"$d")"
# php-fpm: 100,000 pages + 11 of page tables + 500 x 131 = 165,511; containerd-shim: 7,500 + 11 - 998 x 131 < 0
check_eq "v2: php-fpm is the victim, with the domain's own scaling" "1420 php-fpm 165511" "$(jq -r '.victim | "\(.pid) \(.comm) \(.badness)"' <<<"$d")"
check_eq "v2: containerd-shim's adj -998 puts it last, with negative points (6.8)" "1402 -123227" \
	"$(jq -r '.candidates[-1] | "\(.pid) \(.badness)"' <<<"$d")"
check_eq "v2: memory.oom.group and the kill counter are shown" "true 3" "$(jq -r '"\(.oom_group) \(.oom_kills)"' <<<"$d")"
check_eq "v2: the action is to kill a victim (panic_on_oom is not set)" kill_victim "$(jq -r .action <<<"$d")"
check_eq "the machine domain comes first" system "$(jq -r '.domains[0].scope' <<<"$json")"
check_eq "no kernel log is read for a fixture" "false 0" "$(jq -r '"\(.kernel_log_read) \(.kills | length)"' <<<"$json")"
text=$("$HEADROOM" oom -r "$R")
check "text: the whole cgroup is killed with the victim" grep -q 'memory.oom.group is set: every task of the cgroup is killed' <<<"$text"
check "text: the counter" grep -q '3 OOM kills here since the cgroup was created' <<<"$text"
"$HEADROOM" oom --bogus 2>/dev/null
check_eq "a bad option: exit 3" 3 "$?"
"$HEADROOM" oom -r /nonexistent 2>/dev/null
check_eq "a missing root: exit 3" 3 "$?"
check "text: an OOM kill leaves no core dump, whatever core_pattern says" grep -q 'an OOM kill is SIGKILL and leaves no core dump' <<<"$text"
