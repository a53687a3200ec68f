"""sme_teach.grading._offline_html: feedback pages carry their MathJax, or none, never a CDN's."""

from __future__ import annotations

import pytest

from sme_teach.grading import _offline_html as oh

CDN_BLOCK = """<head>
<!-- Load mathjax -->
    <script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"> </script>
    <!-- MathJax configuration -->
    <script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>
    <!-- End of mathjax configuration -->
</head><body>{body}</body>"""


def _page(body: str) -> str:
    return CDN_BLOCK.replace("{body}", body)


@pytest.mark.parametrize("text, expected", [
    ("<p>The index $\\mathrm{HHI}$ sums squares.</p>", True),
    ("<p>$$x^2$$</p>", True),
    ("<p>\\[a+b\\]</p>", True),
    ("<p>It costs $5 and $6 more.</p>", False),
    ("<pre>price = '$1' + '$2'</pre><p>no math</p>", False),
    ("<script>var a = '$x$';</script>", False),
])
def test_has_math(text, expected):
    assert oh.has_math(text) is expected


def test_page_without_math_loads_no_mathjax():
    out = oh.self_contained_math(_page("<p>Score: 3 / 5</p>"))
    assert "mathjax" not in out.lower() and "Score: 3 / 5" in out


def test_page_with_math_carries_mathjax_3_inline():
    if oh.mathjax_dir() is None:
        pytest.skip("MathJax 3 is not installed (make assets)")
    out = oh.self_contained_math(_page("<p>$\\sum_i s_i^2$</p>"))
    assert "cdnjs" not in out and "MathJax.Hub" not in out
    assert "window.MathJax" in out and len(out) > 1_000_000  # tex-svg.js itself, not a link to it
    assert "<script src=" not in out


def test_without_mathjax_the_equation_stays_tex_and_nothing_is_fetched(monkeypatch, caplog):
    monkeypatch.setattr(oh, "mathjax_dir", lambda: None)
    out = oh.self_contained_math(_page("<p>$x$</p>"))
    assert "<script" not in out and "$x$" in out
    assert "make assets" in caplog.text
