#!/usr/bin/env bash
# Feeds a handful of realistic problems into a running stack and shows where they went.
set -euo pipefail
intake="${INTAKE_URL:-http://127.0.0.1:8080}"
reporting="${REPORTING_URL:-http://127.0.0.1:8083}"
cases="$(dirname "$0")/../deploy/demo/cases.jsonl"
key="${DUBAN_API_KEY:-$(cat "$(dirname "$0")/../var/local.key" 2>/dev/null)}"
[ -n "$key" ] || { echo "no API key: start the stack with make run (it writes var/local.key) or set DUBAN_API_KEY" >&2; exit 1; }
python3 - "$intake" "$reporting" "$cases" "$key" <<'PY'
import json, sys, time, urllib.request
intake, reporting, path, key = sys.argv[1:5]
ids = []
auth = {"Authorization": f"Bearer {key}"}  # reporting answers only a session or a key with the read scope
for line in open(path, encoding="utf-8"):
    case = json.loads(line)
    body = json.dumps({k: case[k] for k in ("title", "description", "channel", "enterprise") if case.get(k)}).encode()
    req = urllib.request.Request(f"{intake}/v1/cases", body, {"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    ids.append(json.load(urllib.request.urlopen(req))["id"])
time.sleep(1)
for case_id in ids:
    view = json.load(urllib.request.urlopen(urllib.request.Request(f"{reporting}/v1/cases/{case_id}", headers=auth)))
    print(f"{case_id}  {view['status']:9} {view.get('bureauName') or '-':14} {view.get('deadline') or '-':22} {view.get('title')}")
print(json.dumps(json.load(urllib.request.urlopen(urllib.request.Request(f"{reporting}/v1/stats", headers=auth))), ensure_ascii=False))
PY
