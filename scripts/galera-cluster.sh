#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on 127.0.0.1 for efile's integration test
# (test/galera) and for trying the replicated deployment by hand.
#
#   scripts/galera-cluster.sh start [N]   start the nodes not running (or node N); the first
#                                          node of a new cluster is bootstrapped
#   scripts/galera-cluster.sh stop [N]    stop the nodes this script started (or node N)
#   scripts/galera-cluster.sh kill N      SIGKILL node N (the test's node failure)
#   scripts/galera-cluster.sh status      each node's state, and the DSNs
#   scripts/galera-cluster.sh dsns        the three DSNs, comma-separated (EFILE_TEST_GALERA)
#
# Everything lives under $EFILE_GALERA_DIR (default ${TMPDIR:-/tmp}/efile-galera-$UID):
# node1..3/{data,my.cnf,mariadbd.pid,error.log}. The script starts nothing but
# the three mariadbd processes and stops only those, by the pids it recorded.
# Ports (all on 127.0.0.1), from $EFILE_GALERA_PORT (default 13306):
#   SQL 13306..13308, group communication 14567..14569, IST 14667..14669, SST 14767..14769.
# Needs Debian's galera-4, mariadb-server and rsync; installs them with apt-get
# when missing and running as root.
set -euo pipefail

DIR="${EFILE_GALERA_DIR:-${TMPDIR:-/tmp}/efile-galera-$(id -u)}"
BASE="${EFILE_GALERA_PORT:-13306}"
NODES=(1 2 3)
PROVIDER=/usr/lib/galera/libgalera_smm.so
# As root the nodes run as mysql (the rsync daemon of a state transfer,
# started as root, would drop to nobody and could not write the data dir).
RUNUSER="$(id -un)"
if [ "$(id -u)" = 0 ]; then RUNUSER=mysql; fi

sqlport() { echo $((BASE + $1 - 1)); }
gport() { echo $((BASE + 1261 + $1 - 1)); }  # 13306 -> 14567
istport() { echo $((BASE + 1361 + $1 - 1)); }
sstport() { echo $((BASE + 1461 + $1 - 1)); }

# Provider options, chosen so that a node that dies is evicted within about
# 1.5 s, and the survivors' writes, which wait for the evicted node until
# then, stall under 3 s (the defaults, suspect 5 s and consensus 30 s, gave
# 6.2 s). On a LAN between data centres keep these above the worst network
# hiccup, or a slow link evicts healthy nodes. See docs/deployment.md.
#   evs.keepalive_period     how often a node that has nothing to send says it is alive
#   evs.inactive_check_period how often peers are checked for silence
#   evs.suspect_timeout      silence after which a peer is suspected (evicted when all agree)
#   evs.inactive_timeout     silence after which a peer is dropped whatever the others say
#   evs.install_timeout      how long a membership change may take to install
#   (Galera 4 has no evs.consensus_timeout: install_timeout bounds the agreement)
#   gmcast.peer_timeout      a peer connection's inactivity limit
#   pc.wait_prim             a (re)starting node waits this long for the primary component
#   gcache.size              the writesets kept for a rejoining node (IST rather than a full copy)
PROVIDER_OPTIONS="evs.keepalive_period=PT0.2S;evs.inactive_check_period=PT0.2S;evs.suspect_timeout=PT1S;evs.inactive_timeout=PT1.5S;evs.install_timeout=PT1.5S;evs.join_retrans_period=PT0.2S;gmcast.peer_timeout=PT2S;pc.wait_prim=true;pc.wait_prim_timeout=PT30S;gcache.size=256M"

log() { echo "galera-cluster: $*" >&2; }

need_packages() {
  if [ -x /usr/sbin/mariadbd ] && [ -f "$PROVIDER" ] && command -v rsync >/dev/null; then return; fi
  if [ "$(id -u)" != 0 ]; then
    log "needs galera-4, mariadb-server and rsync (apt-get install galera-4 mariadb-server rsync)"; exit 1
  fi
  log "installing galera-4 mariadb-server rsync"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q galera-4 mariadb-server rsync >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q galera-4 mariadb-server rsync >/dev/null; }
}

address() {
  local a="" n
  for n in "${NODES[@]}"; do a="$a${a:+,}127.0.0.1:$(gport "$n")"; done
  echo "gcomm://$a"
}

write_cnf() {
  local n=$1 d="$DIR/node$1" donor
  # A rejoining node prefers a donor other than node 1, so that the node the
  # first replica uses is not the one busy sending state (a trailing comma
  # lets any node serve when the preferred one cannot).
  if [ "$n" = 3 ]; then donor="node2,"; else donor="node3,"; fi
  cat >"$d/my.cnf" <<CNF
[mariadbd]
datadir=$d/data
socket=$d/mariadbd.sock
pid-file=$d/mariadbd.pid
log-error=$d/error.log
bind-address=127.0.0.1
port=$(sqlport "$n")
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_buffer_pool_size=64M
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=2
max_connections=300
# Galera: row-based replication, interleaved auto-increment locks.
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=efile_test
wsrep_cluster_address=$(address)
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(gport "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(gport "$n");ist.recv_addr=127.0.0.1:$(istport "$n");$PROVIDER_OPTIONS"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sstport "$n")
wsrep_sst_donor=$donor
# A read waits until this node has applied every write committed anywhere
# before it, so a change made through one replica holds on another's next request.
wsrep_sync_wait=1
wsrep_slave_threads=4
CNF
}

