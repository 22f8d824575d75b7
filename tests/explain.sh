#!/usr/bin/env bash
# headroom explain on fixture trees: the right operation from each program's message, the kernel's
# errno by version (pid exhaustion is ENOMEM on 3.10/RHEL 7, EAGAIN since 4.1), cgroup v1 and v2.
. "$(dirname "$0")/lib.sh"
need_jq || { skip "explain" "jq is not installed"; exit 0; }
FX=$TESTS_DIR/fixtures
ex() { "$HEADROOM" explain --json "$@"; }
first() { jq -r '.causes[0] | "\(.id) \(.scope) \(.verdict)"' <<<"$1"; }

# RHEL 7 (3.10): pid exhaustion makes fork fail with ENOMEM
j=$(ex -r "$FX/3.10-rhel7/root" --pid 1201 "-bash: fork: Cannot allocate memory")
check_eq "3.10 el7: ENOMEM from bash: pid_max confirmed first" "pid_max system confirmed" "$(first "$j")"
check_eq "3.10 el7: the operation and errno are read from the message" "fork ENOMEM bash" "$(jq -r '"\(.operation) \(.errno) \(.program)"' <<<"$j")"
j=$(ex -r "$FX/3.10-rhel7/root" --pid 1201 "fork: retry: Resource temporarily unavailable")
check_eq "3.10 el7: EAGAIN cannot come from pid exhaustion there" 0 "$(jq '[.causes[] | select(.id == "pid_max")] | length' <<<"$j")"
check "3.10 el7: EAGAIN candidates are RLIMIT_NPROC, threads-max and pids.max" \
	jq -e '[.causes[].id] | sort == ["cgroup_pids","threads_max","user_nproc"]' <<<"$j"
# the same fixture read as a 4.19 kernel: EAGAIN since 4.1
tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
cp -a "$FX/3.10-rhel7/root" "$tmp/root"
echo 4.19.72 >"$tmp/root/proc/sys/kernel/osrelease"
j=$(ex -r "$tmp/root" --pid 1201 "fork: retry: Resource temporarily unavailable")
check_eq "4.19: EAGAIN from pid exhaustion, confirmed first" "pid_max system confirmed" "$(first "$j")"
j=$(ex -r "$tmp/root" --pid 1201 "fork: Cannot allocate memory")
check_eq "4.19: ENOMEM is not pid exhaustion any more" 0 "$(jq '[.causes[] | select(.id == "pid_max")] | length' <<<"$j")"
echo 5.10.89 >"$tmp/root/proc/sys/kernel/osrelease"
j=$(ex -r "$tmp/root" --pid 1201 --op thread)
check_eq "5.10: a thread that failed: pid_max confirmed" "pid_max system confirmed" "$(first "$j")"
check "5.10: the thread's stack limits are candidates too" \
	jq -e '[.causes[].id] | index("rlimit_as") and index("map_count") and index("rlimit_data")' <<<"$j"

# cgroup v1 (6.18): a pids cgroup at its max, a namespace whose init died
j=$(ex -r "$FX/6.18-cgroup-v1/root" --pid 25518 "java.lang.OutOfMemoryError: unable to create native thread")
check_eq "6.18 v1: Java's thread failure: the cgroup's pids.max confirmed" "cgroup_pids cgroup:/hr-fixture-app confirmed" "$(first "$j")"
check_eq "6.18 v1: Java means a thread and EAGAIN" "thread EAGAIN" "$(jq -r '"\(.operation) \(.errno)"' <<<"$j")"
check "6.18 v1: the fix is given" jq -e '.causes[0].fix.now | test("pids.max")' <<<"$j"
j=$(ex -r "$FX/6.18-cgroup-v1/root" --pid 25644 "sh: 1: Cannot fork")
check_eq "6.18 v1: dash's fork failure in a dead namespace" "pidns_init pidns:4026532179 confirmed" "$(first "$j")"
j=$(ex -r "$FX/6.18-cgroup-v1/root" --user 48001 "BlockingIOError: [Errno 11] Resource temporarily unavailable")
check_eq "6.18 v1: Python's EAGAIN for a user near RLIMIT_NPROC is likely" "user_nproc user:48001 likely" "$(first "$j")"

# --user by name: the root's own /etc/passwd (the fixture has root only)
j=$(ex -r "$FX/6.18-cgroup-v1/root" --user root "EAGAIN")
check_eq "--user by name: the uid from the root's /etc/passwd, the message's errno kept" "0 EAGAIN" \
	"$(jq -r '"\(.context.uid) \(.errno)"' <<<"$j")"
