#!/usr/bin/env bash
# Installs and starts the production services the test suite uses for real:
# PostgreSQL, Redis, Debian's Chromium (browser tests), poppler-utils (PDF pages to PNG),
# DejaVu Sans and WenQuanYi Micro Hei (the PDFs' fonts for what Helvetica cannot print, the
# latter for Chinese, Japanese and Korean).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
packages=(postgresql redis-server chromium chromium-driver poppler-utils gettext fonts-dejavu-core fonts-wqy-microhei)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PostgreSQL: start the packaged cluster and create the test role.
cluster_version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
cluster_name=$(pg_lsclusters -h | awk 'NR==1 {print $2}')
pg_ctlcluster "$cluster_version" "$cluster_name" start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
su postgres -c "psql -v ON_ERROR_STOP=1 -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'riskcabinet') THEN CREATE ROLE riskcabinet LOGIN SUPERUSER PASSWORD 'riskcabinet'; END IF; END \\\$\\\$;\""
su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname = 'riskcabinet'\" | grep -q 1 || createdb -O riskcabinet riskcabinet"

# Redis on its default port.
if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  redis-server --port 6379 --daemonize yes --save '' --appendonly no
fi
for _ in $(seq 1 30); do
  redis-cli -p 6379 ping >/dev/null 2>&1 && break
  sleep 0.5
done
