#!/usr/bin/env bash
# Installs what tests/test_hub_e2e.py needs, when missing; fast (a few stat calls) once done.
#   - npm configurable-http-proxy (JupyterHub's proxy) into .venv/node (project-local, not global)
#   - .venv/userenv: the course environment for the test's real local users (instructor, students).
#     The main .venv's python may live under /root (pyenv), which other users cannot execute, so
#     users get a venv on Debian's /usr/bin/python3 with sme_teach (editable), jupyterhub, nbgrader
#     and psycopg — what The Littlest JupyterHub calls the user environment (/opt/tljh/user).
#   - Debian postgresql (a throwaway server is started by the test itself on loopback)
# jupyterhub and psycopg[binary] for the main .venv come from the `dev` extra (make install-dev).
# Without root or apt-get it explains what is missing and exits 0: the hub test then skips.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_apt.sh
VENV=${VENV:-.venv}
USERENV="$VENV/userenv"
STAMP="$USERENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
CHP="$VENV/node/node_modules/.bin/configurable-http-proxy"

pg_ok() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if [ -x "$CHP" ] && [ -f "$STAMP" ] && pg_ok; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure_hub_deps: not root: the JupyterHub end-to-end test (real local users) will be skipped" >&2
  exit 0
fi
if ! pg_ok || ! command -v npm >/dev/null || [ ! -x /usr/bin/python3 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "ensure_hub_deps: no apt-get: install postgresql, nodejs, npm and python3 yourself or the hub test is skipped" >&2
    exit 0
  fi
  apt_install ensure_hub_deps postgresql nodejs npm python3
  # the test starts its own server on a temporary folder; the packaged cluster is not needed
  (command -v systemctl >/dev/null && systemctl disable --now postgresql >/dev/null 2>&1) || true
fi
if [ ! -x "$CHP" ]; then
  echo "ensure_hub_deps: npm install configurable-http-proxy into $VENV/node"
  npm install --prefix "$VENV/node" --no-audit --no-fund --silent configurable-http-proxy >/dev/null
fi
if [ ! -f "$STAMP" ]; then
  echo "ensure_hub_deps: building the users' course environment $USERENV (once per pyproject.toml)"
  UV="$VENV/bin/uv"
  [ -x "$UV" ] || "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check uv
  [ -x "$USERENV/bin/python" ] || "$UV" venv --quiet --python /usr/bin/python3 "$USERENV"
  "$UV" pip install --quiet --python "$USERENV/bin/python" -e '.[hub]'
  "$USERENV/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sme_teach)" >/dev/null
  # users cannot write __pycache__ here: compile once so their kernels do not recompile every import
  "$USERENV/bin/python" -m compileall -q -j 0 "$USERENV/lib" >/dev/null || true
  chmod -R a+rX "$USERENV" "$VENV/node"
  rm -f "$USERENV"/.installed-*
  touch "$STAMP"
fi
