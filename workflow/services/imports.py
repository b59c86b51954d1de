"""Import units (Kantor Wilayah and UPT) from CSV. All or nothing: when any row is wrong nothing is
written, and the report says what is wrong with each row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select

from ..store import Unit
from .authz import load_actor, require_role
from .org import UNIT_KINDS
from .runtime import Runtime

COLUMNS = ("kode", "nama", "jenis", "wilayah", "induk", "jenis_upt", "alamat")
REQUIRED = ("kode", "nama", "jenis", "wilayah")
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowResult:
    line: int
    code: str
    ok: bool
    message: str


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[RowResult, ...]
    created: int
    problem: str = ""  # a problem with the file as a whole

    @property
    def ok(self) -> bool:
        return not self.problem and all(r.ok for r in self.rows)


def import_units_csv(rt: Runtime, actor_id: int | None, data: bytes | str) -> ImportReport:
    """Columns: kode, nama, jenis (kanwil|upt), wilayah, induk (a Kanwil's code, for UPT), jenis_upt,
    alamat. A UPT's parent may be registered already or appear anywhere in the same file."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        return ImportReport((), 0, "Berkas bukan teks UTF-8. Simpan ulang sebagai CSV UTF-8.")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return ImportReport(
            (),
            0,
            "Kolom wajib tidak ada: "
            + ", ".join(missing)
            + ". Baris pertama harus berisi: "
            + ", ".join(COLUMNS)
            + ".",
        )
    rows = []
    for n, raw in enumerate(reader, start=2):
        rows.append((n, {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}))
        if len(rows) > MAX_ROWS:
            return ImportReport((), 0, f"Paling banyak {MAX_ROWS} baris per berkas.")
    if not rows:
        return ImportReport((), 0, "Berkas tidak berisi baris data.")
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        existing = {code: kind for code, kind in s.execute(select(Unit.code, Unit.kind))}
        in_file = {r["kode"]: r.get("jenis", "").lower() for _, r in rows if r.get("kode")}
        seen: set = set()
        results = []
        for line, r in rows:
            problems = _check(r, existing, in_file, seen)
            seen.add(r.get("kode", ""))
            results.append(
                RowResult(line, r.get("kode", ""), not problems, " ".join(problems) or "Siap diimpor.")
            )
        if not all(x.ok for x in results):
            return ImportReport(tuple(results), 0)
        ids: dict = {}
        # Kantor Wilayah first, so that UPTs find their parent's id
        for _, r in sorted(rows, key=lambda lr: lr[1]["jenis"].lower() != "kanwil"):
            kind = r["jenis"].lower()
            parent = None
            if kind == "upt":
                parent = ids.get(r["induk"]) or s.scalar(select(Unit.id).where(Unit.code == r["induk"]))
            unit = Unit(
                code=r["kode"],
                name=r["nama"],
                kind=kind,
                region=r["wilayah"],
                parent_id=parent,
                upt_type=r.get("jenis_upt") or None,
                address=r.get("alamat", ""),
            )
            s.add(unit)
            s.flush()
            ids[unit.code] = unit.id
        uow.commit()
        done = tuple(RowResult(x.line, x.code, True, "Diimpor.") for x in results)
        return ImportReport(done, len(done))


def _check(r: dict, existing: dict, in_file: dict, seen: set) -> list[str]:
    out = [f"Kolom '{c}' kosong." for c in REQUIRED if not r.get(c)]
    code, kind = r.get("kode", ""), r.get("jenis", "").lower()
    if code and len(code) > 40:
        out.append("Kode paling panjang 40 karakter.")
    if code in existing:
        out.append(f"Kode '{code}' sudah terdaftar.")
    elif code and code in seen:
        out.append(f"Kode '{code}' muncul lebih dari sekali dalam berkas.")
    if kind and kind not in UNIT_KINDS:
        out.append(f"Jenis '{r.get('jenis')}' tidak dikenal; gunakan 'kanwil' atau 'upt'.")
    if kind == "upt":
        parent = r.get("induk", "")
        if not parent:
            out.append("UPT wajib memiliki induk (kode Kantor Wilayah).")
        elif existing.get(parent, in_file.get(parent)) != "kanwil":
            out.append(f"Induk '{parent}' bukan Kantor Wilayah yang terdaftar atau ada dalam berkas.")
    if len(r.get("nama", "")) > 200:
        out.append("Nama paling panjang 200 karakter.")
    return out
