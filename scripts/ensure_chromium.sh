#!/usr/bin/env bash
# Installs Debian's Chromium and a font for the browser tests, when missing.
# Playwright cannot download its own browsers on this network, so tests use /usr/bin/chromium.
set -euo pipefail
. "$(dirname "$0")/_apt.sh"
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi dejavu; then
  exit 0
fi
apt_install ensure_chromium chromium fonts-dejavu-core fontconfig \
  || echo "ensure_chromium: browser tests will be skipped until /usr/bin/chromium exists" >&2
