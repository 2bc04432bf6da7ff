#!/usr/bin/env bash
# Installs Loupe from this checkout as a systemd service (README.md, "Run as a service"):
#   - a `loupe` system user and group;
#   - /etc/loupe/loupe.ini from config.example.ini with [paths] data = /var/lib/loupe (an existing one is kept);
#   - /var/lib/loupe (owner loupe, mode 0750);
#   - the app under /opt/loupe: a copy of the built tree (bin/, dist/, migrations/, package.json) and of the
#     production node_modules of this checkout (no registry access, no native rebuild: install with the
#     node this checkout was built with), plus /usr/local/bin/loupe;
#   - the hardened unit deploy/loupe.service as /etc/systemd/system/loupe.service;
#   - then, where systemd is PID 1, enables and (re)starts it; elsewhere prints how to start Loupe.
# Idempotent: run it again after `git pull` to upgrade (the app is replaced, config and data are kept).
#
# Usage: sudo scripts/install.sh [--no-start] [--no-build]
#        sudo scripts/install.sh --uninstall [--purge]
#   --no-start   install and enable, do not (re)start
#   --no-build   copy dist/ as it is (default: `npm run build` when dist/ is missing or older than src/ or web/)
#   --uninstall  remove the unit, the app and /usr/local/bin/loupe; keep /etc/loupe and /var/lib/loupe
#   --purge      with --uninstall: also remove /etc/loupe, /var/lib/loupe (THE DATA) and the loupe user
# DESTDIR=/some/root installs into that folder instead of / (for tests and packaging): no user is
# created, no ownership changed and nothing started; what would have been done is listed in
# $DESTDIR/.loupe-install-actions.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DESTDIR="${DESTDIR:-}"
APP=/opt/loupe
ETC=/etc/loupe
DATA=/var/lib/loupe
UNIT=/etc/systemd/system/loupe.service
LINK=/usr/local/bin/loupe
USER_NAME=loupe

mode=install
start=1
build=auto
purge=0
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    --no-build) build=no ;;
    --uninstall) mode=uninstall ;;
    --purge) purge=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$purge" = 1 ] && [ "$mode" != uninstall ]; then
  echo "install.sh: --purge goes with --uninstall" >&2
  exit 2
fi

say() { echo "loupe install: $*"; }
die() { echo "loupe install: $*" >&2; exit 1; }

