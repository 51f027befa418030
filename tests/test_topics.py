"""Topic fact files written from the documentation alone, each with its published source texts.

Every ``tests/data/topics/<id>/facts.yaml`` must pass ``check`` with its quotes verified against
the texts in ``<id>/sources/``, build every output format, and give questions in several families,
at least three of them the topic's own (declared in the file, not shipped), each titled as the file
says in every output that names families. A new topic folder is covered by adding it; nothing here
names a topic.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import quizgen
from conftest import DATA

TOPICS_DIR = DATA / "topics"
TOPICS = sorted(TOPICS_DIR.glob("*/facts.yaml"))
TOPIC_IDS = [path.parent.name for path in TOPICS]

ALL_OUTPUTS = (
    "questions.json", "quiz-A.md", "key-A.md", "quiz-A.pdf", "key-A.pdf", "moodle.xml",
    "quiz.gift", "canvas-qti.zip", "quizlet.tsv", "kahoot.xlsx",
)


SHIPPED_FAMILIES = set(yaml.safe_load(
    (Path(quizgen.__file__).parent / "data" / "families.yaml").read_text(encoding="utf-8")))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_topics_are_found():
    assert len(TOPICS) >= 2, f"expected at least two topic fact files under {TOPICS_DIR}"


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
def test_topic_folder_is_self_contained(facts: Path):
    """The topic id names the folder, and every source's text is saved beside the facts, as UTF-8."""
    data = _load(facts)
    assert data["topic"]["id"] == facts.parent.name
    sources = facts.parent / "sources"
    for source in data["sources"]:
        assert source.get("text_file"), f"source {source['id']} has no text_file"
        assert source.get("url", "").startswith(("http://", "https://")), f"source {source['id']} has no url"
        (sources / source["text_file"]).read_text(encoding="utf-8")
    assert sum(len(fact["citations"]) for fact in data["facts"]) >= 30


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
def test_topic_checks_against_its_sources(facts: Path, run_cli):
    code, out, err = run_cli("check", "--sources", facts.parent / "sources", facts)
    assert code == 0, err
    data = _load(facts)
    quotes = sum(len(fact["citations"]) for fact in data["facts"])
    verified = re.search(r"(\d+) quotes verified against (\d+) source texts", out + err)
    assert verified, out + err
    assert int(verified.group(1)) >= quotes
    assert int(verified.group(2)) == len(data["sources"])


def _tampered(facts: Path, quote: str, last: bool) -> tuple[str, int]:
    """The fact file's text with one occurrence of QUOTE changed, and that occurrence's line."""
    text = facts.read_text(encoding="utf-8")
    at = text.rfind(quote) if last else text.find(quote)
    assert at >= 0, quote
    changed = text[:at] + quote + " NOT-IN-THE-SOURCE" + text[at + len(quote):]
    return changed, text.count("\n", 0, at) + 1


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
@pytest.mark.parametrize("where", ["fact", "closure"])
def test_topic_quote_not_in_source_fails_check(facts: Path, where: str, tmp_path: Path, run_cli):
    """The quote check really reads the saved texts: one altered quote fails, at its own line."""
    data = _load(facts)
    if where == "fact":
        quote, last = data["facts"][0]["citations"][0]["quote"], False
    else:
        cited = [c for closure in data.get("closures", []) for c in closure.get("citations", [])]
        if not cited:
            pytest.skip("no closure cites a source")
        quote, last = cited[-1]["quote"], True
    text, line = _tampered(facts, quote, last)
    copy = tmp_path / "facts.yaml"
    copy.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", "--sources", facts.parent / "sources", copy)
    assert code == 1
    assert re.search(rf"facts\.yaml:{line}:\d+: error: .*quote", err), err


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
def test_topic_builds_every_format(facts: Path, tmp_path: Path, run_cli, monkeypatch):
    # Run in-process after the rest of the suite, the build's forked exporter process has been seen
    # to hang (the parent waiting on its pipe); this test is about the data, so the fork is off.
    monkeypatch.setenv("QUIZGEN_NO_FORK", "1")
    out_dir, state = tmp_path / "out", tmp_path / "state.json"
    beside = set(facts.parent.iterdir())
    code, out, err = run_cli("build", facts, "--sources", facts.parent / "sources", "--out", out_dir,
                             "--state", state, "--format", "all")
    assert code == 0, err
    assert set(facts.parent.iterdir()) == beside, "the build wrote beside the fact file"
    for name in ALL_OUTPUTS:
        assert (out_dir / name).stat().st_size > 0, name

    data = _load(facts)
    bank = json.loads((out_dir / "questions.json").read_text(encoding="utf-8"))
    assert bank["topic"] == data["topic"]["id"]
    questions = bank["questions"]
    families = {q["family"] for q in questions}
    assert len(families) >= 3, families

    # Every question cites a saved text, with a quote that is in it.
    texts = {s["id"]: _squash((facts.parent / "sources" / s["text_file"]).read_text(encoding="utf-8"))
             for s in data["sources"]}
    fact_ids = {fact["id"] for fact in data["facts"]}
    for q in questions:
        assert q["citations"], q["id"]
        assert set(q["facts"]) <= fact_ids, q["id"]
        for citation in q["citations"]:
            assert _squash(citation["quote"]) in texts[citation["source"]], (q["id"], citation)


