"""One helper that wires controls → use case → view, as ipywidgets' ``interactive`` does."""

from __future__ import annotations

__all__ = ["wire"]


def wire(controls: dict, case, render, result, *, fixed: dict | None = None):
    """Call ``case`` with the controls' values whenever one changes, and show ``render``'s HTML.

    Parameters
    ----------
    controls : dict
        Keyword name → widget, or name → dict of widgets (their values are passed as a dict
        key → value, e.g. one slider per KPI).
    case : callable
        A :mod:`sme_teach.cases` function, called as ``case(**values, **fixed)``. All model
        logic lives there, tested without a browser; the view only renders its result.
    render : callable
        ``render(out, values) -> str``: the HTML of the result.
    result : ipywidgets.HTML
        The element whose ``value`` shows the result.
    fixed : dict, optional
        Keyword arguments passed to ``case`` unchanged.

    Returns
    -------
    callable
        ``update()``, already called once (the view opens with a result).

    Examples
    --------
    >>> import ipywidgets as w
    >>> x, out = w.IntSlider(value=2), w.HTML()
    >>> update = wire({"n": x}, lambda n: n * n, lambda r, v: f"<b>{r}</b>", out)
    >>> out.value
    '<b>4</b>'
    >>> x.value = 3
    >>> out.value
    '<b>9</b>'
    """
    fixed = dict(fixed or {})

    def values() -> dict:
        return {name: ({k: w.value for k, w in c.items()} if isinstance(c, dict) else c.value)
                for name, c in controls.items()}

    def update(change=None):
        v = values()
        result.value = render(case(**v, **fixed), v)

    for c in controls.values():
        for widget in (c.values() if isinstance(c, dict) else [c]):
            widget.observe(update, names="value")
    update()
    return update
