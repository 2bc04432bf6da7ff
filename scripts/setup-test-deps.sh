#!/usr/bin/env bash
# Installs the system packages Loupe's test suite drives for real:
#   nginx (nginx collector), chromium (browser tests), collectd (Graphite peer),
#   prometheus (promtool + scrape test), influxdb-client (the `influx` CLI writing line protocol).
# Called by `npm test`. Installs with apt-get when running as root; otherwise says what is missing.
set -euo pipefail

# package -> a command it provides
declare -A NEED=(
  [nginx]=/usr/sbin/nginx
  [chromium]=/usr/bin/chromium
  [collectd]=/usr/sbin/collectd
  [prometheus]=/usr/bin/promtool
  [influxdb-client]=/usr/bin/influx
  [prometheus-alertmanager]=/usr/bin/prometheus-alertmanager
)

missing=()
for pkg in "${!NEED[@]}"; do
  [ -x "${NEED[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-test-deps: missing system packages: ${missing[*]}" >&2
  echo "setup-test-deps: install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "setup-test-deps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their services here: the tests run their own instances on loopback.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
fi
cleanup() { [ "$created_policy" = 1 ] && rm -f "$policy"; return 0; }
trap cleanup EXIT

apt-get update -qq >&2 || apt-get update >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

for pkg in "${missing[@]}"; do
  if [ ! -x "${NEED[$pkg]}" ]; then
    echo "setup-test-deps: $pkg installed but ${NEED[$pkg]} is not there" >&2
    exit 1
  fi
done
# Stop anything the packages started anyway (no init system here, but be sure).
pkill -x nginx 2>/dev/null || true
pkill -x collectd 2>/dev/null || true
pkill -x prometheus 2>/dev/null || true
exit 0
