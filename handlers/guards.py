"""Guards: return True to allow a transition. A guard may raise ``ValidationFailed`` to say why not."""

from workflow import scoring
from workflow.errors import ValidationFailed

from .base import REGISTRY


def _window(ctx, opens: str, closes: str, what: str) -> bool:
    d = ctx.definition
    calendar = dict(d.calendar)
    if opens in calendar and ctx.now < calendar[opens]:
        raise ValidationFailed(f"Masa {what} belum dibuka (dibuka {calendar[opens]:%d-%m-%Y %H:%M} WIB).",
                               f"The {what} window is not open yet.")
    close = calendar.get(closes)
    extended = ctx.case.get("window_closes")  # an admin's extension for this unit or for all
    if close is not None and extended is not None and extended > close:
        close = extended
    if close is not None and ctx.now > close:
        local = close.astimezone(calendar[closes].tzinfo)
        raise ValidationFailed(f"Masa {what} sudah ditutup ({local:%d-%m-%Y %H:%M} WIB).",
                               f"The {what} window has closed.")
    return True


@REGISTRY.register("guard")
def declaration_window_open(ctx) -> bool:
    return _window(ctx, "declaration_opens", "declaration_closes", "pencanangan")


@REGISTRY.register("guard")
def evaluation_window_open(ctx) -> bool:
    return _window(ctx, "evaluation_opens", "evaluation_closes", "evaluasi")


@REGISTRY.register("guard")
def evidence_window_open(ctx) -> bool:
    return _window(ctx, "evidence_input_opens", "evidence_input_closes", "penginputan data dukung")


def _result(ctx):
    choices = ctx.payload.get("scores")
    if not isinstance(choices, dict):
        raise ValidationFailed("Nilai setiap indikator wajib diisi.", "Scores are required.")
    try:
        return scoring.score(ctx.definition, {k: v if isinstance(v, list) else [v] for k, v in choices.items()})
    except (ValueError, KeyError) as exc:
        raise ValidationFailed(f"Penilaian tidak lengkap atau tidak sah: {exc}", str(exc)) from exc


@REGISTRY.register("guard")
def assessment_passed(ctx) -> bool:
    """The scores in the payload reach the definition's pass threshold."""
    return _result(ctx).passed


@REGISTRY.register("guard")
def assessment_failed(ctx) -> bool:
    return not _result(ctx).passed
