#!/usr/bin/env bash
# Installs Debian's Chromium and a font for the browser tests, when missing.
# Playwright cannot download its own browsers on this network, so tests use /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi dejavu; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "ensure_chromium: /usr/bin/chromium is missing and this user cannot apt-get install it;" >&2
  echo "  browser tests will be skipped. Install it with: sudo apt-get install -y chromium fonts-dejavu-core" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure_chromium: no apt-get here; install Chromium yourself at /usr/bin/chromium or browser tests are skipped" >&2
  exit 0
fi
echo "ensure_chromium: installing Debian chromium and fonts-dejavu-core (once)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fontconfig >/dev/null
