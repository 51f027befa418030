"""Decks checked by importing them with the real Anki backend (the `anki` package)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, FACTS, ROOT
from quizgen import pipeline
from quizgen.exporters.anki import gives_answer_away
from quizgen.ids import anki_guid
from quizgen.questions import Question

anki_collection = pytest.importorskip("anki.collection")
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest  # noqa: E402
from anki.scheduler.v3 import CardAnswer  # noqa: E402

PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")
TAGS = re.compile(r"<(style|script)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)


def visible(fragment: str) -> str:
    return html.unescape(TAGS.sub("", fragment)).strip()


def copy_topic(tmp_path: Path, source: Path = FACTS) -> Path:
    """A copy of a fact file (and its state file) to build from, so tests never touch the repository."""
    target = tmp_path / source.name
    shutil.copy(source, target)
    state = pipeline.default_state_path(source)
    if state.exists():
        shutil.copy(state, pipeline.default_state_path(target))
    return target


def build(facts: Path, out: Path, epoch: int, monkeypatch) -> pipeline.BuildResult:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    return pipeline.build(facts, out, formats=("json", "anki"))


def apkg(out: Path) -> Path:
    return next(p for p in out.glob("*.apkg") if not p.name.endswith(".retired.apkg"))


class Learner:
    """A learner's collection in tmp_path, driven through the real Anki backend."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "collection.anki2"
        self.col = Collection(str(self.path))

    def import_(self, package: Path) -> dict[str, int]:
        options = ImportAnkiPackageOptions(merge_notetypes=False, with_scheduling=False, with_deck_configs=False)
        log = self.col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(package), options=options)).log
        self.reopen()
        return {k: len(getattr(log, k)) for k in ("new", "updated", "duplicate", "conflicting", "first_field_match")}

    def reopen(self) -> None:
        self.col.close()
        self.col = Collection(str(self.path))

    def note_by_question(self, question_id: str):
        nids = self.col.find_notes(f'"QuestionId:{question_id}"')
        assert len(nids) == 1, question_id
        return self.col.get_note(nids[0])

    def review(self, card_id: int) -> None:
        card = self.col.get_card(card_id)
        card.start_timer()
        states = self.col._backend.get_scheduling_states(card.id)
        self.col.sched.answer_card(self.col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))

    def close(self) -> None:
        self.col.close()


@pytest.fixture
def learner(tmp_path):
    person = Learner(tmp_path / "learner")
    yield person
    person.close()


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shipped")
    facts = copy_topic(tmp)
    result = pipeline.build(facts, tmp / "out", formats=("json", "anki"))
    return facts, tmp / "out", result


def test_shipped_package_imports_cleanly_and_counts_match(shipped_build, tmp_path):
    facts, out, result = shipped_build
    bank = json.loads((out / "questions.json").read_text(encoding="utf-8"))
    person = Learner(tmp_path / "c")
    log = person.import_(apkg(out))
    carded = [q for q in bank["questions"] if not gives_answer_away(Question.model_validate(q))]
    # a type-in question whose prompt holds its answer is left out by the quality rules before any export
    assert len(carded) == len(bank["questions"])
    assert log == {"new": len(carded), "updated": 0, "duplicate": 0, "conflicting": 0, "first_field_match": 0}
    col = person.col
    assert col.note_count() == len(carded) == col.card_count()
    decks = {d.name for d in col.decks.all_names_and_ids()}
    title = bank["title"]
    assert {f"{title}::Who signed", f"{title}::Who backs whom", f"{title}::Key dates", f"{title}::Who is who",
            f"{title}::Figures"} <= decks
    # every card renders: no template error, no leftover {{...}}, no empty side
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        question, answer = card.question(), card.answer()
        for side in (question, answer):
            assert "template has a problem" not in side.lower()
            assert not PLACEHOLDER.search(side), side[:300]
            assert visible(side)
        note = card.note()
        qid = note["QuestionId"]
        assert note.guid == anki_guid(bank["topic"], qid)
        assert any(t.startswith(f"quizgen::{bank['topic']}::family::") for t in note.tags)
        assert all(" " not in t for t in note.tags)
    # the back shows the evidence: answer, explanation and a verbatim quote
    q = next(q for q in bank["questions"] if q["kind"] == "multiple_choice")
    back = col.get_card(col.find_cards(f'"QuestionId:{q["id"]}"')[0]).answer()
    assert html.escape(q["answer"], quote=True) in back
    assert html.escape(q["citations"][0]["quote"], quote=True).replace("{", "&#123;") in back
    person.close()


def test_rebuild_is_byte_identical_and_reimport_changes_nothing(shipped_build, tmp_path, learner):
    facts, out, _ = shipped_build
    again = tmp_path / "again"
    result = pipeline.build(facts, again, formats=("json", "anki"))
    assert apkg(again).read_bytes() == apkg(out).read_bytes()
    assert not any("updated" in n for n in result.notes)  # the state file was not touched
    first = learner.import_(apkg(out))
    assert first["new"] > 0
    second = learner.import_(apkg(again))
    assert second["new"] == 0 and second["updated"] == 0
    assert second["duplicate"] == first["new"]


