#!/usr/bin/env bash
# Schemathesis (every check: its default, fixed seed, bounded examples) against the sandbox, for every spec. SCP requests are
# signed by hooks.py; the accepted exceptions, each with its reason, are in schemathesis.toml. Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=.ci/schemathesis
port=${SANDBOX_PORT:-18189}
# Arguments are passed on to every `st run` (e.g. `--checks all`); ST_SEED replaces the fixed seed.
extra=("$@")
cargo build --quiet --locked -p cloud-apis-sandbox
"${CARGO_TARGET_DIR:-target}/debug/cloud-apis-sandbox" "$port" > "$here/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "sandbox running" "$here/sandbox.log" && break; sleep 0.1; done

run() {
  local spec=$1 url=$2; shift 2
  echo "-- schemathesis: $spec"
  st --config-file "$here/schemathesis.toml" run "specs/$spec" --url "$url" \
    --seed "${ST_SEED:-20261122}" --generation-database none --max-examples "${ST_MAX_EXAMPLES:-25}" --workers 1 \
    --phases examples,coverage,fuzzing --no-color --output-truncate true "$@" ${extra[@]+"${extra[@]}"}
}

status=0
run panther.json "http://127.0.0.1:$port" -H "X-API-Key: sandbox-panther-token" || status=1
run cloudcraft.json "http://127.0.0.1:$((port + 1))" \
  -H "Authorization: Bearer c2FuZGJveC1jbG91ZGNyYWZ0LWFwaS1rZXktMDAwMDA=" || status=1
# Every Cloud Control version the specs describe (the sandbox serves each by its `Scp-Api-Version`).
for spec in specs/scp-cloudcontrol-v*.json; do
  SCP_ACCESS_KEY=sandbox-access-key SCP_SECRET_KEY=sandbox-secret-key SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$here" \
    run "$(basename "$spec")" "http://127.0.0.1:$((port + 2))" || status=1
done
exit $status
