#!/usr/bin/env bash
# The cost of reading a line in another language (issue 23): headroom explain on the same failure in
# English, in Chinese (zh_CN) and in Russian (ru, through coreutils' catalog too), RUNS times each,
# alternately (default 21), medians in ms; with HEADROOM_BEFORE=path, the English line with that build
# too (the build before catalogs were read), and the ratio. Target: the English line within 10% of it.
# Catalogs are read only when a line is not understood as given, so the English line reads none.
# Needs libc-l10n (and coreutils' catalogs) installed; reads only. Run from the repository root:
#   bench/explain-languages.sh [RUNS]
set -u
cd "$(dirname "$0")/.." || exit 2
RUNS=${1:-21}
HEADROOM=${HEADROOM:-$PWD/headroom}
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$RUNS" -le 1000 ] || { echo "RUNS is 1 to 1000" >&2; exit 2; }
[ -x "$HEADROOM" ] || { echo "build first: make" >&2; exit 2; }
[ -f /usr/share/locale/zh_CN/LC_MESSAGES/libc.mo ] || { echo "libc-l10n is not installed" >&2; exit 2; }
. bench/peers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 130' INT
en="-bash: fork: Cannot allocate memory"
zh="-bash: fork: 无法分配内存"
ru="timeout: системный вызов fork завершился неудачно: Ресурс временно недоступен"
# the Chinese line in GB18030, as a server set up before UTF-8 prints it: each encoding its bytes fit is tried
gb=$(printf '%s' "$zh" | iconv -f UTF-8 -t GB18030)
export LANG= LANGUAGE= LC_ALL= LC_MESSAGES=
for ((r = 0; r < RUNS; r++)); do
	ms "$HEADROOM" explain --no-fork "$en" >>"$tmp/en"
	ms "$HEADROOM" explain --no-fork "$zh" >>"$tmp/zh"
	ms "$HEADROOM" explain --no-fork "$ru" >>"$tmp/ru"
	ms "$HEADROOM" explain --no-fork "$gb" >>"$tmp/gb"
	[ -n "${HEADROOM_BEFORE:-}" ] && ms "$HEADROOM_BEFORE" explain --no-fork "$en" >>"$tmp/before"
done
printf '%-52s %8s\n' "median of $RUNS runs, $(nproc) CPUs, $(ls -d /usr/share/locale/*/LC_MESSAGES/libc.mo | wc -l) glibc catalogs" ms
printf '%-52s %8.2f\n' "English line" "$(median <"$tmp/en")"
printf '%-52s %8.2f\n' "Chinese line (zh_CN; no \$LANG: every language tried)" "$(median <"$tmp/zh")"
printf '%-52s %8.2f\n' "Russian line (ru, glibc's and coreutils' catalogs)" "$(median <"$tmp/ru")"
printf '%-52s %8.2f\n' "Chinese line in GB18030 (each legacy encoding tried)" "$(median <"$tmp/gb")"
if [ -n "${HEADROOM_BEFORE:-}" ]; then
	b=$(median <"$tmp/before")
	printf '%-52s %8.2f\n' "English line, $HEADROOM_BEFORE" "$b"
	awk -v a="$(median <"$tmp/en")" -v b="$b" 'BEGIN { r = a / b; printf "English now / before = %.2fx (target <= 1.10x: %s)\n", r, r <= 1.10 ? "met" : "NOT MET" }'
fi
