"""`quizgen anki sync`: a learner's collection brought to a build with the real Anki backend."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import DATA
from quizgen import anki_sync, pipeline
from quizgen.errors import QuizgenError
from quizgen.ids import anki_guid

pytest.importorskip("anki.collection")
from test_anki import Learner, apkg, build  # noqa: E402
from test_anki_updates import V1, V2, import_with  # noqa: E402

TOPIC = "camp-david-1978"
OLD_TITLE, NEW_TITLE = "title: The Camp David Accords, 1978", "title: Camp David, 1978"


@pytest.fixture
def studied(tmp_path, monkeypatch):
    """A learner who imported the first build and studied it; then the title changes and a fact goes."""
    facts = tmp_path / "facts.yaml"
    shutil.copy(DATA / "minimal.yaml", facts)
    build(facts, tmp_path / "v1", V1, monkeypatch)
    person = Learner(tmp_path / "learner")
    import_with(person, apkg(tmp_path / "v1"))
    col = person.col
    cards = sorted(col.find_cards(""))
    for cid in cards:
        person.review(cid)
    person.reopen()
    col = person.col
    col.set_user_flag_for_cards(3, [cards[0]])
    col.sched.suspend_cards([cards[1]])
    col.set_deck([cards[3]], col.decks.id("My reading list"))
    note = col.get_card(cards[2]).note()
    note.add_tag("marked")
    col.update_note(note)
    col.db.execute("update notes set mod = ? where id = ?", V1 + 50_000, note.id)
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"], basic["Back"] = "mine", "not quizgen's"
    col.add_note(basic, col.decks.id("Default"))
    person.close()
    text = facts.read_text(encoding="utf-8")
    text = text.replace(OLD_TITLE, NEW_TITLE)
    facts.write_text(text[:text.index("  - id: talks-length")] + text[text.index("closures:"):], encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(V2))
    return facts, person.path, cards, note.id, basic.id


def test_sync_round_trip_keeps_the_learners_work_and_a_second_run_changes_nothing(studied, tmp_path):
    facts, path, cards, marked, basic = studied
    result = anki_sync.sync(facts, path, retired="suspend")
    assert result.backup.is_file() and result.backup.parent == path.parent
    assert result.added == 0 and result.conflicting == 0 and result.updated > 0
    assert result.suspended >= 1 and result.deleted == 0
    person = Learner(tmp_path / "learner")
    col = person.col
    # reviews, flags, suspensions and the learner's own tag survive the update
    assert all(col.get_card(c).reps == 1 for c in cards)
    assert col.get_card(cards[0]).user_flag() == 3
    assert col.get_card(cards[1]).queue == -1
    assert "marked" in col.get_note(marked).tags
    live = {anki_guid(TOPIC, q.id) for q in pipeline.make_questions(pipeline.check_facts(facts).facts, 1)}
    notes = [col.get_note(n) for n in col.find_notes("")]
    retired = [n for n in notes if n.guid not in live and n.id != basic]
    # every live quizgen card sits in the new title's decks; the learner's own note is untouched
    for note in notes:
        if note.guid in live:
            assert all(col.decks.name(c.did).startswith("Camp David, 1978::") or c.id == cards[3]
                       for c in note.cards())
    assert col.decks.name(col.get_card(cards[3]).did) == "My reading list"  # the learner's own deck
    assert col.get_note(basic)["Back"] == "not quizgen's" and col.get_note(basic).cards()[0].queue == 0
    assert col.decks.name(col.get_note(basic).cards()[0].did) == "Default"
    # the retired notes are suspended and stay where they were
    assert retired and all(c.queue == -1 for n in retired for c in n.cards())
    assert result.moved == len(cards) - sum(len(n.cards()) for n in retired) - 1
    # the old title's decks that the move emptied are gone; a retired card keeps its deck
    old = sorted(d.name for d in col.decks.all_names_and_ids() if d.name.startswith("The Camp David Accords"))
    assert old == sorted({col.decks.name(c.did) for n in retired for c in n.cards()}
                         | {"The Camp David Accords, 1978"})
    person.close()
    again = anki_sync.sync(facts, path, retired="suspend")
    assert (again.added, again.updated, again.moved, again.suspended, again.deleted) == (0, 0, 0, 0, 0)


def test_sync_deletes_retired_notes_when_asked(studied, tmp_path):
    facts, path, cards, _, basic = studied
    result = anki_sync.sync(facts, path, retired="delete")
    assert result.deleted >= 1 and result.suspended == 0
    person = Learner(tmp_path / "learner")
    live = {anki_guid(TOPIC, q.id) for q in pipeline.make_questions(pipeline.check_facts(facts).facts, 1)}
    notes = [person.col.get_note(n) for n in person.col.find_notes("")]
    assert {n.guid for n in notes if n.id != basic} <= live and any(n.id == basic for n in notes)
    person.close()
    assert anki_sync.sync(facts, path, retired="delete").deleted == 0


def test_sync_refuses_a_collection_that_is_open(studied, tmp_path):
    facts, path, *_ = studied
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom anki.collection import Collection\n"
        f"c = Collection({str(path)!r}); c.db.scalar('select count() from notes')\n"
        "print('open', flush=True); time.sleep(60)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(QuizgenError) as info:
            anki_sync.sync(facts, path)
        assert "the collection is open" in str(info.value) and "close Anki" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    assert not list(path.parent.glob("*.bak"))


def test_sync_refuses_a_collection_newer_than_it_understands(studied):
    facts, path, *_ = studied
    with sqlite3.connect(path) as db:
        db.execute("update col set ver = 999")
    def contents():
        with sqlite3.connect(path) as db:
            return db.execute("select * from notes order by id").fetchall(), db.execute("select ver from col").fetchall()

    before = contents()
    with pytest.raises(QuizgenError) as info:
        anki_sync.sync(facts, path)
    assert "newer than this Anki backend understands" in str(info.value)
    assert contents() == before and not list(path.parent.glob("*.bak"))


def test_the_command_line_reports_and_refuses_in_one_line(studied, tmp_path):
    facts, path, *_ = studied
    run = [sys.executable, "-m", "quizgen", "anki", "sync", str(facts)]
    done = subprocess.run([*run, "--collection", str(path), "--retired", "keep"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("backup: ") and lines[1].startswith("0 added, ") and "0 note(s) deleted" in lines[1]
    missing = subprocess.run([*run, "--collection", str(tmp_path / "nothing.anki2")], capture_output=True, text=True,
                             timeout=300)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith(f"{tmp_path / 'nothing.anki2'}: error: no such collection file (hint: ")
