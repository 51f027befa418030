"""Write a synthetic but realistic fact file with N facts.

People, countries, sides, documents, events, places; signatures (and refusals), backers,
posts, dates, participation and figures in about the proportions of the shipped
facts.yaml; every fact cites one of a handful of synthetic sources with a quote.
Deterministic for a seed.

    python benchmarks/make_facts.py 1000 --seed 1 --out /tmp/facts-1000.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

# Share of each relation among the shipped file's facts (59 facts).
MIX = {
    "signed": 4, "backs": 7, "holds_role": 14, "mediated": 3, "took_part_in": 2, "proposed": 2,
    "occurred": 19, "figure": 5, "based_in": 3,
}


def make(n: int, seed: int) -> dict:
    rng = random.Random(seed)
    total = sum(MIX.values())
    want = {rel: max(1, round(n * share / total)) for rel, share in MIX.items()}
    want["occurred"] += n - sum(want.values())  # exact total

    sources = [{"id": f"src-{i}", "publisher": f"Wire Service {i}", "title": f"Report number {i} on the talks",
                "published": f"2020-{1 + i % 12:02d}-{1 + i % 27:02d}"} for i in range(max(5, n // 200))]
    entities: list[dict] = []

    def add(prefix: str, kind: str, count: int, name) -> list[str]:
        ids = []
        for i in range(count):
            entity_id = f"{prefix}-{i}"
            entities.append({"id": entity_id, "name": name(i), "kind": kind})
            ids.append(entity_id)
        return ids

    people = add("person", "person", max(6, want["holds_role"] + want["signed"]), lambda i: f"Person {i:05d} Surname")
    countries = add("country", "country", max(4, want["backs"] + 2), lambda i: f"Country {i:05d}")
    sides = add("side", "faction", max(2, n // 150), lambda i: f"Side {i:04d} Alliance")
    documents = add("doc", "document", max(1, want["signed"] // 4), lambda i: f"Accord {i:04d}")
    events = add("event", "event", want["occurred"] + want["mediated"] + 2, lambda i: f"Event {i:05d} summit")
    places = add("place", "place", max(2, n // 100), lambda i: f"City {i:04d}")
    facts: list[dict] = []
    closures: list[dict] = []

    def cite(i: int) -> list[dict]:
        source = sources[i % len(sources)]["id"]
        return [{"source": source, "quote": f"statement {i} as reported"}]

    def fact(relation: str, **fields) -> None:
        facts.append({"id": f"f-{len(facts):06d}", "relation": relation, **fields,
                      "citations": cite(len(facts))})

    # signatures: each document signed by some people, refused by one, closed over a few others
    for i in range(want["signed"]):
        doc = documents[i % len(documents)]
        person = people[i]
        negated = i % 4 == 3
        fact("signed", subject=person, object=doc, negated=negated,
             **({} if negated else {"date": f"2020-01-{1 + i % 28:02d}", "place": places[i % len(places)]}))
    for d_index, doc in enumerate(documents):
        signers = [f["subject"] for f in facts if f["relation"] == "signed" and f["object"] == doc]
        extra = [p for p in rng.sample(people, min(3, len(people))) if p not in signers]
        closures.append({"relation": "signed", "kind": "complete", "object": doc, "among": signers + extra,
                         "reason": "Only the delegations listed signed."})
    # backers: each country backs one side
    for i in range(want["backs"]):
        fact("backs", subject=countries[i % len(countries)], object=sides[rng.randrange(len(sides))])
    seen_backers: set[str] = set()
    facts[:] = [f for f in facts if f["relation"] != "backs" or not (f["subject"] in seen_backers or
                                                                      seen_backers.add(f["subject"]))]
    closures.append({"relation": "backs", "kind": "functional", "reason": "Each backer backs one side."})
    # posts: one person, one post, one month
    for i in range(want["holds_role"]):
        fact("holds_role", subject=people[i], role=f"Minister {i % 9} of portfolio {i // 9}",
             of=countries[i % len(countries)], as_of=f"{2019 + (i // 12) % 3}-{1 + i % 12:02d}")
    # participation
    talks = events[-1]
    for i in range(want["mediated"]):
        fact("mediated", subject=people[-1 - i], object=events[-2 - (i % 50)])
    for i in range(want["took_part_in"]):
        fact("took_part_in", subject=people[i], object=talks)
    for i in range(want["proposed"]):
        fact("proposed", subject=people[-1 - i], object=documents[i % len(documents)])
    closures.append({"relation": "took_part_in", "kind": "complete", "object": talks,
                     "among": sorted({f["subject"] for f in facts if f["relation"] == "took_part_in"}) + [people[-1]],
                     "reason": "The participants are all listed."})
    # dates: each event once
    for i in range(want["occurred"]):
        precision = rng.random()
        date = f"{2015 + i % 8}-{1 + (i * 7) % 12:02d}-{1 + (i * 11) % 28:02d}"
        date = date if precision < 0.8 else date[:7] if precision < 0.95 else date[:4]
        fact("occurred", subject=events[i], date=date, place=places[i % len(places)])
    # figures
    for i in range(want["figure"]):
        fact("figure", subject=events[i % len(events)], according_to="the UN" if i % 2 else None,
             quantity={"value": rng.choice([8, 12, 280, 2000, 146000]) * (1 + i % 7), "unit": "people",
                       "qualifier": rng.choice(["exactly", "about", "more_than"]), "measure": f"people counted in survey {i}"})
    for f in facts:
        if f.get("according_to") is None:
            f.pop("according_to", None)
    # bases
    for i in range(want["based_in"]):
        fact("based_in", subject=people[i % len(people)], object=places[i % len(places)])
    seen_bases: set[str] = set()
    facts[:] = [f for f in facts if f["relation"] != "based_in" or not (f["subject"] in seen_bases or
                                                                         seen_bases.add(f["subject"]))]
    closures.append({"relation": "based_in", "kind": "functional", "reason": "Each side has one base."})
    return {
        "format": 1,
        "topic": {"id": f"synthetic-{n}", "title": f"Synthetic curriculum with {n} facts"},
        "sources": sources,
        "entities": entities,
        "relations": {"based_in": {"family": "roles", "shape": "binary", "label": "is based in",
                                   "object_kinds": ["place"],
                                   "templates": {"ask_object": "Where is {subject} based?",
                                                 "statement": "{subject} is based in {object}."}}},
        "facts": facts,
        "closures": closures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of facts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = yaml.safe_dump(make(args.n, args.seed), sort_keys=False, allow_unicode=True, width=120)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
