#!/usr/bin/env bash
# headroom history on log fixtures (tests/fixtures/logs): every text form, rotations and gzip, boots,
# the killers told apart, the same kill in two files counted once; hostile and broken input.
. "$(dirname "$0")/lib.sh"
need_jq || { skip "history" "jq is not installed"; exit 0; }
F=$TESTS_DIR/fixtures/logs
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
trap '_run_cleanups' EXIT
# git keeps no mtimes: a year-less stamp takes its year from the file's, so they are set as the files were
cp -a "$F/debian12" "$F/rhel7" "$tmp/"
touch -d 2026-12-07T03:00:00Z "$tmp/debian12/var/log/syslog" "$tmp/debian12/var/log/kern.log"
touch -d 2026-12-06T06:00:00Z "$tmp/debian12/var/log/syslog.1"
touch -d 2026-11-22T00:00:00Z "$tmp/debian12/var/log/syslog.2.gz"
touch -d 2026-11-30T02:00:00Z "$tmp/rhel7/var/log/messages-20261130"
touch -d 2026-12-01T12:00:00Z "$tmp/rhel7/var/log/messages"

# without zlib (zlib1g-dev absent at build time) a .gz rotation is not read: its checks cannot hold
if "$HEADROOM" history --json --root "$tmp/debian12" | jq -e '.sources[] | select(.problem // "" | test("without zlib"))' >/dev/null; then
	skip "history: the Debian 12 disk and truncated gzip" "headroom was built without zlib (apt-get install zlib1g-dev)"
	rm -f "$tmp/debian12/var/log/syslog.2.gz"
	NO_ZLIB=1
fi
# a Debian 12 machine's disk: syslog, its rotations (one gzip), kern.log
[ -z "${NO_ZLIB:-}" ] && {
json=$(TZ=UTC "$HEADROOM" history --json --root "$tmp/debian12")
check_eq "debian12: a kill is found: exit 1" 1 "$?"
kills=$(jq -c '[.events[] | select(.kind == "oom-kill")]' <<<"$json")
check_eq "debian12: four kills: earlyoom's, the memcg's, oomd's, the global one" \
	"earlyoom kernel systemd-oomd kernel" "$(jq -r '[.[].killer] | join(" ")' <<<"$kills")"
check_eq "debian12: the memcg kill: pid, comm, uid, unit, cgroup, domain" \
	"4242 postgres 105 postgresql@15-main.service /system.slice/postgresql@15-main.service memcg" \
	"$(jq -r '.[1] | "\(.pid) \(.comm) \(.uid) \(.unit) \(.oom_cgroup) \(.domain)"' <<<"$kills")"
check_eq "debian12: its rss is anon + file + shmem" $(((1000000 + 20000 + 4000) * 1024)) "$(jq -r '.[1].rss_bytes' <<<"$kills")"
check_eq "debian12: read from syslog.1 and kern.log, counted once, with PID1's lines as evidence" \
	"2 6" "$(jq -r '.[1] | "\(.seen_in | length) \(.evidence | length)"' <<<"$kills")"
check "debian12: PID1's line is evidence of the kernel's kill" \
	jq -e '.[1].evidence | any(test("A process of this unit has been killed by the OOM killer"))' <<<"$kills"
check_eq "debian12: the global kill keeps a name with parentheses and spaces" "Web Content (x) global 300" \
	"$(jq -r '.[3] | "\(.comm) \(.domain) \(.oom_score_adj)"' <<<"$kills")"
check_eq "debian12: systemd-oomd killed a cgroup, for pressure, 12 processes" \
	"/user.slice/user-1000.slice/user@1000.service/app.slice/app-build.scope 12" \
	"$(jq -r '.[2] | "\(.cgroup) \(.count)"' <<<"$kills")"
check "debian12: oomd's reason is its measurement" jq -e '.[2].reason | test("72.50% > 60.00%")' <<<"$kills"
check_eq "debian12: earlyoom's kill, from the gzip rotation" "31337 python3 1000 $((14000 * 1048576)) /var/log/syslog.2.gz" \
	"$(jq -r '.[0] | "\(.pid) \(.comm) \(.uid) \(.rss_bytes) \(.source | sub(".*debian12"; ""))"' <<<"$kills")"
check_eq "debian12: the rejected fork names its cgroup and unit" \
	"/system.slice/postgresql@15-main.service postgresql@15-main.service" \
	"$(jq -r '.events[] | select(.kind == "fork-rejected") | "\(.cgroup) \(.unit)"' <<<"$json")"
check_eq "debian12: postgres's lines in one event while they come at least once a minute" "postgres 5" \
	"$(jq -r '[.events[] | select(.kind == "failure-message") | "\(.program) \(.count)"] | join(" ")' <<<"$json")"
check_eq "debian12: three boots, numbered as journalctl does" "-2 -1 0" "$(jq -r '[.boots[].boot] | sort | map(tostring) | join(" ")' <<<"$json")"
check_eq "debian12: the memcg kill was in boot -1" -1 "$(jq -r '.[1].boot' <<<"$kills")"
check_eq "debian12: --boot -1 keeps that boot's events" "oom-kill fork-rejected failure-message" \
	"$(TZ=UTC "$HEADROOM" history --json --boot -1 --root "$tmp/debian12" | jq -r '[.events[].kind] | join(" ")')"
check_eq "debian12: --since and --until" "4242" \
	"$(TZ=UTC "$HEADROOM" history --json --since '2026-12-06 03:00' --until '2026-12-06 03:30' --root "$tmp/debian12" | jq -r '[.events[].pid] | join(" ")')"
check_eq "debian12: the kill's time is the printk stamp's wall clock" "2026-12-06T03:12:01.100400Z" "$(jq -r '.[1].time' <<<"$kills")"
TZ=UTC "$HEADROOM" history --json --since 2027-01-01 --root "$tmp/debian12" >/dev/null
check_eq "debian12: nothing in the range asked: exit 0" 0 "$?"
text=$(TZ=UTC "$HEADROOM" history --root "$tmp/debian12")
check "text: the memcg kill in words" grep -q "the kernel's OOM killer killed postgres (pid 4242, uid 105, rss 1000 MiB): memory cgroup /system.slice/postgresql@15-main.service reached its limit" <<<"$text"
check "text: the evidence lines below it" grep -q "| .*Memory cgroup out of memory: Killed process 4242 (postgres)" <<<"$text"
check "text: oomd named as the killer" grep -q "systemd-oomd killed the cgroup /user.slice/" <<<"$text"
check "text: what was read" grep -q "^Read: .*syslog.2.gz (6 lines)" <<<"$text"
}

