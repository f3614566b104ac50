#!/usr/bin/env bash
# One measured run of docs/performance.md (issue 21): seed a fresh database,
# serve it, drive it with efileload (append, e-file and the mix at 32
# clients; e-file and the mix at 8), each phase with the server's CPU time
# (and MariaDB's, when mariadbd runs here) per request, then the HTTP and
# storage ceilings in their own invocation, then verify the chain offline.
#
#   go build -o /tmp/efile ./cmd/efile && go build -o /tmp/efileload ./cmd/efileload
#   scripts/loadrun.sh /tmp/efile sqlite OUTDIR        # or mysql (database t_perf_load, dropped first)
#
# Environment: DUR (phase length, default 10s), CADRES and RECORDS (seed
# size, default 2000 and 50), EFILELOAD (default /tmp/efileload),
# MYSQL_DSN (default root@tcp(127.0.0.1:3306)/t_perf_load?parseTime=true).
# SEEDED=FILE (SQLite: a seeded database file, copied into OUTDIR) or
# SEEDED=1 (MySQL: the database as it is) runs on data seeded once, at city
# scale (issue 21: CADRES=100000 RECORDS=100, seeded by one run with
# SEEDED unset, or by `efile seed` itself), instead of seeding afresh.
set -u
BIN=$1 ENG=$2 OUT=$3
D=${DUR:-10s} LOAD=${EFILELOAD:-/tmp/efileload} PORT=18471
rm -rf "$OUT" && mkdir -p "$OUT"
export EFILE_ADMIN_PASSWORD='perf-admin-password-1' EFILE_JWT_SECRET='perf-jwt-secret-0123456789abcdefghijklmnop'
export EFILE_DATA_KEY='AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' EFILE_ADDR=127.0.0.1:$PORT EFILE_RATE_LOGIN=100000
SEEDED=${SEEDED:-}
if [ "$ENG" = sqlite ]; then
  export EFILE_DB_DRIVER=sqlite EFILE_DB_DSN=$OUT/efile.db
  [ -n "$SEEDED" ] && { cp "$SEEDED" "$OUT/efile.db" || exit 1; }
else
  [ -z "$SEEDED" ] && mysql -uroot -h127.0.0.1 --protocol=tcp -e 'drop database if exists t_perf_load; create database t_perf_load'
  export EFILE_DB_DRIVER=mysql EFILE_DB_DSN=${MYSQL_DSN:-'root@tcp(127.0.0.1:3306)/t_perf_load?parseTime=true'}
fi
if [ -z "$SEEDED" ]; then
  "$BIN" seed --cadres "${CADRES:-2000}" --records-per-cadre "${RECORDS:-50}" --cycles 3 --seed 7 >"$OUT/seed.log" 2>&1 || { echo seed failed; exit 1; }
fi
if curl -s -o /dev/null 127.0.0.1:$PORT/healthz; then echo "port $PORT busy"; exit 1; fi
"$BIN" serve >"$OUT/server.log" 2>&1 &
SPID=$!
MPID=$(pgrep -x mariadbd | head -1)
for _ in $(seq 50); do curl -s -o /dev/null 127.0.0.1:$PORT/healthz && break; sleep 0.2; done
kill -0 $SPID || { echo "server did not start"; cat "$OUT/server.log"; exit 1; }
cpu() { if [ -n "$1" ]; then awk '{print $14+$15}' /proc/$1/stat; else echo 0; fi; }
PW=efileload-password-1
USERS=(-url http://127.0.0.1:$PORT -reviewer efl-rev:$PW -evaluator efl-eval:$PW -auditor efl-aud:$PW)
# The load's users, made once per database (a seeded one may have them).
"$LOAD" -url http://127.0.0.1:$PORT -setup admin:$EFILE_ADMIN_PASSWORD -c 1 -n 1 -d 1s -http-ceiling=false -mix efile=100 >"$OUT/setup.txt" 2>&1
phase() { # clients mix
  local s0 m0 s1 m1
  s0=$(cpu $SPID) m0=$(cpu "$MPID")
  echo "== c$1 $2 $(uptime)"
  "$LOAD" "${USERS[@]}" -c "$1" -d "$D" -mix "$2" -http-ceiling=false >"$OUT/phase.txt" 2>&1
  s1=$(cpu $SPID) m1=$(cpu "$MPID")
  cat "$OUT/phase.txt"
  echo "server_cpu_ticks $((s1 - s0)) db_cpu_ticks $((m1 - m0)) requests $(awk '/^phase/{print $3; exit}' "$OUT/phase.txt")"
}
{
  phase 32 append=100
  phase 32 efile=100
  phase 32 efile=40,list=30,append=20,vet=10
  phase 8 efile=100
  phase 8 efile=40,list=30,append=20,vet=10
  echo "== ceilings c32 $(uptime)"
  "$LOAD" "${USERS[@]}" -c 32 -d "$D" -mix efile=100 -db-driver "$ENG" -db-dsn "$EFILE_DB_DSN"
  echo "== ceilings c8 $(uptime)"
  "$LOAD" "${USERS[@]}" -c 8 -d "$D" -mix efile=100
  echo "== end $(uptime)"
  grep VmHWM /proc/$SPID/status
} >"$OUT/load.txt" 2>&1
kill $SPID
wait $SPID
"$BIN" audit verify >>"$OUT/load.txt" 2>&1
echo "verify rc=$?" >>"$OUT/load.txt"
cat "$OUT/load.txt"
