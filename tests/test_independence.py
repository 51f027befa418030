"""A question depends on its own facts and proofs only.

"Involves": a question involves fact F when F is among its ``facts`` (what it asks about)
or its ``proofs`` (the facts its options, wording or very existence rest on: distractor
proofs, the facts that make a distractor a candidate, facts competing for the same prompt,
the timeline or month a group is cut from). Then:

- removing F from a file changes no question that does not involve F (its JSON is identical);
- adding F to a file changes or removes a question only where a question involving F takes its
  place (same id, same prompt, the same template, kind and first fact, or, for a question on a
  group of three or more facts, the same template and kind) or F names an entity, in the same relation, that a
  fact the question rests on names (a new fact about the same object or subject changes
  which answers can be proven wrong, or how many false statements balance the true ones).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import FACTS
from quizgen import pipeline
from quizgen.facts import Fact, FactSet
from quizgen.generators import generate


@pytest.fixture(scope="module")
def shipped() -> FactSet:
    return pipeline.check_facts(FACTS).facts


def with_facts(facts: FactSet, kept: tuple[Fact, ...]) -> FactSet:
    return FactSet(file=facts.file.model_copy(update={"facts": kept}), path=facts.path,
                   relation_kinds=facts.relation_kinds, marks=facts.marks, digest=facts.digest)


def involved(question) -> set[str]:
    return {*question.facts, *question.proofs}


def neighbours(fact: Fact, others: set[str], facts: FactSet) -> bool:
    """True when ``fact`` names an entity, in its own relation, that one of ``others`` names."""
    names = {fact.subject, fact.object} - {None}
    return any(fact.relation == facts.facts[o].relation and names & {facts.facts[o].subject, facts.facts[o].object}
               for o in others if o in facts.facts)


def differences(fact: Fact, with_it: list, without: list, facts: FactSet) -> tuple[list[str], list[str]]:
    """(questions that changed on removing ``fact`` though they do not involve it,
        questions that changed or went on adding it with no question or neighbour to answer for it)."""
    json_with = {q.id: q.model_dump_json() for q in with_it}
    json_without = {q.id: q.model_dump_json() for q in without}
    removal = [q.id for q in with_it if fact.id not in involved(q) and json_without.get(q.id) != json_with[q.id]]
    takers = [q for q in with_it if fact.id in involved(q)]
    prompts = {q.prompt for q in takers} | {q.id for q in takers}
    slots = {(q.template, q.kind, q.facts[0]) for q in takers}
    addition = [q.id for q in without if json_with.get(q.id) != json_without[q.id]
                and q.id not in prompts and q.prompt not in prompts
                and (q.template, q.kind, q.facts[0]) not in slots
                and not neighbours(fact, involved(q), facts)
                and not (len(q.facts) >= 3 and any(t.template == q.template and t.kind == q.kind
                                                   and len(t.facts) >= 3 for t in takers))]
    return removal, addition


def test_each_fact_removed_and_added_back_changes_only_what_involves_it(shipped):
    """Exhaustive over the shipped file: every fact removed, then appended to the file without it."""
    everything = generate(shipped)
    tried = outside = 0
    for fact in shipped.file.facts:
        rest = tuple(f for f in shipped.file.facts if f.id != fact.id)
        without = generate(with_facts(shipped, rest))
        removal, addition = differences(fact, everything, without, shipped)
        assert removal == [] and addition == [], (fact.id, removal, addition)
        # added back at the end of the file: generation does not depend on where a fact stands
        back = generate(with_facts(shipped, rest + (fact,)))
        removal, addition = differences(fact, back, without, shipped)
        assert removal == [] and addition == [], (fact.id, removal, addition)
        # and the questions that do not involve it are the very same as in the shipped build
        others = {q.id: q for q in everything if fact.id not in involved(q)}
        assert all(q == others[q.id] for q in back if q.id in others)
        tried += 1
        outside += len(removal) + len(addition)
    assert tried == len(shipped.file.facts) >= 50 and outside == 0


def test_a_wrong_dependency_is_caught(shipped):
    """The property can fail: a question that leaks another fact's presence is reported."""
    everything = generate(shipped)
    fact = shipped.file.facts[0]
    rest = tuple(f for f in shipped.file.facts if f.id != fact.id)
    without = generate(with_facts(shipped, rest))
    victim = next(q for q in without if fact.id not in involved(q))
    tampered = [q if q.id != victim.id else q.model_copy(update={"prompt": q.prompt + " (changed)"})
                for q in everything]
    removal, _ = differences(fact, tampered, without, shipped)
    assert removal == [victim.id]


