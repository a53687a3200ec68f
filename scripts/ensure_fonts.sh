#!/usr/bin/env bash
# Installs Debian's Noto fonts (Noto Sans Bengali) for the workshop PDF reports, when missing, and
# poppler-utils (pdftoppm) with which the tests render a report page to PNG. Runtime never downloads.
set -euo pipefail
have_font() { [ -f /usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf ]; }
if have_font && command -v pdftoppm >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "ensure_fonts: Noto Sans Bengali or pdftoppm is missing and this user cannot apt-get install it;" >&2
  echo "  Bengali names print as U+FFFD in reports. Install: sudo apt-get install -y fonts-noto-core poppler-utils" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure_fonts: no apt-get here; install Noto Sans Bengali (fonts-noto-core) yourself" >&2
  exit 0
fi
echo "ensure_fonts: installing Debian fonts-noto-core and poppler-utils (once)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends fonts-noto-core poppler-utils >/dev/null