def test_shipped_state_file_is_current(tmp_path):
    """The committed facts.anki-state.json matches the shipped facts: a build changes nothing."""
    facts = copy_topic(tmp_path)
    before = pipeline.default_state_path(facts).read_bytes()
    result = pipeline.build(facts, tmp_path / "out", formats=("anki",))
    assert pipeline.default_state_path(facts).read_bytes() == before, result.notes


def test_correction_updates_exactly_affected_notes_and_keeps_reviews_and_edits(tmp_path, monkeypatch, learner):
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)  # no state file: start from scratch
    build(facts, tmp_path / "v1", 1_700_000_000, monkeypatch)
    assert learner.import_(apkg(tmp_path / "v1"))["new"] > 0
    v1 = {q["id"]: q for q in json.loads((tmp_path / "v1" / "questions.json").read_text())["questions"]}

    # The learner reviews a card whose fact will be corrected, and edits a note that will not change.
    changed_fact = "turkish-deployment-began"
    # the questions that ask about it or show its quote as evidence (it rules a wrong option out)
    affected = sorted(qid for qid, q in v1.items()
                      if changed_fact in q["facts"] or any(c["fact"] == changed_fact for c in q["citations"]))
    assert affected
    reviewed = learner.note_by_question(affected[0])
    reviewed_card = reviewed.card_ids()[0]
    learner.review(reviewed_card)
    reps_before = learner.col.get_card(reviewed_card).reps
    assert reps_before == 1
    untouched_id = next(qid for qid, q in v1.items() if qid not in affected)
    edited = learner.note_by_question(untouched_id)
    edited["Explanation"] = "My own mnemonic."
    learner.col.update_note(edited)
    learner.reopen()

    # The maintainer corrects one fact's wording and rebuilds.
    text = facts.read_text(encoding="utf-8")
    corrected = text.replace("quote: Ankara started sending military personnel on Jan. 5; a move that Russia rejected.",
                             "quote: Ankara started sending military personnel on Jan. 5")
    assert corrected != text
    facts.write_text(corrected, encoding="utf-8")
    result = build(facts, tmp_path / "v2", 1_700_100_000, monkeypatch)
    assert any("changed note" in n for n in result.notes)

    log = learner.import_(apkg(tmp_path / "v2"))
    assert log["new"] == 0
    assert log["updated"] == len(affected)
    assert log["conflicting"] == 0
    # the updated note shows the corrected quote; its card kept its review history
    note = learner.note_by_question(affected[0])
    assert "a move that Russia rejected" not in note["Sources"]
    card = learner.col.get_card(reviewed_card)
    assert card.reps == reps_before and card.nid == note.id
    # the learner's own edit to an unchanged note survived
    assert learner.note_by_question(untouched_id)["Explanation"] == "My own mnemonic."


def test_hostile_text_renders_literally(tmp_path, learner):
    facts = copy_topic(tmp_path, DATA / "hostile.yaml")
    out = tmp_path / "out"
    pipeline.build(facts, out, formats=("json", "anki"))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "hostile-text.apkg", "questions.json"]
    learner.import_(out / "hostile-text.apkg")
    col = learner.col
    seen = ""
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        for side in (card.question(), card.answer()):
            assert "template has a problem" not in side.lower()
            assert not PLACEHOLDER.search(side)
            body = side.split("</style>", 1)[-1]
            assert "<script>alert" not in body and "<img" not in body  # no markup, no LaTeX image
            assert "[sound:" not in body and "[anki:" not in body and "[$" not in body and "[latex]" not in body
            seen += visible(side) + "\n"
        assert card.question_av_tags() == [] and card.answer_av_tags() == []  # no sound, no speech
    for literal in ("<script>alert(1)</script>", "{{c1::x}} Cloze", "{{Front}} Accord", '#panic("x")',
                    "$x$ *bold* _it_ [link](http://x)", "عبد الله بن زايد", "Envoy {{Tags}}",
                    "</div><img src=x onerror=alert(1)>", "[sound:boom.mp3][anki:play:q:0] Sound",
                    "[anki:tts lang=en_US]Speak[/anki:tts]", "[$]x^2[/$] [$$]y[/$$] [latex]z[/latex]",
                    "&lt;script&gt; AT&T &amp;"):
        assert literal in seen, literal
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert any(n.startswith("=1+1 ../../etc/passwd [sound:title.mp3]") and n.endswith("::Who signed") for n in names)


def test_guids_are_namespaced_by_topic():
    assert anki_guid("topic-a", "signing-ask_subject-1") != anki_guid("topic-b", "signing-ask_subject-1")
    assert anki_guid("topic-a", "x") == anki_guid("topic-a", "x")


def test_note_types_are_pinned():
    """Note-type, field and template ids are constants: changing them would fork every learner's notes."""
    import genanki

    from quizgen.exporters.anki import FIELDS, note_types

    models = note_types(genanki)
    assert {k: m.model_id for k, m in models.items()} == {
        k: v for k, v in json.loads((ROOT / "tests" / "golden" / "anki-note-types.json").read_text())["ids"].items()}
    for model in models.values():
        assert [f["name"] for f in model.fields] == list(FIELDS)
        assert len(model.templates) == 1