out=$("$HEADROOM" explain -r "$FX/6.18-cgroup-v1/root" --user nobody EAGAIN 2>&1)
check_eq "--user with a name the root's /etc/passwd lacks: exit 3" 3 "$?"
check "--user with a name the root's /etc/passwd lacks: said" grep -qF "no user 'nobody' in $FX/6.18-cgroup-v1/root/etc/passwd" <<<"$out"

# cgroup v2 (6.8): a docker container at pids.max and at its memory limit
cg=/system.slice/docker-3f1c6a0e5b7d4c2a9e8f1b0c3d5e7f9a1b2c3d4e5f60718293a4b5c6d7e8f901.scope
j=$(ex -r "$FX/6.8-cgroup-v2/root" --cgroup "$cg" "runtime/cgo: pthread_create failed: Resource temporarily unavailable")
check "6.8 v2: Go's thread failure: the container's pids.max and memory both confirmed" \
	jq -e --arg s "cgroup:$cg" '[.causes[] | select(.verdict == "confirmed") | .id + " " + .scope] | sort == (["cgroup_memory " + $s, "cgroup_pids " + $s] | sort)' <<<"$j"
check "6.8 v2: the docker fix" jq -e '[.causes[] | select(.id == "cgroup_pids") | .fix.now_commands[] | test("^docker update --pids-limit [0-9]+ [0-9a-f]{12}$")] | any' <<<"$j"
j=$(ex -r "$FX/6.8-cgroup-v2/root" --pid 1420 "Error: spawn ENOMEM")
check_eq "6.8 v2: Node's spawn ENOMEM in the container: its memory limit" "cgroup_memory cgroup:$cg confirmed" "$(first "$j")"

# container view (6.18): the container's own root cgroup at pids.max
j=$(ex -r "$FX/6.18-container/root" --pid 1 --errno EAGAIN --op fork)
check_eq "6.18 container: --errno and --op instead of a message" "cgroup_pids cgroup:/ confirmed" "$(first "$j")"

# a process with nothing wrong gets no confirmed cause, and exit status 0
j=$(ex -r "$FX/6.8-cgroup-v2/root" --pid 1 "fork: Resource temporarily unavailable")
rc=$?
check_eq "a healthy process: nothing confirmed or likely" 0 "$(jq '[.causes[] | select(.verdict == "confirmed" or .verdict == "likely")] | length' <<<"$j")"
check_eq "a healthy process: exit status 0" 0 "$rc"

# an errno no limit gives for that operation: no cause, said plainly, exit 0
out=$("$HEADROOM" explain -r "$FX/6.8-cgroup-v2/root" --pid 1 --op fork --errno EPERM)
check_eq "an errno no limit gives: exit 0" 0 "$?"
check "and it says so" grep -q '^No limit on this kernel gives that errno for that operation' <<<"$out"

# bad input: a clear message and exit status 3
"$HEADROOM" explain "nothing recognisable here" 2>"$tmp/err"
check_eq "an unrecognised message is refused with 3" 3 "$?"
check "and it says what to give" grep -q 'give --op fork|thread|alloc or --errno' "$tmp/err"
"$HEADROOM" explain --op spawn fork 2>"$tmp/err"
check_eq "a bad --op is refused with 3" 3 "$?"
"$HEADROOM" explain -r "$FX/6.18-container/root" EAGAIN 2>"$tmp/err"
check_eq "--root without a context is refused with 3" 3 "$?"
"$HEADROOM" explain --errno EWHAT --op fork 2>"$tmp/err"
check_eq "a bad --errno is refused with 3" 3 "$?"

