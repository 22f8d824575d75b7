#!/usr/bin/env bash
# contrib/: the alerting rules pass promtool and their own unit tests, the dashboard is valid JSON with valid
# PromQL, every metric the rules, their tests and the dashboard name is one headroom serves, the DaemonSet and
# the systemd unit are well formed. The last checks break copies of the files to show that the checks can fail.
. "$(dirname "$0")/lib.sh"
CONTRIB=$(cd "$TESTS_DIR/../contrib" && pwd)
RULES=$CONTRIB/prometheus/headroom-alerts.yml
RULES_TEST=$CONTRIB/prometheus/headroom-alerts.test.yml
DASHBOARD=$CONTRIB/grafana/headroom-dashboard.json
DAEMONSET=$CONTRIB/kubernetes/headroom-daemonset.yaml
UNIT=$CONTRIB/systemd/headroom-watch.service
TMP=$(mktemp -d)
on_exit "rm -rf '$TMP'"

mapfile -t METRICS < <(man_metrics)
check "the man page documents metrics (${#METRICS[@]})" test "${#METRICS[@]}" -gt 30

# check_none NAME PROBLEMS: ok when PROBLEMS (one a line) is empty, else not ok listing them on one line.
check_none() {
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$(tr '\n' ';' <<<"$2" | sed 's/;$//; s/;/; /g')"; fi
}

# unknown_metrics FILE...: the headroom_* names in the files that are not in METRICS, one a line.
unknown_metrics() {
	grep -ohE 'headroom_[a-z_]+' "$@" | sort -u | grep -vxF -f <(printf '%s\n' "${METRICS[@]}")
}

have_yaml() { python3 -c 'import yaml' 2>/dev/null; }
have_promtool() { command -v promtool >/dev/null 2>&1; }

# dashboard_exprs FILE: its PromQL (every "expr", wherever it is, and the variables' queries), one a line.
dashboard_exprs() {
	jq -r '(.. | objects | select(has("expr")) | .expr), (.templating.list[] | .query | objects | .query)' "$1"
}

# dashboard_as_rules FILE OUT: writes the dashboard's expressions as recording rules (Grafana's variables
# replaced by values), so that promtool check rules parses them.
dashboard_as_rules() {
	{
		printf 'groups:\n  - name: dashboard\n    rules:\n'
		dashboard_exprs "$1" | grep -v '^label_values(' |
			sed 's/\$__rate_interval/5m/g; s/\$instance/.+/g' |
			jq -R -r -n '[inputs] | to_entries[] | "      - record: dashboard:expr_\(.key)\n        expr: \(.value | tojson)"'
	} >"$2"
}

# --- the metric names
check_none "the rules name only metrics headroom serves" "$(unknown_metrics "$RULES")"
check_none "the rules' unit tests feed only metrics headroom serves" "$(unknown_metrics "$RULES_TEST")"
check_none "the dashboard names only metrics headroom serves" "$(unknown_metrics "$DASHBOARD")"
if [ -x "$HEADROOM" ]; then
	out=$("$HEADROOM" --metrics -r "$TESTS_DIR/fixtures/6.8-cgroup-v2/root" 2>/dev/null)
	check_none "the list of metrics holds every family headroom --metrics prints" \
		"$(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' <<<"$out" | grep -vxF -f <(printf '%s\n' "${METRICS[@]}"))"
else
	skip "the list of metrics holds every family headroom --metrics prints" "$HEADROOM is not built"
fi

# --- Prometheus rules
if have_promtool; then
	check "promtool check rules accepts the alerting rules" promtool check rules "$RULES"
	check "promtool test rules passes the rules' unit tests" promtool test rules "$RULES_TEST"
else
	skip "promtool checks of the rules" "promtool is not installed (Debian: prometheus)"
fi
if have_yaml; then
	problems=$(python3 - "$RULES" "$RULES_TEST" <<'EOF'
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))
tests = yaml.safe_load(open(sys.argv[2]))
fired = set()
for t in tests["tests"]:
    for a in t.get("alert_rule_test", []):
        if a.get("exp_alerts"):
            fired.add(a["alertname"])
