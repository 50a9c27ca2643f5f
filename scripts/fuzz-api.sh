#!/usr/bin/env bash
# Fuzzes intake's HTTP API from its own OpenAPI document with schemathesis (PyPI): thousands of generated requests,
# valid and not, against a real intake on a loopback port. Fails on any 5xx, or if intake is not alive afterwards.
# Usage: scripts/fuzz-api.sh BIN_DIR   (FUZZ_EXAMPLES, FUZZ_SEED to change the run)
set -euo pipefail
bin="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.build/fuzz-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "fuzz: installing schemathesis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis>=4,<5"
fi
work="$(mktemp -d /tmp/duban-fuzz.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
zmq="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ingress="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin/duban" keygen --dir "$work/keys" >/dev/null
key="$("$bin/intake" keys create --name fuzz --scope submit --scope read --scope feedback --scope approve --scope dispatch \
  --scope meetings --scope bureau:hrss --data-dir "$work/intake" --keys-dir "$work/keys")"
"$bin/intake" --http-port "$port" --identity-bcrypt-cost 4 --data-dir "$work/intake" --keys-dir "$work/keys" --routing-config-dir "$root/deploy/config" \
  --events-bind "tcp://127.0.0.1:$zmq" --ingress-bind "tcp://127.0.0.1:$ingress" --log-level warning >"$work/intake.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
echo "fuzz: schemathesis against intake on :$port"
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $key" \
  --checks not_a_server_error --max-examples "${FUZZ_EXAMPLES:-60}" --seed "${FUZZ_SEED:-20261128}" \
  --request-timeout 10 --no-color 2>&1 | tail -n 25
status=${PIPESTATUS[0]}
# Again as a signed-in person (a supervisor: reads all, dispatches), with a session token instead of a key.
temporary="$("$bin/intake" accounts create --login fuzz.supervisor --name 模糊测试 --role supervisor --data-dir "$work/intake" \
  --keys-dir "$work/keys" | awk '/temporary password:/ {print $3}')"
token="$(python3 - "$port" "$temporary" <<'PY'
import json, sys, urllib.request
port, temporary = sys.argv[1:3]
def post(path, body, token=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", json.dumps(body).encode(), headers)
    return json.load(urllib.request.urlopen(request))["token"]
first = post("/v1/sessions", {"login": "fuzz.supervisor", "password": temporary})
print(post("/v1/sessions/password", {"current": temporary, "new": "Fuzz-session-2026!"}, first))
PY
)"
echo "fuzz: schemathesis again with a supervisor's session token"
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $token" \
  --checks not_a_server_error --max-examples "${FUZZ_PERSON_EXAMPLES:-20}" --seed "${FUZZ_SEED:-20261128}" \
  --request-timeout 10 --no-color 2>&1 | tail -n 12
person_status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && status=$person_status
if ! curl -fs "http://127.0.0.1:$port/health" >/dev/null; then
  echo "fuzz: intake is not alive after the run; its log:" >&2; tail -n 40 "$work/intake.log" >&2; exit 1
fi
exit "$status"
