#!/usr/bin/env bash
# Property-based tests of the REST API from its own OpenAPI document (schemathesis): every
# operation with generated valid and invalid requests, as the system administrator. A reply must
# conform to the document, never be a 5xx, and refuse what the document says is invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
SIPAS=${SIPAS:-$PWD/.build/debug/sipas}
command -v schemathesis >/dev/null || { echo "schemathesis is missing: pip install schemathesis (.ci/run does)" >&2; exit 1; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && exec "$SIPAS" serve --demo --port "$port" >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 1 120); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "$base/healthz" >/dev/null || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
password=$(sed -n 's/.*public static let password = "\(.*\)"/\1/p' Sources/SIPASApp/Setup/DemoData.swift)
token=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# Signing out would end the token the run uses: that operation is tested by the Swift suites.
schemathesis --no-color --config-file Tests/API/schemathesis.toml run "$base/api/v1/openapi.json" \
  --checks all -H "Authorization: Bearer $token" --exclude-path /api/v1/auth/logout \
  --max-examples "${FUZZ_EXAMPLES:-30}" -w 1 --seed "${FUZZ_SEED:-20261202}"
