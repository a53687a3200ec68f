"""The one HTML table helper of the course's views (lesson widgets and workshop apps)."""

from __future__ import annotations

import html
import math

__all__ = ["table_html"]


def _cell(value, fmt: str) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else fmt.format(value)
    if value is None:
        return "–"
    return html.escape(str(value))


def table_html(frame, caption: str | None = None, *, index: bool = False, fmt: str = "{:,.2f}",
               css_class: str = "") -> str:
    """A small DataFrame as an accessible HTML table: caption, header cells with ``scope``.

    Parameters
    ----------
    frame : pandas.DataFrame
    caption : str, optional
        Shown above the table and read first by screen readers.
    index : bool, default False
        Show the index as row headers (``<th scope="row">``).
    fmt : str, default "{:,.2f}"
        Format of float cells (NaN shows as "–"); other cells are escaped text.
    css_class : str, optional
        Extra CSS class(es) after ``sme-table`` (e.g. for a page's tests to find the table).

    Examples
    --------
    >>> import pandas as pd
    >>> print(table_html(pd.DataFrame({"firm": ["A&B"], "p": [0.5]}), "Reach"))  # doctest: +ELLIPSIS
    <table class="sme-table" ...><caption ...>Reach</caption><thead><tr><th scope="col" ...>firm</th>...<td ...>A&amp;B</td><td ...>0.50</td></tr></tbody></table>
    """
    pad = "padding:2px 8px"
    head = "".join(f'<th scope="col" style="text-align:left;{pad}">{html.escape(str(c))}</th>' for c in frame.columns)
    if index:
        head = f'<th scope="col" style="{pad}">{html.escape(str(frame.index.name or ""))}</th>' + head
    rows = []
    for idx, row in zip(frame.index, frame.itertuples(index=False)):
        cells = "".join(
            f'<td style="{pad};text-align:{"right" if isinstance(v, float) else "left"}">{_cell(v, fmt)}</td>'
            for v in row)
        if index:
            cells = f'<th scope="row" style="text-align:left;{pad}">{html.escape(str(idx))}</th>' + cells
        rows.append(f"<tr>{cells}</tr>")
    cap = (f'<caption style="text-align:left;font-weight:bold">{html.escape(caption)}</caption>'
           if caption else "")
    classes = " ".join(["sme-table", *css_class.split()])
    return (f'<table class="{classes}" style="border-collapse:collapse;font-size:0.92em">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
