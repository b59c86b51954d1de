"""A deterministic layered layout of a definition's lifecycle, left to right, one lane per role.

Pure Python (no Graphviz): ranks by longest path from the initial state with back edges reversed;
every transition becomes a chain of slots (its label beside its source, then one empty slot per
rank it skips), so labels and long edges take room like nodes and never overlap them; a few
barycenter sweeps order the slots within each lane; edges are orthogonal polylines whose vertical
parts run on their own track in the gaps between columns. ``workflow.lifecycle_svg`` draws the
result and ``workflow.bpmn`` writes it as BPMN DI, so the page and the export show the same graph.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from .spec import ROLES, Definition, TransitionSpec

START = "__start__"  # the layout's id of the start marker (no state may be called so in practice)

# Sizes in px (SVG user units; BPMN DI uses the same numbers).
NODE_FONT, NODE_LINE, ID_FONT, ID_LINE = 13, 16, 11, 14
EDGE_FONT, EDGE_LINE, META_FONT, META_LINE = 12, 14, 11, 13
NODE_WRAP, EDGE_WRAP = 124, 124
NODE_MIN_W, NODE_PAD = 112, 10
START_SIZE = 36
POOL_HEADER = LANE_HEADER = 30
MARGIN = 20
ROW_PAD, LANE_MIN_H = 14, 90
GATEWAY_ROOM, TRACK, PORT_STEP = 70, 10, 10
LOOP_H = 30


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class NodeLayout:
    id: str  # state id, or START
    box: Box
    lane: str
    rank: int


@dataclass(frozen=True)
class EdgeLayout:
    index: int  # position in Definition.transitions; -1 for the edge from the start marker
    source: str
    target: str
    points: tuple[tuple[float, float], ...]
    label: Box | None  # where the label text goes (None: no label)
    loop: bool = False
    back: bool = False


@dataclass(frozen=True)
class LaneLayout:
    role: str
    box: Box


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: dict[str, NodeLayout]
    edges: tuple[EdgeLayout, ...]
    lanes: tuple[LaneLayout, ...]


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


def task_exits(d: Definition, state_id: str) -> tuple[TransitionSpec, ...]:
    """Transitions a person (or the system, not by the deadline) fires from the state's own task;
    the BPMN export puts an exclusive gateway after a task with more than one."""
    return tuple(t for t in d.transitions_from(state_id)
                 if not fired_by_deadline(d, t) or any(r != "system" for r in t.roles))


def state_role(d: Definition, state_id: str) -> str:
    """The lane of a state: its task's role, else its own role, else the first person acting on
    it; a final state sits in the lane of the first person who leads there."""
    s = d.state(state_id)
    if s.task is not None and s.task.role:
        return s.task.role
    if s.role:
        return s.role
    outs = d.transitions_from(state_id)
    people = [r for t in outs for r in t.roles if r != "system"]
    if people:
        return people[0]
    if outs:
        return "system"
    ins = [t for t in d.transitions
           if t.target == state_id and t.source != state_id and d.has_state(t.source)]
    ins.sort(key=lambda t: all(r == "system" for r in t.roles))  # stable: people first
    for t in ins:
        if not d.state(t.source).final:
            return state_role(d, t.source)
    return "system"


# -- the layout -----------------------------------------------------------------------------------
@dataclass
class _Slot:
    key: tuple
    col: int
    lane: str
    w: float
    above: float  # room above the row's centre line
    below: float
    row: int = 0
    y: float = 0.0  # centre line


def layout(d: Definition) -> Layout:
    """Coordinates for every state, the start marker, every transition and every lane of ``d``."""
    states = [s.id for s in d.states]
    lane_of = {sid: state_role(d, sid) for sid in states}
    lane_of[START] = lane_of.get(d.initial, ROLES[0])
    lanes = [r for r in ROLES if r in lane_of.values()] + sorted(set(lane_of.values()) - set(ROLES))
    edges = [(i, t.source, t.target) for i, t in enumerate(d.transitions)
             if d.has_state(t.source) and d.has_state(t.target)]
    flow = [(-1, START, d.initial)] + [e for e in edges if e[1] != e[2]] if d.has_state(d.initial) else \
        [e for e in edges if e[1] != e[2]]
    back = _back_edges([START] + states, flow)
    rank = _ranks([START] + states, [(a, b) if (i, a, b) not in back else (b, a) for i, a, b in flow])

    slots: dict[tuple, _Slot] = {}
    for sid in [START] + states:
        w, above, below = _node_size(d, sid)
        slots[("n", sid)] = _Slot(("n", sid), 2 * rank[sid], lane_of[sid], w, above, below)
    chains: list[tuple[tuple, bool, list[tuple]]] = []
    for i, a, b in flow:
        is_back = (i, a, b) in back
        left, right = (b, a) if is_back else (a, b)
        c0, c1 = 2 * rank[left], 2 * rank[right]
        label_col = c1 - 1 if is_back else c0 + 1
        lane = lane_of[a]
        chain = [("n", left)]
        for c in range(c0 + 1, c1):
            key = ("e", i, c)
            if c == label_col and i >= 0:
                lines, meta = edge_lines(d, d.transitions[i])
                w, h = _label_size(lines, meta)
                slots[key] = _Slot(key, c, lane, w, h + 4, 6)
            else:
                slots[key] = _Slot(key, c, lane, 0, 4, 4)
            chain.append(key)
        chain.append(("n", right))
        chains.append(((i, a, b), is_back, chain))

    _order(slots, chains, lanes)
    lane_boxes, y_end = _rows(slots, lanes)
    ports = _ports(slots, chains)
    cols, gaps = _columns(d, slots, chains, ports)
    width = cols[max(cols)][0] + cols[max(cols)][1] + MARGIN if cols else POOL_HEADER + LANE_HEADER + MARGIN

    def slot_box(key) -> Box:
        s = slots[key]
        x, w = cols[s.col]
        if key[0] == "n":
            sw = s.w
            h = s.above + s.below - _loop_room(d, key[1])
            return Box(x + (w - sw) / 2, s.y - (s.above - _loop_room(d, key[1])), sw, h)
        return Box(x + (w - s.w) / 2, s.y - s.above, s.w, s.above - 4)

    nodes = {sid: NodeLayout(sid, slot_box(("n", sid)), lane_of[sid], rank[sid]) for sid in [START] + states}
    out: list[EdgeLayout] = []
    for ci, ((i, a, b), is_back, chain) in enumerate(chains):
        pts = _route(ci, chain, slots, cols, gaps, ports)
        if is_back:
            pts.reverse()
        label = next((slot_box(k) for k in chain if k[0] == "e" and slots[k].w > 0), None)
        out.append(EdgeLayout(i, a, b, tuple(_simplify(pts)), label, False, is_back))
    for i, a, b in edges:
        if a == b:
            out.append(_loop(d, i, nodes[a].box))
    out.sort(key=lambda e: e.index)
    lane_layouts = tuple(LaneLayout(r, Box(POOL_HEADER, y, width - POOL_HEADER, h))
                         for r, (y, h) in lane_boxes)
    return Layout(width, y_end, nodes, tuple(out), lane_layouts)


def _node_size(d: Definition, sid: str) -> tuple[float, float, float]:
    if sid == START:
        return START_SIZE, START_SIZE / 2, START_SIZE / 2
    lines = node_lines(d.state(sid).label)
    w = max([NODE_MIN_W, text_width(sid, ID_FONT, mono=True) + 2 * NODE_PAD]
            + [text_width(line, NODE_FONT, bold=True) + 2 * NODE_PAD for line in lines])
    h = 2 * NODE_PAD + NODE_LINE * len(lines) + ID_LINE
    loops = _loop_labels(d, sid)
    w = max([w] + [sum(lw for lw, _ in loops) + 12 * (len(loops) - 1)])
    return w, h / 2 + _loop_room(d, sid), h / 2


def _label_size(lines: list[str], meta: str) -> tuple[float, float]:
    w = max([text_width(line, EDGE_FONT) for line in lines] + [text_width(meta, META_FONT)])
    return w + 8, EDGE_LINE * len(lines) + (META_LINE if meta else 0)


def _loop_labels(d: Definition, sid: str) -> list[tuple[float, float]]:
    if sid == START:
        return []
    return [_label_size(*edge_lines(d, t)) for t in d.transitions if t.source == sid and t.target == sid]


def _loop_room(d: Definition, sid: str) -> float:
    loops = _loop_labels(d, sid)
    return LOOP_H + 6 + max(h for _, h in loops) if loops else 0


def _loop(d: Definition, index: int, box: Box) -> EdgeLayout:
    """A self-transition: up from the node's top right, across, back down into its top left."""
    sid = d.transitions[index].source
    mine = [i for i, t in enumerate(d.transitions) if t.source == sid and t.target == sid]
    sizes = _loop_labels(d, sid)
    k = mine.index(index)
    total = sum(w for w, _ in sizes) + 12 * (len(sizes) - 1)
    x = box.cx - total / 2 + sum(w + 12 for w, _ in sizes[:k])
    lw, lh = sizes[k]
    x1, x2 = max(x + 8, box.x + 10), min(x + lw - 8, box.right - 10)
    if x2 - x1 < 16:
        x1, x2 = box.cx - 12 + 24 * k - 12 * (len(sizes) - 1), box.cx + 12 + 24 * k - 12 * (len(sizes) - 1)
    top = box.y - LOOP_H
    label = Box(x, top - 4 - lh, lw, lh)
    pts = ((x2, box.y), (x2, top), (x1, top), (x1, box.y))
    return EdgeLayout(index, sid, sid, pts, label, True, False)