for g in rules["groups"]:
    for r in g["rules"]:
        name = r.get("alert")
        if not name:
            continue
        if r.get("labels", {}).get("severity") not in ("warning", "critical"):
            print(f"{name}: severity is not warning or critical")
        for k in ("summary", "description", "runbook"):
            if not r.get("annotations", {}).get(k):
                print(f"{name}: no {k} annotation")
        if name not in fired:
            print(f"{name}: no unit test sees it fire")
EOF
	)
	check_none "every alert has a severity, summary, description and runbook, and a test that fires it" "$problems"
else
	skip "every alert has a severity, annotations and a firing test" "python3-yaml is not installed"
fi

# --- Grafana dashboard
if need_jq; then
	check "the dashboard is valid JSON" jq -e . "$DASHBOARD"
	check "the dashboard has a schemaVersion, a title and a uid" \
		jq -e '(.schemaVersion | type == "number") and (.title | length > 0) and (.uid | length > 0)' "$DASHBOARD"
	check "its data source is the variable DS_PROMETHEUS, and it has an instance variable" \
		jq -e '([.templating.list[] | select(.name == "DS_PROMETHEUS" and .type == "datasource")] | length == 1) and
			([.templating.list[] | select(.name == "instance")] | length == 1)' "$DASHBOARD"
	check_none "every panel with a query uses \${DS_PROMETHEUS}" \
		"$(jq -r '.panels[] | select(.targets) | select(.datasource.uid != "${DS_PROMETHEUS}" or
			any(.targets[]; .datasource.uid != "${DS_PROMETHEUS}")) | .title' "$DASHBOARD")"
	check_none "panel ids are unique" "$(jq -r '.panels[].id' "$DASHBOARD" | sort | uniq -d)"
	n=$(dashboard_exprs "$DASHBOARD" | grep -vc '^label_values(')
	check "the dashboard's queries are found ($n)" test "$n" -ge 30
	check_none "every query is limited to \$instance" \
		"$(dashboard_exprs "$DASHBOARD" | grep -v '^label_values(' | grep -vF '$instance')"
	check_none "the panels fit the 24-column grid" \
		"$(jq -r '.panels[] | select(.gridPos.x + .gridPos.w > 24) | .title' "$DASHBOARD")"
	if have_promtool; then
		dashboard_as_rules "$DASHBOARD" "$TMP/dashboard-rules.yml"
		check "promtool parses every query of the dashboard" \
			grep -qx "  SUCCESS: $n rules found" <(promtool check rules "$TMP/dashboard-rules.yml" 2>&1)
	fi
else
	skip "the dashboard checks" "jq is not installed"
fi

