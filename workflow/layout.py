"""A deterministic layered layout of a definition's lifecycle, left to right, one lane per role.

Pure Python (no Graphviz): ranks by longest path from the initial state with back edges reversed;
every transition becomes a chain of slots (its label beside its source, then one empty slot per
rank it skips), so labels and long edges take room like nodes and never overlap them; the slots
are then ordered, placed and routed on the grid of ``workflow.layout_grid``, with text measured by
``workflow.layout_text``. ``workflow.lifecycle_svg`` draws the result and ``workflow.bpmn`` writes
it as BPMN DI, so the page and the export show the same graph. Depends on ``workflow.spec`` and
those two modules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import layout_grid as grid
from .layout_grid import LANE_HEADER, MARGIN, POOL_HEADER
from .layout_text import (
    EDGE_FONT,
    EDGE_LINE,
    ID_FONT,
    ID_LINE,
    META_FONT,
    META_LINE,
    NODE_FONT,
    NODE_LINE,
    edge_lines,
    fired_by_deadline,
    node_lines,
    text_width,
)
from .spec import ROLES, Definition, TransitionSpec

START = "__start__"  # the layout's id of the start marker (no state may be called so in practice)

# Sizes in px (SVG user units; BPMN DI uses the same numbers).
NODE_MIN_W, NODE_PAD = 112, 10
START_SIZE = 36
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


# -- lanes and gateways (also what the renderers draw) --------------------------------------------
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

    slots: dict[tuple, grid.Slot] = {}
    for sid in [START] + states:
        w, above, below = _node_size(d, sid)
        slots[("n", sid)] = grid.Slot(("n", sid), 2 * rank[sid], lane_of[sid], w, above, below)
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
                slots[key] = grid.Slot(key, c, lane, w, h + 4, 6)
            else:
                slots[key] = grid.Slot(key, c, lane, 0, 4, 4)
            chain.append(key)
        chain.append(("n", right))
        chains.append(((i, a, b), is_back, chain))

    grid.order_slots(slots, chains, lanes)
    lane_boxes, y_end = grid.place_rows(slots, lanes)
    ports = grid.place_ports(slots, chains)
    branching = {s.col for k, s in slots.items()
                 if k[0] == "n" and k[1] != START and len(task_exits(d, k[1])) > 1}
    cols, gaps = grid.place_columns(slots, chains, ports, branching)
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
        pts = grid.route(ci, chain, slots, cols, gaps, ports)
        if is_back:
            pts.reverse()
        label = next((slot_box(k) for k in chain if k[0] == "e" and slots[k].w > 0), None)
        out.append(EdgeLayout(i, a, b, tuple(grid.simplify(pts)), label, False, is_back))
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
