#!/usr/bin/env bash
# The Debian package: make deb builds it (dpkg-buildpackage -us -uc -b on a copy of the tree), lintian
# finds nothing, and in a fresh Debian 12 root (mmdebstrap minbase, with man-db, bash-completion, zsh and
# fish) it installs with apt, works (--version, --json, man, the completions of the three shells, the unit file),
# and remove then purge leave nothing behind but, on remove, the state directory. The systemd machine of
# make vm-check runs the packaged unit (tests/live/package_unit.sh).
# Environment: VM_CACHE, where the pristine root is kept between runs (default /var/cache/headroom-vm).
. "$(dirname "$0")/lib.sh"
T=package
is_root || { skip "$T" "needs root (mmdebstrap, chroot)"; exit 77; }
if [ "${SANITIZE:-}" = 1 ]; then
	skip "$T" "the package is built without sanitizers: this test runs in the plain make check"
	exit 77
fi
for c in dpkg-buildpackage dh lintian mmdebstrap; do
	command -v $c >/dev/null 2>&1 || { not_ok "$T" "$c is missing (tests/install-deps installs it)"; exit 0; }
done
top=$(cd "$TESTS_DIR/.." && pwd)
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"

# --- the build -------------------------------------------------------------------------------------------
make -s -C "$top" deb >"$tmp/deb.log" 2>&1
rc=$?
check_eq "$T: make deb" 0 "$rc"
[ "$rc" = 0 ] || { sed 's/^/    | /' "$tmp/deb.log" | tail -n 30; exit 0; }
version=$("$HEADROOM" --version | awk '{ print $2; exit }')
deb=$top/build/deb/headroom_${version}_$(dpkg --print-architecture).deb
check "$T: named with the binary's version ($version)" test -f "$deb"
[ -f "$deb" ] || exit 0
check_eq "$T: the changelog's version is the binary's" "$version" "$(cd "$top" && dpkg-parsechangelog -S Version)"
check_eq "$T: the package's version is the binary's" "$version" "$(dpkg-deb -f "$deb" Version)"
check "$T: the build ran the package's tests, and they passed" grep -qE '^[1-9][0-9]* passed, 0 failed$' "$top/build/deb/build.log"
# errors, warnings and pedantic tags (the overrides have their reasons in debian/headroom.lintian-overrides)
lintian -E --pedantic "$top"/build/deb/headroom_"${version}"_*.changes >"$tmp/lintian" 2>&1
rc=$?
grep -v '^running with root privileges' "$tmp/lintian" >"$tmp/lintian.tags"
check_eq "$T: lintian: no error, warning or pedantic tag" "0:" "$rc:$(tr '\n' ' ' <"$tmp/lintian.tags")"
check "$T: the binary in /usr/bin, static" bash -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/bin/headroom >'$tmp/bin' &&
	file '$tmp/bin' | grep -q 'statically linked'"
check "$T: the unit is handled by dh_installsystemd (purge forgets it)" bash -c "dpkg-deb -e '$deb' '$tmp/control' &&
	grep -q 'deb-systemd-helper purge' '$tmp/control/postrm'"

# --- a fresh Debian 12 root ------------------------------------------------------------------------------
cache=${VM_CACHE:-/var/cache/headroom-vm}
pristine=$cache/bookworm-package-root.tar
if [ ! -f "$pristine" ]; then
	mkdir -p "$cache" &&
		mmdebstrap --variant=minbase --include=man-db,bash-completion,zsh,fish \
			--dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$pristine.tmp.tar" >"$tmp/mmdebstrap.log" 2>&1 &&
		mv "$pristine.tmp.tar" "$pristine"
	rc=$?
	rm -f "$pristine.tmp.tar"
	check_eq "$T: mmdebstrap makes a Debian 12 root" 0 "$rc"
	[ "$rc" = 0 ] || { tail -n 10 "$tmp/mmdebstrap.log" | sed 's/^/    | /'; exit 0; }
fi
root=$tmp/root
mkdir -p "$root" && tar -xf "$pristine" -C "$root" || { not_ok "$T" "cannot unpack $pristine"; exit 0; }
check_eq "$T: the root is Debian 12" 12 "$(cut -d. -f1 "$root/etc/debian_version")"

# in_root COMMAND...: COMMAND in the root, with its own /proc (a pid and mount namespace; gone with it)
in_root() { unshare --mount --pid --fork --mount-proc="$root/proc" chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LC_ALL=C.UTF-8 TERM=dumb "$@"; }
# the files of the root, but for what dpkg, apt and man-db keep about themselves
files_of_root() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp -o -path ./run \
		-o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache/apt -o -path ./var/log -o -path ./var/cache/man \
		-o -path ./var/cache/debconf \) -prune \
		-o -print | sort)
}
files_of_root >"$tmp/before"

