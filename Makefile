# sme_teach — two commands do all set-up on a fresh machine with Python 3.11+:
#   make lab    install into .venv and open the course in JupyterLab
#   make test   install (with test tools) and run every test
# Both are idempotent: the install steps rerun only when pyproject.toml changes.

PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
UV       := $(BIN)/uv
LAB_ARGS ?=
# JupyterLab refuses to run as root without this flag (containers, CI).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# two workers; a module marked xdist_group (a module fixture that costs minutes) stays on one of them
PYTEST_ARGS ?= -n 2 --dist loadgroup
# branch coverage of sme_teach (config: [tool.coverage] in pyproject.toml); floors: tests/coverage_floors.json
COV_ARGS ?= --cov --cov-report=html --cov-report=json
MUTATE_JOBS ?= 1

.PHONY: lab test install install-dev install-data browser hub assets sandbox fonts data bench site slides workshop translations mutate clean help

help:
	@echo "make lab    - install into $(VENV) and open the course in JupyterLab"
	@echo "make test   - install with test tools, then run the whole test suite"
	@echo "make hub    - install what the JupyterHub end-to-end test needs (root: postgresql, proxy, users' env)"
	@echo "make workshop - serve the no-code workshop apps (course/workshop) with Voila on port $(WORKSHOP_PORT)"
	@echo "make site   - build the static course website into course/_build/html (offline, Jupyter Book 1)"
	@echo "make slides - build a reveal.js lecture deck per lesson into course/_build/html/slides (offline)"
	@echo "make assets - install MathJax and reveal.js (npm) into $(VENV)/node: the site and slides serve them"
	@echo "make mutate - mutation testing of sme_teach/measures and the grading checks (mutmut; slow, not in make test)"
	@echo "make translations - refresh the workshop apps' catalog (locale/sme_workshop.pot) and merge it into each language's .po"
	@echo "make data   - regenerate datasets/ (synthetic files bit-identically, countries from installed packages)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sme_teach needs Python 3.11 or newer, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# One stamp per install flavour; each depends on what defines the install.
$(VENV)/.installed-runtime: pyproject.toml course/jupyterlab-overrides.json | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sme_teach)" >/dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp course/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@# Byte-compile once: with PYTHONDONTWRITEBYTECODE set (common in containers) every kernel
	@# would otherwise recompile its imports (debugpy alone costs ~2 s per kernel start).
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib sme_teach >/dev/null || true
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-runtime
	$(UV) pip install --quiet --python $(BIN)/python -e '.[dev]'
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib sme_teach >/dev/null || true
	touch $@

# make data reads package data (CLDR, GeoNames, ISO codes): exactly the versions pinned in the `data` extra
$(VENV)/.installed-data: pyproject.toml $(VENV)/.installed-runtime
	$(UV) pip install --quiet --python $(BIN)/python -e '.[data]'
	touch $@

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev
install-data: $(VENV)/.installed-data

# Students see the course, not the project's machinery, in the file browser (the folders stay on disk).
LAB_HIDE := ['__pycache__','*.pyc','.ipynb_checkpoints','*.egg-info','bench','tests','scripts','test-output','node_modules']
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) "--ContentsManager.hide_globs=$(LAB_HIDE)" $(ROOT_FLAG) $(LAB_ARGS) START_HERE.md

# Browser tests need Debian's Chromium (Playwright cannot download browsers here).
browser:
	@bash scripts/ensure_chromium.sh

# The JupyterHub end-to-end test (tests/test_hub_e2e.py) needs configurable-http-proxy (npm, into
# .venv/node), a course environment real local users can run (.venv/userenv) and Debian's postgresql.
hub: install-dev
	@bash scripts/ensure_hub_deps.sh

# MathJax 3 and reveal.js 4.0.2 from npm into .venv/node (project-local): the site, the lecture slides
# and nbgrader feedback pages serve them instead of loading them from a CDN.
assets: | $(BIN)/python
	@bash scripts/ensure_web_assets.sh

