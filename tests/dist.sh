#!/usr/bin/env bash
# make dist: the release tarball, named with the binary's version, builds offline with make alone, and
# the binary it builds says that version.
. "$(dirname "$0")/lib.sh"
T="dist"
git -C "$TESTS_DIR/.." rev-parse --git-dir >/dev/null 2>&1 || { skip "$T" "not a git checkout (make dist archives HEAD)"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
version=$(sed -n 's/^#define HEADROOM_VERSION "\(.*\)"$/\1/p' "$TESTS_DIR/../src/version.h")
out=$(make -s -C "$TESTS_DIR/.." dist DISTDIR="$tmp" 2>&1)
check_eq "make dist: exit 0" 0 "$?"
check "make dist names the tarball with the version" test -f "$tmp/headroom-$version.tar.gz"
tar -xzf "$tmp/headroom-$version.tar.gz" -C "$tmp"
check "everything is under headroom-$version/" test -f "$tmp/headroom-$version/Makefile"
check "no build product, no .git in it" test ! -e "$tmp/headroom-$version/build" -a ! -e "$tmp/headroom-$version/.git" \
	-a ! -e "$tmp/headroom-$version/headroom"
check "the manual is in it" test -f "$tmp/headroom-$version/man/headroom.1"
# offline, with make alone (no git: the tarball is not a checkout)
(cd "$tmp/headroom-$version" && env -u GIT_DIR make -s headroom >"$tmp/build.log" 2>&1)
check_eq "make builds it" 0 "$?"
check_eq "its --version is the tarball's" "headroom $version" "$("$tmp/headroom-$version/headroom" --version 2>&1 | head -n1)"
out=$(cd "$tmp/headroom-$version" && make dist 2>&1)
check_eq "make dist outside a git checkout: refused" 2 "$?"
check "and says why" grep -qF "needs a git checkout" <<<"$out"
_run_cleanups