cp "$deb" "$root/tmp/headroom.deb"
# as the README says, with apt (offline: the package needs nothing the root lacks)
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y /tmp/headroom.deb >"$tmp/install.log" 2>&1
rc=$?
check_eq "$T: apt-get install ./headroom_${version}_ARCH.deb in the fresh root" 0 "$rc"
[ "$rc" = 0 ] || { sed 's/^/    | /' "$tmp/install.log" | tail -n 20; exit 0; }
check_eq "$T: headroom --version" "headroom $version" "$(in_root headroom --version)"
in_root headroom --json --no-fork >"$tmp/report.json" 2>"$tmp/report.err"
rc=$?
check "$T: headroom --json: exit 0, 1 or 2" test "$rc" -le 2
check "$T: headroom --json: the report, with its limits" jq -e '.limits | length > 5' "$tmp/report.json"
check "$T: man headroom" bash -c "set -o pipefail; unshare --mount --pid --fork --mount-proc='$root/proc' chroot '$root' \
	env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 MANPAGER=cat man headroom 2>/dev/null | grep -q '^EXIT STATUS'"
check_eq "$T: man finds it where the package put it" /usr/share/man/man1/headroom.1.gz "$(in_root man -w headroom 2>&1)"
# bash: as an interactive shell loads it, on demand by bash-completion
out=$(in_root bash -c '. /usr/share/bash-completion/bash_completion && __load_completion headroom; complete -p headroom' 2>&1)
check_eq "$T: bash: complete -p headroom after loading" "complete -F _headroom headroom" "$out"
out=$(in_root bash -c '. /usr/share/bash-completion/completions/headroom && COMP_WORDS=(headroom repro "") COMP_CWORD=2 &&
	_headroom && echo "${COMPREPLY[@]}"' 2>&1)
check "$T: bash: it completes (repro modes)" grep -qw pid-max <<<"$out"
out=$(in_root zsh -fc 'autoload -U compinit && compinit -u -D && print -r -- $_comps[headroom]' 2>&1)
check_eq "$T: zsh: compinit finds _headroom in Debian's vendor-completions" _headroom "$out"
# fish's own configuration sets its completion path; its files go to a home in /tmp
out=$(in_root env HOME=/tmp/fish-home fish -c 'complete -C "headroom rep"' 2>&1)
check "$T: fish: it finds and runs the completion" grep -q '^repro' <<<"$out"
unit=$root/lib/systemd/system/headroom-watch.service
check "$T: the unit file" test -f "$unit"
check "$T: its ExecStart is /usr/bin/headroom" grep -qx 'ExecStart=/usr/bin/headroom watch --listen 127.0.0.1:9966 --state-dir /var/lib/headroom' "$unit"
check "$T: its state in /var/lib/headroom (StateDirectory=)" grep -qx 'StateDirectory=headroom' "$unit"
check "$T: not enabled" test -z "$(find "$root/etc/systemd" -name 'headroom*' 2>/dev/null)"
for f in prometheus/headroom-alerts.yml grafana/headroom-dashboard.json kubernetes/headroom-daemonset.yaml; do
	check "$T: /usr/share/headroom/$f" cmp -s "$top/contrib/$f" "$root/usr/share/headroom/$f"
done
check "$T: the copyright file" grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
	"$root/usr/share/doc/headroom/copyright"

# --- remove, then purge ----------------------------------------------------------------------------------
in_root dpkg -L headroom | sort >"$tmp/package-files"
# what the running service would have left: an evidence file in its state directory
mkdir -p "$root/var/lib/headroom" && echo '{}' >"$root/var/lib/headroom/evidence-1.json"
in_root dpkg -r headroom >"$tmp/remove.log" 2>&1
check_eq "$T: dpkg -r" 0 "$?"
left=$(while read -r f; do [ -f "$root$f" ] && echo "$f"; done <"$tmp/package-files")
check_eq "$T: remove: none of its files is left" "" "$left"
check "$T: remove: the state directory stays" test -f "$root/var/lib/headroom/evidence-1.json"
in_root dpkg -P headroom >"$tmp/purge.log" 2>&1
check_eq "$T: dpkg -P" 0 "$?"
check "$T: purge: the state directory goes" test ! -e "$root/var/lib/headroom"
files_of_root >"$tmp/after"
check_eq "$T: purge: the root is as it was before the install" "" "$(diff "$tmp/before" "$tmp/after" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
_run_cleanups
