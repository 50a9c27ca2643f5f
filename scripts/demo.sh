#!/usr/bin/env bash
# Feeds a handful of realistic problems into a running stack and shows where they went.
set -euo pipefail
intake="${INTAKE_URL:-http://127.0.0.1:8080}"
reporting="${REPORTING_URL:-http://127.0.0.1:8083}"
cases="$(dirname "$0")/../deploy/demo/cases.jsonl"
python3 - "$intake" "$reporting" "$cases" <<'PY'
import json, sys, time, urllib.request
intake, reporting, path = sys.argv[1:4]
ids = []
for line in open(path, encoding="utf-8"):
    case = json.loads(line)
    body = json.dumps({k: case[k] for k in ("title", "description", "channel", "enterprise") if case.get(k)}).encode()
    req = urllib.request.Request(f"{intake}/v1/cases", body, {"Content-Type": "application/json"})
    ids.append(json.load(urllib.request.urlopen(req))["id"])
time.sleep(1)
for case_id in ids:
    view = json.load(urllib.request.urlopen(f"{reporting}/v1/cases/{case_id}"))
    print(f"{case_id}  {view['status']:9} {view.get('bureauName') or '-':14} {view.get('deadline') or '-':22} {view.get('title')}")
print(json.dumps(json.load(urllib.request.urlopen(f"{reporting}/v1/stats")), ensure_ascii=False))
PY
