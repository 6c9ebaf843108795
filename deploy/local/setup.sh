#!/usr/bin/env bash
# Idempotent setup of a fresh Debian machine (run as root) or an existing checkout:
#   - Node.js >= 20.19 must be present (it is not installed here: Debian's nodejs is too old);
#   - installs pnpm 9 when missing, then the workspace with the frozen lockfile;
#   - makes sure NATS with JetStream (127.0.0.1:4222) and Redis (127.0.0.1:6379) are listening,
#     installing nats-server / redis-server with apt-get and starting them when they are not.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[setup] %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo 0)
if [ "$node_ok" != 1 ]; then
  echo "Node.js >= 20.19 is required (found: $(node -v 2>/dev/null || echo none))." >&2
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1; then
  log "installing pnpm 9"
  npm install -g pnpm@9 >/dev/null
fi

log "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile --reporter=append-only | tail -n 3

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "$1 is not listening and installing it needs root (apt-get install $1)." >&2
    exit 1
  fi
  if ! dpkg -s "$1" >/dev/null 2>&1; then
    if [ "$apt_updated" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
    log "apt-get install $1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  fi
}

wait_port() {
  for _ in $(seq 1 50); do listening 127.0.0.1 "$1" && return 0; sleep 0.2; done
  echo "nothing listens on 127.0.0.1:$1 after starting $2" >&2
  exit 1
}

if listening 127.0.0.1 4222; then
  log "NATS already listening on 127.0.0.1:4222"
else
  apt_install nats-server
  mkdir -p /var/lib/nats-server
  log "starting nats-server with JetStream"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222 nats-server
fi

if listening 127.0.0.1 6379; then
  log "Redis already listening on 127.0.0.1:6379"
else
  apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis
  log "starting redis-server"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir /var/lib/redis \
    --appendonly yes --logfile /var/log/redis/zkseq.log
  wait_port 6379 redis-server
fi
log "ready"