# CentOS 7: traditional stamps without a year, RHEL 7.6's kill line, a 3.10 memcg kill by its "Task in" line
json=$("$HEADROOM" history --json --root "$tmp/rhel7")
check_eq "rhel7: two kills, a global and a container's memcg" "2222 global 3333 memcg" \
	"$(jq -r '[.events[] | select(.kind == "oom-kill") | "\(.pid) \(.domain)"] | join(" ")' <<<"$json")"
check_eq "rhel7: the container's id from its cgroup" 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
	"$(jq -r '.events[] | select(.pid == 3333) | .container' <<<"$json")"
check_eq "rhel7: the year of a year-less stamp is the file's" 2026-11-30 \
	"$(jq -r '.events[] | select(.pid == 2222) | .time[0:10]' <<<"$json")"
check_eq "rhel7: sshd's failed fork" "sshd fork" "$(jq -r '.events[] | select(.kind == "failure-message") | "\(.program) \(.operation)"' <<<"$json")"

# pastes
P=$F/paste
json=$("$HEADROOM" history --json --log "$P/dmesg.txt")
check_eq "dmesg: a pod's kill, and a line cut short shown as such" "5555 memcg false null null true" \
	"$(jq -r '[.events[] | "\(.pid) \(.domain) \(.partial)"] | join(" ")' <<<"$json")"
check_eq "dmesg: the pod's uid and the container from the cgroup" \
	"1f2e3d4c_5b6a_4789_9abc_def012345678 aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999" \
	"$(jq -r '.events[0] | "\(.pod) \(.container)"' <<<"$json")"
check_eq "dmesg: no wall clock, the time since boot" "null 812.3458" \
	"$(jq -r '.events[0] | "\(.time) \(.uptime_seconds | tostring | .[0:8])"' <<<"$json")"
check_eq "dmesg -T: the date is read" "7777 2026-12-06" \
	"$(TZ=UTC "$HEADROOM" history --json --log "$P/dmesg-T.txt" | jq -r '.events[0] | "\(.pid) \(.time[0:10])"')"
check_eq "dmesg -r: a cpuset OOM" "8888 cpuset" \
	"$("$HEADROOM" history --json --log "$P/dmesg-r.txt" | jq -r '.events[0] | "\(.pid) \(.domain)"')"
json=$("$HEADROOM" history --json --log "$P/journal-short.txt")
check_eq "journalctl short: two boots from its separators" "2 11111111111111111111111111111111" \
	"$(jq -r '"\(.boots | length) \(.boots[0].boot_id)"' <<<"$json")"