# a line in another language, read through the root's message catalogs: a catalog made here (msgfmt),
# in the 3.10 tree, where ENOMEM from bash is pid exhaustion
if command -v msgfmt >/dev/null; then
	cp -a "$FX/3.10-rhel7/root" "$tmp/l10n"
	mkdir -p "$tmp/l10n/usr/share/locale/xx/LC_MESSAGES" "$tmp/l10n/usr/share/locale/yy/LC_MESSAGES"
	printf '%s\n' 'msgid ""' 'msgstr "Content-Type: text/plain; charset=UTF-8\n"' \
		'msgid "Cannot allocate memory"' 'msgstr "无法分配内存"' \
		'msgid "Resource temporarily unavailable"' 'msgstr "资源暂时不可用"' >"$tmp/xx.po"
	msgfmt -o "$tmp/l10n/usr/share/locale/xx/LC_MESSAGES/libc.mo" "$tmp/xx.po"
	# another language that reads less of the line
	printf '%s\n' 'msgid ""' 'msgstr "Content-Type: text/plain; charset=UTF-8\n"' \
		'msgid "Out of memory"' 'msgstr "分配内存"' >"$tmp/yy.po"
	msgfmt -o "$tmp/l10n/usr/share/locale/yy/LC_MESSAGES/libc.mo" "$tmp/yy.po"
	j=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG= ex -r "$tmp/l10n" --pid 1201 "-bash: fork: 无法分配内存")
	check_eq "a translated line: its operation, errno and program read through the catalog" "fork ENOMEM bash" \
		"$(jq -r '"\(.operation) \(.errno) \(.program)"' <<<"$j")"
	check_eq "its language is the catalog's that reads the most of it" xx "$(jq -r .message_language <<<"$j")"
	check_eq "its English" "-bash: fork: Cannot allocate memory" "$(jq -r .message_english <<<"$j")"
	check_eq "the message as given is kept" "-bash: fork: 无法分配内存" "$(jq -r .message <<<"$j")"
	check_eq "and the verdict is the English line's: pid_max confirmed first" "pid_max system confirmed" "$(first "$j")"
	out=$(LANG= "$HEADROOM" explain -r "$tmp/l10n" --pid 1201 "-bash: fork: 无法分配内存")
	check "the text says it once in English, with the language" grep -qxF \
		"The message says: -bash: fork: Cannot allocate memory (ENOMEM), translated from xx through its message catalogs." <<<"$out"
	# the user's language first, even where another reads as much
	cp "$tmp/l10n/usr/share/locale/xx/LC_MESSAGES/libc.mo" "$tmp/l10n/usr/share/locale/yy/LC_MESSAGES/libc.mo"
	j=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG=yy_ZZ.UTF-8 ex -r "$tmp/l10n" --pid 1201 "fork: 资源暂时不可用")
	check_eq "the user's language (LANG=yy_ZZ.UTF-8 gives yy) is tried first" "yy EAGAIN" \
		"$(jq -r '"\(.message_language) \(.errno)"' <<<"$j")"
	# escaping: what the line holds around the translation is echoed escaped
	out=$(LANG= "$HEADROOM" explain -r "$tmp/l10n" --pid 1201 $'-bash: fork: 无法分配内存 \e[31mred')
	check "a terminal escape in a translated line is not printed raw" test "$(grep -c $'\e\\[31m' <<<"$out")" = 0
	# an English line reads no catalog, and says nothing of a language
	j=$(ex -r "$tmp/l10n" --pid 1201 "-bash: fork: Cannot allocate memory")
	check_eq "an English line: no language, no English of it" "null null" "$(jq -r '"\(.message_language) \(.message_english)"' <<<"$j")"
	# no catalogs in the root: the line is read as given
	j=$(ex -r "$FX/3.10-rhel7/root" --pid 1201 "-bash: fork: 无法分配内存")
	check_eq "without catalogs: the operation still read, no errno, no language" "fork null null" \
		"$(jq -r '"\(.operation) \(.errno) \(.message_language)"' <<<"$j")"
	# no catalog of the line's language: it is named, with the package, and the line is still explained
	j=$(ex -r "$tmp/l10n" --pid 1201 "timeout: системный вызов fork завершился неудачно: Ресурс временно недоступен")
	check_eq "a Russian line with no Russian catalog: the word fork read, the language named with libc-l10n" \
		"fork ru false libc-l10n" \
		"$(jq -r '"\(.operation) \(.message_unread.language) \(.message_unread.catalog_installed) \(.message_unread.package)"' <<<"$j")"
	"$HEADROOM" explain -r "$tmp/l10n" --pid 1201 "app: Ресурс временно недоступен" >"$tmp/out" 2>"$tmp/err"
	check_eq "a line in another language that names nothing readable is explained, not refused with 3" 2 "$?"
	check "the text names the language and the package" grep -qF \
		"The message seems to be in Russian (ru), and no message catalog of that language is installed here: install libc-l10n" "$tmp/out"
	check "and says both a fork's and an allocation's causes are weighed" grep -qF \
		"the causes of a failed fork and of a failed allocation are weighed" "$tmp/out"
	check "a pasted line with language-independent errno words: (11)" test \
		"$(ex -r "$tmp/l10n" --pid 1201 "app: fork: 失败 (11)" | jq -r .errno)" = EAGAIN
	"$HEADROOM" explain -r "$tmp/l10n" --pid 1201 "hello world" 2>/dev/null >/dev/null
	check_eq "an English line that names nothing is still refused with 3" 3 "$?"
	j=$(ex -r "$tmp/l10n" --pid 1201 --op thread --errno EAGAIN "app: Ресурс временно недоступен")
	check_eq "--op and --errno override a line no catalog reads" "thread EAGAIN" "$(jq -r '"\(.operation) \(.errno)"' <<<"$j")"
	# a line in a legacy encoding: GB18030 read through the catalog, never echoed garbled
	printf -- '-bash: fork: \xce\xde\xb7\xa8\xb7\xd6\xc5\xe4\xc4\xda\xb4\xe6' >"$tmp/gb"
	j=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG= ex -r "$tmp/l10n" --pid 1201 "$(cat "$tmp/gb")")
	check_eq "a GB18030 line: its encoding, its UTF-8, and its English through the catalog" \
		"GB18030|-bash: fork: 无法分配内存|xx|fork ENOMEM" \
		"$(jq -r '"\(.message_encoding)|\(.message_utf8)|\(.message_language)|\(.operation) \(.errno)"' <<<"$j")"
	check "the JSON is valid UTF-8" iconv -f UTF-8 -t UTF-8 <<<"$j"
	out=$(LANG= "$HEADROOM" explain -r "$tmp/l10n" --pid 1201 "$(cat "$tmp/gb")")
	check "the text gives the line in UTF-8, with its encoding" grep -qxF \
		"The message is not UTF-8: read as GB18030, it says: -bash: fork: 无法分配内存" <<<"$out"
	check "and no byte of the legacy encoding is printed raw" iconv -f UTF-8 -t UTF-8 <<<"$out"
	j=$(ex -r "$tmp/l10n" --pid 1201 "$(printf 'fork: \xa1\xff\x80\xa1\xff\x80 x')")
	check_eq "a line no encoding converts: unknown, and no UTF-8 of it" "unknown null fork" \
		"$(jq -r '"\(.message_encoding) \(.message_utf8) \(.operation)"' <<<"$j")"
	"$HEADROOM" explain -r "$tmp/l10n" --pid 1201 "$(printf 'fork: \xa1\xff\x80\xa1\xff\x80 x')" >"$tmp/out"
	check "the text says so, and how to convert it" grep -qF "no legacy encoding its bytes fit converts it (iconv)" "$tmp/out"
	printf 'app: fork: %s' "$(echo 'Ресурс временно недоступен' | iconv -f UTF-8 -t KOI8-R)" >"$tmp/koi"
	j=$(ex -r "$tmp/l10n" --pid 1201 "$(cat "$tmp/koi")")
	check_eq "a KOI8-R line with no Russian catalog: its encoding and language" "KOI8-R ru fork" \
		"$(jq -r '"\(.message_encoding) \(.message_unread.language) \(.operation)"' <<<"$j")"
	# a malformed catalog is passed over
	head -c 100 "$tmp/l10n/usr/share/locale/xx/LC_MESSAGES/libc.mo" >"$tmp/l10n/usr/share/locale/yy/LC_MESSAGES/libc.mo"
	j=$(LANGUAGE= LC_ALL= LC_MESSAGES= LANG=yy ex -r "$tmp/l10n" --pid 1201 "-bash: fork: 无法分配内存")
	check_eq "a cut catalog is passed over for one that reads" "xx ENOMEM" "$(jq -r '"\(.message_language) \(.errno)"' <<<"$j")"
else
	skip "explain: a translated line" "msgfmt is not installed (apt-get install gettext)"
fi

# the machine's own catalogs (libc-l10n), as a user's line in their language
if [ -f /usr/share/locale/zh_CN/LC_MESSAGES/libc.mo ] && [ -f /usr/share/locale/ru/LC_MESSAGES/coreutils.mo ]; then
	j=$(LANG= ex -r / --pid $$ "-bash: fork: 无法分配内存")
	check_eq "zh_CN, the machine's catalogs: fork ENOMEM" "fork ENOMEM zh_CN" \
		"$(jq -r '"\(.operation) \(.errno) \(.message_language)"' <<<"$j")"
	j=$(LANG= ex -r / --pid $$ "timeout: системный вызов fork завершился неудачно: Ресурс временно недоступен")
	check_eq "ru, coreutils' and glibc's catalogs: timeout's fork EAGAIN" \
		"fork EAGAIN ru timeout: fork system call failed: Resource temporarily unavailable" \
		"$(jq -r '"\(.operation) \(.errno) \(.message_language) \(.message_english)"' <<<"$j")"
else
	skip "explain: the machine's catalogs" "libc-l10n or coreutils' catalogs are not installed"
fi
_run_cleanups
