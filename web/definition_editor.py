"""Admin pages for definition versions: list, draft editor, validation, diagram preview, diff, publish
and BPMN download (issue #7).

The editor is a textarea whose lines are numbered by a gutter rendered on the server (the textarea
is as tall as the text, so the numbers line up without JavaScript; a small script keeps them in step
while typing and moves the caret to a line named in an issue). The structured forms apply one
``workflow.defedit`` edit to the stored text and save it through ``save_draft``, like the textarea."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from workflow import defedit, lifecycle_svg
from workflow.bpmn import to_bpmn
from workflow.errors import ChangedMeanwhile, ValidationFailed
from workflow.services import definition_drafts as drafts
from workflow.services import definition_versions as versions

from . import runtime
from .site import guard, message

bp = Blueprint("definition_editor", __name__, url_prefix="/admin/definisi")
SECTIONS = ("teks", "kalender", "indikator", "bobot", "dokumen", "diagram", "katalog")


@bp.before_request
def _only_admins():
    return guard("admin")


# -- versions --------------------------------------------------------------------------------------
@bp.get("/")
def index():
    rows = versions.list_version_rows(runtime())
    years: dict[int, list] = {}
    for row in rows:
        years.setdefault(row.year, []).append(row)
    return render_template("admin/definitions/index.html", years=years,
                           drafts=drafts.list_drafts(runtime(), current_user.id))


@bp.post("/draf")
def start():
    version_id = request.form.get("versi", type=int)
    raw_year = (request.form.get("tahun") or "").strip()
    if not raw_year.isdigit() and raw_year:
        flash(_("Tahun baru harus berupa angka empat digit, misalnya 2025."), "error")
        return redirect(url_for(".index"))
    draft = drafts.start_draft(runtime(), current_user.id, version_id, int(raw_year) if raw_year else None)
    flash(_("Draf %(key)s dibuat dari %(base)s.", key=draft.key, base=draft.base_label), "success")
    return redirect(url_for(".draft", draft_id=draft.id))


@bp.get("/versi/<int:version_id>")
def version(version_id: int):
    v = versions.get_version(runtime(), current_user.id, version_id)
    definition = versions.parsed(runtime(), v.source_text, v.source_name)
    return render_template("admin/definitions/version.html", v=v, definition=definition,
                           lines=v.source_text.splitlines(), **_diagram(definition))


@bp.get("/versi/<int:version_id>/bpmn")
def bpmn(version_id: int):
    v = versions.get_version(runtime(), current_user.id, version_id)
    definition = versions.parsed(runtime(), v.source_text, v.source_name)
    if definition is None:
        abort(404)
    return Response(to_bpmn(definition), mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{v.key}-v{v.version}.bpmn"'})


@bp.get("/versi/<int:version_id>/yaml")
def yaml_text(version_id: int):
    v = versions.get_version(runtime(), current_user.id, version_id)
    return Response(v.source_text, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{v.key}-v{v.version}.yaml"'})


# -- the draft editor ------------------------------------------------------------------------------
@bp.get("/draf/<int:draft_id>")
def draft(draft_id: int):
    return _editor(drafts.get_draft(runtime(), current_user.id, draft_id))


def _editor(d, text: str | None = None, stale: bool = False, status: int = 200):
    """The editor page for draft ``d``; ``text`` is the admin's unsaved text after a refused save."""
    shown = d.text if text is None else text
    return render_template(
        "admin/definitions/editor.html", d=d, text=shown, lines=max(len(shown.splitlines()), 1), stale=stale,
        outline=defedit.outline(d.text), **_diagram(d.definition)), status


