"""What a learner's collection gets from each new build, measured with the real Anki backend.

Every scenario starts from a learner who imported the first build, reviewed every card once and
edited one note; then the maintainer changes one thing and rebuilds, and the learner imports again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, FACTS, shows_fact
from quizgen import notestate, pipeline
from quizgen.exporters import anki as anki_deck
from quizgen.questions import Question

pytest.importorskip("anki.collection")
from anki import import_export_pb2  # noqa: E402
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest  # noqa: E402
from test_anki import Learner, apkg, build  # noqa: E402

CONDITIONS = {
    "if_newer": import_export_pb2.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    "always": import_export_pb2.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
    "never": import_export_pb2.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER,
}
V1, V2, V3 = 1_700_000_000, 1_700_100_000, 1_700_200_000
QUOTE = "quote: Ankara started sending military personnel on Jan. 5; a move that Russia rejected."
CORRECTED = "quote: Ankara started sending military personnel on Jan. 5"
MY_EDIT = "My own mnemonic."
RETIRED_TAG = "quizgen::camp-david-1978::retired"


def import_with(person: Learner, package: Path, notes: str = "if_newer", notetypes: str = "if_newer",
                merge: bool = False) -> dict[str, int]:
    options = ImportAnkiPackageOptions(merge_notetypes=merge, update_notes=CONDITIONS[notes],
                                       update_notetypes=CONDITIONS[notetypes], with_scheduling=False,
                                       with_deck_configs=False)
    log = person.col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options)).log
    person.reopen()
    return {k: len(getattr(log, k)) for k in ("new", "updated", "duplicate", "conflicting")}


def edit(person: Learner, question_id: str, field: str, value: str, at: int) -> None:
    """The learner edits a note at time ``at`` (Anki stamps the clock; tests need times between builds)."""
    note = person.note_by_question(question_id)
    note[field] = value
    person.col.update_note(note)
    person.col.db.execute("update notes set mod = ? where id = ?", at, note.id)
    person.reopen()


def questions(out: Path) -> dict[str, dict]:
    """The questions of a build that make cards, by id."""
    return {q["id"]: q for q in json.loads((out / "questions.json").read_text(encoding="utf-8"))["questions"]
            if not anki_deck.gives_answer_away(Question.model_validate(q))}


def quizgen_note_types(person: Learner) -> list[dict]:
    person.col.models._clear_cache()
    return [m for m in person.col.models.all() if m["name"].startswith("quizgen")]


class Scenario:
    """The maintainer's fact file and builds, and a learner who studied the first build."""

    def __init__(self, tmp_path: Path, monkeypatch, source: Path = FACTS):
        self.tmp, self.monkeypatch = tmp_path, monkeypatch
        self.facts = tmp_path / "facts.yaml"
        shutil.copy(source, self.facts)
        build(self.facts, tmp_path / "v1", V1, monkeypatch)
        self.v1 = questions(tmp_path / "v1")
        self.person = Learner(tmp_path / "learner")
        first = import_with(self.person, apkg(tmp_path / "v1"))
        assert first == {"new": len(self.v1), "updated": 0, "duplicate": 0, "conflicting": 0}
        for cid in self.person.col.find_cards(""):
            self.person.review(cid)
        self.person.reopen()
        self.edited_id = sorted(self.v1)[0]
        edit(self.person, self.edited_id, "Explanation", MY_EDIT, V1 + 50_000)  # before the next build

    def rebuild(self, name: str, epoch: int, text: tuple[str, str] | None = None) -> pipeline.BuildResult:
        if text:
            before = self.facts.read_text(encoding="utf-8")
            assert text[0] in before
            self.facts.write_text(before.replace(text[0], text[1]), encoding="utf-8")
        return build(self.facts, self.tmp / name, epoch, self.monkeypatch)

    def reviews_kept(self) -> bool:
        col = self.person.col
        return all(col.get_card(cid).reps == 1 for cid in col.find_cards(""))

    def edit_kept(self) -> bool:
        return self.person.note_by_question(self.edited_id)["Explanation"] == MY_EDIT

    def close(self) -> None:
        self.person.close()


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    made = Scenario(tmp_path, monkeypatch)
    yield made
    made.close()


