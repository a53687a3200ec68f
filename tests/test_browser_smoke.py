"""The browser harness itself: a real JupyterLab, a real kernel, a real widget, driven by keyboard."""

from __future__ import annotations

import nbformat
import pytest

from _lab import error_outputs, jupyter_lab, open_notebook, run_all_cells

pytestmark = pytest.mark.browser

SMOKE = [
    "import ipywidgets as w\n"
    "slider = w.IntSlider(value=3, min=0, max=10, description='firms')\n"
    "out = w.HTML()\n"
    "def show(change=None):\n"
    "    out.value = f'<b class=\"smoke-result\">{slider.value * 2}</b>'\n"
    "slider.observe(show, 'value'); show()\n"
    "w.VBox([slider, out])",
]


def test_lab_runs_notebook_and_widget_responds_to_keyboard(tmp_path, chromium_browser, test_output):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in SMOKE])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "smoke.ipynb")
    with jupyter_lab(tmp_path, log_path=test_output / "lab-smoke.log") as (base, token):
        page = chromium_browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            open_notebook(page, base, token, "smoke.ipynb")
            run_all_cells(page)
            result = page.wait_for_selector(".smoke-result", timeout=30_000)
            assert result.inner_text() == "6"
            assert not error_outputs(page)
            handle = page.locator(".widget-slider .noUi-handle").first
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.querySelector('.smoke-result').innerText === '8'", timeout=15_000)
            page.screenshot(path=str(test_output / "browser-smoke.png"))
        finally:
            page.close()
