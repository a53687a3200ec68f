#!/usr/bin/env bash
# Grading runs every student notebook inside bubblewrap (sme_teach/grading/_sandbox.py).
# Install Debian's `bubblewrap` if it is missing, then check that it can create namespaces here.
set -euo pipefail
if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get -o DPkg::Lock::Timeout=600 update -qq || true
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq bubblewrap >/dev/null
    else
        echo "ensure_sandbox: bubblewrap (bwrap) is missing; install it (Debian/Ubuntu: sudo apt-get install bubblewrap)" >&2
        exit 1
    fi
fi
if ! bwrap --unshare-pid --unshare-net --die-with-parent --ro-bind / / --proc /proc --dev /dev true; then
    echo "ensure_sandbox: bwrap is installed but cannot create namespaces here (user namespaces disabled?)." >&2
    echo "Grading will refuse to run unless given --unsafe-no-sandbox; see course/LECTURER_GUIDE.md." >&2
    exit 1
fi
echo "ensure_sandbox: $(bwrap --version) can create mount, PID and network namespaces"
