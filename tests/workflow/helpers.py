"""Seeding helpers shared by the service tests."""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import DEFINITIONS
from workflow.services.cases import fire_event, open_case
from workflow.services.definitions import import_definition
from workflow.services.org import create_person, create_unit

PASSING_2023 = {"K1.1": "ada", "K1.2": "ada", "K1.3": "ada", "K1.4": "ada", "K1.5": "ada", "K1.6": "ada",
                "K1.7": "ada", "K1.8": "ada", "K1.9": "ada", "K1.10": "ada", "K2.1": "ada", "K2.2": "ada",
                "K2.3": "ada", "K3.1": "patuh", "K3.2": "patuh", "K3.3": "patuh", "K4.1": "ada", "K5.1": "ada",
                "K5.2": "ada"}
FAILING_2023 = {k: ("kurang_patuh" if k.startswith("K3") else "tidak") for k in PASSING_2023}
PASSING_2024 = {i: "ada" for i in ("A.1", "A.2", "A.3", "A.4", "B.1", "B.2", "B.3", "B.4", "B.5", "B.6", "B.7",
                                   "C.1", "C.2", "C.3")}


@dataclass
class World:
    units: dict
    people: dict


def seed_world(rt) -> World:
    for name in ("p2ham-2023.yaml", "p2ham-2024.yaml"):
        import_definition(rt, None, (DEFINITIONS / name).read_text(encoding="utf-8"), f"definitions/{name}")
    units = {
        "kw": create_unit(rt, None, "KW-JAMBI", "Kantor Wilayah Jambi", "kanwil", "Jambi"),
        "kw2": create_unit(rt, None, "KW-JABAR", "Kantor Wilayah Jawa Barat", "kanwil", "Jawa Barat"),
    }
    units["lapas"] = create_unit(rt, None, "LPS-JAMBI", "Lapas Kelas IIA Jambi", "upt", "Jambi", "KW-JAMBI")
    units["rutan"] = create_unit(rt, None, "RTN-BUNGO", "Rutan Kelas IIB Muara Bungo", "upt", "Jambi", "KW-JAMBI")
    people = {
        "admin": create_person(rt, None, "admin", "Admin", "admin"),
        "ver": create_person(rt, None, "ver", "Verifikator Satu", "verifikator"),
        "ver2": create_person(rt, None, "ver2", "Verifikator Dua", "verifikator"),
        "pen": create_person(rt, None, "pen", "Penilai Satu", "penilai", "KW-JABAR"),
        "op_lapas": create_person(rt, None, "op.lapas", "Operator Lapas", "operator", "LPS-JAMBI"),
        "op_rutan": create_person(rt, None, "op.rutan", "Operator Rutan", "operator", "RTN-BUNGO"),
    }
    return World(units, people)


def open_2023(rt, world, unit="lapas"):
    return open_case(rt, world.people["admin"], world.units[unit], 2023).id



def to_evaluation_review(rt, clock, world, cid):
    """Drive a fresh 2023 case through development to the verifier's evaluation review."""
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, world.people["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    return fire_event(rt, world.people["admin"], cid, "submit_evaluation")


def to_evidence_input(rt, clock, world, cid):
    """... and on through a passed evaluation to the evidence input window."""
    to_evaluation_review(rt, clock, world, cid)
    return fire_event(rt, world.people["ver"], cid, "pass_evaluation")
