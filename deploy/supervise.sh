#!/usr/bin/env bash
# Keep a command running: start it again whenever it exits, whatever the cause (a crash,
# "database is locked", the kernel's out-of-memory killer), after SUPERVISE_DELAY seconds.
# SIGTERM or SIGINT stops the command and this loop. `make run` and deploy/recipe.sh run the
# task worker under it; with systemd, deploy/systemd/dangbo-worker.service (Restart=always)
# does the same. Usage: deploy/supervise.sh dangbo db_worker
set -u
delay=${SUPERVISE_DELAY:-2}
child=0

stop() {
  [ "$child" -gt 0 ] && kill -TERM "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT

while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  echo "$(date '+%Y-%m-%d %H:%M:%S') supervise: «$*» exited (status $status); restarting in ${delay}s" >&2
  sleep "$delay" &
  wait $!
done