def _back_edges(nodes: list[str], flow: list[tuple]) -> set[tuple]:
    """Edges that close a cycle in a depth-first walk from the start (in definition order)."""
    out = defaultdict(list)
    for e in flow:
        out[e[1]].append(e)
    colour: dict[str, int] = {}
    back: set[tuple] = set()
    for root in nodes:
        if root in colour:
            continue
        colour[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, it = stack[-1]
            e = next(it, None)
            if e is None:
                colour[node] = 2
                stack.pop()
            elif colour.get(e[2]) == 1:
                back.add(e)
            elif e[2] not in colour:
                colour[e[2]] = 1
                stack.append((e[2], iter(out[e[2]])))
    return back


def _ranks(nodes: list[str], dag: list[tuple[str, str]]) -> dict[str, int]:
    """Longest path from the sources (the start marker has rank 0, states at least 1)."""
    preds = defaultdict(list)
    indeg = {n: 0 for n in nodes}
    succ = defaultdict(list)
    for a, b in dag:
        preds[b].append(a)
        succ[a].append(b)
        indeg[b] += 1
    rank: dict[str, int] = {}
    ready = [n for n in nodes if indeg[n] == 0]
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in succ[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                ready.append(m)
    for n in order:
        rank[n] = max([rank[p] + 1 for p in preds[n]] + [0 if n == START else 1])
    return rank


def _order(slots: dict, chains: list, lanes: list[str]) -> None:
    """Order the slots of each column within each lane by a few barycenter sweeps, then give each
    a row of its lane, near its neighbours' rows when there is room."""
    neighbours = defaultdict(list)
    for _, _, chain in chains:
        for p, q in itertools.pairwise(chain):
            neighbours[p].append(q)
            neighbours[q].append(p)
    lane_idx = {r: i for i, r in enumerate(lanes)}
    groups = defaultdict(list)
    for key, s in slots.items():
        groups[(s.col, s.lane)].append(key)
    rows = defaultdict(int)
    for (_, lane), keys in groups.items():
        rows[lane] = max(rows[lane], len(keys))
        for i, k in enumerate(keys):
            slots[k].row = i
    pos = lambda k: lane_idx[slots[k].lane] * 1000 + slots[k].row  # noqa: E731
    ncols = max(s.col for s in slots.values()) + 1
    for sweep in range(6):
        cols = range(1, ncols) if sweep % 2 == 0 else range(ncols - 2, -1, -1)
        side = -1 if sweep % 2 == 0 else 1
        for c in cols:
            for lane in lanes:
                keys = groups.get((c, lane))
                if not keys:
                    continue
                want = {}
                for k in keys:
                    near = [pos(n) for n in neighbours[k] if slots[n].col == c + side]
                    want[k] = sum(near) / len(near) if near else pos(k)
                keys.sort(key=lambda k: (want[k], slots[k].row))
                _assign_rows(keys, slots, {k: want[k] - lane_idx[lane] * 1000 for k in keys}, rows[lane])


def _assign_rows(keys: list, slots: dict, want: dict, nrows: int) -> None:
    prev = -1
    for i, k in enumerate(keys):
        hi = nrows - (len(keys) - i)
        slots[k].row = max(prev + 1, min(round(min(max(want[k], 0), nrows - 1)), hi))
        prev = slots[k].row


def _rows(slots: dict, lanes: list[str]) -> tuple[list, float]:
    """Row centre lines and lane bands, top to bottom."""
    y = MARGIN / 2
    bands = []
    for lane in lanes:
        mine = [s for s in slots.values() if s.lane == lane]
        nrows = max(s.row for s in mine) + 1
        top = y
        for r in range(nrows):
            in_row = [s for s in mine if s.row == r]
            above = max([s.above for s in in_row] + [10])
            below = max([s.below for s in in_row] + [10])
            centre = y + ROW_PAD + above
            for s in in_row:
                s.y = centre
            y = centre + below + ROW_PAD
        h = max(y - top, LANE_MIN_H)
        if h > y - top:  # centre a short lane's rows
            for s in mine:
                s.y += (h - (y - top)) / 2
        y = top + h
        bands.append((lane, (top, h)))
    return bands, y + MARGIN / 2


def _ports(slots: dict, chains) -> dict:
    """The y where each chain leaves or enters each node: the ends on one side of a node spread
    around its centre, ordered by the y of the slot at the other end so they do not cross."""
    sides = defaultdict(list)  # (node key, "r" | "l") -> [(other y, chain index)]
    for ci, (_, _, chain) in enumerate(chains):
        sides[(chain[0], "r")].append((slots[chain[1]].y, ci))
        sides[(chain[-1], "l")].append((slots[chain[-2]].y, ci))
    ports = {}
    for (key, side), ends in sides.items():
        ends.sort()
        s = slots[key]
        half = min(s.below, 40) - 8
        step = min(PORT_STEP, 2 * half / (len(ends) - 1)) if len(ends) > 1 else 0
        for j, (_, ci) in enumerate(ends):
            ports[(ci, side)] = s.y + (j - (len(ends) - 1) / 2) * step
    return ports


def _hops(chains, slots, ports):
    """Every chain segment from one column to the next, as (left col, chain index, y1, y2)."""
    for ci, (_, _, chain) in enumerate(chains):
        for j, (p, q) in enumerate(itertools.pairwise(chain)):
            y1 = ports[(ci, "r")] if j == 0 else slots[p].y
            y2 = ports[(ci, "l")] if j == len(chain) - 2 else slots[q].y
            yield slots[p].col, ci, j, y1, y2


def _columns(d: Definition, slots: dict, chains, ports) -> tuple[dict, dict]:
    """Column x and width; the tracks in each gap (the x of every bending hop)."""
    ncols = max(s.col for s in slots.values()) + 1
    widths = [0.0] * ncols
    for s in slots.values():
        widths[s.col] = max(widths[s.col], s.w)
    bends = defaultdict(list)
    for col, ci, j, y1, y2 in _hops(chains, slots, ports):
        if abs(y1 - y2) > 0.5:
            bends[col].append((ci, j, y1, y2))
    branching = {s.col for k, s in slots.items()
                 if k[0] == "n" and k[1] != START and len(task_exits(d, k[1])) > 1}
    cols, gaps = {}, {}
    x = POOL_HEADER + LANE_HEADER + MARGIN
    for c in range(ncols):
        cols[c] = (x, widths[c])
        x += widths[c]
        if c == ncols - 1:
            break
        base = GATEWAY_ROOM if c in branching else (16 if c % 2 == 0 else 10)
        down = sorted((b for b in bends[c] if b[3] > b[2]), key=lambda b: -b[2])
        up = sorted((b for b in bends[c] if b[3] < b[2]), key=lambda b: b[2])
        for k, (ci, j, _, _) in enumerate(down + up):
            gaps[(ci, j)] = x + base + k * TRACK
        x += base + max(len(bends[c]) - 1, 0) * TRACK + (18 if c % 2 else 12)
    return cols, gaps


def _route(ci: int, chain: list, slots: dict, cols: dict, gaps: dict, ports: dict) -> list:
    """The polyline of one chain, left to right: straight through its slots, bending on its tracks."""
    def left(k) -> float:
        x, w = cols[slots[k].col]
        return x + (w - slots[k].w) / 2 if k[0] == "n" else x

    def right(k) -> float:
        x, w = cols[slots[k].col]
        return x + (w + slots[k].w) / 2 if k[0] == "n" else x + w

    pts: list[tuple[float, float]] = []
    last = len(chain) - 2
    for j, (p, q) in enumerate(itertools.pairwise(chain)):
        y1 = ports[(ci, "r")] if j == 0 else slots[p].y
        y2 = ports[(ci, "l")] if j == last else slots[q].y
        pts.append((right(p), y1))
        if (ci, j) in gaps:
            pts += [(gaps[(ci, j)], y1), (gaps[(ci, j)], y2)]
        pts.append((left(q), y2))
    return pts


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and the middle one of three on a line."""
    out: list[tuple[float, float]] = []
    for p in [(round(x, 1), round(y, 1)) for x, y in points]:
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
            continue
        out.append(p)
    return out