if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root: sudo $0 $*"
fi
case "$DESTDIR" in ""|/*) ;; *) DESTDIR="$(pwd)/$DESTDIR" ;; esac
ROOT="${DESTDIR%/}"
ACTIONS="$ROOT/.loupe-install-actions"

# Runs a command that changes the system outside the files (users, ownership, systemctl); with DESTDIR
# it is only written down.
act() {
  if [ -n "$DESTDIR" ]; then
    mkdir -p "$ROOT"
    printf '%s\n' "$*" >> "$ACTIONS"
  else
    "$@"
  fi
}

systemd_running() { [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; }

uninstall() {
  # never stops a running Loupe itself (it did not start it): the operator stops it first
  if systemd_running && systemctl is-active --quiet loupe.service; then
    echo "install.sh: loupe.service is running; stop and disable it first (systemctl disable --now loupe), then run --uninstall again" >&2
    exit 1
  fi
  systemd_running && { systemctl disable loupe.service 2>/dev/null || true; }
  rm -f "$ROOT$UNIT" "$ROOT$LINK"
  systemd_running && systemctl daemon-reload
  rm -rf "$ROOT$APP" "$ROOT$APP.new" "$ROOT$APP.old"
  say "removed the unit, $APP and $LINK"
  if [ "$purge" = 1 ]; then
    rm -rf "$ROOT$ETC" "$ROOT$DATA"
    if [ -z "$DESTDIR" ] && getent passwd "$USER_NAME" >/dev/null; then userdel "$USER_NAME" || true; fi
    [ -n "$DESTDIR" ] && act userdel "$USER_NAME"
    say "purged $ETC, $DATA and the $USER_NAME user"
  else
    say "kept $ETC (configuration) and $DATA (data); --uninstall --purge removes them"
  fi
}

ensure_user() {
  if [ -n "$DESTDIR" ]; then
    act useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
  elif ! getent passwd "$USER_NAME" >/dev/null; then
    useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
    say "created system user $USER_NAME"
  fi
}

install_config() {
  install -d -m 0755 "$ROOT$ETC"
  local ini="$ROOT$ETC/loupe.ini"
  if [ -e "$ini" ]; then
    say "kept the existing $ETC/loupe.ini"
  else
    # the example with every option commented out, but the data dir set
    sed "s|^;data = .*|data = $DATA|" "$SRC/config.example.ini" > "$ini.tmp"
    grep -q "^data = $DATA\$" "$ini.tmp" || die "config.example.ini has no ';data = ' line under [paths] to set"
    chmod 0640 "$ini.tmp"
    mv "$ini.tmp" "$ini"
    say "wrote $ETC/loupe.ini ([paths] data = $DATA; everything else at its default)"
  fi
  # readable by the service, not by everyone (it may hold secrets)
  act chown "root:$USER_NAME" "$ETC/loupe.ini"
}

install_data_dir() {
  install -d -m 0750 "$ROOT$DATA"
  chmod 0750 "$ROOT$DATA"
  act chown "$USER_NAME:$USER_NAME" "$DATA"
}

build_if_needed() {
  [ "$build" = no ] && { [ -f "$SRC/dist/entry.js" ] || die "--no-build but $SRC/dist/entry.js is missing"; return 0; }
  if [ ! -f "$SRC/dist/entry.js" ] || [ -n "$(find "$SRC/src" "$SRC/web" "$SRC/package.json" -newer "$SRC/dist/entry.js" -type f -print -quit)" ]; then
    say "building (npm run build)"
    (cd "$SRC" && npm run build >&2)
  fi
}

install_app() {
  command -v node >/dev/null || die "node is not on PATH (Loupe needs Node.js 20 or newer)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js $major found; Loupe needs 20 or newer"
  [ -d "$SRC/node_modules" ] || die "no node_modules in $SRC: run npm ci there first"
  build_if_needed
  local new="$ROOT$APP.new"
  rm -rf "$new"
  install -d -m 0755 "$new"
  cp -a "$SRC/bin" "$SRC/dist" "$SRC/migrations" "$SRC/package.json" "$SRC/package-lock.json" "$SRC/config.example.ini" "$SRC/README.md" "$new/"
  [ -f "$SRC/CHANGELOG.md" ] && cp -a "$SRC/CHANGELOG.md" "$new/"
  # the production dependencies only, as npm resolved them in this checkout (npm ls exits 1 on an
  # extraneous package; what matters is checked just below)
  local deps
  deps="$(cd "$SRC" && npm ls --omit=dev --all --parseable 2>/dev/null || true)"
  while read -r dep; do
    case "$dep" in "$SRC"/node_modules/*) ;; *) continue ;; esac
    rel="${dep#"$SRC"/}"
    mkdir -p "$new/$(dirname "$rel")"
    cp -a "$dep" "$new/$rel"
  done <<< "$deps"
  [ -d "$new/node_modules/better-sqlite3" ] || die "production dependencies missing in $SRC (npm ls --omit=dev found no better-sqlite3)"
  chmod -R u+rwX,go+rX,go-w "$new"
  rm -rf "$ROOT$APP.old"
  [ -e "$ROOT$APP" ] && mv "$ROOT$APP" "$ROOT$APP.old"
  mv "$new" "$ROOT$APP"
  rm -rf "$ROOT$APP.old"
  install -d -m 0755 "$ROOT$(dirname "$LINK")"
  ln -sfn "$APP/bin/loupe.js" "$ROOT$LINK"
  say "installed $(node -p "require('$ROOT$APP/package.json').version") in $APP (command: $LINK)"
}

install_unit() {
  local node
  node="$(readlink -f "$(command -v node)")"
  install -d -m 0755 "$ROOT$(dirname "$UNIT")"
  sed "s|^ExecStart=/usr/bin/node |ExecStart=$node |" "$SRC/deploy/loupe.service" > "$ROOT$UNIT.tmp"
  chmod 0644 "$ROOT$UNIT.tmp"
  mv "$ROOT$UNIT.tmp" "$ROOT$UNIT"
  say "wrote $UNIT (ExecStart with $node)"
}

start_service() {
  if [ -n "$DESTDIR" ]; then
    act systemctl daemon-reload
    if [ "$start" = 1 ]; then act systemctl enable --now loupe.service; else act systemctl enable loupe.service; fi
    return 0
  fi
  if systemd_running; then
    systemctl daemon-reload
    if [ "$start" = 1 ]; then
      # a Loupe already running (an upgrade) is left running: the operator chooses when it restarts
      if systemctl is-active --quiet loupe.service; then
        systemctl enable loupe.service >/dev/null
        say "loupe.service was already running and still runs the old version: restart it when convenient (systemctl try-restart loupe)"
      else
        systemctl enable --now loupe.service >/dev/null
        say "started: systemctl status loupe; logs: journalctl -u loupe -f"
      fi
    else
      systemctl enable loupe.service >/dev/null
      say "enabled, not started (--no-start): systemctl start loupe"
    fi
  else
    say "systemd is not running here (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown)): start Loupe with"
    say "  sudo -u $USER_NAME $(readlink -f "$(command -v node)") $APP/bin/loupe.js run --config $ETC/loupe.ini"
  fi
}

if [ "$mode" = uninstall ]; then
  uninstall
  exit 0
fi
[ -n "$DESTDIR" ] && rm -f "$ACTIONS"
ensure_user
install_config
install_data_dir
install_app
install_unit
start_service
say "done. Configure in $ETC/loupe.ini; back up with: sudo -u $USER_NAME loupe backup $DATA/backups/manual.tar --config $ETC/loupe.ini"
