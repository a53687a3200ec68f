"""Sphinx extension of the course site (scripts/build_site.py copies it into the book source).

Drops sphinx-thebe's scripts and style sheet from every page. Jupyter Book 1 always loads the
sphinx_thebe extension, even with ``launch_buttons.thebe: false``, and sphinx-thebe 0.3.1 adds its
inline ``const THEBE_JS_URL = "https://unpkg.com/thebe@…"`` script once per ``env-before-read-docs``
event, which Jupyter Book fires twice: every page then logged ``Uncaught SyntaxError: Identifier
'THEBE_JS_URL' has already been declared``. The site runs no code (widgets show their static result),
so thebe is not needed at all.

Also adds one small style sheet: a display equation wider than the text column (lesson 02's
expected-value rule at a laptop width) scrolls sideways instead of being cut off at the edge.
"""

from __future__ import annotations

from pathlib import Path

CSS_NAME = "sme_site.css"
CSS = """/* sme_teach course site (course/site/_ext/sme_site.py) */
mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
"""


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = (getattr(asset, "attributes", None) or {}).get("body", "") or ""
    return "sphinx-thebe" in name or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _is_thebe(a)]


def write_css(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / CSS_NAME).write_text(CSS, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", drop_thebe)
    app.connect("build-finished", write_css)
    app.add_css_file(CSS_NAME)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