def test_unchanged_rebuild_updates_nothing(scenario):
    result = scenario.rebuild("v2", V2)
    assert not any("changed" in n for n in result.notes)
    assert apkg(scenario.tmp / "v2").read_bytes() == apkg(scenario.tmp / "v1").read_bytes()
    log = import_with(scenario.person, apkg(scenario.tmp / "v2"))
    assert log == {"new": 0, "updated": 0, "duplicate": len(scenario.v1), "conflicting": 0}
    assert scenario.reviews_kept() and scenario.edit_kept()


def test_one_fact_corrected_updates_its_notes_and_keeps_the_learners_css(scenario):
    col = scenario.person.col
    mine = "/* the learner's own style */"
    for model in quizgen_note_types(scenario.person):
        model["css"] += mine
        col.models.save(model)
    scenario.person.reopen()
    affected = sorted(q for q, body in scenario.v1.items() if shows_fact("turkish-deployment-began", body))
    assert affected and scenario.edited_id not in affected
    for qid in (affected[0], scenario.edited_id):  # the learner marks two notes before the next build
        note = scenario.person.note_by_question(qid)
        note.add_tag("marked")
        scenario.person.col.update_note(note)
        scenario.person.col.db.execute("update notes set mod = ? where id = ?", V1 + 50_000, note.id)
    scenario.person.reopen()
    result = scenario.rebuild("v2", V2, (QUOTE, CORRECTED))
    assert f"{len(affected)} changed note(s) will update on import" in result.notes
    assert not any("note type" in n for n in result.notes)
    log = import_with(scenario.person, apkg(scenario.tmp / "v2"))
    assert log == {"new": 0, "updated": len(affected), "duplicate": len(scenario.v1) - len(affected),
                   "conflicting": 0}
    assert all(mine in m["css"] for m in quizgen_note_types(scenario.person))
    assert all("a move that Russia rejected" not in scenario.person.note_by_question(q)["Sources"] for q in affected)
    assert scenario.reviews_kept() and scenario.edit_kept()
    # An updated note takes the package's tags: the learner's own tag is gone from it, kept elsewhere.
    assert "marked" not in scenario.person.note_by_question(affected[0]).tags
    assert "marked" in scenario.person.note_by_question(scenario.edited_id).tags


def test_title_change_updates_the_header_of_every_card(scenario):
    old = "title: Libya ceasefire talks in Moscow, January 2020"
    scenario.rebuild("v2", V2, (old, "title: Libya ceasefire talks, Moscow 2020"))
    log = import_with(scenario.person, apkg(scenario.tmp / "v2"))
    assert log == {"new": 0, "updated": len(scenario.v1), "duplicate": 0, "conflicting": 0}
    col = scenario.person.col
    for cid in col.find_cards(""):
        question = col.get_card(cid).question()
        assert "Libya ceasefire talks, Moscow 2020" in question and "January 2020" not in question.split("prompt")[0]
    assert scenario.reviews_kept()
    assert not scenario.edit_kept()  # the edited note changed too: Anki replaces every field of an updated note
    # Anki never moves cards on import: the new title's decks are created, the cards stay where they were.
    decks = {d.name: d.id for d in col.decks.all_names_and_ids()}
    new_decks = [name for name in decks if name.startswith("Libya ceasefire talks, Moscow 2020")]
    assert new_decks and all(not col.find_cards(f'did:{decks[name]}') for name in new_decks)


