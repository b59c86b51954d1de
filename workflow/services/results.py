"""The results table per year and region: pass/fail, totals, predicate; CSV and a PDF recap."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..documents.compose import fmt
from ..store import AuditEntry, Case, Unit
from .authz import load_actor, require_role
from .runtime import Runtime

COLUMNS = ("Wilayah", "Kantor Wilayah", "Unit Kerja", "Tahap", "Hasil", "Nilai Akhir", "Predikat")


@dataclass(frozen=True)
class ResultRow:
    case_id: int
    region: str
    kanwil: str
    unit: str
    stage: str
    outcome: str  # Lulus | Tidak lulus penilaian | Tidak lolos evaluasi | Dalam proses
    total: float | None
    predicate: str | None

    def cells(self) -> tuple[str, ...]:
        return (self.region, self.kanwil, self.unit, self.stage, self.outcome,
                fmt(self.total) if self.total is not None else "-", self.predicate or "-")


def results_table(rt: Runtime, actor_id: int | None, year: int, region: str | None = None) -> list[ResultRow]:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        parent = aliased(Unit)
        q = (select(Case, Unit, parent.name).join(Unit, Unit.id == Case.unit_id)
             .outerjoin(parent, parent.id == Unit.parent_id).where(Case.year == year)
             .order_by(Unit.region, Unit.name))
        if region:
            q = q.where(Unit.region == region)
        rows = s.execute(q).all()
        ids = [c.id for c, _, _ in rows]
        results = {}
        if ids:
            for entry in s.scalars(select(AuditEntry).where(AuditEntry.case_id.in_(ids),
                                                            AuditEntry.event == "submit_assessment")
                                   .order_by(AuditEntry.id)):
                results[entry.case_id] = (entry.payload or {}).get("result")
        out = []
        for case, unit, kanwil in rows:
            d = rt.definition(s, case.definition_hash)
            result = results.get(case.id)
            if result:
                outcome = "Lulus" if result.get("passed") else "Tidak lulus penilaian"
            elif case.outcome == "failed":
                outcome = "Tidak lolos evaluasi"
            else:
                outcome = "Dalam proses"
            out.append(ResultRow(case.id, unit.region, kanwil or unit.name, unit.name, d.state(case.state).label,
                                 outcome, result["total"] if result else None,
                                 result.get("predicate") if result else None))
        return out


def to_csv(rows: list[ResultRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow(r.cells())
    return buf.getvalue()


def recap_pdf(rt: Runtime, rows: list[ResultRow], year: int, region: str | None = None) -> bytes:
    """A recap letter with the results table (no number: an internal recapitulation)."""
    from ..deadlines import format_date_id
    from ..documents import pdf
    from .accounts import settings_of

    settings = settings_of(rt)
    passed = sum(1 for r in rows if r.outcome == "Lulus")
    where = f" Wilayah {region}" if region else ""
    body = (f"Rekapitulasi hasil evaluasi dan penilaian P2HAM Tahun {year}{where}: {len(rows)} Unit Kerja, "
            f"{passed} memperoleh predikat Unit Kerja P2HAM.\n\n[[hasil]]\n")
    grid = pdf.Grid(("Wilayah", "Unit Kerja", "Hasil", "Nilai", "Predikat"),
                    tuple((r.region, r.unit, r.outcome, r.cells()[5], r.cells()[6]) for r in rows) or (("-",) * 5,),
                    (18, 36, 20, 10, 16))
    letter = pdf.Letter(number="-", place_date=f"{settings.place}, {format_date_id(rt.now())}",
                        subject=f"Rekapitulasi Hasil P2HAM Tahun {year}", title=f"Rekapitulasi Hasil P2HAM Tahun {year}",
                        addressee=("Menteri Hukum dan Hak Asasi Manusia", "di Jakarta"), body=body,
                        blocks={"hasil": grid}, letterhead=settings.letterhead,
                        signer=(settings.signer_name, settings.signer_position, settings.signer_nip))
    return pdf.render(letter)