@bp.post("/draf/<int:draft_id>/simpan")
def save(draft_id: int):
    text = request.form.get("teks", "").replace("\r\n", "\n")
    try:
        d = drafts.save_draft(runtime(), current_user.id, draft_id, text, _revision())
    except ChangedMeanwhile as exc:
        flash(message(exc), "error")
        return _editor(drafts.get_draft(runtime(), current_user.id, draft_id), text, stale=True, status=409)
    except ValidationFailed as exc:  # too large, not UTF-8: nothing stored, the text is shown back
        flash(message(exc), "error")
        return _editor(drafts.get_draft(runtime(), current_user.id, draft_id), text, status=422)
    _saved(d, _("Draf disimpan."))
    return redirect(url_for(".draft", draft_id=draft_id, _anchor="teks"), code=303)


def _saved(d, done: str) -> None:
    if d.issues:
        left = _("Definisi masih memiliki %(n)s kesalahan; lihat daftar di bawah.", n=len(d.issues))
        flash(f"{done} {left}", "error")
    else:
        flash(done + " " + _("Definisi valid."), "success")


def _revision() -> int:
    revision = request.form.get("revisi", type=int)
    if revision is None:
        raise ValidationFailed("Nomor revisi draf tidak ada; muat ulang halaman.",
                               "The draft revision is missing.")
    return revision


def _apply(draft_id: int, anchor: str, done: str, edit) -> Response:
    """Apply ``edit`` (text -> text) to the stored draft and save it; refusals come back as messages."""
    rt = runtime()
    try:
        d = drafts.get_draft(rt, current_user.id, draft_id)
        new = edit(d.text)
        if new == d.text:
            flash(_("Tidak ada yang berubah."), "info")
        else:
            _saved(drafts.save_draft(rt, current_user.id, draft_id, new, _revision()), done)
    except ChangedMeanwhile:
        flash(_("Draf ini telah diubah oleh pengguna lain sejak Anda membukanya; perubahan Anda belum "
                "diterapkan. Periksa isi terbaru di bawah, lalu ulangi."), "error")
    except ValidationFailed as exc:
        flash(message(exc), "error")
    return redirect(url_for(".draft", draft_id=draft_id, _anchor=anchor), code=303)


@bp.post("/draf/<int:draft_id>/kalender")
def calendar(draft_id: int):
    def edit(text: str) -> str:
        for key, written in (defedit.outline(text) or defedit.Outline()).calendar:
            value = request.form.get(f"tanggal_{key}")
            if value is not None and value.strip() != written:
                text = defedit.set_calendar_date(text, key, value)
        return text

    return _apply(draft_id, "kalender", _("Tanggal kalender disimpan."), edit)


@bp.post("/draf/<int:draft_id>/bobot")
def weights(draft_id: int):
    def edit(text: str) -> str:
        shown = defedit.outline(text) or defedit.Outline()
        for c in shown.criteria:
            value = request.form.get(f"bobot_{c.id}")
            if value is not None and value.strip() != c.weight:
                text = defedit.set_weight(text, c.id, value)
        threshold = request.form.get("ambang")
        if threshold is not None and threshold.strip() != shown.pass_threshold:
            text = defedit.set_pass_threshold(text, threshold)
        return text

    return _apply(draft_id, "bobot", _("Bobot dan ambang kelulusan disimpan."), edit)


@bp.post("/draf/<int:draft_id>/dokumen")
def wording(draft_id: int):
    def edit(text: str) -> str:
        shown = defedit.outline(text) or defedit.Outline()
        for doc, title in shown.documents:
            value = request.form.get(f"judul_{doc}")
            if value is not None and " ".join(value.split()) != title:
                text = defedit.set_document_title(text, doc, value)
        for note, subject in shown.notifications:
            value = request.form.get(f"subjek_{note}")
            if value is not None and " ".join(value.split()) != subject:
                text = defedit.set_notification_subject(text, note, value)
        return text

    return _apply(draft_id, "dokumen", _("Teks dokumen dan notifikasi disimpan."), edit)


def _indicator_input() -> defedit.IndicatorInput:
    return defedit.IndicatorInput(request.form.get("id", "").strip(), request.form.get("judul", ""),
                                  defedit.parse_evidence_lines(request.form.get("data_dukung", "")))