def test_css_change_updates_the_note_types_and_no_note(scenario, monkeypatch):
    css = anki_deck._css() + "\n/* a later release's style */\n"
    monkeypatch.setattr(anki_deck, "_css", lambda: css)
    result = scenario.rebuild("v2", V2)
    kinds = {body["kind"] for body in scenario.v1.values()}
    assert f"{len(anki_deck.TEMPLATES)} changed note type(s) (templates, CSS) will update on import" in result.notes
    assert not any("changed note(s)" in n for n in result.notes)
    log = import_with(scenario.person, apkg(scenario.tmp / "v2"))
    assert log == {"new": 0, "updated": 0, "duplicate": len(scenario.v1), "conflicting": 0}
    models = quizgen_note_types(scenario.person)
    assert len(models) == len(kinds) and all(m["css"] == css for m in models)
    assert scenario.reviews_kept() and scenario.edit_kept()
    # and the next unchanged build leaves them alone
    assert not any("note type" in n for n in scenario.rebuild("v3", V3).notes)


def test_learner_added_field_makes_updates_conflict_unless_note_types_are_merged(scenario):
    col = scenario.person.col
    target = next(q for q, body in scenario.v1.items()
                  if shows_fact("turkish-deployment-began", body) and body["kind"] == "multiple_choice")
    model = next(m for m in quizgen_note_types(scenario.person) if m["name"] == "quizgen: multiple choice")
    col.models.add_field(model, col.models.new_field("Mine"))
    col.models.save(model)
    # Adding a field rewrites every note of the type: stamp that before the next build, as it happens.
    col.db.execute("update notes set mod = ? where mid = ?", V1 + 60_000, model["id"])
    scenario.person.reopen()
    edit(scenario.person, target, "Mine", "my note", V1 + 60_000)
    untouched = next(q for q, body in scenario.v1.items()
                     if not shows_fact("turkish-deployment-began", body) and body["kind"] == "multiple_choice")
    edit(scenario.person, untouched, "Mine", "kept", V1 + 60_000)
    scenario.rebuild("v2", V2, (QUOTE, CORRECTED))
    affected = sorted(q for q, body in scenario.v1.items() if shows_fact("turkish-deployment-began", body))
    mc = [q for q, body in scenario.v1.items() if body["kind"] == "multiple_choice"]
    affected_mc = [q for q in affected if q in mc]

    log = import_with(scenario.person, apkg(scenario.tmp / "v2"))
    # Without merging: the changed note type is copied as "…+", every multiple-choice note conflicts.
    assert log["conflicting"] == len(mc) and log["new"] == 0
    assert log["updated"] == len(affected) - len(affected_mc)
    names = [m["name"] for m in quizgen_note_types(scenario.person)]
    assert "quizgen: multiple choice+" in names
    assert "a move that Russia rejected" in scenario.person.note_by_question(target)["Sources"]  # not corrected
    # With "Merge note types": the corrections arrive; the learner's field is kept on notes that did not
    # change and emptied on the notes the correction updated.
    merged = import_with(scenario.person, apkg(scenario.tmp / "v2"), merge=True)
    assert merged["new"] == 0 and merged["conflicting"] == 0
    note = scenario.person.note_by_question(target)
    assert "a move that Russia rejected" not in note["Sources"]
    assert scenario.reviews_kept()
    assert merged == {"new": 0, "updated": len(affected_mc), "duplicate": len(scenario.v1) - len(affected_mc),
                      "conflicting": 0}
    assert note["Mine"] == ""  # the learner's own field is emptied on the updated note
    assert scenario.person.note_by_question(untouched)["Mine"] == "kept"  # and kept where nothing changed
    assert "quizgen: multiple choice+" not in [m["name"] for m in quizgen_note_types(scenario.person)]


