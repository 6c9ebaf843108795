#!/usr/bin/env bash
# Runs Debian's Prometheus against the local devnet (pnpm devnet, fixed ports): UI and API on
# http://127.0.0.1:9090, data in .devnet/prometheus. Installs the package when missing (root).
# Grafana is not packaged by Debian: use `docker compose -f deploy/docker/compose.yaml --profile
# observability up` for it, or import deploy/observability/grafana/dashboards/zkseq.json into any
# Grafana with this Prometheus as data source.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "prometheus is not installed (apt-get install prometheus needs root)" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
  # The package starts a system-wide instance on :9090; this script runs its own.
  systemctl stop prometheus 2>/dev/null || service prometheus stop 2>/dev/null || true
fi
mkdir -p .devnet/prometheus
exec prometheus \
  --config.file=deploy/observability/prometheus/devnet.yml \
  --storage.tsdb.path=.devnet/prometheus \
  --storage.tsdb.retention.time=2d \
  --web.listen-address=127.0.0.1:9090 "$@"
