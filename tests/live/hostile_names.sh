#!/usr/bin/env bash
# Processes with hostile names: the text report stays printable and one line a row; JSON keeps the bytes.
. "$(dirname "$0")/../lib.sh"
need_jq || { skip "hostile names" "jq is not installed"; exit 0; }
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
# evil\n)x \e[31m | a name with ) ( spaces | \xff\xfe | bidi override | \e]0;title\a | 15 bytes
names="6576696c0a2978201b5b33316d 29282920612062 fffe6f6b e280ae6c6976652d 1b5d303b7469746c6507 313233343536373839303132333435"
i=0
for hex in $names; do
	start_holder "name$i" "$tmp/n$i" "$HELPERS/forker" -n 0 -T 60 -N "$hex" || { not_ok "hostile names" "no holder"; exit 0; }
	pids[i]=$HOLDER_PID
	hexes[i]=$hex
	i=$((i + 1))
done
# The text and the JSON come from two runs: a process that starts or ends between them changes the count,
# so they are taken again (up to 5 times) until they list as many processes; a name that broke a row would
# disagree every time.
for attempt in 1 2 3 4 5; do
	text=$("$HEADROOM" --all --top 1000 --no-fork)
	json=$("$HEADROOM" --json --all --top 1000 --no-fork)
	rows=$(grep -c '^  *[0-9][0-9,]* *[0-9][0-9]* *[0-9][0-9]*  ' <<<"$(sed -n '/^Processes with the most threads/,/^$/p' <<<"$text")")
	procs=$(jq '.consumers.processes | length' <<<"$json")
	[ "$rows" = "$procs" ] && break
done
# from a file, not an argument: with many cgroups on the machine the report outgrows one argument (128 KiB)
printf '%s' "$text" >"$tmp/text"
check "the text report holds no control character" bash -c '! tr -d "\n" <"$1" | LC_ALL=C grep -q "[[:cntrl:]]"' _ "$tmp/text"
check "the escape sequence is shown escaped" grep -qF 'evil\n)x \x1b[31m' <<<"$text"
check "bytes that are not UTF-8 are shown as \\x" grep -qF '\xff\xfeok' <<<"$text"
check "the bidi override is shown escaped" grep -qF '\xe2\x80\xaelive-' <<<"$text"
check_eq "one text row a process" "$procs" "$rows"
for ((k = 0; k < i; k++)); do
	raw=$(od -An -tx1 "/proc/${pids[k]}/comm" | tr -d ' \n')
	raw=${raw%0a}
	got=$(jq -r --argjson p "${pids[k]}" '.consumers.processes[] | select(.pid == $p) | (.comm_hex // (.comm | @base64))' <<<"$json")
	if jq -e --argjson p "${pids[k]}" '.consumers.processes[] | select(.pid == $p) | has("comm_hex")' <<<"$json" >/dev/null; then
		check_eq "name ${hexes[k]}: comm_hex holds the bytes" "$raw" "$got"
	else
		check_eq "name ${hexes[k]}: JSON comm holds the bytes" "$raw" "$(base64 -d <<<"$got" | od -An -tx1 | tr -d ' \n')"
	fi
done
