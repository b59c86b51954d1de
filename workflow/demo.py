"""Demo data: two Kantor Wilayah with their UPTs, one person per role, and cases for 2023 and
2024 driven through the services (with a demo clock set inside each stage's window)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from .config import ROOT
from .deadlines import JAKARTA
from .services import Runtime
from .services.cases import fire_event, open_case
from .services.definitions import import_definition
from .services.org import assign, create_person, create_unit
from .store import Unit

UNITS = [
    ("KW-JAMBI", "Kantor Wilayah Kemenkumham Jambi", "kanwil", None, "Jambi", None),
    ("LPS-JAMBI", "Lapas Kelas IIA Jambi", "upt", "KW-JAMBI", "Jambi", "Lembaga Pemasyarakatan"),
    ("RTN-BUNGO", "Rutan Kelas IIB Muara Bungo", "upt", "KW-JAMBI", "Jambi", "Rumah Tahanan Negara"),
    ("IMI-JAMBI", "Kantor Imigrasi Kelas I TPI Jambi", "upt", "KW-JAMBI", "Jambi", "Kantor Imigrasi"),
    ("KW-JABAR", "Kantor Wilayah Kemenkumham Jawa Barat", "kanwil", None, "Jawa Barat", None),
    ("LPS-CIREBON", "Lapas Kelas I Cirebon", "upt", "KW-JABAR", "Jawa Barat", "Lembaga Pemasyarakatan"),
    ("IMI-BANDUNG", "Kantor Imigrasi Kelas I TPI Bandung", "upt", "KW-JABAR", "Jawa Barat", "Kantor Imigrasi"),
    ("BPS-BANDUNG", "Bapas Kelas I Bandung", "upt", "KW-JABAR", "Jawa Barat", "Balai Pemasyarakatan"),
]
PEOPLE = [
    ("admin", "Admin Direktorat Jenderal HAM", "admin", None),
    ("verifikator1", "Siti Rahmawati", "verifikator", None),
    ("verifikator2", "Budi Santoso", "verifikator", None),
    ("penilai1", "Dewi Lestari", "penilai", "KW-JABAR"),
    ("penilai2", "Andi Pratama", "penilai", "KW-JAMBI"),
]


DEMO_PASSWORD = "p2ham-demo-2026"  # demo data only; every demo account shares it


class DemoClock:
    def __init__(self):
        self.now = datetime(2023, 1, 10, 9, 0, tzinfo=JAKARTA)

    def __call__(self) -> datetime:
        return self.now

    def at(self, *args) -> None:
        self.now = datetime(*args, tzinfo=JAKARTA)


def seed(rt: Runtime, if_empty: bool = False, echo=print) -> str:
    with rt.store.unit_of_work() as uow:
        if uow.session.scalar(select(func.count()).select_from(Unit)):
            if if_empty:
                return "Data sudah ada; data contoh tidak ditambahkan."
            raise SystemExit("Basis data sudah berisi data; jalankan 'p2ham demo' pada basis data kosong.")
    clock = DemoClock()
    demo = Runtime(rt.store, rt.registry, clock)
    echo("Mengimpor definisi 2023 dan 2024 ...")
    for name in ("p2ham-2023.yaml", "p2ham-2024.yaml"):
        path = ROOT / "definitions" / name
        import_definition(demo, None, path.read_text(encoding="utf-8"), f"definitions/{name}", "Versi awal")
    echo("Mendaftarkan Unit Kerja dan pengguna ...")
    units = {code: create_unit(demo, None, code, name, kind, region, parent, upt_type)
             for code, name, kind, parent, region, upt_type in UNITS}
    people = {u: create_person(demo, None, u, n, role, unit, f"{u}@p2ham.example.go.id")
              for u, n, role, unit in PEOPLE}
    admin, v1, p1 = people["admin"], people["verifikator1"], people["penilai1"]
    for code in ("LPS-JAMBI", "RTN-BUNGO", "IMI-JAMBI"):
        assign(demo, admin, units[code], 2023, v1)
        assign(demo, admin, units[code], 2024, v1)

    echo("Menjalankan kasus 2023 ...")
    scores_pass = {"K1.1": "ada", "K1.2": "ada", "K1.3": "ada", "K1.4": "proses", "K1.5": "ada", "K1.6": "ada",
                   "K1.7": "ada", "K1.8": "ada", "K1.9": "ada", "K1.10": "proses", "K2.1": "ada", "K2.2": "ada",
                   "K2.3": "ada", "K3.1": "patuh", "K3.2": "patuh", "K3.3": "cukup_patuh", "K4.1": "ada",
                   "K5.1": "ada", "K5.2": "proses"}
    plan_2023 = {
        "LPS-JAMBI": "awarded", "RTN-BUNGO": "evaluation_failed", "IMI-JAMBI": "evidence_input",
        "LPS-CIREBON": "evaluation_review", "IMI-BANDUNG": "assessment", "BPS-BANDUNG": "development",
    }
    for code, goal in plan_2023.items():
        clock.at(2023, 1, 16, 9, 0)
        cid = open_case(demo, admin, units[code], 2023).id
        clock.at(2023, 2, 1, 10, 0)
        fire_event(demo, admin, cid, "start_development")
        if goal == "development":
            continue
        clock.at(2023, 4, 10, 10, 0)
        fire_event(demo, admin, cid, "submit_evaluation")
        if goal == "evaluation_review":
            continue
        clock.at(2023, 4, 20, 14, 0)
        if goal == "evaluation_failed":
            fire_event(demo, v1, cid, "fail_evaluation", {"reasons": [
                "Data dukung pencanangan tidak lengkap (tidak ada SK pencanangan).",
                "Belum tersedia sarana pengaduan bagi kelompok rentan."]})
            continue
        verifier = v1 if code.endswith("JAMBI") else None
        if verifier is None:
            verifier = people["verifikator2"]
            _claim_first_task(demo, verifier, cid)
        fire_event(demo, verifier, cid, "pass_evaluation")
        if goal == "evidence_input":
            continue
        clock.at(2023, 10, 16, 0, 0)
        fire_event(demo, None, cid, "close_evidence_input")
        clock.at(2023, 10, 20, 10, 0)
        _claim_first_task(demo, verifier, cid)
        fire_event(demo, verifier, cid, "complete_verification")
        if goal == "assessment":
            continue
        clock.at(2023, 11, 10, 10, 0)
        _claim_first_task(demo, p1, cid)
        fire_event(demo, p1, cid, "submit_assessment", {"scores": scores_pass})

    echo("Menjalankan kasus 2024 ...")
    for code, goal in {"LPS-JAMBI": "evaluation_review", "IMI-JAMBI": "declared",
                       "LPS-CIREBON": "evidence_input"}.items():
        clock.at(2024, 2, 5, 9, 0)
        cid = open_case(demo, admin, units[code], 2024).id
        if goal == "declared":
            continue
        clock.at(2024, 4, 15, 9, 0)
        fire_event(demo, admin, cid, "submit_evaluation")
        if goal == "evaluation_review":
            continue
        clock.at(2024, 5, 2, 9, 0)
        _claim_first_task(demo, people["verifikator2"], cid)
        fire_event(demo, people["verifikator2"], cid, "pass_evaluation")
    # operator accounts exist only for units that passed evaluation
    for code in ("LPS-JAMBI", "IMI-JAMBI", "IMI-BANDUNG", "LPS-CIREBON"):
        create_person(demo, None, f"operator.{code.lower()}", f"Operator {code}", "operator", code,
                      f"operator.{code.lower()}@p2ham.example.go.id")
    from .services.auth import set_password
    from .store import Person

    with demo.store.unit_of_work() as uow:
        everyone = list(uow.session.scalars(select(Person.id)))
    for pid in everyone:
        set_password(demo, None, pid, DEMO_PASSWORD)
    return ("Data contoh siap: 8 Unit Kerja; pengguna admin, verifikator1, verifikator2, penilai1, penilai2, "
            "operator.lps-jambi, operator.imi-jambi, operator.imi-bandung, operator.lps-cirebon "
            f"(kata sandi contoh: {DEMO_PASSWORD}); 6 kasus 2023 dan 3 kasus 2024.")


def _claim_first_task(rt: Runtime, person_id: int, case_id: int) -> None:
    from .services.cases import claim_task
    from .store import Task

    with rt.store.unit_of_work() as uow:
        task_id = uow.session.scalar(select(Task.id).where(Task.case_id == case_id, Task.status == "open",
                                                           Task.assignee_id.is_(None)))
    if task_id is not None:
        claim_task(rt, person_id, task_id)
