"""Solutions that stay folded after Run ▸ Run All Cells.

Why not cell metadata: JupyterLab clears a markdown cell's ``jupyter.source_hidden`` when it runs
the cell, clears a code cell's ``jupyter.outputs_hidden`` when it executes it, and shows the first
line of a collapsed cell in its placeholder. So a lesson folds its answers in the content itself:

- a written solution is a markdown cell wrapped in ``<details>`` (:func:`fold_markdown`), whose
  ``<summary>`` names only the kind of answer ("Solution", "Model answer and rubric");
- a code solution starts with the cell magic ``%%solution`` (the collapsed placeholder shows only
  that line) and its outputs are captured and shown inside a closed ``<details>``
  (:func:`solution_html`).

A lesson loads the magic once with ``%load_ext sme_teach.widgets``. Errors are not folded: a
traceback shows as in any cell. ``scripts/build_site.py`` unwraps the markdown fold (the site has
its own drop-down).
"""

from __future__ import annotations

import html
import re

__all__ = ["fold_markdown", "unfold_markdown", "solution_html", "SOLUTION_CLASS"]

SOLUTION_CLASS = "sme-solution"
_OPEN = re.compile(r'\A<details class="sme-solution"><summary>(?P<label>.*?)</summary>\n\n', re.S)
_CLOSE = "\n\n</details>"


def _summary(label: str) -> str:
    return f"<b>{html.escape(label)}</b> (click to open)"


def fold_markdown(text: str, label: str = "Solution") -> str:
    """Wrap a written answer so it renders closed, behind a summary that reveals nothing.

    >>> print(fold_markdown("**Solution.** 42", "Solution"))
    <details class="sme-solution"><summary><b>Solution</b> (click to open)</summary>
    <BLANKLINE>
    **Solution.** 42
    <BLANKLINE>
    </details>
    >>> unfold_markdown(fold_markdown("x")) == "x"
    True
    """
    if _OPEN.match(text):
        return text
    return f'<details class="{SOLUTION_CLASS}"><summary>{_summary(label)}</summary>\n\n{text.strip()}{_CLOSE}'


def unfold_markdown(text: str) -> str:
    """The answer inside :func:`fold_markdown`'s wrapper (``text`` unchanged when it has none)."""
    m = _OPEN.match(text)
    if not m or not text.rstrip().endswith("</details>"):
        return text
    return text[m.end():].rstrip()[: -len("</details>")].rstrip()


def _output_html(mime: dict) -> str:
    if "text/html" in mime:
        return str(mime["text/html"])
    if "image/png" in mime:
        return f'<img src="data:image/png;base64,{mime["image/png"]}" alt="figure of the solution">'
    if "text/markdown" in mime:
        return f"<pre>{html.escape(str(mime['text/markdown']))}</pre>"
    return f"<pre>{html.escape(str(mime.get('text/plain', '')))}</pre>"


def solution_html(stdout: str, outputs: list[dict], label: str = "Output of the solution") -> str:
    """A closed ``<details>`` holding a solution's printed text and rich outputs (mime bundles).

    >>> s = solution_html("13.0\\n", [{"text/plain": "42"}])
    >>> s.startswith('<details class="sme-solution"><summary><b>Output of the solution</b>')
    True
    >>> "<pre>13.0\\n</pre>" in s and "<pre>42</pre>" in s
    True
    """
    parts = [f"<pre>{html.escape(stdout)}</pre>"] if stdout else []
    parts += [_output_html(m) for m in outputs]
    if not parts:
        parts = ["<p>(the solution prints nothing)</p>"]
    body = "\n".join(parts)
    return f'<details class="{SOLUTION_CLASS}"><summary>{_summary(label)}</summary>\n{body}\n</details>'


def _solution_magic(line: str, cell: str):
    """``%%solution [label]``: run the cell, show what it prints and displays folded."""
    from IPython import get_ipython
    from IPython.display import display
    from IPython.utils.capture import capture_output

    shell = get_ipython()
    with capture_output(stdout=True, stderr=False, display=True) as captured:
        shell.run_cell(cell, store_history=False)  # a traceback is shown unfolded, as in any cell
    outputs = [dict(o.data) for o in captured.outputs]
    folded = solution_html(captured.stdout, outputs, line.strip() or "Output of the solution")
    display({"text/html": folded, "text/plain": "(the solution's output, folded)"}, raw=True)


def load_ipython_extension(ipython):
    """``%load_ext sme_teach.widgets`` registers the ``%%solution`` cell magic."""
    ipython.register_magic_function(_solution_magic, magic_kind="cell", magic_name="solution")
