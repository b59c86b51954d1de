"""The wording of a document: a Jinja2 text template named by the definition's ``documents``
entry (``template: documents/berita_acara.txt``), so a later year can change it without code.

A template writes the body (see ``workflow.documents.pdf.Letter.body`` for its few conventions)
and sets ``subject`` (and optionally ``title``) with ``{% set %}``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from ..config import ROOT
from ..errors import ValidationFailed

TEMPLATES = ROOT / "templates"


@dataclass(frozen=True)
class Wording:
    subject: str
    title: str | None
    body: str


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def template_name(spec) -> str:
    return spec.template or f"documents/{spec.renderer}.txt"


def render_wording(spec, context: dict) -> Wording:
    """Render the template of a ``DocumentSpec`` with ``context``."""
    name = template_name(spec)
    try:
        module = _env().get_template(name).make_module(context)
    except TemplateNotFound as exc:
        raise ValidationFailed(f"Templat dokumen '{name}' tidak ditemukan di templates/.",
                               f"Document template {name} not found.") from exc
    subject = getattr(module, "subject", None) or spec.title
    return Wording(str(subject), getattr(module, "title", None), str(module))
