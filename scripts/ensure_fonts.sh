#!/usr/bin/env bash
# Installs Debian's Noto fonts (Noto Sans Bengali) for the workshop PDF reports, when missing, and
# poppler-utils (pdftoppm) with which the tests render a report page to PNG. Runtime never downloads.
set -euo pipefail
. "$(dirname "$0")/_apt.sh"
if [ -f /usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf ] && command -v pdftoppm >/dev/null; then
  exit 0
fi
apt_install ensure_fonts fonts-noto-core poppler-utils \
  || echo "ensure_fonts: without Noto Sans Bengali, Bengali names print as U+FFFD in reports" >&2
