#!/usr/bin/env bash
# Grading runs every student notebook inside bubblewrap (sme_teach/grading/_sandbox.py).
# Install Debian's `bubblewrap` if it is missing, then check that it can create namespaces here.
set -euo pipefail
. "$(dirname "$0")/_apt.sh"
if ! command -v bwrap >/dev/null 2>&1; then
  apt_install ensure_sandbox bubblewrap || {
    echo "ensure_sandbox: grading needs bubblewrap (bwrap); see course/LECTURER_GUIDE.md" >&2
    exit 1
  }
fi
if ! bwrap --unshare-pid --unshare-net --die-with-parent --ro-bind / / --proc /proc --dev /dev true; then
  echo "ensure_sandbox: bwrap is installed but cannot create namespaces here (user namespaces disabled?)." >&2
  echo "Grading will refuse to run unless given --unsafe-no-sandbox; see course/LECTURER_GUIDE.md." >&2
  exit 1
fi
echo "ensure_sandbox: $(bwrap --version) can create mount, PID and network namespaces"