@settings(max_examples=int(os.environ.get("QUIZGEN_FUZZ_EXAMPLES", "100")) // 4 + 25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=os.environ.get("CI") == "true")
@given(st.data())
def test_random_subsets_of_the_shipped_file_change_only_what_involves_a_fact(shipped, data):
    """Random sub-files of the shipped file: one fact more changes only what involves it."""
    facts = list(shipped.file.facts)
    kept = tuple(f for f in facts if data.draw(st.booleans()))
    if not kept:
        return
    fact = data.draw(st.sampled_from(kept))
    position = data.draw(st.integers(0, len(kept) - 1))
    rest = tuple(f for f in kept if f.id != fact.id)
    added = rest[:position] + (fact,) + rest[position:]
    without = generate(with_facts(shipped, rest)) if rest else []
    removal, addition = differences(fact, generate(with_facts(shipped, added)), without, shipped)
    assert removal == [] and addition == [], (fact.id, removal, addition)


def test_seed_changes_neither_the_anki_deck_nor_questions_json(tmp_path):
    """--seed chooses printed quizzes only: the bank and the deck are byte-identical."""
    outputs = []
    for seed in (1, 2):
        folder = tmp_path / str(seed)
        folder.mkdir()
        shutil.copy(FACTS, folder / "facts.yaml")
        shutil.copy(pipeline.default_state_path(FACTS), pipeline.default_state_path(folder / "facts.yaml"))
        pipeline.build(folder / "facts.yaml", folder / "out", seed=seed, formats=("json", "anki", "markdown"))
        outputs.append({p.name: p.read_bytes() for p in sorted((folder / "out").iterdir())})
    one, two = outputs
    apkg = [name for name in one if name.endswith(".apkg")]
    assert apkg and "questions.json" in one
    for name in [*apkg, "questions.json"]:
        assert one[name] == two[name], name
    # while the printed quiz does follow the seed
    assert any(one[n] != two[n] for n in one if n.endswith(".md"))


def test_state_carries_a_renamed_questions_change_time(shipped):
    """A question whose id gained its kind keeps its note's change time when its content did not change."""
    from quizgen import notestate
    from quizgen.ids import previous_id

    renamed = next(q for q in generate(shipped)
                   if previous_id(q.family, q.template, q.facts, q.kind, q.id) and not q.options)
    old = previous_id(renamed.family, renamed.template, renamed.facts, renamed.kind, renamed.id)
    before = renamed.model_copy(update={"id": old})
    state = notestate.update({"format": 1, "topic": "t", "notes": {}}, [before], 100).state
    after = notestate.update(state, [renamed], 200)
    assert after.times[renamed.id] == 100 and renamed.id not in after.changed + after.added
    changed = renamed.model_copy(update={"prompt": renamed.prompt + "?"})
    assert notestate.update(state, [changed], 200).times[renamed.id] == 200


def test_each_fact_of_a_synthetic_file_changes_only_what_involves_it(tmp_path):
    """The benchmark's synthetic topic (hub sides backed by many, posts shared in a month, crowded
    timelines): every fact removed and appended again changes nothing outside what involves it."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "synthetic.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "150", "--out", str(path)], check=True)
    facts = pipeline.check_facts(path).facts
    everything = generate(facts)
    outside = 0
    for fact in facts.file.facts:
        rest = tuple(f for f in facts.file.facts if f.id != fact.id)
        without = generate(with_facts(facts, rest))
        for pair in ((everything, without), (generate(with_facts(facts, rest + (fact,))), without)):
            removal, addition = differences(fact, *pair, facts)
            outside += len(removal) + len(addition)
    assert len(facts.file.facts) == 150 and len(everything) > 300 and outside == 0
