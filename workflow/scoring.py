"""Scoring arithmetic from a definition's scales and weights. Pure.

Indicator value: the chosen option's value (0-100). Criterion score: the mean of its indicators'
values. Total: the sum of criterion score x weight / 100. With several assessors, each indicator's
value is their average before the arithmetic above.
"""

from __future__ import annotations

from dataclasses import dataclass

from .spec import Definition


@dataclass(frozen=True)
class Result:
    criteria: tuple[tuple[str, float], ...]  # (criterion id, score 0-100)
    total: float
    passed: bool
    predicate: str | None


def indicator_value(d: Definition, indicator_id: str, option_ids: list[str]) -> float:
    ind = d.indicator(indicator_id)
    scale = d.scoring.scale(ind.scale or d.scoring.default_scale)
    values = [scale.value_of(o) for o in option_ids]
    return sum(values) / len(values)


def score(d: Definition, choices: dict[str, list[str]]) -> Result:
    """``choices`` maps indicator id -> chosen option ids (one per assessor); all must be present."""
    missing = [i.id for i in d.indicators() if not choices.get(i.id)]
    if missing:
        raise ValueError("indikator belum dinilai: " + ", ".join(missing))
    per_criterion = []
    total = 0.0
    for c in d.catalogue:
        values = [indicator_value(d, i.id, choices[i.id]) for i in c.indicators]
        s = sum(values) / len(values)
        per_criterion.append((c.id, round(s, 2)))
        total += s * c.weight / 100
    total = round(total, 2)
    passed = total >= d.scoring.pass_threshold
    return Result(tuple(per_criterion), total, passed, d.scoring.predicate if passed else None)
