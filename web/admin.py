"""The admin's pages: monitoring dashboard with SVG charts and CSV export, units (Kantor Wilayah ->
UPT) with CSV import, people and roles with password reset, assignment of verifiers and
assessors, evidence window extensions, and every case with the actions an admin may take."""

from __future__ import annotations

import csv
import io
from datetime import UTC

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook

from workflow.deadlines import parse_local
from workflow.errors import ValidationFailed
from workflow.services import auth, directory, imports, staffing, window_reads
from workflow.services.cases import open_case
from workflow.services.dashboard import overview
from workflow.services.definitions import list_versions
from workflow.services.evidence_windows import extend_window
from workflow.services.monitoring import list_cases
from workflow.services.org import create_person, create_unit
from workflow.spec import ROLE_LABELS

from . import runtime
from .case_actions import fire_from_form, render_case
from .charts import bars, stacked_bars
from .site import guard

bp = Blueprint("admin", __name__, url_prefix="/admin")
MAX_CSV_BYTES = 2 * 1024 * 1024


@bp.before_request
def _only_admins():
    return guard("admin")


def _year() -> int:
    year = request.values.get("tahun", type=int)
    if year:
        return year
    years = sorted({v.year for v in list_versions(runtime())})
    today = runtime().now().year
    return today if today in years else (years[-1] if years else today)


@bp.get("/")
def dashboard():
    ov = overview(runtime(), current_user.id, _year())
    series = [label for _, label in ov.states]
    by_region = stacked_bars(
        _("Unit Kerja per tahap per wilayah"),
        [(r, [ov.counts.get((r, s), 0) for s, _l in ov.states]) for r in ov.regions],
        series,
    )
    verifiers = [w for w in ov.workload if w.role == "verifikator"]
    load = bars(_("Tugas terbuka per Verifikator"), [(w.name, w.open_tasks) for w in verifiers])
    completeness = bars(_("Kasus per tingkat kelengkapan data dukung"), list(ov.completeness))
    return render_template(
        "admin/dashboard.html",
        ov=ov,
        by_region=by_region,
        load=load,
        completeness=completeness,
        years=sorted({v.year for v in list_versions(runtime())}, reverse=True),
    )