# Grading runs every student notebook inside bubblewrap (Debian `bubblewrap`).
sandbox:
	@bash scripts/ensure_sandbox.sh

# Noto Sans Bengali (Debian fonts-noto-core) for the workshop PDFs, and pdftoppm for the tests.
fonts:
	@bash scripts/ensure_fonts.sh

# The workshop apps' texts: extract them into the template and merge it into every language's .po
# (sme_teach/workshop/locale/<lang>/LC_MESSAGES/sme_workshop.po; the apps read the .po directly).
translations: install-dev
	$(BIN)/python scripts/workshop_catalog.py

test: install-dev browser hub assets sandbox fonts
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(COV_ARGS)
	$(BIN)/python scripts/check_coverage.py

# Mutation testing (mutmut, [tool.mutmut] in pyproject.toml) over the fast unit tests only; report in
# test-output/mutation/. One worker by default (MUTATE_JOBS=2 on a machine of your own).
$(VENV)/.installed-mutate: pyproject.toml $(VENV)/.installed-dev
	$(UV) pip install --quiet --python $(BIN)/python -e '.[dev,mutate]'
	touch $@

mutate: $(VENV)/.installed-mutate
	$(BIN)/python scripts/mutate.py --jobs $(MUTATE_JOBS) $(MUTATE_TARGETS)

data: install-data
	$(BIN)/python scripts/make_data.py

bench: install-dev sandbox
	$(BIN)/python -m bench

# No-code workshop apps for SME owners: Voila serves course/workshop with code hidden, only the
# widget extensions loaded (course/workshop/voila.json) and an offline page template
# (course/workshop/jupyter). Answers saved by participants go to $(WORKSHOP_DIR).
WORKSHOP_PORT ?= 8866
WORKSHOP_DIR  ?= $(or $(SME_TEACH_WORKSHOP_DIR),$(HOME)/sme_teach_workshop)
# the room's language: what an app page without ?lang= shows, and the language the waiting copies are built in
WORKSHOP_LANG ?= $(or $(SME_TEACH_WORKSHOP_LANG),en)
workshop: install fonts
	@echo "Workshop apps: open http://localhost:$(WORKSHOP_PORT)/ in a browser (Ctrl+C stops the server)."
	@echo "Participants' saved answers go to $(WORKSHOP_DIR)"
	SME_TEACH_WORKSHOP_DIR=$(WORKSHOP_DIR) SME_TEACH_WORKSHOP_LANG=$(WORKSHOP_LANG) JUPYTER_PATH=$(CURDIR)/course/workshop/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) \
	  $(BIN)/voila course/workshop --no-browser --port=$(WORKSHOP_PORT) \
	  --Voila.config_file_paths=course/workshop $(WORKSHOP_ARGS)

# The static course website (Jupyter Book 1, builds offline) in course/_build/html: lessons executed in
# parallel and cached, widgets shown as their static result, warnings are errors. SITE_ARGS e.g. --jobs 4.
SITE_ARGS ?=
$(VENV)/.installed-site: pyproject.toml $(VENV)/.installed-runtime
	$(UV) pip install --quiet --python $(BIN)/python -e '.[site]'
	touch $@

site: $(VENV)/.installed-site assets
	$(BIN)/python scripts/build_site.py $(SITE_ARGS)
	@echo "Open course/_build/html/index.html in a browser (or: $(BIN)/python -m http.server -d course/_build/html)."

# Lecture slides: one reveal.js deck per lesson (slide per heading, figures, speaker notes, no
# solutions), reusing the site build's executed lessons; `make site` builds them too and links them.
slides: $(VENV)/.installed-site assets
	$(BIN)/python scripts/build_slides.py $(SITE_ARGS)
	@echo "Open course/_build/html/slides/index.html in a browser."

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-output mutants