check_eq "journalctl short: the kill, with PID1's three lines" "1234 redis-server.service 4" \
	"$(jq -r '.events[0] | "\(.pid) \(.unit) \(.evidence | length)"' <<<"$json")"
check_eq "journalctl short: bash's retries in the newer boot" "bash 2 0" \
	"$(jq -r '.events[1] | "\(.program) \(.count) \(.boot)"' <<<"$json")"
check_eq "short-monotonic: the kill and its unit" "4321 mysql.service" \
	"$("$HEADROOM" history --json --log "$P/journal-monotonic.txt" | jq -r '.events[0] | "\(.pid) \(.unit)"')"
check_eq "-o cat: the kill and its unit" "1111 php-fpm.service" \
	"$("$HEADROOM" history --json --log - <"$P/journal-cat.txt" | jq -r '.events[0] | "\(.pid) \(.unit)"')"
json=$("$HEADROOM" history --json --log "$P/ticket.txt")
check_eq "ticket: two kills, one wrapped over two quoted lines" "2468 2470" "$(jq -r '[.events[].pid] | join(" ")' <<<"$json")"
check_eq "ticket: the wrapped one is read whole" "false $((4000000 * 1024))" "$(jq -r '.events[0] | "\(.partial) \(.rss_bytes)"' <<<"$json")"
json=$("$HEADROOM" history --json --log "$P/german-month.txt")
check_eq "a month in German: the kill is read, its date is not known" "1357 null" "$(jq -r '.events[0] | "\(.pid) \(.time)"' <<<"$json")"
json=$("$HEADROOM" history --json --log "$P/hostile.txt")
check "hostile: the JSON is valid" jq -e . <<<"$json" >/dev/null
check_eq "hostile: two kills" 2 "$(jq '.events | length' <<<"$json")"
text=$("$HEADROOM" history --log "$P/hostile.txt")
check "hostile: no escape sequence reaches the terminal" test -z "$(printf '%s' "$text" | tr -d '\n' | LC_ALL=C grep -P '[\x00-\x1f\x7f]')"
check "hostile: the bidi override is escaped" grep -qF '\xe2\x80\xae' <<<"$text"

# bad input
head -c 10485760 /dev/zero | tr '\0' 'x' >"$tmp/long"
printf '\n[  3.000000] Out of memory: Killed process 44 (b) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0\n' >>"$tmp/long"
check_eq "a 10 MB line is skipped past, the next one read" 44 "$("$HEADROOM" history --json --log "$tmp/long" | jq -r '.events[0].pid')"
if command -v gzip >/dev/null && [ -z "${NO_ZLIB:-}" ]; then
	gzip -c "$F/debian12/var/log/syslog.1" | head -c 600 >"$tmp/cut.gz"
	json=$("$HEADROOM" history --json --log "$tmp/cut.gz")
	check "a truncated gzip: what it holds is read" jq -e '.sources[0].lines > 0' <<<"$json"
	check "a truncated gzip: and where it ended is said" jq -e '.sources[0].problem | test("truncated")' <<<"$json"
fi
"$HEADROOM" history --log /nonexistent/x >/dev/null 2>"$tmp/err"
check_eq "a missing log: exit 3 when nothing could be read" 3 "$?"
check "and it is named" grep -q "could not read '/nonexistent/x': No such file or directory" "$tmp/err"
out=$("$HEADROOM" history --log /nonexistent/x --log "$P/dmesg-r.txt")
check_eq "a missing log beside a readable one: the kill, exit 1" 1 "$?"
check "the missing one is under 'Could not read'" grep -A1 -q "^Could not read:" <<<"$out"
"$HEADROOM" history --since tomorrowish 2>"$tmp/err"
check_eq "a bad --since: exit 3" 3 "$?"
check "naming what is expected" grep -q "invalid --since value 'tomorrowish'" "$tmp/err"
"$HEADROOM" history --boot 1 2>/dev/null
check_eq "a bad --boot: exit 3" 3 "$?"
yes 'Dec  7 00:00:00 host app[1]: nothing to see here, all fine' | head -c 104857600 >"$tmp/big"
"$HEADROOM" history --log "$tmp/big" >/dev/null
check_eq "100 MB of unrelated lines: nothing found, exit 0" 0 "$?"