def test_retired_notes_are_found_by_the_learners_who_have_them_and_given_to_nobody(tmp_path, monkeypatch):
    facts = tmp_path / "facts.yaml"
    shutil.copy(DATA / "minimal.yaml", facts)
    build(facts, tmp_path / "v1", V1, monkeypatch)
    had = Learner(tmp_path / "had")
    import_with(had, apkg(tmp_path / "v1"))
    for cid in had.col.find_cards(""):
        had.review(cid)
    had.reopen()
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text[:text.index("  - id: talks-length")] + text[text.index("closures:"):], encoding="utf-8")
    result = build(facts, tmp_path / "v2", V2, monkeypatch)
    v1, v2 = questions(tmp_path / "v1"), questions(tmp_path / "v2")
    gone = sorted(set(v1) - set(v2))
    assert gone and any("retired note(s)" in n for n in result.notes)
    files = sorted(p.name for p in (tmp_path / "v2").iterdir() if not p.name.startswith("."))
    assert files == ["camp-david-1978.apkg", "camp-david-1978.retired.txt", "questions.json"]
    search = (tmp_path / "v2" / "camp-david-1978.retired.txt").read_text(encoding="utf-8").strip()

    # A learner who had them: the main package leaves them as they were, the search finds exactly them.
    before = {q: dict(had.note_by_question(q).items()) for q in gone}
    log = import_with(had, apkg(tmp_path / "v2"))
    assert log["new"] == 0 and log["conflicting"] == 0
    found = had.col.find_notes(search)
    assert sorted(had.col.get_note(n)["QuestionId"] for n in found) == gone
    had.col.tags.bulk_add(list(found), RETIRED_TAG)
    had.reopen()
    for q in gone:
        note = had.note_by_question(q)
        assert dict(note.items()) == before[q]  # last real content
        assert RETIRED_TAG in note.tags and len(note.tags) > 1
        assert all(had.col.get_card(c).reps == 1 for c in note.card_ids())
    assert not [d.name for d in had.col.decks.all_names_and_ids() if "retired" in d.name.lower()]
    had.close()

    # A learner who never had them: nothing retired arrives, and the search finds nothing.
    fresh = Learner(tmp_path / "fresh")
    log = import_with(fresh, apkg(tmp_path / "v2"))
    assert log["new"] == len(v2) == fresh.col.card_count()
    assert fresh.col.find_notes(search) == []
    fresh.close()


def test_the_hash_covers_what_the_learner_sees_and_nothing_else():
    bank = pipeline.bank(pipeline.check_facts(DATA / "minimal.yaml").facts, 1,
                         pipeline.make_questions(pipeline.check_facts(DATA / "minimal.yaml").facts, 1))
    question: Question = next(q for q in bank.questions if q.kind == "multiple_choice")
    title = bank.title
    base = anki_deck.note_hash(question, title)
    assert anki_deck.note_hash(question.model_copy(update={"tags": ("x",)}), title) == base
    assert anki_deck.note_hash(question.model_copy(update={"template": "renamed"}), title) == base
    assert anki_deck.note_hash(question.model_copy(update={"prompt": question.prompt + "?"}), title) != base
    assert anki_deck.note_hash(question, title + " (revised)") != base
    assert anki_deck.note_hash(question.model_copy(update={"family": "other_family"}), title) != base  # its deck
    assert anki_deck.note_hash(question.model_copy(update={"explanation": "new"}), title) != base


def test_state_files_without_note_types_are_read_and_upgraded(tmp_path):
    old = tmp_path / "facts.anki-state.json"
    old.write_text('{\n "format": 1,\n "notes": {\n  "q1": {\n   "changed_at": 5,\n   "hash": "h",\n'
                   '   "kind": "true_false",\n   "prompt": "P",\n   "retired_at": null\n  }\n },\n'
                   ' "topic": "t"\n}\n', encoding="utf-8")
    state = notestate.load(old, "t")
    times = notestate.update(state, [], 100, {}, {"true_false": "a", "matching": "b"})
    assert times.type_times == {"true_false": 100, "matching": 100}
    assert times.types_changed == ("matching", "true_false")
    notestate.save(old, times.state)
    again = notestate.load(old, "t")
    assert again["note_types"] == {"matching": {"hash": "b", "changed_at": 100},
                                   "true_false": {"hash": "a", "changed_at": 100}}
    later = notestate.update(again, [], 50, {}, {"true_false": "a", "matching": "c"})
    assert later.type_times == {"true_false": 100, "matching": 101}  # never older than before
    assert later.types_changed == ("matching",)


