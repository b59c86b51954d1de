"""The lifecycle of a definition as accessible SVG, drawn on the server from ``workflow.layout``.

One lane per role, one box per state (final states double-bordered, the start a filled circle),
one arrow per transition labelled with its Indonesian label, its guards and the ⏱ deadline that
fires it; system (timer) transitions are dashed. The ``<svg>`` has ``role="img"``, a ``<title>``
and a ``<desc>`` that lists the states and transitions in words, and every state and transition
carries its own ``<title>``. All text is escaped. Pure: standard library only.
"""

from __future__ import annotations

import re
from html import escape

from .deadlines import format_duration
from .layout import NODE_PAD, START, Box, Layout, layout, state_role
from .layout_grid import POOL_HEADER
from .layout_text import (
    EDGE_FONT,
    EDGE_LINE,
    ID_FONT,
    ID_LINE,
    META_FONT,
    META_LINE,
    NODE_FONT,
    NODE_LINE,
    deadline_text,
    edge_lines,
    node_lines,
)
from .spec import ROLE_LABELS, Definition, TransitionSpec

FONT = "'Liberation Sans', Arial, Helvetica, sans-serif"
MONO = "'Liberation Mono', 'DejaVu Sans Mono', monospace"
INK, MUTED, EDGE, SYSTEM = "#1a1a1a", "#4d4d4d", "#333333", "#6b6b6b"
LANE_FILL = {"admin": "#eef3fa", "operator": "#eef7ef", "verifikator": "#fbf4e9", "penilai": "#f5eff9",
             "system": "#f1f1f1"}
NODE_STROKE = {"admin": "#1f4e79", "operator": "#2e6b30", "verifikator": "#8a5200", "penilai": "#5e3a87",
               "system": "#4d4d4d"}


def render(d: Definition) -> str:
    """The ``<svg>`` markup of ``d``'s lifecycle (natural size; scales by its viewBox)."""
    lay = layout(d)
    p = _prefix(d)
    pad = 8
    w, h = lay.width + 2 * pad, lay.height + 2 * pad
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="{-pad} {-pad} {w:.0f} {h:.0f}" aria-labelledby="{p}-title {p}-desc" '
        f'font-family="{escape(FONT)}" class="lifecycle-diagram">',
        f'<title id="{p}-title">{_e(f"Diagram siklus {d.title} ({d.id})")}</title>',
        f'<desc id="{p}-desc">{_e(describe(d))}</desc>',
        "<defs>",
        _marker(f"{p}-arrow", EDGE),
        _marker(f"{p}-arrow-sys", SYSTEM),
        "</defs>",
        f'<rect x="{-pad}" y="{-pad}" width="{w:.0f}" height="{h:.0f}" fill="#ffffff"/>',
    ]
    out += _pool(d, lay)
    out += _edges(d, lay, p)
    out += _nodes(d, lay)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def describe(d: Definition) -> str:
    """The lifecycle in words, for screen readers (the ``<desc>``)."""
    parts = [f"Siklus {d.id}: {d.title}. Dimulai pada state {_name(d, d.initial)}."]
    states = []
    for s in d.states:
        text = f"{s.label} ({s.id})"
        if s.final:
            text += ", state final" + (f" dengan hasil {s.outcome}" if s.outcome else "")
        else:
            text += f", peran {ROLE_LABELS.get(_role(d, s.id), _role(d, s.id))}"
        if s.task is not None:
            text += f", tugas '{s.task.title}'"
        if s.deadline is not None:
            when = s.deadline.at if s.deadline.at is not None else format_duration(s.deadline.after)
            text += f", tenggat {when} menjalankan {s.deadline.fires}"
        states.append(text)
    parts.append(f"{len(d.states)} state: " + "; ".join(states) + ".")
    words = "; ".join(_transition_words(d, t) for t in d.transitions)
    parts.append(f"{len(d.transitions)} transisi: {words}.")
    return " ".join(parts)


def _transition_words(d: Definition, t: TransitionSpec) -> str:
    text = f"dari {_name(d, t.source)} ke {_name(d, t.target)} lewat {t.event}"
    if t.label:
        text += f" ({t.label})"
    text += f" oleh {', '.join(t.roles)}"
    if t.guards:
        text += f", syarat {', '.join(t.guards)}"
    when = deadline_text(d, t)
    if when:
        text += f", otomatis saat tenggat {when}"
    return text


def _name(d: Definition, sid: str) -> str:
    return d.state(sid).label if d.has_state(sid) else sid


def _role(d: Definition, sid: str) -> str:
    return state_role(d, sid)