# the journal: real journal files (tests/fixtures/journal, made by systemd-journal-remote), read by journalctl
J=$TESTS_DIR/fixtures/journal
if command -v journalctl >/dev/null 2>&1; then
	json=$(TZ=UTC "$HEADROOM" history --json --log "$J/two-boots.journal")
	check_eq "journal: its two boots" "2 -1 0" "$(jq -r '"\(.boots | length) \([.boots[].boot] | sort | map(tostring) | join(" "))"' <<<"$json")"
	check_eq "journal: each boot's kernel kill, oomd kill, earlyoom kill, rejection and failure line" \
		"oom-kill/kernel oom-kill/systemd-oomd oom-kill/earlyoom fork-rejected/null failure-message/null" \
		"$(jq -r '[.events[] | select(.boot == -1) | "\(.kind)/\(.killer)"] | join(" ")' <<<"$json")"
	check_eq "journal: the kernel's kill with PID1's three lines, by MESSAGE_ID's unit" "4242 hog.service 7" \
		"$(jq -r '.events[0] | "\(.pid) \(.unit) \(.evidence | length)"' <<<"$json")"
	check_eq "journal: the program's failure in its unit joins the rejection's incident" 2 \
		"$(jq -r '.incidents[] | select(.cause | test("refused forks")) | .events' <<<"$json" | head -n1)"
	check_eq "journal: its export format, read as a --log, gives the same events" \
		"$(jq -c '[.events[] | [.kind, .killer, .pid, .unit, .boot, .count]]' <<<"$json")" \
		"$(TZ=UTC "$HEADROOM" history --json --log "$J/two-boots.export" | jq -c '[.events[] | [.kind, .killer, .pid, .unit, .boot, .count]]')"
	mkdir -p "$tmp/deadhost/var/log/journal/0123456789abcdef0123456789abcdef"
	cp "$J/two-boots.journal" "$tmp/deadhost/var/log/journal/0123456789abcdef0123456789abcdef/system.journal"
	check_eq "journal: --root reads DIR/var/log/journal" 10 \
		"$("$HEADROOM" history --json --root "$tmp/deadhost" | jq '.events | length')"
	check_eq "journal: --boot -1 of it" 5 "$("$HEADROOM" history --json --boot -1 --root "$tmp/deadhost" | jq '.events | length')"
else
	skip "history: the journal" "journalctl is not installed (Debian: systemd)"
fi

# what a panic leaves: systemd-pstore's copy of the log, kdump's vmcore-dmesg.txt
json=$("$HEADROOM" history --json --root "$F/crashed")
check_eq "crash logs: pstore's panic_on_oom panic, kdump's kill and its deadlock panic" "panic oom-kill panic" \
	"$(jq -r '[.events[].kind] | join(" ")' <<<"$json")"
check "crash logs: the panic says why" jq -e '[.events[] | select(.kind == "panic")][0].reason | test("panic_on_oom is enabled")' <<<"$json"
check "crash logs: read from pstore" jq -e '.events[0].source | test("var/lib/systemd/pstore/1796600000/dmesg-efi-")' <<<"$json"
check_eq "crash logs: the kill and the deadlock it ended in are one incident" 2 \
	"$(jq -r '.incidents[] | select(.cause | test("batch")) | .events' <<<"$json")"

# a directory given as a log: an unpacked sosreport (its var/log and sos_commands/logs/journalctl_*)
mkdir -p "$tmp/sosreport-web1/sos_commands/logs" "$tmp/sosreport-web1/var/log"
cp "$F/paste/journal-short.txt" "$tmp/sosreport-web1/sos_commands/logs/journalctl_--no-pager"
cp "$tmp/rhel7/var/log/messages" "$tmp/sosreport-web1/var/log/"
json=$("$HEADROOM" history --json --log "$tmp/sosreport-web1")
check_eq "a sosreport: its messages and its journalctl output are read" "2 1234 3333" \
	"$(jq -r '"\(.sources | length) \([.events[] | select(.kind == "oom-kill") | .pid] | sort | map(tostring) | join(" "))"' <<<"$json")"
"$HEADROOM" history --log "$tmp/sosreport-web1/sos_commands" >/dev/null 2>"$tmp/err"
check_eq "a directory without logs: exit 3" 3 "$?"
check "saying what it lacks" grep -q "a directory without var/log, a journal or a sosreport's logs" "$tmp/err"

# a log the user may not read: named, exit 3 when it is all there is
if is_root && command -v setpriv >/dev/null 2>&1; then
	cp "$F/paste/dmesg.txt" "$tmp/private.log"
	chmod 600 "$tmp/private.log"
	chmod 755 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HEADROOM" history --log "$tmp/private.log" >/dev/null 2>"$tmp/err"
	check_eq "an unreadable log (another uid): exit 3" 3 "$?"
	check "it says why" grep -q "could not read '$tmp/private.log': Permission denied" "$tmp/err"
else
	skip "history: an unreadable log" "needs root and setpriv to read as another uid"
fi
