"""Feedback pages that load nothing from the internet (students read them offline too).

nbgrader's feedback template calls nbconvert's ``mathjax()`` macro without a URL, so every feedback
page loaded MathJax 2.7.7 from cdnjs whatever ``HTMLExporter.mathjax_url`` says. A feedback page
also travels alone: ``nbgrader release_feedback``/``fetch_feedback`` copy the HTML file and nothing
beside it. So :func:`self_contained_math` replaces that block in the written HTML:

- a page without mathematics gets no MathJax at all;
- a page with mathematics (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]`` in its text) gets MathJax 3
  *inline* (``tex-svg.js``, about 2 MB: SVG output needs no font files and no further requests;
  the TeX extensions that would load on demand are switched off).

MathJax comes from the npm package the course installs (``make assets`` → ``.venv/node``), or from
the folder named by ``SME_TEACH_MATHJAX`` (an ``es5`` directory). Without it, equations stay as TeX
source and a warning says how to install it; the page still loads nothing from the internet.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

__all__ = ["self_contained_math", "mathjax_dir"]

log = logging.getLogger(__name__)

_MATHJAX2_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_CDN_SCRIPT = re.compile(r"<script[^>]+src=\"https?://[^\"]*mathjax[^\"]*\"[^>]*>\s*</script>", re.I)
_NOT_TEXT = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S | re.I)
# inline $…$ as pandoc reads it: no space inside the dollars, no digit right after the closing one
# ("costs $5 and $6" is money, not math)
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$(?!\d)|\\\(.+?\\\)|\\\[.+?\\\]", re.S)

_CONFIG = """<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true, packages: {'[-]': ['autoload', 'require']}},
  svg: {fontCache: 'global'},
  options: {ignoreHtmlClass: 'tex2jax_ignore|input_area|output_area', enableMenu: false}
};
</script>"""


def mathjax_dir() -> Path | None:
    """The MathJax 3 ``es5`` folder to inline from, or None when it is not installed."""
    candidates = [os.environ.get("SME_TEACH_MATHJAX"),
                  Path(sys.prefix) / "node" / "node_modules" / "mathjax" / "es5",
                  # an editable install used from another environment (JupyterHub users' env)
                  Path(__file__).resolve().parents[2] / ".venv" / "node" / "node_modules" / "mathjax" / "es5"]
    for c in candidates:
        if c and (Path(c) / "tex-svg.js").is_file():
            return Path(c)
    return None


def has_math(html: str) -> bool:
    """Whether the page's text (not its code, outputs of ``<pre>``, scripts or styles) holds TeX math."""
    return bool(_MATH.search(_NOT_TEXT.sub("", html)))


def self_contained_math(html: str) -> str:
    """``html`` with the CDN MathJax replaced by inline MathJax 3 (with math) or by nothing."""
    head = ""
    if has_math(html):
        folder = mathjax_dir()
        if folder is None:
            log.warning("feedback shows equations as TeX source: MathJax 3 is not installed. Run `make assets` "
                        "(npm mathjax into .venv/node) or set SME_TEACH_MATHJAX to a MathJax 3 es5 folder.")
        else:
            js = (folder / "tex-svg.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
            head = f"{_CONFIG}\n<script>{js}</script>"
    out, n = _MATHJAX2_BLOCK.subn(lambda m: head, html, count=1)
    if not n:
        out = _CDN_SCRIPT.sub("", out)
        if head:
            out = out.replace("</head>", head + "\n</head>", 1)
    return out
