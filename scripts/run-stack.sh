#!/usr/bin/env bash
# Starts the four services on this machine with data under ./var, and stops them all on Ctrl-C.
set -euo pipefail
bin="$1"
mkdir -p var/log
pids=()
stop() {
  echo; echo "Stopping Duban..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM
for service in reporting escalation routing intake; do
  "$bin/$service" --data-dir "var/$service" --keys-dir deploy/keys >"var/log/$service.log" 2>&1 &
  pids+=($!)
done
for port in 8080 8081 8082 8083; do
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
done
cat <<MSG
Duban is running (logs in var/log/, data in var/):
  intake      http://127.0.0.1:8080   POST /v1/cases
  routing     http://127.0.0.1:8081   GET /health
  escalation  http://127.0.0.1:8082   GET /health
  reporting   http://127.0.0.1:8083   GET /v1/cases/{id}, GET /v1/stats
Try: make demo     Stop: Ctrl-C
MSG
wait "${pids[@]}"
