#!/usr/bin/env bash
# The production recipe on one machine, on loopback ports (docs/operations.md):
# a PostgreSQL 15 primary and a streaming replica, two gunicorn app nodes reading reports from
# the replica, one django-tasks worker; then smoke and fault checks (deploy/smoke.py).
# Usage: deploy/recipe.sh            (from the repository; takes 1–3 minutes)
#        KEEP=1 deploy/recipe.sh     (leave everything running; stop with deploy/recipe.sh stop)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WORK=${RECIPE_DIR:-/tmp/dangbo-recipe}
PRIMARY_PORT=${PRIMARY_PORT:-55432}
REPLICA_PORT=${REPLICA_PORT:-55433}
NODE_PORTS=(${NODE_PORTS:-18001 18002})
VENV=$ROOT/.venv/bin
PGUSER_OS=postgres   # initdb refuses root: the clusters run as the postgres account

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi
}

stop_all() {
  for pidfile in "$WORK"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  for cluster in replica primary; do
    [ -d "$WORK/$cluster" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/$cluster" -m fast -w stop >/dev/null 2>&1 || true
  done
}

if [ "${1:-}" = stop ]; then stop_all; exit 0; fi
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 binaries not found in $PGBIN"; exit 1; }
[ -x "$VENV/dangbo" ] || make install

stop_all
rm -rf "$WORK"
mkdir -p "$WORK"/run "$WORK"/data "$WORK"/log
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$WORK"
[ "${KEEP:-0}" = 1 ] || trap stop_all EXIT

echo "== PostgreSQL primary on 127.0.0.1:$PRIMARY_PORT"
as_pg "$PGBIN/initdb" -D "$WORK/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$WORK/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 5
hot_standby = on
CONF
echo "host replication postgres 127.0.0.1/32 trust" >>"$WORK/primary/pg_hba.conf"
as_pg "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres dangbo

echo "== streaming replica on 127.0.0.1:$REPLICA_PORT"
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream
sed -i "s/^port = $PRIMARY_PORT/port = $REPLICA_PORT/" "$WORK/replica/postgresql.conf"
as_pg "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null

export DANGBO_DATA_DIR=$WORK/data
export DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/dangbo
export DANGBO_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/dangbo
export DANGBO_REPLICA_CHECK_SECONDS=1
export DANGBO_SECRET_KEY=recipe-$(python3 -c "import secrets; print(secrets.token_urlsafe(48))")
export DANGBO_ALLOWED_HOSTS=127.0.0.1,localhost
export DANGBO_LOG_FORMAT=json
export DANGBO_LOG_LEVEL=INFO

echo "== schema, demo data, static files"
"$VENV/dangbo" migrate --noinput -v0
"$VENV/dangbo" seed_demo --size small -v0 >/dev/null
"$VENV/dangbo" collectstatic --noinput -v0

for port in "${NODE_PORTS[@]}"; do
  echo "== app node on 127.0.0.1:$port"
  mkdir -p "$WORK/run/metrics-$port"
  DANGBO_BIND=127.0.0.1:$port DANGBO_WORKERS=2 PROMETHEUS_MULTIPROC_DIR=$WORK/run/metrics-$port \
    "$VENV/gunicorn" -c deploy/gunicorn.conf.py dangbo.wsgi:application \
    --pid "$WORK/run/node-$port.pid" --daemon \
    --access-logfile "$WORK/log/node-$port.access.log" --error-logfile "$WORK/log/node-$port.log"
done
echo "== task worker (supervised: started again after any exit, as systemd Restart=always)"
deploy/supervise.sh "$VENV/dangbo" db_worker --no-reload >"$WORK/log/worker.log" 2>&1 &
echo $! >"$WORK/run/worker.pid"

for port in "${NODE_PORTS[@]}"; do
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
done

echo "== smoke and fault checks"
RECIPE_DIR=$WORK PGBIN=$PGBIN NODE_PORTS="${NODE_PORTS[*]}" REPLICA_PORT=$REPLICA_PORT \
  "$VENV/python" deploy/smoke.py
