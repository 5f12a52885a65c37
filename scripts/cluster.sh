#!/usr/bin/env bash
# Starts or stops a local three-node cluster from config/node{1,2,3}.toml:
# client ports 6379-6381, Raft ports 7379-7381, data and logs under ./data/nodeN.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SESHAT_BIN:-build/seshat}

start() {
  mkdir -p data
  for n in 1 2 3; do
    if [ -f "data/node$n.pid" ] && kill -0 "$(cat "data/node$n.pid")" 2>/dev/null; then
      echo "node $n already running (pid $(cat "data/node$n.pid"))"
      continue
    fi
    mkdir -p "data/node$n"
    nohup "$BIN" --config "config/node$n.toml" >"data/node$n.log" 2>&1 &
    echo $! >"data/node$n.pid"
  done
  # Wait until every node answers, a leader is elected and node 1 sees every peer (bounded).
  for _ in $(seq 1 100); do
    ready=0
    for port in 6379 6380 6381; do
      if redis-cli -p "$port" PING 2>/dev/null | grep -q PONG; then ready=$((ready + 1)); fi
    done
    if [ "$ready" -eq 3 ] && redis-cli -p 6379 CLUSTER INFO 2>/dev/null | grep -q "cluster_state:ok" &&
      ! redis-cli -p 6379 CLUSTER NODES 2>/dev/null | grep -q disconnected; then
      break
    fi
    sleep 0.1
  done
  redis-cli -p 6379 CLUSTER NODES 2>/dev/null || true
  cat <<'TXT'
Seshat cluster running: clients on 127.0.0.1:6379, :6380, :6381 (logs in data/nodeN.log).
  redis-cli -c -p 6379          # follows MOVED to the leader
  redis-cli -p 6380 INFO raft   # term, leader, commit and applied index
  make cluster-stop
TXT
}

stop() {
  for n in 1 2 3; do
    if [ -f "data/node$n.pid" ]; then
      pid=$(cat "data/node$n.pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
      rm -f "data/node$n.pid"
    fi
  done
  echo "Seshat cluster stopped."
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