def test_damaged_note_types_are_located(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{\n "format": 1,\n "notes": {},\n "note_types": {\n  "matching": {"hash": 3}\n },\n'
                    ' "topic": "t"\n}\n', encoding="utf-8")
    with pytest.raises(Exception) as info:
        notestate.load(path, "t")
    assert ":5:" in str(info.value) and "note type 'matching'" in str(info.value)


def test_another_seed_updates_no_note(scenario):
    """The seed chooses printed quizzes only: the deck is the same bytes and the learner sees no update."""
    scenario.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(V2))
    pipeline.build(scenario.facts, scenario.tmp / "v2", seed=2, formats=("json", "anki"))
    assert apkg(scenario.tmp / "v2").read_bytes() == apkg(scenario.tmp / "v1").read_bytes()
    log = import_with(scenario.person, apkg(scenario.tmp / "v2"))
    assert log == {"new": 0, "updated": 0, "duplicate": len(scenario.v1), "conflicting": 0}
    assert scenario.reviews_kept() and scenario.edit_kept()


def _without_fact(source: Path, fact_id: str, target: Path) -> None:
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["facts"] = [f for f in data["facts"] if f["id"] != fact_id]
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("relation", ["backs", "occurred", "holds_role"])
def test_one_added_fact_updates_only_the_notes_that_involve_it(tmp_path, monkeypatch, relation):
    """A learner studied the deck built without one fact; the fact is added. Only notes whose
    questions rest on that fact (or on a fact about the same subject or object in its relation,
    which changes what can be proven wrong) update; every other note is left alone."""
    from test_independence import involved, neighbours

    from quizgen.generators import generate

    shipped = pipeline.check_facts(FACTS).facts
    fact = next(f for f in shipped.file.facts if f.relation == relation)
    smaller = tmp_path / "source.yaml"
    _without_fact(FACTS, fact.id, smaller)
    (tmp_path / "learner-run").mkdir()
    made = Scenario(tmp_path / "learner-run", monkeypatch, source=smaller)
    try:
        made.facts.write_text(FACTS.read_text(encoding="utf-8"), encoding="utf-8")  # the fact is added
        made.rebuild("v2", V2)
        v2 = questions(made.tmp / "v2")
        log = made.person.col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(apkg(made.tmp / "v2")),
            options=ImportAnkiPackageOptions(merge_notetypes=False, with_scheduling=False,
                                             with_deck_configs=False))).log
        made.person.reopen()
        updated = {made.person.col.get_note(n.id.nid)["QuestionId"] for n in log.updated}
        added = {made.person.col.get_note(n.id.nid)["QuestionId"] for n in log.new}
        assert added == set(v2) - set(made.v1)
        assert not log.conflicting
        by_id = {q.id: q for q in generate(shipped)}
        strangers = [qid for qid in updated
                     if fact.id not in involved(by_id[qid]) and not neighbours(fact, involved(by_id[qid]), shipped)]
        assert strangers == [], strangers
        assert len(updated) + len(log.duplicate) == len(set(made.v1) & set(v2))
        col = made.person.col
        assert all(card.reps == 1 for qid in made.v1 for card in made.person.note_by_question(qid).cards())
        assert all(col.get_card(cid).reps == 0 for qid in added for cid in col.find_cards(f'"QuestionId:{qid}"'))
        print(f"{relation}: {fact.id}: new {len(added)}, updated {len(updated)}, unchanged {len(log.duplicate)}")
    finally:
        made.close()
