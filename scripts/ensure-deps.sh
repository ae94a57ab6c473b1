#!/bin/sh
# Installs what celedger needs on Debian/Ubuntu when run as root; otherwise says what to install.
# The system SQLite and ncursesw (headers and libraries), zlib (ZIPFoundation inflates .xlsx files with it),
# tmux for the real-terminal tests, the sqlite3 command-line shell for the benchmarks' baseline, and GNU time
# for their peak memory, the PostgreSQL server and libpq (the PostgreSQL ledger; the tests start a throwaway
# cluster). Also, when Python is there, openpyxl: the tests read celedger's .xlsx files with it
# (they skip that check without it, so a missing pip is no failure).
set -eu
missing=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in libsqlite3-dev libncursesw5-dev zlib1g-dev tmux sqlite3 time postgresql libpq-dev; do
  if command -v dpkg-query >/dev/null 2>&1; then
    have_pkg "$p" || missing="$missing $p"
  fi
done
if ! command -v swift >/dev/null 2>&1; then
  echo "celedger needs the Swift toolchain (6.1 or later) on PATH: https://www.swift.org/install/linux/" >&2
  exit 1
fi
ensure_openpyxl() {
  command -v python3 >/dev/null 2>&1 || return 0
  python3 -c "import openpyxl" >/dev/null 2>&1 && return 0
  echo "installing openpyxl (Python) for the xlsx interoperability tests" >&2
  python3 -m pip install --quiet openpyxl >/dev/null 2>&1 \
    || python3 -m pip install --quiet --break-system-packages openpyxl >/dev/null 2>&1 \
    || echo "could not install openpyxl; the tests that read xlsx files with it will be skipped" >&2
  return 0
}
if [ -z "$missing" ]; then
  ensure_openpyxl
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  # shellcheck disable=SC2086
  apt-get install -y -qq $missing >/dev/null
  ensure_openpyxl
else
  echo "celedger needs these packages; install them first:" >&2
  echo "  sudo apt-get install$missing" >&2
  exit 1
fi