pidof_node() {
  local f="$DIR/node$1/mariadbd.pid"
  [ -s "$f" ] || return 1
  local p; p=$(cat "$f")
  # Only a mariadbd whose command line names this node's config is ours.
  if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q -- "--defaults-file=$DIR/node$1/my.cnf"; then
    echo "$p"; return 0
  fi
  return 1
}

ping_node() {
  mariadb-admin --no-defaults -uroot -h127.0.0.1 --protocol=tcp -P"$(sqlport "$1")" --connect-timeout=2 ping >/dev/null 2>&1
}

wsrep_state() {
  mariadb --no-defaults -uroot -h127.0.0.1 --protocol=tcp -P"$(sqlport "$1")" --connect-timeout=2 -N -B \
    -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT'" 2>/dev/null || echo down
}

any_running() {
  local n
  for n in "${NODES[@]}"; do pidof_node "$n" >/dev/null && return 0; done
  return 1
}

start_node() {
  local n=$1 d="$DIR/node$1" extra=()
  if pidof_node "$n" >/dev/null; then log "node$n already running"; return; fi
  mkdir -p "$d"
  write_cnf "$n"
  [ "$RUNUSER" = "$(id -un)" ] || chown -R "$RUNUSER" "$d"
  local fresh=0
  if [ ! -d "$d/data/mysql" ]; then
    fresh=1
    mariadb-install-db --defaults-file="$d/my.cnf" --user="$RUNUSER" --auth-root-authentication-method=normal \
      --skip-test-db --wsrep-on=OFF >"$d/install.log" 2>&1 || { cat "$d/install.log" >&2; exit 1; }
  fi
  if ! any_running; then
    # No node runs: this one starts a new cluster. After a full stop, the
    # node with the most recent state must be the one bootstrapped; stop
    # always stops node 1 last, so it is.
    extra+=(--wsrep-new-cluster)
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$d/data/grastate.dat" 2>/dev/null || true
  elif [ "$fresh" = 0 ] && grep -q '^seqno: *-1' "$d/data/grastate.dat" 2>/dev/null; then
    # Killed: recover the position InnoDB reached so that the node rejoins
    # by IST (the writesets it missed) rather than a full copy that would
    # block its donor.
    mariadbd --defaults-file="$d/my.cnf" --user="$RUNUSER" --wsrep-recover --log-error="$d/recover.log" >/dev/null 2>&1 || true
    local pos; pos=$(sed -n 's/.*WSREP: Recovered position: *//p' "$d/recover.log" | tail -1)
    [ -n "$pos" ] && extra+=(--wsrep-start-position="$pos")
  fi
  mariadbd --defaults-file="$d/my.cnf" --user="$RUNUSER" "${extra[@]}" >>"$d/stdout.log" 2>&1 &
  local pid=$!
  # The pid file is mariadbd's own; wait for it and for the node to be synced.
  local i
  for i in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then log "node$n exited; see $d/error.log"; tail -20 "$d/error.log" >&2; exit 1; fi
    if ping_node "$n" && [ "$(wsrep_state "$n")" = Synced ]; then break; fi
    sleep 0.1
  done
  if [ "$(wsrep_state "$n")" != Synced ]; then log "node$n did not sync within 60 s; see $d/error.log"; exit 1; fi
  log "node$n synced on 127.0.0.1:$(sqlport "$n") (pid $pid)"
}

stop_node() {
  local n=$1 p
  p=$(pidof_node "$n") || { log "node$n not running"; return 0; }
  kill -TERM "$p"
  local i
  for i in $(seq 1 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then log "node$n did not stop in 60 s; killing it"; kill -KILL "$p"; fi
  rm -f "$DIR/node$n/mariadbd.pid"
  log "node$n stopped"
}

dsns() {
  local a="" n
  for n in "${NODES[@]}"; do a="$a${a:+,}root@tcp(127.0.0.1:$(sqlport "$n"))/"; done
  echo "$a"
}

cmd="${1:-}"
node="${2:-}"
if [ -n "$node" ] && [[ ! "$node" =~ ^[123]$ ]]; then log "the node is 1, 2 or 3, not $node"; exit 2; fi
case "$cmd" in
  start)
    need_packages
    mkdir -p "$DIR"
    # The nodes' user must reach its data under DIR (mktemp -d makes it 0700).
    [ "$RUNUSER" = "$(id -un)" ] || chown "$RUNUSER" "$DIR"
    t0=$(date +%s%N)
    if [ -n "$node" ]; then start_node "$node"; else for n in "${NODES[@]}"; do start_node "$n"; done; fi
    log "started in $(( ($(date +%s%N) - t0) / 1000000 )) ms; EFILE_TEST_GALERA=$(dsns)"
    ;;
  stop)
    if [ -n "$node" ]; then stop_node "$node"; else stop_node 3; stop_node 2; stop_node 1; fi
    ;;
  kill)
    [ -n "$node" ] || { log "usage: $0 kill N"; exit 2; }
    p=$(pidof_node "$node") || { log "node$node not running"; exit 1; }
    kill -KILL "$p"
    log "node$node (pid $p) killed"
    ;;
  status)
    for n in "${NODES[@]}"; do
      if p=$(pidof_node "$n"); then echo "node$n pid $p port $(sqlport "$n") $(wsrep_state "$n")"; else echo "node$n down"; fi
    done
    echo "EFILE_TEST_GALERA=$(dsns)"
    ;;
  dsns) dsns ;;
  *) echo "usage: $0 start [N] | stop [N] | kill N | status | dsns   (dir: $DIR)" >&2; exit 2 ;;
esac
