#!/usr/bin/env bash
# Installs the system packages Loupe's test suite drives for real:
#   nginx (nginx collector), chromium (browser tests), collectd (Graphite peer),
#   prometheus (promtool + scrape test, remote_write into Loupe), influxdb-client (the `influx` CLI writing line protocol),
#   influxdb 1.6 (forwarding target, `loupe import influx`), python3-whisper (whisper files for `loupe import whisper`),
#   slapd + ldap-utils + openssl (LDAP login, StartTLS and OIDC-over-HTTPS certificates), mariadb-server, postgresql, redis-server (service collectors), smartmontools.
# Called by `npm test`. Installs with apt-get when running as root; otherwise says what is missing.
set -euo pipefail

# package -> a command it provides
declare -A NEED=(
  [nginx]=/usr/sbin/nginx
  [chromium]=/usr/bin/chromium
  [collectd]=/usr/sbin/collectd
  [prometheus]=/usr/bin/promtool
  [influxdb-client]=/usr/bin/influx
  [graphite-carbon]=/usr/bin/carbon-cache
  [graphite-web]=/usr/bin/graphite-manage
  [faketime]=/usr/bin/faketime
  [prometheus-alertmanager]=/usr/bin/prometheus-alertmanager
  [victoria-metrics]=/usr/bin/victoria-metrics
  [influxdb]=/usr/bin/influxd
  [python3-whisper]=/usr/bin/whisper-create
  [systemd]=/usr/bin/systemd-analyze
  [slapd]=/usr/sbin/slapd
  [ldap-utils]=/usr/bin/ldapadd
  [openssl]=/usr/bin/openssl
  [mariadb-server]=/usr/sbin/mariadbd
  [postgresql]=/usr/lib/postgresql/15/bin/postgres
  [redis-server]=/usr/bin/redis-server
  [smartmontools]=/usr/sbin/smartctl
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
# Packages must not start their services: the tests run their own instances on loopback, and this
# script never stops, signals or reconfigures a process it did not start (nothing is stopped by name
# or through the init system).
# invoke-rc.d asks /usr/sbin/policy-rc.d; exit 101 means "action forbidden". An existing policy
# (the host's own) is left exactly as it is; only the one written here is removed afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=0
marker="written by loupe scripts/setup-test-deps.sh"
cleanup() {
  # only ours, and only if it is still ours
  if [ "$created_policy" = 1 ] && grep -qF "$marker" "$policy" 2>/dev/null; then rm -f "$policy"; fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ ! -e "$policy" ] && [ ! -L "$policy" ]; then
  # noclobber: if another process creates it between the test and here, ours fails and theirs stays.
  if (set -o noclobber; printf '#!/bin/sh\n# %s, removed when it ends\nexit 101\n' "$marker" > "$policy") 2>/dev/null; then
    chmod +x "$policy"
    created_policy=1
  fi
fi
if [ "$created_policy" = 0 ]; then
  echo "setup-test-deps: keeping the existing $policy (services may start if it allows them; nothing is stopped here)" >&2
fi

apt-get update -qq >&2 || apt-get update >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

for pkg in "${missing[@]}"; do
  if [ ! -x "${NEED[$pkg]}" ]; then
    echo "setup-test-deps: $pkg installed but ${NEED[$pkg]} is not there" >&2
    exit 1
  fi
done
exit 0