@bp.post("/draf/<int:draft_id>/indikator")
def add_indicator(draft_id: int):
    criterion = request.form.get("kriteria", "")
    return _apply(draft_id, "indikator", _("Indikator ditambahkan."),
                  lambda text: defedit.add_indicator(text, criterion, _indicator_input()))


@bp.post("/draf/<int:draft_id>/indikator/ubah")
def edit_indicator(draft_id: int):
    old = request.form.get("indikator", "")
    return _apply(draft_id, "indikator", _("Indikator %(id)s diubah.", id=old),
                  lambda text: defedit.edit_indicator(text, old, _indicator_input()))


@bp.post("/draf/<int:draft_id>/indikator/hapus")
def remove_indicator(draft_id: int):
    old = request.form.get("indikator", "")
    return _apply(draft_id, "indikator", _("Indikator %(id)s dihapus.", id=old),
                  lambda text: defedit.remove_indicator(text, old))


@bp.post("/draf/<int:draft_id>/buang")
def discard(draft_id: int):
    drafts.discard_draft(runtime(), current_user.id, draft_id, _revision())
    flash(_("Draf dibuang."), "success")
    return redirect(url_for(".index"), code=303)


# -- diff and publish ------------------------------------------------------------------------------
@bp.get("/draf/<int:draft_id>/perbedaan")
def diff(draft_id: int):
    return _diff_page(drafts.get_draft(runtime(), current_user.id, draft_id))


def _diff_page(d, note: str = "", status: int = 200):
    result = drafts.diff_draft(runtime(), current_user.id, d.id)
    return render_template("admin/definitions/diff.html", d=d, result=result, groups=_groups(result.diff),
                           rows=_text_rows(result.text), note=note), status


def _groups(diff) -> list[tuple[str, list]]:
    if diff is None:
        return []
    groups = [(_("Identitas"), diff.identity), (_("Kalender"), diff.calendar), (_("State"), diff.states),
              (_("Transisi"), diff.transitions),
              (_("Kriteria dan indikator"), diff.criteria + diff.indicators + diff.evaluation),
              (_("Penilaian"), diff.scoring),
              (_("Dokumen dan notifikasi"), diff.documents + diff.notifications)]
    return [(title, list(changes)) for title, changes in groups if changes]


def _text_rows(text: str) -> list[tuple[str, str, str]]:
    """``(kind, sign, line)`` per line of a unified diff: kind is add, del, hunk, file or same."""
    rows = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            rows.append(("file", "", line))
        elif line.startswith("@@"):
            rows.append(("hunk", "", line))
        elif line.startswith("+"):
            rows.append(("add", "+", line[1:]))
        elif line.startswith("-"):
            rows.append(("del", "−", line[1:]))
        else:
            rows.append(("same", "", line[1:]))
    return rows


@bp.post("/draf/<int:draft_id>/terbitkan")
def publish(draft_id: int):
    note = request.form.get("catatan", "")
    rt = runtime()
    if not request.form.get("konfirmasi"):
        flash(_("Centang konfirmasi bahwa perbedaan sudah diperiksa sebelum menerbitkan."), "error")
        return _diff_page(drafts.get_draft(rt, current_user.id, draft_id), note, 422)
    try:
        row = drafts.publish_draft(rt, current_user.id, draft_id, note, _revision())
    except (ValidationFailed, ChangedMeanwhile) as exc:
        flash(message(exc), "error")
        status = 409 if isinstance(exc, ChangedMeanwhile) else 422
        return _diff_page(drafts.get_draft(rt, current_user.id, draft_id), note, status)
    flash(_("%(label)s diterbitkan.", label=row.label), "success")
    return redirect(url_for(".version", version_id=row.id), code=303)


# -- shared ----------------------------------------------------------------------------------------
def _diagram(definition) -> dict:
    """The lifecycle as inline SVG rendered on the server (None while the definition has errors)."""
    return {"svg": Markup(lifecycle_svg.render(definition)) if definition is not None else None}
