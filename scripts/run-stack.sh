#!/usr/bin/env bash
# Starts the four services on this machine with data under ./var, and stops them all on Ctrl-C (or when one fails).
set -uo pipefail
bin="$1"
mkdir -p var/log
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping Duban..."
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  echo "Stopped."
}
# Ctrl-C or SIGTERM: stop everything and end here, without the "which service stopped" report below.
trap 'stop; exit 130' INT TERM
trap stop EXIT
# A key for local use (make demo, curl): submitting needs one. Made once; only its hash is stored in intake.
if [ ! -s var/local.key ]; then
  "$bin/intake" keys create --name local --scope submit --scope read --scope feedback --data-dir var/intake --keys-dir deploy/keys \
    > var/local.key || { echo "could not create the local API key" >&2; exit 1; }
fi
# The first administrator of a new deployment: made once, its password and one-time-code set-up printed here once.
"$bin/intake" accounts bootstrap --if-none --data-dir var/intake --keys-dir deploy/keys \
  || { echo "could not create the first administrator" >&2; exit 1; }
for service in reporting escalation routing intake; do
  "$bin/$service" --data-dir "var/$service" --keys-dir deploy/keys >"var/log/$service.log" 2>&1 &
  pids+=($!)
done
for port in 8080 8081 8082 8083; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
done
cat <<MSG
Duban is running (logs in var/log/, data in var/):
  intake      http://127.0.0.1:8080   POST /v1/cases, POST /v1/cases/{id}/updates
  routing     http://127.0.0.1:8081   POST /v1/routing/preview
  escalation  http://127.0.0.1:8082   GET /v1/notices   (ZeroMQ PUB tcp://127.0.0.1:5580, replay tcp://127.0.0.1:5581)
  reporting   http://127.0.0.1:8083   GET /v1/cases/{id}, GET /v1/cases, GET /v1/stats
  dashboard   http://127.0.0.1:8083/  sign in; each role lands on its own page (public results need no sign-in)
People: the first administrator (printed above on the first run) creates accounts; or on this host, e.g.
  .build/debug/intake accounts create --login zhou.sup --name 周督办 --role supervisor --data-dir var/intake
API key for local use (submit, read, feedback) in var/local.key:
  curl -fsS -H "Authorization: Bearer \$(cat var/local.key)" http://127.0.0.1:8080/v1/keys/self
Try: make demo     Stop: Ctrl-C
MSG
# If any service exits, say which and stop the rest.
wait -n "${pids[@]}"
status=$?
for service in reporting escalation routing intake; do
  tail -n 3 "var/log/$service.log" | grep -q -E "^[^ ]+ (error|critical) " && { echo "$service stopped:"; tail -n 3 "var/log/$service.log"; }
done
exit $status