@bp.get("/ekspor/<kind>.csv")
def export(kind: str):
    ov = overview(runtime(), current_user.id, _year())
    buf = io.StringIO()
    w = csv.writer(buf)
    if kind == "tahap":
        w.writerow(["wilayah"] + [label for _, label in ov.states] + ["jumlah"])
        for r in ov.regions:
            w.writerow([r] + [ov.counts.get((r, s), 0) for s, _l in ov.states] + [ov.region_total(r)])
    elif kind == "terlambat":
        w.writerow(["tugas", "kasus", "unit_kerja", "wilayah", "peran", "judul", "tenggat", "petugas"])
        for o in ov.overdue:
            w.writerow(
                [
                    o.task_id,
                    o.case_id,
                    o.unit_name,
                    o.region,
                    o.role,
                    o.title,
                    o.due_at.isoformat(),
                    o.assignee or "",
                ]
            )
    elif kind == "beban":
        w.writerow(["petugas", "peran", "tugas_terbuka", "tugas_terlambat"])
        for x in ov.workload:
            w.writerow([x.name, x.role, x.open_tasks, x.overdue_tasks])
    elif kind == "kelengkapan":
        w.writerow(["kelengkapan", "jumlah_kasus"])
        w.writerows(ov.completeness)
    else:
        return render_template(
            "errors/error.html", status=404, title=_("Tidak ditemukan"), text=_("Jenis ekspor tidak dikenal.")
        ), 404
    # A BOM lets spreadsheet programs read the UTF-8 correctly.
    return Response(
        "\ufeff" + buf.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="p2ham-{ov.year}-{kind}.csv"'},
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/ekspor/pemantauan.xlsx")
def export_xlsx():
    """The dashboard's tables as one workbook, a sheet per table, headers in Indonesian."""
    ov = overview(runtime(), current_user.id, _year())
    book = Workbook()
    sheet = book.active
    sheet.title = "Tahap per wilayah"
    sheet.append(["Wilayah"] + [label for _, label in ov.states] + ["Jumlah"])
    for r in ov.regions:
        sheet.append([r] + [ov.counts.get((r, s), 0) for s, _l in ov.states] + [ov.region_total(r)])
    sheet = book.create_sheet("Tugas terlambat")
    sheet.append(["Tugas", "Kasus", "Unit Kerja", "Wilayah", "Peran", "Judul", "Tenggat (UTC)", "Petugas"])
    for o in ov.overdue:
        # Excel cannot store a time zone: the UTC moment is written without one.
        due = o.due_at.astimezone(UTC).replace(tzinfo=None) if o.due_at.tzinfo else o.due_at
        role = ROLE_LABELS.get(o.role, o.role)
        who = o.assignee or "(pool)"
        sheet.append([o.task_id, o.case_id, o.unit_name, o.region, role, o.title, due, who])
    sheet = book.create_sheet("Beban Verifikator")
    sheet.append(["Petugas", "Peran", "Tugas terbuka", "Tugas terlambat"])
    for x in ov.workload:
        sheet.append([x.name, ROLE_LABELS.get(x.role, x.role), x.open_tasks, x.overdue_tasks])
    sheet = book.create_sheet("Kelengkapan data dukung")
    sheet.append(["Kelengkapan", "Jumlah kasus"])
    for label, n in ov.completeness:
        sheet.append([label, n])
    buf = io.BytesIO()
    book.save(buf)
    return Response(
        buf.getvalue(),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="p2ham-pemantauan-{ov.year}.xlsx"'},
    )


@bp.get("/unit")
def units():
    return render_template(
        "admin/units.html",
        tree=directory.unit_tree(runtime(), current_user.id),
        columns=imports.COLUMNS,
        years=sorted({v.year for v in list_versions(runtime())}),
    )


@bp.post("/unit")
def add_unit():
    f = request.form
    create_unit(
        runtime(),
        current_user.id,
        f.get("code", "").strip(),
        f.get("name", "").strip(),
        f.get("kind", ""),
        f.get("region", "").strip(),
        f.get("parent", "").strip() or None,
        f.get("upt_type", "").strip() or None,
    )
    flash(_("Unit Kerja ditambahkan."), "success")
    return redirect(url_for("admin.units"), code=303)


@bp.post("/unit/impor")
def import_units():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("Pilih berkas CSV yang akan diimpor.", "Choose a CSV file.")
    data = upload.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise ValidationFailed("Berkas CSV paling besar 2 MB.", "The CSV file may be at most 2 MB.")
    report = imports.import_units_csv(runtime(), current_user.id, data)
    return render_template("admin/import_report.html", report=report, filename=upload.filename), (
        200 if report.ok else 422
    )


@bp.post("/kasus/buka")
def open_unit_case():
    view = open_case(
        runtime(),
        current_user.id,
        request.form.get("unit_id", type=int) or 0,
        request.form.get("year", type=int) or 0,
    )
    flash(_("Kasus dibuka (tahap: %(stage)s).", stage=view.state_label), "success")
    return redirect(url_for("admin.case", case_id=view.id), code=303)


@bp.get("/pengguna")
def people():
    return render_template(
        "admin/people.html",
        people=directory.people(runtime(), current_user.id),
        roles={k: v for k, v in ROLE_LABELS.items() if k != "system"},
    )


@bp.post("/pengguna")
def add_person():
    f = request.form
    create_person(
        runtime(),
        current_user.id,
        f.get("username", "").strip(),
        f.get("full_name", "").strip(),
        f.get("role", ""),
        f.get("unit_code", "").strip() or None,
        f.get("email", "").strip(),
    )
    flash(_("Pengguna ditambahkan. Gunakan 'Atur ulang kata sandi' untuk memberinya kode masuk."), "success")
    return redirect(url_for("admin.people"), code=303)


@bp.post("/pengguna/<int:person_id>/atur-ulang")
def reset_password(person_id: int):
    code = auth.reset_password(runtime(), current_user.id, person_id)
    # The code is shown on this response only: never in a flash message, which lives in the cookie.
    return render_template(
        "admin/people.html",
        people=directory.people(runtime(), current_user.id),
        roles={k: v for k, v in ROLE_LABELS.items() if k != "system"},
        reset_for=person_id,
        reset_code=code,
    )


@bp.get("/penugasan")
def assignments():
    return render_template(
        "admin/assignments.html",
        st=staffing.staffing(runtime(), current_user.id, _year()),
        years=sorted({v.year for v in list_versions(runtime())}, reverse=True),
    )


@bp.post("/penugasan")
def assign():
    year = _year()
    staffing.assign_by_hand(
        runtime(),
        current_user.id,
        request.form.get("unit_id", type=int) or 0,
        year,
        request.form.get("person_id", type=int) or 0,
    )
    flash(_("Penugasan disimpan."), "success")
    return redirect(url_for("admin.assignments", tahun=year), code=303)


@bp.post("/penugasan/seimbangkan")
def balance():
    year = _year()
    n = staffing.balance(runtime(), current_user.id, year, request.form.get("role", ""))
    flash(_("%(n)s Unit Kerja ditugaskan secara seimbang.", n=n), "success")
    return redirect(url_for("admin.assignments", tahun=year), code=303)


@bp.get("/kasus")
def cases():
    year = request.args.get("tahun", type=int)
    return render_template("admin/cases.html", cases=list_cases(runtime(), current_user.id, year), year=year)


@bp.get("/kasus/<int:case_id>")
def case(case_id: int):
    return render_case(case_id, "admin")


@bp.post("/kasus/<int:case_id>/aksi")
def fire(case_id: int):
    return fire_from_form(case_id, "admin")


@bp.get("/perpanjangan")
def extensions():
    # The year is chosen first (GET ?tahun=): the state list is that year's states with a window.
    units = [n for k in directory.unit_tree(runtime(), current_user.id) for n in (k, *k.children)]
    year = _year()
    return render_template(
        "admin/extensions.html",
        extensions=window_reads.list_extensions(runtime(), current_user.id),
        units=units,
        year=year,
        states=window_reads.window_states(runtime(), current_user.id, year),
        years=sorted({v.year for v in list_versions(runtime())}, reverse=True),
    )


@bp.post("/perpanjangan")
def extend():
    form = request.form
    year = form.get("tahun", type=int) or 0
    state = form.get("tahap", "").strip()
    if not state:
        raise ValidationFailed("Pilih tahap yang masa penginputan data dukungnya diperpanjang.",
                               "Choose the state whose evidence window is extended.")
    try:
        closes = parse_local(f"{form.get('tanggal', '')} {form.get('jam', '') or '23:59:59'}".strip())
    except ValueError as exc:
        raise ValidationFailed(f"Waktu penutupan baru tidak sah: {exc}.", "Invalid close date.") from exc
    view = extend_window(runtime(), current_user.id, year, state, closes, form.get("alasan", ""),
                         form.get("unit_id", type=int) or None)
    flash(_("Masa input diperpanjang hingga %(until)s WIB: %(n)s kasus, %(m)s tenggat digeser.",
            until=closes.strftime("%d-%m-%Y %H:%M"), n=view.cases, m=view.timers_moved), "success")
    return redirect(url_for("admin.extensions", tahun=year), code=303)
