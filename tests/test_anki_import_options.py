"""What each of Anki's import options does to a learner's edits and to corrections, measured with the
real backend. The README's advice on import options rests on these tests."""

from __future__ import annotations

import pytest

from conftest import shows_fact
from test_anki_updates import CORRECTED, QUOTE, V1, V2, Scenario, apkg, edit, import_with

pytest.importorskip("anki.collection")

MINE = "My own note."


def corrected(scenario: Scenario, qid: str) -> bool:
    return "a move that Russia rejected" not in scenario.person.note_by_question(qid)["Sources"]


def mine(scenario: Scenario, qid: str) -> bool:
    return scenario.person.note_by_question(qid)["Explanation"] == MINE


@pytest.mark.parametrize("option, expected", [
    # updated, unchanged edited note keeps edit, edited-before-build note: corrected / keeps edit,
    # edited-after-build note: corrected / keeps edit, a plain affected note corrected
    ("if_newer", {"updated": "affected-1", "edit_kept": True, "before": (True, False), "after": (False, True),
                  "plain": True}),
    ("always", {"updated": "affected+1", "edit_kept": False, "before": (True, False), "after": (True, False),
                "plain": True}),
    ("never", {"updated": 0, "edit_kept": True, "before": (False, True), "after": (False, True),
               "plain": False}),
])
def test_update_notes_option_decides_between_corrections_and_edits(tmp_path, monkeypatch, option, expected):
    scenario = Scenario(tmp_path, monkeypatch)
    try:
        affected = sorted(q for q, body in scenario.v1.items() if shows_fact("turkish-deployment-began", body))
        assert len(affected) >= 3 and scenario.edited_id not in affected
        before, after, plain = affected[:3]
        edit(scenario.person, before, "Explanation", MINE, V1 + 50_000)
        scenario.rebuild("v2", V2, (QUOTE, CORRECTED))
        edit(scenario.person, after, "Explanation", MINE, V2 + 50_000)  # edited after the build, before import
        log = import_with(scenario.person, apkg(scenario.tmp / "v2"), notes=option)
        want = {"affected-1": len(affected) - 1, "affected+1": len(affected) + 1}.get(expected["updated"],
                                                                                    expected["updated"])
        assert log["updated"] == want and log["new"] == 0 and log["conflicting"] == 0
        assert scenario.edit_kept() == expected["edit_kept"]
        assert (corrected(scenario, before), mine(scenario, before)) == expected["before"]
        assert (corrected(scenario, after), mine(scenario, after)) == expected["after"]
        assert corrected(scenario, plain) == expected["plain"]
        assert scenario.reviews_kept()
    finally:
        scenario.close()


def test_always_reverts_edits_even_when_nothing_changed(tmp_path, monkeypatch):
    """"Always" updates every note whose time differs from the package's: exactly the edited ones."""
    scenario = Scenario(tmp_path, monkeypatch)
    try:
        scenario.rebuild("v2", V2)
        log = import_with(scenario.person, apkg(scenario.tmp / "v2"), notes="always")
        assert log["updated"] == 1 and not scenario.edit_kept()
        assert scenario.reviews_kept()
    finally:
        scenario.close()


@pytest.mark.parametrize("option, css_updated", [("if_newer", True), ("always", True), ("never", False)])
def test_update_note_types_option_decides_whether_card_fixes_arrive(tmp_path, monkeypatch, option, css_updated):
    from quizgen.exporters import anki as anki_deck

    scenario = Scenario(tmp_path, monkeypatch)
    try:
        css = anki_deck._css() + "\n/* fixed */\n"
        monkeypatch.setattr(anki_deck, "_css", lambda: css)
        scenario.rebuild("v2", V2)
        log = import_with(scenario.person, apkg(scenario.tmp / "v2"), notetypes=option)
        assert log["updated"] == 0
        scenario.person.col.models._clear_cache()
        models = [m for m in scenario.person.col.models.all() if m["name"].startswith("quizgen")]
        assert all((m["css"] == css) == css_updated for m in models)
    finally:
        scenario.close()


IMPORT_IN_ORDER = """
import json, os, sys, tempfile
from anki.buildinfo import version
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
col = Collection(os.path.join(tempfile.mkdtemp(), "collection.anki2"))
logs = []
for package in sys.argv[1:]:
    log = col.import_anki_package(ImportAnkiPackageRequest(package_path=package,
                                                           options=ImportAnkiPackageOptions())).log
    logs.append(len(log.updated))
col.close()
print(json.dumps({"version": version, "updated": logs}))
"""


def releases_built_before_import(tmp_path, monkeypatch) -> list[str]:
    """Three releases, all built before the learner imports the first: v2 corrects a quote, v3 puts it
    back (a second change to the same notes)."""
    import shutil
    import time

    from conftest import FACTS
    from test_anki_updates import build

    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    now = int(time.time())
    build(facts, tmp_path / "v1", now - 3000, monkeypatch)
    original = facts.read_text(encoding="utf-8")
    facts.write_text(original.replace(QUOTE, CORRECTED), encoding="utf-8")
    build(facts, tmp_path / "v2", now - 2000, monkeypatch)
    facts.write_text(original, encoding="utf-8")
    build(facts, tmp_path / "v3", now - 1000, monkeypatch)
    return [str(apkg(tmp_path / v)) for v in ("v1", "v2", "v3")]


def run_import(python: str, packages: list[str]) -> dict:
    import json
    import subprocess

    result = subprocess.run([python, "-c", IMPORT_IN_ORDER, *packages], capture_output=True, text=True, timeout=300,
                            check=True)
    return json.loads(result.stdout)


def test_a_learner_behind_by_two_releases_gets_both_corrections(tmp_path, monkeypatch):
    import sys

    seen = run_import(sys.executable, releases_built_before_import(tmp_path, monkeypatch))
    assert seen["updated"][0] == 0 and seen["updated"][1] == seen["updated"][2] > 0, seen


@pytest.mark.skipif(not __import__("os").environ.get("QUIZGEN_OTHER_ANKI_PYTHON"),
                    reason="set QUIZGEN_OTHER_ANKI_PYTHON to a Python with another anki release installed")
def test_other_anki_releases_and_the_25_02_boundary(tmp_path, monkeypatch):
    """From Anki 25.02 an updated note keeps the package's time. Before (24.11 observed), Anki stamps
    a note it updates with the time of the import: a later release built before that import cannot
    update the note again."""
    import os

    seen = run_import(os.environ["QUIZGEN_OTHER_ANKI_PYTHON"], releases_built_before_import(tmp_path, monkeypatch))
    assert seen["updated"][0] == 0 and seen["updated"][1] > 0, seen
    if tuple(int(p) for p in seen["version"].split(".")[:2]) < (25, 2):
        assert seen["updated"][2] == 0, seen
    else:
        assert seen["updated"][2] == seen["updated"][1], seen
