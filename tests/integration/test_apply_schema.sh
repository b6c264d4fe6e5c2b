#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The lab file's published schema (docs/fabric.schema.json) and fabricctl
# agree: python3-jsonschema (over python3-yaml) accepts every example in
# contrib/labs and the output of `fabricctl export`, and rejects each bad
# file below; fabricctl refuses the same bad files (applied for real, not
# dry-run) with exit 2 and "FILE:LINE:COLUMN: message" at the right line,
# and the host is unchanged (no link, namespace, record or pin of the fabric).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
python3 -c 'import jsonschema, yaml' 2>/dev/null || skip "needs python3-jsonschema and python3-yaml"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCHEMA=$ROOT/docs/fabric.schema.json
F=$(fab_name)
cleanup_fabric "$F"

# validate FILE: 0 when the schema accepts it.
validate() {
	python3 - "$SCHEMA" "$1" <<'PY'
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
doc = yaml.safe_load(open(sys.argv[2]))
errs = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for e in errs:
    print(f"{sys.argv[2]}: {list(e.absolute_path)}: {e.message}", file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

for f in "$ROOT"/contrib/labs/*; do
	validate "$f" || fail "the schema rejects the example $f"
	fab apply "$f" --dry-run
	# lab.yaml asks for delay, which a kernel without netem refuses (located, exit 1).
	[[ $FAB_RC -eq 0 || ($FAB_RC -eq 1 && $FAB_ERR == *"no netem"*) ]] ||
		fail "fabricctl refuses the example $f: $FAB_ERR"
done

# A real fabric's export is valid too.
cat >"$TEST_TMP/ok.yaml" <<EOF
fabric: $F
subnet: 10.220.41.0/24
groups:
  - name: a
    nodes: [${F}a, {name: ${F}b, ip: 10.220.41.77}]
    impair: {rate: 10mbit}
EOF
validate "$TEST_TMP/ok.yaml" || fail "the schema rejects a good file"
fab_ok apply "$TEST_TMP/ok.yaml"
fab_ok export "$F"
printf '%s\n' "$FAB_OUT" >"$TEST_TMP/export.yaml"
validate "$TEST_TMP/export.yaml" || fail "the schema rejects fabricctl's export"
fab_ok destroy "$F"

# What the host has of this test's fabric (others work on this host at the same time).
snapshot() {
	leftovers "$F"
	ip -j link show | jq -c --arg f "$F" '[.[] | .ifname | select(startswith($f))]'
}
wait_no_leftovers "$F" || fail "fabric $F not gone after destroy"
before=$(snapshot)
[[ $before == "[]" ]] || fail "fabric $F not gone after destroy: $before"

# bad LINE 'YAML' : each refused by the schema and by fabricctl at LINE.
n=0
bad() {
	local line=$1 text=$2 file
	n=$((n + 1))
	file=$TEST_TMP/bad$n.yaml
	printf '%s\n' "$text" >"$file"
	validate "$file" 2>/dev/null && fail "the schema accepts bad file $n: $text"
	fab_rc 2 apply "$file"
	fab_err_line
	assert_match "$FAB_ERR" "^fabricctl: apply( $F)?: ${file//./\\.}:$line:[0-9]+: " "error of bad file $n"
	log "bad $n: ${FAB_ERR#fabricctl: apply*: }"
}
bad 2 "fabric: $F
subnett: 10.220.41.0/24"
bad 2 "fabric: $F
mtu: \"1500\""
bad 4 "fabric: $F
groups:
  - name: a
    impair: {delay: 20ms, color: red}"
bad 3 "fabric: $F
groups:
  - {name: a, impair: {rate: 20}}"
bad 3 "fabric: $F
groups:
  - {name: a, nodes: {count: 3, name: edge}}"
bad 3 "fabric: $F
groups:
  - {name: a, nodes: [-web]}"
bad 1 "fabric: waytoolongname"
bad 3 "fabric: $F
groups:
  - {name: a, nodes: web1}"
bad 2 "fabric: $F
groups: {name: a}"
bad 1 "subnet: 10.220.41.0/24"
bad 3 "fabric: $F
groups:
  - {name: a, nodes: [{name: x1, ip: 10.220.41}]}"
bad 2 "fabric: $F
cell-size: 100"
bad 2 "fabric: $F
tune: 3"
bad 3 "fabric: $F
groups:
  - {name: a, impair: {loss: 0.5}}"
bad 3 "fabric: $F
groups:
  - {name: a, nodes: [{name: x1, address: 10.220.41.5}]}"
bad 1 "[fabric, $F]"
# Beyond the schema: fabricctl alone sees these.
printf 'fabric: %s\ngroups:\n  - {name: a, nodes: [x1]}\n  - {name: b, nodes: [x2, x1]}\n' "$F" >"$TEST_TMP/dup.yaml"
fab_rc 2 apply "$TEST_TMP/dup.yaml"
assert_contains "$FAB_ERR" "dup.yaml:4:27: node \"x1\" given twice (first at line 3)" "a node named twice"
printf 'fabric: %s\ngroups:\n  - {name: a, impair: {jitter: 2ms}}\n' "$F" >"$TEST_TMP/jit.yaml"
fab_rc 2 apply "$TEST_TMP/jit.yaml"
assert_contains "$FAB_ERR" "jit.yaml:3:23: " "jitter without delay"

assert_eq "$(snapshot)" "$before" "host after the refused files"
[[ ! -e /var/lib/fabricctl/$F.yaml ]] || fail "a saved lab was left by destroy"
exit 0
