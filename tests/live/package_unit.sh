#!/usr/bin/env bash
# The Debian package's unit under systemd: installed, it is neither enabled nor started; enabled, it runs
# /usr/bin/headroom with its state directory and serves /metrics; it stops cleanly; remove stops a running
# one; purge leaves no unit, link or state. Needs systemd as init and the package (make vm-check builds it
# and boots a Debian 12 machine with it in /hr/pkg); elsewhere it skips. The rest of the package is tested
# by tests/package.sh.
. "$(dirname "$0")/../lib.sh"
T="packaged unit"
is_root || { skip "$T" "needs root"; exit 0; }
[ -d /run/systemd/system ] || { skip "$T" "systemd is not the init (make vm-check runs it in a systemd machine)"; exit 77; }
deb=${HEADROOM_DEB:-/hr/pkg/headroom.deb}
[ -f "$deb" ] || { not_ok "$T" "no package at $deb (make deb)"; exit 0; }
command -v curl >/dev/null 2>&1 || { not_ok "$T" "curl is missing"; exit 0; }
unit=headroom-watch.service
on_exit "dpkg -P headroom"

# wait_state STATE: until the unit's ActiveState is STATE (at most 10 s)
wait_state() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(systemctl show -p ActiveState --value "$unit")" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

dpkg -i "$deb" >/tmp/hr-dpkg.log 2>&1
check_eq "$T: dpkg -i" 0 "$?"
check_eq "$T: installed, not enabled" disabled "$(systemctl is-enabled "$unit" 2>&1)"
check_eq "$T: nor started" inactive "$(systemctl is-active "$unit" 2>&1)"
# --man=no: this machine has no man (tests/package.sh checks the manual in a root with man-db)
out=$(systemd-analyze verify --man=no "/lib/systemd/system/$unit" 2>&1)
check_eq "$T: systemd-analyze verify finds nothing" "0:" "$?:$out"

systemctl enable --now "$unit" >/dev/null 2>&1
check_eq "$T: systemctl enable --now" 0 "$?"
check "$T: it runs" wait_state active
pid=$(systemctl show -p MainPID --value "$unit")
check_eq "$T: its process is the packaged binary" /usr/bin/headroom "$(readlink "/proc/$pid/exe")"
metrics=
for ((i = 0; i < 100; i++)); do
	metrics=$(curl -fsS http://127.0.0.1:9966/metrics 2>/dev/null) && grep -q '^headroom_watch_ticks_total [1-9]' <<<"$metrics" && break
	sleep 0.1
done
check "$T: /metrics is served, and ticks" grep -q '^headroom_watch_ticks_total [1-9]' <<<"$metrics"
check "$T: with the limits" grep -q '^headroom_limit_usage_ratio{' <<<"$metrics"
check_eq "$T: its state directory, mode 0700 (StateDirectory=)" 700 "$(stat -c %a /var/lib/headroom 2>&1)"

systemctl stop "$unit"
check_eq "$T: systemctl stop" 0 "$?"
check_eq "$T: stopped" inactive "$(systemctl is-active "$unit" 2>&1)"
check_eq "$T: cleanly: result success" success "$(systemctl show -p Result --value "$unit")"
check_eq "$T: its process exited with status 0" "1 0" \
	"$(systemctl show -p ExecMainCode --value "$unit") $(systemctl show -p ExecMainStatus --value "$unit")"
check "$T: and is gone" test ! -e "/proc/$pid"

# remove with the service running: prerm stops it
systemctl start "$unit" && wait_state active
pid=$(systemctl show -p MainPID --value "$unit")
dpkg -r headroom >/tmp/hr-dpkg.log 2>&1
check_eq "$T: dpkg -r while it runs" 0 "$?"
check "$T: remove stops it" test ! -e "/proc/$pid"
check "$T: remove: the state directory stays" test -d /var/lib/headroom
dpkg -P headroom >/tmp/hr-dpkg.log 2>&1
check_eq "$T: dpkg -P" 0 "$?"
systemctl daemon-reload
check_eq "$T: purge: no enablement link left" "" "$(find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled -name "$unit*" 2>/dev/null)"
check "$T: purge: no state directory" test ! -e /var/lib/headroom
check_eq "$T: purge: systemd knows no such unit" not-found "$(systemctl show -p LoadState --value "$unit")"
rm -f /tmp/hr-dpkg.log
_run_cleanups
