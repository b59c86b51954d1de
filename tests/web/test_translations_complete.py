"""Every message the pages pass through gettext has an English translation: each ``_()``,
``gettext`` or ``ngettext`` msgid in ``templates/`` and ``web/``, and the labels that reach the
pages as data and are translated there (item statuses, history entries). English lives in
``web/translations/en/LC_MESSAGES/messages.po`` (compiled to ``messages.mo``, which
``tests/web/test_auth.py`` keeps in step)."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.conftest import ROOT
from web.site import TRANSLATIONS
from workflow import evidence
from workflow.services.evidence_checklist import CHECKLIST_LABELS
from workflow.services.inbox import ENTRY_LABELS

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
EVERYTHING = [("web/**.py", "python"), ("templates/**.html", "jinja2")]


def english() -> dict[str, str]:
    """msgid -> English, from the catalogue (empty translations left out)."""
    out: dict[str, str] = {}
    for path in [TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"]:
        with open(path, "rb") as f:
            for m in read_po(f):
                ids = m.id if isinstance(m.id, tuple) else (m.id,)
                strings = m.string if isinstance(m.string, tuple) else (m.string,)
                if ids[0] and all(strings):
                    out.update(dict.fromkeys(ids, strings[0]))
    return out


def used(method_map, options_map=None) -> dict[str, str]:
    """msgid -> 'file:line' of its first use."""
    out: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map or {}, keywords=KEYWORDS):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                out.setdefault(msgid, f"{filename}:{line}")
    return out


def test_every_msgid_in_templates_and_web_has_english():
    have = english()
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(used(EVERYTHING).items(), key=lambda x: x[1])
               if msgid not in have]
    assert not missing, "no English for:\n" + "\n".join(missing)


def test_labels_translated_on_the_pages_have_english():
    labels = {*CHECKLIST_LABELS.values(), *(evidence.STATUS_LABELS[d] for d in evidence.DECISIONS),
              *ENTRY_LABELS.values(), "Sistem"}
    missing = sorted(labels - english().keys())
    assert not missing, f"no English for {missing}"


def test_babel_cfg_finds_every_message_the_full_scan_finds():
    # so that `pybabel extract -F web/translations/babel.cfg .` misses no template folder
    with open(TRANSLATIONS / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    assert used(EVERYTHING).keys() == used(method_map, options_map).keys()


def test_the_scan_sees_templates_and_python_and_reads_the_catalogue():
    found = used(EVERYTHING)  # an empty scan would pass the first test without checking anything
    assert found["Kotak tugas"].startswith("templates/base.html")
    assert found["Tugas berhasil diambil."].startswith("web/reviewers.py")
    assert english()["Kotak tugas"] == "Inbox"


def test_the_checklist_in_english_uses_the_compiled_catalogue(client, rt, clock, world, tmp_path):
    from tests.web.conftest import post, sign_in
    from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads

    with_uploads(rt, tmp_path)
    cid = case_in_evidence_input(rt, clock, world)[1]
    sign_in(client, "op.lapas")
    post(client, "/bahasa", {"lang": "en"})
    html = client.get(f"/operator/kasus/{cid}/data-dukung").get_data(as_text=True)
    assert ">Upload progress</label>" in html and ">Missing</span>" in html
    assert '"Upload failed (code CODE). Reload the page and try again."' in html  # the script's words
