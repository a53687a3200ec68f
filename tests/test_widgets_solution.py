"""Folded solutions (sme_teach.widgets._solution): the fold, the unfold, and %%solution in a real kernel."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from sme_teach.widgets import fold_markdown, solution_html, unfold_markdown


def test_fold_markdown_summary_names_the_kind_only():
    folded = fold_markdown("**Solution.** The answer is 42.", "Model answer")
    first = folded.splitlines()[0]
    assert first.startswith("<details") and "open" not in first.split("<summary>")[0]
    assert "Model answer" in first and "42" not in first  # a collapsed placeholder would show this line
    assert unfold_markdown(folded) == "**Solution.** The answer is 42."
    assert fold_markdown(folded) == folded  # idempotent
    assert unfold_markdown("no fold here") == "no fold here"


def test_solution_html_escapes_text_and_keeps_rich_outputs():
    s = solution_html("<b>x</b>\n", [{"text/html": "<table></table>", "text/plain": "t"}, {"text/plain": "1 < 2"}])
    assert s.startswith('<details class="sme-solution">') and s.endswith("</details>")
    assert "&lt;b&gt;x&lt;/b&gt;" in s and "<table></table>" in s and "1 &lt; 2" in s


def test_solution_magic_folds_prints_and_last_expression_but_not_errors():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext sme_teach.widgets\nimport pandas as pd"),
        nbformat.v4.new_code_cell("%%solution\nprint('thirteen')\npd.DataFrame({'answer': [42]})"),
        nbformat.v4.new_code_cell("%%solution\n1 / 0"),
    ]
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60).execute()
    outs = nb.cells[1].outputs
    assert [o.output_type for o in outs] == ["display_data"], outs  # nothing printed outside the fold
    folded = outs[0].data["text/html"]
    assert folded.startswith('<details class="sme-solution">')
    assert "thirteen" in folded and "answer" in folded and "42" in folded
    assert "thirteen" not in outs[0].data["text/plain"]
    errors = [o for o in nb.cells[2].outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "ZeroDivisionError"  # a broken solution is not folded away


def test_solution_magic_in_process_shell():
    """The same magic in an in-process IPython shell (what coverage sees): the fold is displayed."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from sme_teach.widgets import load_ipython_extension

    shell = InteractiveShell.instance()
    load_ipython_extension(shell)
    with capture_output() as outer:
        shell.run_cell("%%solution Answer\nprint('thirteen')\n6 * 7")
    html = [o.data["text/html"] for o in outer.outputs if "text/html" in o.data]
    assert len(html) == 1 and "thirteen" in html[0] and "42" in html[0] and "<b>Answer</b>" in html[0]
    assert "thirteen" not in outer.stdout
