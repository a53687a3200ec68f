"""Shared building blocks for the views (owned by the lead; propose changes, don't fork)."""

from __future__ import annotations

__all__ = ["figure_html", "mark"]


def mark(widget, role: str):
    """Add the test/accessibility class ``sme-<role>`` (``control`` or ``result``) and return the widget."""
    widget.add_class(f"sme-{role}")
    return widget


def figure_html(fig, alt: str) -> str:
    """Render a matplotlib figure to an ``<img>`` tag with alt text (PNG, base64), then close it.

    Using an HTML widget (not an Output widget) makes the result one element whose
    content changes when the figure does, and carries the alt text for screen readers.
    """
    import base64
    import html
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width:100%">'
