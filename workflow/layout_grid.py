"""The grid a lifecycle layout is placed on, and the routes of its edges through it.

``workflow.layout`` turns every state and every column a transition passes through into a ``Slot``
with a lane, a column and a size; this module orders the slots within each lane by barycenter
sweeps, gives them rows and lane bands, spreads the ends of edges over a node's side (ports), sets
the columns' x with a track in the gaps for every bending hop, and routes each chain of slots as
an orthogonal polyline. A chain is ``(edge, is back edge, [slot keys, left to right])``. It knows
slots and sizes only, not definitions. Pure: standard library only.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

# Spacing in px (SVG user units; BPMN DI uses the same numbers).
POOL_HEADER = LANE_HEADER = 30
MARGIN = 20
ROW_PAD, LANE_MIN_H = 14, 90
GATEWAY_ROOM, TRACK, PORT_STEP = 70, 10, 10


@dataclass
class Slot:
    """One cell of the grid: a node (key ``("n", id)``) or a column a transition's chain passes
    through (key ``("e", transition index, column)``, carrying the label or nothing)."""

    key: tuple
    col: int
    lane: str
    w: float
    above: float  # room above the row's centre line
    below: float
    row: int = 0
    y: float = 0.0  # centre line


def order_slots(slots: dict, chains: list, lanes: list[str]) -> None:
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


def place_rows(slots: dict, lanes: list[str]) -> tuple[list, float]:
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


def place_ports(slots: dict, chains) -> dict:
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


def place_columns(slots: dict, chains, ports, branching: set[int]) -> tuple[dict, dict]:
    """Column x and width; the tracks in each gap (the x of every bending hop). A column in
    ``branching`` holds a task with a gateway after it, and gets room for it on its right."""
    ncols = max(s.col for s in slots.values()) + 1
    widths = [0.0] * ncols
    for s in slots.values():
        widths[s.col] = max(widths[s.col], s.w)
    bends = defaultdict(list)
    for col, ci, j, y1, y2 in _hops(chains, slots, ports):
        if abs(y1 - y2) > 0.5:
            bends[col].append((ci, j, y1, y2))
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


def route(ci: int, chain: list, slots: dict, cols: dict, gaps: dict, ports: dict) -> list:
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


def simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
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
