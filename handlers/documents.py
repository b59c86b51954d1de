"""Document handlers: each turns a case's facts into the content of one official document.

The PDF rendering (reportlab) and numbering are done by the documents worker; these functions
decide what the document says, so a definition can only name documents that exist."""

from .base import REGISTRY


@REGISTRY.register("document")
def berita_acara(facts: dict) -> dict:
    return {"kind": "berita_acara", "title": "Berita Acara Hasil Evaluasi", "unit": facts.get("unit_name"),
            "year": facts.get("year"), "passed": True}


@REGISTRY.register("document")
def surat_keterangan(facts: dict) -> dict:
    return {"kind": "surat_keterangan", "title": "Surat Keterangan Hasil Evaluasi",
            "unit": facts.get("unit_name"), "year": facts.get("year"), "passed": False,
            "reasons": list(facts.get("reasons") or []),
            "note": "Unit Kerja dapat mengikuti kembali tahapan evaluasi pada tahun berikutnya."}


@REGISTRY.register("document")
def hasil_penilaian(facts: dict) -> dict:
    return {"kind": "hasil_penilaian", "title": "Hasil Penilaian", "unit": facts.get("unit_name"),
            "year": facts.get("year"), "result": facts.get("result")}
