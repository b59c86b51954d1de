"""The core imports no Flask, SQLAlchemy, RQ or reportlab (checked in a fresh interpreter)."""

import json
import subprocess
import sys

from workflow import CORE_MODULES

FORBIDDEN = ("flask", "sqlalchemy", "rq", "redis", "reportlab", "werkzeug", "alembic")


def test_core_modules_import_no_framework():
    code = (
        "import importlib, json, sys\n"
        f"for m in {list(CORE_MODULES)!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "statemachine" in loaded  # the check itself sees imports
    assert not loaded & set(FORBIDDEN), f"core imported {loaded & set(FORBIDDEN)}"


def test_every_core_module_is_listed():
    import pathlib

    import workflow

    pkg = pathlib.Path(workflow.__file__).parent
    edge = {"cli", "config", "demo", "bench", "__init__"}
    modules = {p.stem for p in pkg.glob("*.py") if not p.stem.startswith("cli_")} - edge
    assert modules == {m.split(".")[1] for m in CORE_MODULES}
