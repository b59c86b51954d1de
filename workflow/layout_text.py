"""What the lifecycle pictures say, and how much room it takes: the font sizes, an estimate of text
width for a sans-serif face, greedy word wrap, and the wrapped lines of every state and transition.

``workflow.layout`` measures these lines to size nodes and labels; ``workflow.lifecycle_svg`` and
``workflow.bpmn`` draw the same lines, so what is measured is what is shown. Depends only on
``workflow.spec`` (and ``workflow.deadlines`` for a duration's wording). Pure.
"""

from __future__ import annotations

from .spec import Definition, TransitionSpec

# Font sizes and line heights in px (SVG user units; BPMN DI uses the same numbers).
NODE_FONT, NODE_LINE, ID_FONT, ID_LINE = 13, 16, 11, 14
EDGE_FONT, EDGE_LINE, META_FONT, META_LINE = 12, 14, 11, 13
NODE_WRAP, EDGE_WRAP = 124, 124

# -- text size (an estimate for a sans-serif face; the renderers use the same sizes) ----------------
_NARROW, _WIDE = set("iljtfrI.,:;'!|() []"), set("mwMW@%")


def text_width(text: str, size: float, *, bold: bool = False, mono: bool = False) -> float:
    """Estimated width in px of ``text`` at font ``size`` (italic is as wide as upright)."""
    if mono:
        return len(text) * 0.6 * size
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.3
        elif ch in _WIDE:
            em += 0.85
        elif ch.isupper() or ch.isdigit() or not ch.isascii():
            em += 0.66
        else:
            em += 0.54
    return em * size * (1.12 if bold else 1.0)


def wrap(text: str, max_width: float, size: float, *, bold: bool = False, max_lines: int = 3) -> list[str]:
    """Greedy word wrap to ``max_width``; a word longer than the width stays whole; the last of
    ``max_lines`` lines ends with an ellipsis when text is left over."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size, bold=bold) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
        while len(lines[-1]) > 1 and text_width(lines[-1] + "…", size, bold=bold) > max_width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines or [""]


# -- what the pictures say (shared by the layout, which measures it, and the renderers) -------------
def node_lines(label: str) -> list[str]:
    return wrap(label or "", NODE_WRAP, NODE_FONT, bold=True, max_lines=3)


def edge_lines(d: Definition, t: TransitionSpec) -> tuple[list[str], str]:
    """``(label lines, meta line)``: the Indonesian label (or the event), then guards and the ⏱
    deadline this transition is fired by, as in ``workflow.diagram.edge_label``."""
    lines = wrap(t.label or t.event, EDGE_WRAP, EDGE_FONT, max_lines=3)
    meta = f"[{', '.join(t.guards)}]" if t.guards else ""
    when = deadline_text(d, t)
    if when:
        meta = (meta + " " if meta else "") + "⏱ " + when
    return lines, meta


def deadline_text(d: Definition, t: TransitionSpec) -> str:
    """``'14d'`` or the calendar key, when ``t`` is the transition its source state's deadline fires."""
    if not fired_by_deadline(d, t):
        return ""
    deadline = d.state(t.source).deadline
    if deadline.at is not None:
        return deadline.at
    from .deadlines import format_duration

    return format_duration(deadline.after)


def fired_by_deadline(d: Definition, t: TransitionSpec) -> bool:
    s = d.state(t.source) if d.has_state(t.source) else None
    return bool(s and s.deadline and s.deadline.fires == t.event)
