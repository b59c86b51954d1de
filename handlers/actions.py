"""Actions: run inside the transition; they may append effects to ``ctx.effects`` (never commit)."""

from workflow import scoring
from workflow.firing import Outbox

from .base import REGISTRY


@REGISTRY.register("action")
def request_operator_account(ctx) -> None:
    """Ask for the unit's operator account (created by the account handler after commit)."""
    ctx.effects.append(Outbox("account", "operator_account", {"unit_id": ctx.case.get("unit_id")}))


@REGISTRY.register("action")
def record_assessment(ctx) -> None:
    """Keep the computed result beside the scores in the audit payload."""
    choices = {k: v if isinstance(v, list) else [v] for k, v in ctx.payload["scores"].items()}
    result = scoring.score(ctx.definition, choices)
    ctx.payload["result"] = {"total": result.total, "passed": result.passed,
                             "criteria": dict(result.criteria), "predicate": result.predicate}