def _own_families(data: dict) -> dict[str, dict]:
    return {fid: fam for fid, fam in (data.get("families") or {}).items() if fid not in SHIPPED_FAMILIES}


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
def test_topic_relations_sit_in_families_of_its_own(facts: Path):
    """No relation kind the topic adds is filed under a shipped family meant for other subjects
    (a Nobel prize under "Who signed", a final under "Who backs whom")."""
    data = _load(facts)
    own = _own_families(data)
    assert len(own) >= 3, sorted(own)
    for fid, fam in own.items():
        assert fam.get("title", "").strip(), fid
    added = {name: kind for name, kind in (data.get("relations") or {}).items() if "shape" in kind}
    assert added, "the topic adds no relation kind of its own"
    for name, kind in added.items():
        assert kind["family"] in own, (name, kind["family"])


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
def test_topic_asks_in_families_of_its_own(facts: Path, tmp_path: Path, run_cli, monkeypatch):
    """At least three of the topic's own families get questions, and every family reaches the bank
    and the classroom categories under the title the file gives it."""
    monkeypatch.setenv("QUIZGEN_NO_FORK", "1")
    out_dir, state = tmp_path / "out", tmp_path / "state.json"
    code, out, err = run_cli("build", facts, "--sources", facts.parent / "sources", "--out", out_dir,
                             "--state", state, "--format", "json,gift")
    assert code == 0, err
    data = _load(facts)
    own = _own_families(data)
    bank = json.loads((out_dir / "questions.json").read_text(encoding="utf-8"))
    asked = {q["family"] for q in bank["questions"]}
    assert len(asked & set(own)) >= 3, (sorted(asked), sorted(own))

    titles = {f["id"]: f["title"] for f in bank["families"]}
    for fid, fam in (data.get("families") or {}).items():
        if "title" in fam and fid in asked:
            assert titles[fid] == fam["title"], fid
    # questions.json lists the families in the file's order, and its questions follow it
    listed = [f["id"] for f in sorted(bank["families"], key=lambda f: f["order"])]
    seen = list(dict.fromkeys(q["family"] for q in bank["questions"]))
    assert seen == [fid for fid in listed if fid in asked]

    gift = (out_dir / "quiz.gift").read_text(encoding="utf-8")
    categories = set(re.findall(r"^\$CATEGORY: \$course\$/top/.*/(.+)$", gift, flags=re.M))
    assert {titles[fid] for fid in asked} == categories, categories


@pytest.mark.parametrize("facts", TOPICS, ids=TOPIC_IDS)
def test_topic_figures_of_one_read_singular(facts: Path, tmp_path: Path, run_cli, monkeypatch):
    """A figure whose unit has a singular form never shows "1 guineas" or "1 children", neither as
    the answer nor among the wrong options made from it."""
    monkeypatch.setenv("QUIZGEN_NO_FORK", "1")
    out_dir, state = tmp_path / "out", tmp_path / "state.json"
    code, out, err = run_cli("build", facts, "--sources", facts.parent / "sources", "--out", out_dir,
                             "--state", state, "--format", "json")
    assert code == 0, err
    units = {f["quantity"]["unit"]: f["quantity"].get("unit_one")
             for f in _load(facts)["facts"] if "quantity" in f}
    assert all(units.values()), [unit for unit, one in units.items() if not one]
    texts = [text for q in json.loads((out_dir / "questions.json").read_text(encoding="utf-8"))["questions"]
             for text in (q["prompt"], q["answer"], q["explanation"], *q["choices"], *q["accepted"])]
    singular_shown = False
    for unit, one in units.items():
        plural_one = re.compile(rf"(?<![\d.,])1 {re.escape(unit)}\b")
        assert not [t for t in texts if plural_one.search(t)], unit
        singular_shown |= any(re.search(rf"(?<![\d.,])1 {re.escape(one)}\b", t) for t in texts)
    if not singular_shown:  # no option of 1 in this bank: the wording a figure of 1 would get
        from quizgen import pipeline
        from quizgen.generators.wording import Words

        fact_set = pipeline.check_facts(facts).facts
        words = Words(fact_set, fact_set.as_of)
        for fact in fact_set.file.facts:
            if fact.quantity is not None and fact.quantity.value_to is None:
                assert words.quantity(1, fact.quantity).endswith(f"1 {fact.quantity.unit_one}"), fact.id


def test_platform_categories_follow_the_family_order(tmp_path):
    """Moodle XML and GIFT list the topic's families in the order the file gives them."""
    import re

    from quizgen import pipeline

    for facts in TOPICS:
        result = pipeline.build(facts, tmp_path / facts.parent.name, formats=("json", "moodle", "gift"),
                                state_path=tmp_path / f"{facts.parent.name}.state.json")
        bank = json.loads((result.out / "questions.json").read_text(encoding="utf-8"))
        titles = [f["title"] for f in bank["families"]]
        xml = (result.out / "moodle.xml").read_text(encoding="utf-8")
        gift = (result.out / "quiz.gift").read_text(encoding="utf-8")
        for text in (xml, gift):
            shown = [t for t in titles if f"/{t}" in text]
            positions = [text.index(f"/{t}") for t in shown]
            assert positions == sorted(positions) and len(shown) >= 3, (facts, shown)