def _pool(d: Definition, lay: Layout) -> list[str]:
    top = lay.lanes[0].box.y if lay.lanes else 0
    bottom = lay.lanes[-1].box.bottom if lay.lanes else lay.height
    out = ['<g class="lanes">',
           f'<rect x="0" y="{top:.1f}" width="{lay.width:.1f}" height="{bottom - top:.1f}" fill="#ffffff" '
           f'stroke="{MUTED}" stroke-width="1.2"/>']
    out.append(_vertical_text(d.id, POOL_HEADER / 2, (top + bottom) / 2, 12, bold=True))
    for lane in lay.lanes:
        b = lane.box
        label = ROLE_LABELS.get(lane.role, lane.role)
        out.append(f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" '
                   f'fill="{LANE_FILL.get(lane.role, "#f7f7f7")}" stroke="{MUTED}" stroke-width="0.8"/>')
        out.append(f'<line x1="{b.x + POOL_HEADER:.1f}" y1="{b.y:.1f}" x2="{b.x + POOL_HEADER:.1f}" '
                   f'y2="{b.bottom:.1f}" stroke="{MUTED}" stroke-width="0.8"/>')
        out.append(_vertical_text(label, b.x + POOL_HEADER / 2, b.cy, 12))
    out.append("</g>")
    return out


def _vertical_text(text: str, x: float, y: float, size: int, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" transform="rotate(-90 {x:.1f} {y:.1f})" text-anchor="middle" '
            f'dominant-baseline="central" font-size="{size}"{weight} fill="{INK}">{_e(text)}</text>')


def _edges(d: Definition, lay: Layout, p: str) -> list[str]:
    out = ['<g class="transitions">']
    for e in lay.edges:
        t = d.transitions[e.index] if e.index >= 0 else None
        system = t is not None and "system" in t.roles
        colour = SYSTEM if system else EDGE
        path = "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in e.points)
        dash = ' stroke-dasharray="6 4"' if system else ""
        tip = _transition_words(d, t) if t is not None else f"mulai di {_name(d, d.initial)}"
        cls = "transition system" if system else "transition"
        out.append(f'<g class="{cls}" data-event="{_e(t.event) if t else ""}">')
        out.append(f"<title>{_e(tip)}</title>")
        out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.4"{dash} '
                   f'marker-end="url(#{p}-arrow{"-sys" if system else ""})"/>')
        if t is not None and e.label is not None:
            out += _edge_label(d, t, e.label)
        out.append("</g>")
    out.append("</g>")
    return out


def _edge_label(d: Definition, t: TransitionSpec, box: Box) -> list[str]:
    lines, meta = edge_lines(d, t)
    out = [f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" fill="#ffffff" '
           f'fill-opacity="0.85" rx="3"/>']
    y = box.y
    for line in lines:
        y += EDGE_LINE
        out.append(f'<text x="{box.cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="{EDGE_FONT}" '
                   f'fill="{INK}">{_e(line)}</text>')
    if meta:
        y += META_LINE
        out.append(f'<text x="{box.cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="{META_FONT}" '
                   f'font-style="italic" fill="{MUTED}">{_e(meta)}</text>')
    return out


def _nodes(d: Definition, lay: Layout) -> list[str]:
    out = ['<g class="states">']
    for n in lay.nodes.values():
        b = n.box
        if n.id == START:
            out.append(f'<g class="start"><title>Mulai: {_e(_name(d, d.initial))}</title>'
                       f'<circle cx="{b.cx:.1f}" cy="{b.cy:.1f}" r="{b.w / 2 - 6:.1f}" fill="{INK}"/></g>')
            continue
        s = d.state(n.id)
        stroke = NODE_STROKE.get(n.lane, MUTED)
        out.append(f'<g class="state{" final" if s.final else ""}" data-state="{_e(s.id)}">')
        out.append(f"<title>{_e(_state_tip(d, s.id))}</title>")
        out.append(f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="9" '
                   f'fill="#ffffff" stroke="{stroke}" stroke-width="1.6"/>')
        if s.final:
            out.append(f'<rect x="{b.x + 4:.1f}" y="{b.y + 4:.1f}" width="{b.w - 8:.1f}" '
                       f'height="{b.h - 8:.1f}" rx="6" fill="none" stroke="{stroke}" stroke-width="1.2"/>')
        y = b.y + NODE_PAD
        for line in node_lines(s.label):
            y += NODE_LINE
            out.append(f'<text x="{b.cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="{NODE_FONT}" '
                       f'font-weight="bold" fill="{INK}">{_e(line)}</text>')
        y += ID_LINE
        out.append(f'<text x="{b.cx:.1f}" y="{y - 2:.1f}" text-anchor="middle" font-size="{ID_FONT}" '
                   f'font-family="{escape(MONO)}" fill="{MUTED}">{_e(s.id)}</text>')
        out.append("</g>")
    out.append("</g>")
    return out


def _state_tip(d: Definition, sid: str) -> str:
    s = d.state(sid)
    text = f"{s.label} ({s.id})"
    if s.task is not None:
        text += f": tugas {s.task.role}, {s.task.title}"
    if s.final:
        text += ": final" + (f" ({s.outcome})" if s.outcome else "")
    return text


def _marker(mid: str, colour: str) -> str:
    return (f'<marker id="{mid}" viewBox="0 0 10 10" refX="9.5" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse" markerUnits="strokeWidth">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>')


def _prefix(d: Definition) -> str:
    """Element ids unique per definition version, so two diagrams can share a page."""
    return "lc-" + re.sub(r"[^A-Za-z0-9_-]", "-", d.id) + (f"-{d.content_hash[:8]}" if d.content_hash else "")


def _e(text: str) -> str:
    return escape(text, quote=True)
