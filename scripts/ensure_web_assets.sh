#!/usr/bin/env bash
# Installs the browser libraries the course serves itself, so no page loads anything from the internet:
#   - MathJax 3 (npm mathjax): equations on the course site (Sphinx mathjax_path), in the lecture
#     slides and, inlined, in nbgrader feedback pages (sme_teach/grading/_feedback.py);
#   - reveal.js 4.0.2 (npm reveal.js): the lecture slides (make slides). 4.0.2 is the version the
#     installed nbconvert's reveal template names in its default reveal_url_prefix
#     (share/jupyter/nbconvert/templates/reveal/index.html.j2); the deck template uses its 4.x API.
# into $VENV/node (project-local, like configurable-http-proxy in scripts/ensure_hub_deps.sh).
# Fast (two greps) once done. Without npm it says how to get it and exits 1: the site, the slides and
# the offline browser test cannot work without these files.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_apt.sh
VENV=${VENV:-.venv}
NODE="$VENV/node"
MATHJAX=3.2.2
REVEAL=4.0.2

have() {  # have PACKAGE VERSION
  grep -qs "\"version\": \"$2\"" "$NODE/node_modules/$1/package.json"
}
if have mathjax "$MATHJAX" && have reveal.js "$REVEAL"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  apt_install ensure_web_assets nodejs npm || {
    echo "ensure_web_assets: npm is missing; install Node.js and npm, then rerun" >&2
    exit 1
  }
fi
echo "ensure_web_assets: npm install mathjax@$MATHJAX reveal.js@$REVEAL into $NODE"
mkdir -p "$NODE"
npm install --prefix "$NODE" --no-audit --no-fund --silent --save-exact "mathjax@$MATHJAX" "reveal.js@$REVEAL" >/dev/null
have mathjax "$MATHJAX" && have reveal.js "$REVEAL"
