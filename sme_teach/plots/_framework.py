"""Draw a framework graph (from :func:`sme_teach.frameworks.load`) as a layered diagram."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from .._errors import SmeTeachError
from .._validate import check_choices

__all__ = ["draw_framework", "framework_alt_text", "OKABE_ITO"]

from ._palette import EDGE as _EDGE
from ._palette import GREY as _GREY
from ._palette import OKABE_ITO

# Geometry in data units: one row is one unit high; columns are _DX units apart.
_DX = 3.6
_BOX_W = 2.7
_ROW = 1.0
_WRAP = 24  # characters per label line


def _check_graph(G):
    graph = getattr(G, "graph", None)
    if not isinstance(graph, dict) or "layers" not in graph:
        raise SmeTeachError(
            f"expected a framework graph from sme_teach.frameworks.load(...), got {type(G).__name__}; "
            "try: G = sme_teach.frameworks.load('alliance_fsa')"
        )


def _layer_nodes(G, layer_id):
    found = [(d.get("order", 0), n) for n, d in G.nodes(data=True) if d.get("layer") == layer_id]
    return [n for _, n in sorted(found)]


def _label(G, n):
    return str(G.nodes[n].get("label") or n)


def _wrap(text, width=_WRAP):
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _tint(hex_colour, amount):
    """Blend ``hex_colour`` with white; ``amount`` = 0 gives the colour, 1 gives white."""
    h = hex_colour.lstrip("#")
    rgb = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return tuple(c + (1 - c) * amount for c in rgb)


def _main_edges(G):
    return [(u, v, d) for u, v, d in G.edges(data=True) if d.get("kind") != "moderates"]


def _layout(G, show_moderators):
    """Return ``(columns, pos, heights)``: the drawn layers, node centres and box heights."""
    layers = [layer for layer in G.graph["layers"] if show_moderators or not layer.get("moderates")]
    columns = []
    pos, heights = {}, {}
    for i, layer in enumerate(layers):
        nodes = _layer_nodes(G, layer["id"])
        columns.append((layer, i * _DX, nodes))
        for n in nodes:
            lines = _wrap(_label(G, n)).count("\n") + 1
            heights[n] = 0.42 + 0.22 * lines
    # Ordinary layers: stack nodes top to bottom, centred on y = 0; columns with links
    # inside them (stage chains) get more room so the arrows between boxes show.
    layer_of = {n: d.get("layer") for n, d in G.nodes(data=True)}
    rank = {layer["id"]: i for i, layer in enumerate(G.graph["layers"])}
    inner = set()
    for u, v, _ in _main_edges(G):
        if rank[layer_of[u]] >= rank[layer_of[v]]:  # inside a column, or a feedback link
            inner.update({layer_of[u], layer_of[v]})
    for layer, x, nodes in columns:
        if layer.get("moderates"):
            continue
        k = len(nodes)
        row = 1.5 * _ROW if layer["id"] in inner else _ROW
        for j, n in enumerate(nodes):
            pos[n] = (x, (k - 1) / 2 * row - j * row)
    # Moderator layers sit above the links they moderate, so those links stay visible.
    for layer, x, nodes in columns:
        mod = layer.get("moderates")
        if not mod:
            continue
        src = set(_layer_nodes(G, mod["from"]))
        dst = set(_layer_nodes(G, mod["to"]))
        lo, hi = x - _BOX_W / 2 - 0.2, x + _BOX_W / 2 + 0.2
        top = -1e9
        for u, v, _ in _main_edges(G):
            if u in src and v in dst and u in pos and v in pos:
                (x0, y0), (x1, y1) = pos[u], pos[v]
                for xx in (lo, hi):
                    t = min(max((xx - x0) / (x1 - x0), 0.0), 1.0) if x1 != x0 else 0.0
                    top = max(top, y0 + t * (y1 - y0))
        if top < -1e8:  # no links to avoid: centre like any layer
            top = -(len(nodes) + 1) / 2 * _ROW
        base = top + 1.3 * _ROW  # room for the "moderates" arrow
        k = len(nodes)
        row = 0.8 * _ROW
        for j, n in enumerate(nodes):
            pos[n] = (x, base + (k - 1 - j) * row)
            heights[n] = min(heights[n], 0.7)
    return columns, pos, heights


def _hits(points, boxes, skip, margin=0.08):
    for n, (bx, by, hw, hh) in boxes.items():
        if n in skip:
            continue
        m = 0.3 if isinstance(n, tuple) else margin  # skipped columns get a wide berth
        for x, y in points:
            if abs(x - bx) <= hw + m and abs(y - by) <= hh + m:
                return True
    return False


def _bezier(a, c, b, k=40):
    pts = []
    for i in range(4, k - 3):  # leave the ends: they sit on the boxes' own sides
        t = i / k
        pts.append(((1 - t) ** 2 * a[0] + 2 * (1 - t) * t * c[0] + t ** 2 * b[0],
                    (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * c[1] + t ** 2 * b[1]))
    return pts


def _link_path(pos, heights, boxes, u, v):
    """A quadratic Bezier ``Path`` from box ``u`` to box ``v`` that avoids other boxes."""
    from matplotlib.path import Path

    (x0, y0), (x1, y1) = pos[u], pos[v]
    half = _BOX_W / 2
    if x0 == x1 and abs(y0 - y1) <= 1.6 * _ROW:  # neighbours in a column: straight
        sgn = 1 if y1 < y0 else -1
        a, b = (x0, y0 - sgn * heights[u] / 2), (x1, y1 + sgn * heights[v] / 2)
        c = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    else:
        if x0 == x1:  # same column, not neighbours: loop out on the right
            a, b = (x0 + half, y0), (x1 + half, y1)
            base = ((a[0] + b[0]) / 2 + 0.8, (a[1] + b[1]) / 2)
            offsets = [(dx, 0.0) for dx in (0.0, 0.4, 0.8, 1.2)]
        elif x1 > x0:
            a, b = (x0 + half, y0), (x1 - half, y1)
            base = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            # A link that skips columns goes round them (above or below), not through gaps,
            # so the eye can follow it: treat each skipped column as one tall box.
            cols: dict = {}
            for n, (bx, by, hw, hh) in boxes.items():
                if x0 < bx < x1:
                    lo, hi = cols.get(bx, (by - hh, by + hh))
                    cols[bx] = (min(lo, by - hh), max(hi, by + hh))
            boxes = dict(boxes)
            for bx, (lo, hi) in cols.items():
                boxes[("column", bx)] = (bx, (lo + hi) / 2, half, (hi - lo) / 2)
            away = 1.0 if base[1] >= 0 else -1.0
            offsets = [(0.0, 0.0)] + [(0.0, s * away * h) for h in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
                                      for s in (1, -1)]
        else:  # backward (feedback) link: curve a little so it does not sit on a forward one
            a, b = (x0 - half, y0), (x1 + half, y1)
            base = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            offsets = [(0.0, 0.35 if y1 < y0 else -0.35)]
        c = None
        for ox, oy in offsets:
            cand = (base[0] + ox, base[1] + oy)
            if not _hits(_bezier(a, cand, b), boxes, {u, v}):
                c = cand
                break
        if c is None:  # nothing is clear of every box: take the curve that crosses the fewest
            real = {n: b_ for n, b_ in boxes.items() if not isinstance(n, tuple)}

            def crossings(off):
                cand = (base[0] + off[0], base[1] + off[1])
                return sum(_hits([p_], real, {u, v}) for p_ in _bezier(a, cand, b)), abs(off[1])

            best = min(offsets, key=crossings)
            c = (base[0] + best[0], base[1] + best[1])
    return Path([a, c, b], [Path.MOVETO, Path.CURVE3, Path.CURVE3])


def _restrict(G, layers, focus, depth=None):
    """The part of a framework that ``layers`` / ``focus`` select, with the same graph attributes."""
    import networkx as nx

    layer_ids = [layer["id"] for layer in G.graph["layers"]]
    keep = set(G.nodes)
    if layers is not None:
        chosen = set(check_choices([layers] if isinstance(layers, str) else list(layers), layer_ids, "layer"))
        keep &= {n for n, d in G.nodes(data=True) if d.get("layer") in chosen}
    if focus is not None:
        (focus,) = check_choices([focus], list(G.nodes), "node")
        main = nx.DiGraph((u, v) for u, v, _ in _main_edges(G))
        main.add_node(focus)
        if depth is None:
            path = {focus} | nx.ancestors(main, focus) | nx.descendants(main, focus)
        else:
            path = (set(nx.single_source_shortest_path_length(main, focus, cutoff=depth))
                    | set(nx.single_source_shortest_path_length(main.reverse(copy=False), focus, cutoff=depth)))
        keep &= path | {n for n, d in G.nodes(data=True)
                        if next((lay for lay in G.graph["layers"] if lay["id"] == d.get("layer")), {}).get("moderates")}
    H = G.subgraph(keep).copy()
    present = {d.get("layer") for _, d in H.nodes(data=True)}
    kept = [lay for lay in G.graph["layers"] if lay["id"] in present]
    kept_ids = {lay["id"] for lay in kept}
    # a moderator layer stays only with both layers whose links it moderates
    kept = [lay for lay in kept if not lay.get("moderates")
            or {lay["moderates"]["from"], lay["moderates"]["to"]} <= kept_ids]
    H.remove_nodes_from([n for n, d in list(H.nodes(data=True)) if d.get("layer") not in {lay["id"] for lay in kept}])
    H.graph = {**G.graph, "layers": kept}
    return H


def framework_alt_text(G, *, show_moderators=True) -> str:
    """Describe a framework diagram in words, for screen readers and slide notes.

    Parameters
    ----------
    G : networkx.DiGraph
        A framework from :func:`sme_teach.frameworks.load`.
    show_moderators : bool, default True
        Describe moderator layers too (match the setting used to draw).

    Returns
    -------
    str
        Title and source; each layer (left to right) with its node count and labels;
        which layers moderate which links; and every link, grouped by its start node,
        with inferred links marked.

    Examples
    --------
    >>> from sme_teach.frameworks import load
    >>> text = framework_alt_text(load("uppsala"))
    >>> print(text.splitlines()[0])
    Diagram: Uppsala model of the internationalization process, drawn as 3 columns from left to right.
    >>> "Market knowledge → Commitment decisions" in text
    True
    """
    _check_graph(G)
    layers = [layer for layer in G.graph["layers"] if show_moderators or not layer.get("moderates")]
    title = G.graph.get("title", G.graph.get("name", "framework"))
    lines = [f"Diagram: {title}, drawn as {len(layers)} columns from left to right."]
    lines.append(f"Source: {' '.join(str(G.graph.get('citation', '')).split())}")
    label_of = {layer["id"]: layer.get("label", layer["id"]) for layer in G.graph["layers"]}
    for i, layer in enumerate(layers, 1):
        nodes = _layer_nodes(G, layer["id"])
        names = "; ".join(_label(G, n) for n in nodes)
        text = f"Column {i}, {layer.get('label', layer['id'])} ({len(nodes)} nodes): {names}."
        mod = layer.get("moderates")
        if mod:
            text += (f" These moderators condition every link from {label_of[mod['from']]} "
                     f"to {label_of[mod['to']]}; they are drawn as one bracket, not as separate arrows.")
        lines.append(text)
    edges = _main_edges(G)
    if not edges:
        lines.append("There are no arrows: the model is a classification, read from the column and position of each box.")
    else:
        n_inf = sum(bool(d.get("inferred")) for _, _, d in edges)
        lines.append(f"Links ({len(edges)} arrows; solid = stated in the source, dashed = inferred by the course, "
                     f"{n_inf} inferred):")
        by_source: dict = {}
        for u, v, d in edges:
            by_source.setdefault(u, []).append(_label(G, v) + (" (inferred)" if d.get("inferred") else ""))
        order = {n: (G.nodes[n].get("layer_index", 0), G.nodes[n].get("order", 0)) for n in G}
        for u in sorted(by_source, key=order.get):
            lines.append(f"- {_label(G, u)} → {', '.join(by_source[u])}")
    return "\n".join(lines)


def draw_framework(G, ax=None, *, highlight=None, show_moderators=True, figsize=None, layers=None, focus=None,
                   depth=None):
    """Draw a framework as a layered diagram: layers are columns, constructs are boxes.

    Layers appear left to right in the order of ``G.graph['layers']``; each node is a
    rounded box with its (wrapped) label; arrows are the model's links — solid when the
    source states the link, dashed when the course inferred it. A moderator layer (one with
    ``moderates``) is drawn above the links it conditions, with one light bracket arrow
    instead of an arrow to every node, so the diagram stays readable. Colours are the
    Okabe–Ito colour-blind-safe palette.

    Parameters
    ----------
    G : networkx.DiGraph
        A framework from :func:`sme_teach.frameworks.load`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on. If omitted, a new figure is made (and detached from pyplot, so a
        notebook shows it once, as the returned value).
    highlight : str or iterable of str, optional
        Node ids to emphasise; other boxes and links fade.
    show_moderators : bool, default True
        Draw moderator layers. With ``False`` they are left out entirely.
    figsize : (float, float), optional
        Figure size in inches; by default it grows with the number of columns and rows.
    layers : iterable of str, optional
        Draw only these layers (ids from ``G.graph['layers']``) and the links among them —
        one layer of links at a time, e.g. ``("alliance", "fsa")``. A moderator layer is kept
        when it is listed.
    focus : str, optional
        Draw one path at a time: only this node, the nodes it is built from (all upstream)
        and the nodes it builds (all downstream), with the moderator layers unless
        ``show_moderators=False``.
    depth : int, optional
        With ``focus``: only nodes at most this many links upstream or downstream (``1``: the
        node's direct inputs and outputs).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with ``fig.alt_text`` set to :func:`framework_alt_text` ``(G)``.

    Raises
    ------
    SmeTeachError
        If ``G`` is not a framework graph or ``highlight`` names an unknown node.

    Notes
    -----
    The layout is deterministic (no force-directed placement), so the same model always
    gives the same picture. Arrow thickness carries no meaning: the seed papers give no
    weights (Bose & Bristy, n.d.; Bose, 2016).

    Examples
    --------
    >>> from sme_teach.frameworks import load
    >>> fig = draw_framework(load("inv"))
    >>> sum(1 for t in fig.axes[0].texts if (t.get_gid() or "").startswith("node:"))
    4
    >>> fig.alt_text.splitlines()[0]
    'Diagram: Types of international new ventures, drawn as 2 columns from left to right.'
    """
    _check_graph(G)
    if layers is not None or focus is not None:
        G = _restrict(G, layers, focus, depth)
    if highlight is not None:
        if isinstance(highlight, str):
            highlight = [highlight]
        highlight = set(check_choices(list(highlight), list(G.nodes), "node"))
        if not highlight:
            highlight = None

    columns, pos, heights = _layout(G, show_moderators)
    drawn = set(pos)
    edges = [(u, v, d) for u, v, d in _main_edges(G) if u in drawn and v in drawn]
    boxes = {n: (pos[n][0], pos[n][1], _BOX_W / 2, heights[n] / 2) for n in drawn}
    paths = [_link_path(pos, heights, boxes, u, v) for u, v, _ in edges]
    # A quadratic curve reaches halfway from its chord to its control point.
    ys = [y for _, y in pos.values()] or [0.0]
    for path in paths:
        (_, ya), (_, yc), (_, yb) = path.vertices
        ys.append((ya + yb) / 4 + yc / 2)
    ymin, ymax = min(ys) - 0.8, max(ys) + 0.8
    header_y = ymax + 0.9
    ncols = len(columns)

    if ax is None:
        import matplotlib.pyplot as plt

        if figsize is None:
            figsize = (max(6.0, 3.3 * ncols), max(4.0, 0.5 * (header_y - ymin + 1.6) + 0.6))
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        plt.close(fig)  # detach from pyplot: notebooks display the returned figure once
    else:
        fig = ax.figure

    colours = _layer_colours(columns)
    _draw_boxes(ax, G, columns, pos, heights, colours, highlight, header_y)
    _draw_links(ax, G, edges, paths, colours, highlight)
    _draw_moderator_brackets(ax, columns, pos, heights)
    _draw_legend(ax, columns, edges)

    ax.set_ylim(ymin, header_y + 1.1)
    ax.set_xlim(-_BOX_W / 2 - 0.4, (ncols - 1) * _DX + _BOX_W / 2 + 0.4)
    ax.set_axis_off()
    ax.set_title(G.graph.get("title", ""), fontsize=15, fontweight="bold", loc="left")
    fig.alt_text = framework_alt_text(G, show_moderators=show_moderators)
    return fig


def _layer_colours(columns) -> dict:
    """Layer id → colour: the palette in layer order, grey for moderator layers."""
    colours, k = {}, 0
    for layer, _, _ in columns:
        if layer.get("moderates"):
            colours[layer["id"]] = _GREY
        else:
            colours[layer["id"]] = OKABE_ITO[k % len(OKABE_ITO)]
            k += 1
    return colours


def _draw_boxes(ax, G, columns, pos, heights, colours, highlight, header_y):
    """One rounded box with the wrapped label per construct, and a header per column."""
    from matplotlib.patches import FancyBboxPatch

    def faded(n):
        return highlight is not None and n not in highlight

    for layer, x, nodes in columns:
        is_mod = bool(layer.get("moderates"))
        colour = colours[layer["id"]]
        for n in nodes:
            cx, cy = pos[n]
            h = heights[n]
            box = FancyBboxPatch(
                (cx - _BOX_W / 2, cy - h / 2), _BOX_W, h,
                boxstyle="round,pad=0,rounding_size=0.18",
                facecolor=_tint(colour, 0.93 if is_mod else 0.78),
                edgecolor=colour,
                linewidth=2.6 if (highlight and n in highlight) else (1.0 if is_mod else 1.4),
                linestyle="--" if is_mod else "-",
                alpha=0.3 if faded(n) else 1.0,
                zorder=3,
            )
            ax.add_patch(box)
            t = ax.text(cx, cy, _wrap(_label(G, n)), ha="center", va="center",
                        fontsize=9.5 if is_mod else 11, zorder=4,
                        color="#999999" if faded(n) else "black",
                        fontweight="bold" if (highlight and n in highlight) else "normal")
            t.set_gid(f"node:{n}")
        title = layer.get("label", layer["id"])
        ax.text(x, header_y, _wrap(title, 26), ha="center", va="bottom", fontsize=12.5,
                fontweight="bold", color="black" if not is_mod else "#555555", zorder=4,
                gid=f"layer:{layer['id']}")


def _draw_links(ax, G, edges, paths, colours, highlight):
    """The model's links, anchored on the sides of the boxes (forward: right side to left side), as
    quadratic curves computed in data coordinates so that they avoid other boxes; dashed = inferred."""
    from matplotlib.patches import FancyArrowPatch

    for (u, v, d), path in zip(edges, paths):
        inferred = bool(d.get("inferred"))
        hot = highlight is not None and (u in highlight or v in highlight)
        alpha = 0.95 if hot else (0.12 if highlight is not None else 0.75)
        arrow = FancyArrowPatch(
            path=path, arrowstyle="-|>", mutation_scale=13,
            color=colours.get(G.nodes[u]["layer"], _EDGE) if hot else _EDGE,
            linewidth=1.8 if hot else 1.0, linestyle=(0, (4, 3)) if inferred else "-",
            alpha=alpha, zorder=2, shrinkA=0, shrinkB=0,
        )
        ax.add_patch(arrow)


def _draw_moderator_brackets(ax, columns, pos, heights):
    """One bracket arrow per moderator layer, pointing at the links it moderates."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    for layer, x, nodes in columns:
        mod = layer.get("moderates")
        if not mod or not nodes:
            continue
        bottom = min(pos[n][1] - heights[n] / 2 for n in nodes)
        top = max(pos[n][1] + heights[n] / 2 for n in nodes)
        frame = FancyBboxPatch((x - _BOX_W / 2 - 0.15, bottom - 0.15), _BOX_W + 0.3, top - bottom + 0.3,
                               boxstyle="round,pad=0,rounding_size=0.25", facecolor="none",
                               edgecolor=_GREY, linewidth=1.0, linestyle=":", zorder=1)
        ax.add_patch(frame)
        ax.add_patch(FancyArrowPatch((x, bottom - 0.15), (x, bottom - 1.15), arrowstyle="simple,head_width=1.2",
                                     mutation_scale=14, color=_GREY, alpha=0.55, zorder=2))
        ax.text(x + 0.12, bottom - 0.65, "moderate\nthese links", ha="left", va="center", fontsize=9,
                color="#555555", style="italic", zorder=4)


def _draw_legend(ax, columns, edges):
    """A legend of the line styles that occur."""
    from matplotlib.lines import Line2D

    handles = []
    if any(not d.get("inferred") for _, _, d in edges):
        handles.append(Line2D([], [], color=_EDGE, lw=1.2, label="link stated in the source"))
    if any(d.get("inferred") for _, _, d in edges):
        handles.append(Line2D([], [], color=_EDGE, lw=1.2, ls=(0, (4, 3)), label="link inferred by the course"))
    if any(layer.get("moderates") for layer, _, _ in columns):
        handles.append(Line2D([], [], color=_GREY, lw=1.2, ls="--", label="moderator (conditions the links below it)"))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
                  frameon=False, fontsize=10)
