#!/usr/bin/env bash
# Installs and starts what the test suite needs from Debian when the machine lacks it:
# Chromium (Playwright drives /usr/bin/chromium), Japanese fonts, and a PostgreSQL server on
# 127.0.0.1:5432 with trust auth and a database named `test`.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || packages+=(fonts-noto-cjk)
if ! port_open && ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  packages+=(postgresql)
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "installing from Debian: ${packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${packages[@]}" >/dev/null
fi

if ! port_open; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  if ! as_root grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do port_open && break; sleep 1; done
  port_open || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null
fi
echo "system dependencies ready: chromium, fonts-noto-cjk, PostgreSQL on 127.0.0.1:5432"
