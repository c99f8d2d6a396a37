#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when missing and we may (root, or sudo without a
# password); otherwise say how. With CI=true a missing browser is an error, not a skip.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
install() { DEBIAN_FRONTEND=noninteractive "$@" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "$@" apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
if [ "$(id -u)" = "0" ]; then
  echo "Installing Chromium for the browser tests (apt-get)..."
  install env
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "Installing Chromium for the browser tests (sudo apt-get)..."
  install sudo env
else
  echo "Chromium is not installed and cannot be installed without root: browser tests will be skipped." >&2
  echo "Install it with: sudo apt-get install chromium" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
fi
