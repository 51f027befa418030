"""Helpers for the tests of the fact format's date bounds, open events, dated figures and posts
not held: a small fact file as data, built through check, and the independence comparison."""

from __future__ import annotations

from conftest import build_document

CITE = [{"source": "s", "quote": "q"}]


def document(entities: list[tuple[str, str, str]], facts: list[dict], **extra) -> dict:
    """A fact file from (id, name, kind) entities and fact dicts (each cited once)."""
    doc = {"format": 1, "topic": {"id": "formats", "title": "Formats"},
           "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2021-03-01"}],
           "entities": [{"id": i, "name": n, "kind": k} for i, n, k in entities],
           "facts": [{**f, "citations": CITE} for f in facts]}
    doc.update(extra)
    return doc


def event(eid: str, **when) -> dict:
    """An `occurred` fact about event ``eid`` (date, until, by, ongoing as keywords)."""
    return {"id": eid, "relation": "occurred", "subject": eid, **when}


def events_document(events: list[dict], **extra) -> dict:
    return document([(f["subject"], f"Event {f['subject'].upper()}", "event") for f in events], events, **extra)


def build(tmp_path, doc: dict, name: str = "formats.yaml"):
    return build_document(tmp_path, doc, name)


def without(doc: dict, fact_id: str) -> dict:
    """The same file without one fact (and without an entity only it named)."""
    kept = [f for f in doc["facts"] if f["id"] != fact_id]
    named = {f.get(k) for f in kept for k in ("subject", "object", "of", "place")}
    return {**doc, "facts": kept, "entities": [e for e in doc["entities"] if e["id"] in named]}


def changed_only_where_involved(with_it: list, without_it: list, fact_id: str) -> list[str]:
    """Ids of questions that differ between a bank built with fact ``fact_id`` and one built without
    it, though no question of the first names the fact among its facts or proofs ([] when adding the
    fact changes only questions that involve it), as tests/test_independence.py defines it."""
    before = {q.id: q.model_dump_json() for q in without_it}
    after = {q.id: q for q in with_it}
    involving = {q.id for q in with_it if fact_id in (*q.facts, *q.proofs)}
    wrong = [q.id for q in with_it if q.id not in involving and before.get(q.id) != q.model_dump_json()]
    # a question that went is fine where one involving the fact took its place (same template, kind and
    # first fact: a false statement that now passes over someone the new fact is about)
    slots = {(q.template, q.kind, q.facts[0]) for q in with_it if q.id in involving}
    gone = {q.id: q for q in without_it if q.id not in after}
    wrong += [qid for qid, text in before.items() if qid not in involving and (
        (qid in gone and (gone[qid].template, gone[qid].kind, gone[qid].facts[0]) not in slots)
        or (qid in after and after[qid].model_dump_json() != text))]
    return sorted(set(wrong))


def right_options(question) -> list[str]:
    return [o.text for o in question.options if o.correct]
