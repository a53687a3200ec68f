# Sourced by scripts/ensure_*.sh: one way to install the Debian packages the test path needs.
#   apt_install WHO PKG...   install PKG... once, as root or through passwordless sudo, waiting up to
#                            10 min for another apt/dpkg to finish. Returns 1, after saying why on
#                            stderr, when this user cannot install (each caller decides: skip or fail).
apt_install() {
  local who=$1; shift
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "$who: cannot apt-get install $* as $(id -un) (not root, no passwordless sudo)" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "$who: no apt-get on this machine; install the equivalent of Debian's $* yourself" >&2
    return 1
  fi
  echo "$who: installing Debian $* (once)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq || true
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}