# --- Kubernetes DaemonSet
if have_yaml; then
	problems=$(python3 - "$DAEMONSET" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = [d["kind"] for d in docs]
def need(cond, what):
    if not cond:
        print(what)
need("DaemonSet" in kinds, "no DaemonSet")
for d in docs:
    need(d["metadata"].get("namespace") == "monitoring", f"{d['kind']} is not in namespace monitoring")
ds = next(d for d in docs if d["kind"] == "DaemonSet")
need(ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items(),
     "the selector does not match the pod's labels")
pod = ds["spec"]["template"]["spec"]
ann = ds["spec"]["template"]["metadata"].get("annotations", {})
need(pod.get("hostPID") is True, "no hostPID: true")
need({"operator": "Exists"} in pod.get("tolerations", []), "does not tolerate every taint")
(c,) = pod["containers"]
argv = c.get("command", []) + c.get("args", [])
need(argv[:2] == ["/usr/local/bin/headroom", "watch"], f"does not run headroom watch: {argv}")
for a, b in (("--listen", "0.0.0.0:9966"), ("--root", "/host")):
    need(a in argv and argv[argv.index(a) + 1] == b, f"no {a} {b}")
sc = c["securityContext"]
need(sc.get("privileged") is False, "not privileged: false")
need(sc.get("readOnlyRootFilesystem") is True, "no readOnlyRootFilesystem")
need(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation is not false")
need(sc["capabilities"].get("drop") == ["ALL"], "does not drop ALL capabilities")
need(sorted(sc["capabilities"].get("add", [])) ==
     sorted(["SYS_RESOURCE", "IPC_LOCK", "SYSLOG", "DAC_READ_SEARCH", "SYS_PTRACE"]),
     f"capabilities added: {sc['capabilities'].get('add')}")
need(c["resources"]["limits"].get("memory") == "72Mi", "memory limit is not 72Mi")
need(c["resources"]["limits"].get("cpu") == "50m", "cpu limit is not 50m")
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
need(ports.get("metrics") == 9966, "no port metrics 9966")
need(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == "9966",
     "no prometheus.io scrape annotations for 9966")
lp = c.get("livenessProbe", {}).get("httpGet", {})
need(lp.get("path") == "/metrics" and lp.get("port") in ("metrics", 9966), "no liveness probe on /metrics")
vols = {v["name"]: v for v in pod["volumes"]}
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
for path, host, typ in (("/host/proc", "/proc", "Directory"), ("/host/sys", "/sys", "Directory"),
                        ("/dev/kmsg", "/dev/kmsg", "CharDevice")):
    m = mounts.get(path)
    need(m is not None and m.get("readOnly") is True, f"{path} is not mounted read-only")
    if m:
        hp = vols[m["name"]].get("hostPath", {})
        need(hp.get("path") == host and hp.get("type") == typ, f"{path} is not hostPath {host} ({typ})")
for m in c["volumeMounts"]:
    need(m["name"] in vols, f"mount of an undefined volume {m['name']}")
    if m["mountPath"] != "/var/lib/headroom":
        need(m.get("readOnly") is True, f"{m['mountPath']} is writable")
need("/var/lib/headroom" in mounts, "no state directory volume at /var/lib/headroom")
EOF
	)
	check_none "the DaemonSet parses and runs headroom watch as specified" "$problems"
else
	echo "note: python3-yaml is not installed: the DaemonSet gets a structural check with grep only"
	problems=""
	for re in '^kind: DaemonSet$' '^  namespace: monitoring$' 'hostPID: true' 'readOnlyRootFilesystem: true' \
		'privileged: false' 'drop: \["ALL"\]' 'add: \["SYS_RESOURCE", "IPC_LOCK", "SYSLOG", "DAC_READ_SEARCH", "SYS_PTRACE"\]' \
		'- --root$' '- /host$' 'type: CharDevice' 'memory: 72Mi' 'prometheus.io/scrape: "true"' 'livenessProbe:' \
		'- operator: Exists'; do
		grep -Eq -- "$re" "$DAEMONSET" || problems+="no line matching /$re/"$'\n'
	done
	grep -q $'\t' "$DAEMONSET" && problems+="tabs in YAML"$'\n'
	check_none "the DaemonSet has the required settings (grep)" "$problems"
fi

# --- systemd unit
check_eq "the unit has the sections [Unit], [Service], [Install] in order" "[Unit] [Service] [Install]" \
	"$(grep -E '^\[' "$UNIT" | tr '\n' ' ' | sed 's/ $//')"
check "ExecStart starts headroom watch from /usr/local/bin" \
	grep -Eq '^ExecStart=/usr/local/bin/headroom watch( |$)' "$UNIT"
check_eq "the capability bounding set is the five the daemon needs" \
	"CAP_DAC_READ_SEARCH CAP_IPC_LOCK CAP_SYSLOG CAP_SYS_PTRACE CAP_SYS_RESOURCE" \
	"$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
# The directives this unit uses, by section: a new one is reviewed here first (a typo is never silently ignored).
declare -A UNIT_KEYS=(
	[Unit]="Description Documentation After StartLimitIntervalSec"
	[Service]="Type ExecStart ExecReload Restart RestartSec CapabilityBoundingSet NoNewPrivileges OOMScoreAdjust
		LimitMEMLOCK TasksMax MemoryMax CPUQuota Nice ProtectSystem ProtectHome PrivateTmp PrivateMounts
		StateDirectory StateDirectoryMode ReadWritePaths ProtectKernelTunables ProtectControlGroups
		ProtectKernelModules DevicePolicy DeviceAllow ProtectClock ProtectHostname RestrictNamespaces
		RestrictRealtime RestrictSUIDSGID LockPersonality MemoryDenyWriteExecute RemoveIPC PrivateIPC
		RestrictAddressFamilies IPAddressDeny IPAddressAllow SystemCallArchitectures SystemCallFilter
		SystemCallErrorNumber"
	[Install]="WantedBy"
)
# unknown_unit_keys FILE: "Section: Key" for each directive not in UNIT_KEYS, one a line.
unknown_unit_keys() {
	awk '/^\[/ { s = substr($0, 2, length($0) - 2); next } /^[A-Za-z]/ { sub(/=.*/, ""); print s, $0 }' "$1" |
		while read -r section key; do
			[[ " $(tr -s '\t\n' '  ' <<<"${UNIT_KEYS[$section]:-}") " == *" $key "* ]] || echo "$section: $key"
		done
}
check_none "every directive of the unit is a known one" "$(unknown_unit_keys "$UNIT")"
check_none "no line of the unit is neither a section, a directive, a comment nor empty" \
	"$(grep -nvE '^(\[[A-Za-z]+\]|[A-Za-z]+=.*|#.*|)$' "$UNIT")"
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants the binary to exist: point ExecStart at this build (or any executable) in a copy
	exe=$HEADROOM
	[ -x "$exe" ] || exe=/bin/true
	sed "s#^ExecStart=/usr/local/bin/headroom#ExecStart=$exe#" "$UNIT" >"$TMP/headroom-watch.service"
	out=$(systemd-analyze verify --man=no "$TMP/headroom-watch.service" 2>&1)
	check_eq "systemd-analyze verify finds nothing to say about the unit" "" "$out"
else
	skip "systemd-analyze verify" "systemd-analyze is not installed"
fi

# --- the checks can fail: break copies and see them caught
mkdir -p "$TMP/broken"
sed 's/headroom_oom_kills_total/headroom_oom_kill_total/' "$RULES" >"$TMP/broken/rules.yml"
check "a misspelt metric in the rules is caught" test -n "$(unknown_metrics "$TMP/broken/rules.yml")"
if have_promtool; then
	sed 's/^\(        expr: headroom_limit_usage_ratio{id=~"pid_max|threads_max"} >= 0\.8\)$/\1 +/' "$RULES" \
		>"$TMP/broken/headroom-alerts.yml"
	check "(the broken copy differs)" bash -c '! cmp -s "$1" "$2"' _ "$RULES" "$TMP/broken/headroom-alerts.yml"
	check "promtool check rules rejects a broken expression" bash -c '! promtool check rules "$1" 2>&1' _ \
		"$TMP/broken/headroom-alerts.yml"
	# a threshold moved from 80% to 90%: the pid_max alert at 85% no longer fires, and its test fails
	sed 's/^\(        expr: headroom_limit_usage_ratio{id=~"pid_max|threads_max"} >= \)0\.8$/\10.9/' "$RULES" \
		>"$TMP/broken/headroom-alerts.yml"
	cp "$RULES_TEST" "$TMP/broken/"
	check "(the changed copy differs)" bash -c '! cmp -s "$1" "$2"' _ "$RULES" "$TMP/broken/headroom-alerts.yml"
	check "promtool test rules fails when a threshold changes" bash -c '! promtool test rules "$1" 2>&1' _ \
		"$TMP/broken/headroom-alerts.test.yml"
fi
if need_jq; then
	head -c -2 "$DASHBOARD" >"$TMP/broken/dashboard.json"
	check "truncated dashboard JSON is caught" bash -c '! jq -e . "$1" 2>&1' _ "$TMP/broken/dashboard.json"
fi
sed 's/^OOMScoreAdjust=/OOMScoreAdjst=/' "$UNIT" >"$TMP/broken/headroom-watch.service"
check "a misspelt directive in the unit is caught" \
	grep -qx 'Service: OOMScoreAdjst' <(unknown_unit_keys "$TMP/broken/headroom-watch.service")
