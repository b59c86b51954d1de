"""Server-rendered SVG charts (no JavaScript, no external library): each chart carries a title and
a description for screen readers, and the same numbers are always shown in a table beside it."""

from __future__ import annotations

from markupsafe import Markup, escape

# Colour-blind-safe palette (Okabe-Ito), each with at least 3:1 contrast against white.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#7A5C00",
    "#333333",
    "#8B1E3F",
    "#4B0082",
)


def stacked_bars(
    title: str, rows: list[tuple[str, list[int]]], series: list[str], width: int = 720
) -> Markup:
    """One horizontal bar per row, split into ``series`` segments, with a legend."""
    bar_h, gap, label_w, top = 22, 10, 220, 10
    legend_h = 22 * ((len(series) + 2) // 3)
    height = top + len(rows) * (bar_h + gap) + legend_h + 20
    biggest = max([sum(v) for _, v in rows] + [1])
    scale = (width - label_w - 60) / biggest
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="t-{id(rows)} d-{id(rows)}" class="chart">',
        f'<title id="t-{id(rows)}">{escape(title)}</title>',
        # one f-string: str + Markup would escape the tag itself
        f'<desc id="d-{id(rows)}">{escape("; ".join(f"{name}: {sum(v)}" for name, v in rows))}</desc>',
    ]
    for i, (name, values) in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" font-size="13" '
            f'fill="#1a1a1a">{escape(name[:32])}</text>'
        )
        x = float(label_w)
        for j, v in enumerate(values):
            if v:
                w = v * scale
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(series[j])}: {v}</title></rect>'
                )
                x += w
        out.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="13" fill="#1a1a1a">'
            f"{sum(values)}</text>"
        )
    ly = top + len(rows) * (bar_h + gap) + 8
    for j, name in enumerate(series):
        lx, lyy = 10 + (j % 3) * (width // 3), ly + (j // 3) * 22
        out.append(
            f'<rect x="{lx}" y="{lyy}" width="14" height="14" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{lx + 20}" y="{lyy + 12}" font-size="13" fill="#1a1a1a">{escape(name[:38])}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def bars(title: str, rows: list[tuple[str, int]], width: int = 720) -> Markup:
    """A simple horizontal bar chart of one number per row."""
    return stacked_bars(title, [(name, [n]) for name, n in rows], [title], width)
