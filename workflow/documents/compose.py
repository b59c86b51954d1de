"""From a case's facts to a ``Letter``: the blocks each document shows ([[fakta]], [[akun]],
[[nilai]]) and the wording rendered from the definition's template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..deadlines import JAKARTA, format_date_id
from .pdf import Grid, Letter
from .settings import DocumentSettings
from .wording import render_wording

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Stamp:
    number: str
    short_code: str
    issued_at: datetime


def fmt(x: float) -> str:
    """Scores the Indonesian way: '87,5', '100'."""
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def date_text(moment: datetime) -> str:
    local = moment.astimezone(JAKARTA)
    return f"{DAYS_ID[local.weekday()]} tanggal {format_date_id(local)}"


def compose(spec, definition, facts: dict, content: dict, settings: DocumentSettings, stamp: Stamp) -> Letter:
    """``facts``: what the service read (unit, state, account...); ``content``: the renderer's answer."""
    unit = facts["unit"]
    context = {"unit": unit, "year": facts["year"], "definition": definition, "facts": content,
               "account": facts.get("account") or {}, "date_text": date_text(stamp.issued_at)}
    wording = render_wording(spec, context)
    rows = [("Nama Unit Kerja", unit["name"]), ("Kode Unit Kerja", unit["code"]),
            ("Kantor Wilayah", unit["kanwil"]), ("Wilayah", unit["region"]),
            ("Tahun Evaluasi", str(facts["year"])), ("Status", facts["state_label"])]
    blocks: dict = {"fakta": tuple(rows)}
    if facts.get("account"):
        a = facts["account"]
        blocks["akun"] = (("Nama pengguna", a["username"]), ("Kode aktivasi", a["code"]),
                          ("Berlaku sampai", a["expires_text"]), ("Alamat masuk", a["login_url"]))
    result = content.get("result")
    if result:
        blocks["fakta"] = tuple(rows) + (("Nilai akhir", fmt(result["total"])),
                                         ("Nilai minimal kelulusan", fmt(definition.scoring.pass_threshold)),
                                         ("Predikat", result.get("predicate") or "-"))
        blocks["nilai"] = score_grid(definition, result)
    return Letter(
        number=stamp.number, place_date=f"{settings.place}, {format_date_id(stamp.issued_at)}",
        subject=wording.subject, title=wording.title or spec.title,
        addressee=(f"Kepala {unit['name']}", f"di {unit['region']}"), body=wording.body, blocks=blocks,
        letterhead=settings.letterhead,
        signer=(settings.signer_name, settings.signer_position, settings.signer_nip),
        qr_payload=settings.verify_url(stamp.short_code), short_code=stamp.short_code)


def score_grid(definition, result: dict) -> Grid:
    criteria = result.get("criteria") or {}
    rows = []
    for c in definition.catalogue:
        value = float(criteria.get(c.id, 0))
        rows.append((c.id, c.title, fmt(c.weight), fmt(value), fmt(value * c.weight / 100)))
    rows.append(("", "Nilai akhir", fmt(sum(c.weight for c in definition.catalogue)), "", fmt(result["total"])))
    return Grid(("No.", "Kriteria", "Bobot", "Nilai", "Nilai x Bobot"), tuple(rows), (8, 52, 12, 12, 16),
                total_row=True)
