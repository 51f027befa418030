"""Questions about binary relations (X signed D, X backs S, X mediated E), for any family."""

from __future__ import annotations

import heapq
from functools import partial
from typing import Callable

from ..dates import MONTHS, PartialDate
from ..facts import Fact, RelationKind
from ..ids import question_id
from ..questions import Pair, Question
from .common import Context, sentences, with_details
from .options import pick, question_random

MATCH_SIZE = 5


def date_forms(date: PartialDate) -> list[str]:
    forms = [date.human(), date.iso()]
    if date.day is not None and date.month is not None:
        forms.append(f"{MONTHS[date.month - 1]} {date.day}, {date.year}")
    return forms


def generate(ctx: Context) -> list[Question]:
    """Questions about every binary relation, each in its relation kind's family."""
    families = sorted({kind.family for kind in ctx.facts.relation_kinds.values() if kind.shape == "binary"})
    return [q for family in families for q in binary_questions(ctx, family)]


def _relation_facts(ctx: Context, family: str) -> dict[str, tuple[RelationKind, list[Fact]]]:
    by_relation: dict[str, list[Fact]] = {}
    for fact in ctx.facts.file.facts:
        by_relation.setdefault(fact.relation, []).append(fact)
    result: dict[str, tuple[RelationKind, list[Fact]]] = {}
    for name, kind in sorted(ctx.facts.relation_kinds.items()):
        if kind.family == family and kind.shape == "binary" and by_relation.get(name):
            result[name] = (kind, by_relation[name])
    return result


def _plausible_first(ctx: Context, relation: str, entities, limit: int = 12) -> list[str]:
    """The most plausible few: entities already in the relation first, then by name."""
    involved = ctx.index.involved[relation]
    return heapq.nsmallest(limit, entities, key=lambda e: (e not in involved, ctx.words.name(e), e))


def binary_questions(ctx: Context, family: str) -> list[Question]:
    questions: list[Question] = []
    for relation, (kind, facts) in _relation_facts(ctx, family).items():
        t = kind.templates
        false_statements: list[Question] = []
        # One "which of these ..." question per object (the same prompt twice would be a duplicate):
        # the fact with the most provable distractors asks it, ties going to the smaller fact id.
        # Every fact naming the object competes, so each is among the question's proofs.
        per_object: dict[tuple[str, str], tuple[int, str, Callable[[], Question]]] = {}

        def offer(key: tuple[str, str], fact: Fact, distractors: int, build: Callable[[], Question]) -> None:
            score = (-distractors, fact.id)
            if key not in per_object or score < per_object[key][:2]:
                per_object[key] = (*score, build)
        for fact in facts:
            if not ctx.index.usable(fact) and not fact.according_to:
                continue
            values = ctx.words.values(fact)
            attribution = fact.according_to
            subject, obj = fact.subject, fact.object
            assert obj is not None
            # Without its statement in the file's words, a fact cannot be explained: it is not asked.
            support = ctx.words.render(t["statement"], values) if "statement" in t else None
            if not support:
                continue
            if fact.negated:
                # ... and a negated fact needs its negated statement ("did not sign"), never a made-up one.
                negated_text = ctx.words.render(t["negated_statement"], values) if "negated_statement" in t else None
                if not negated_text:
                    continue
                # Which of these did not X O?  (the others provably did)
                if "ask_not_subject" in t:
                    same_kind = [c for c in ctx.index.subjects_of.get((relation, obj), ())
                                 if ctx.facts.entities[c].kind == ctx.facts.entities[subject].kind]
                    options = _plausible_first(ctx, relation, same_kind)
                    wrong = [(ctx.words.name(c), ctx.words.render(t["statement"], {**values, "subject": ctx.words.phrase(c)}) or "")
                             for c in options]
                    wrong = pick(wrong, ctx.words.name(subject))
                    prompt = ctx.words.render(t["ask_not_subject"], values, attribution)
                    if len(wrong) >= 2 and prompt:
                        offer(("ask_not_subject", obj), fact, len(wrong), partial(
                            ctx.build.multiple_choice, family=family, template="ask_not_subject", prompt=prompt,
                            answer=(ctx.words.name(subject), negated_text), wrong=wrong, explanation=negated_text,
                            facts=[fact], proofs=partial(ctx.index.about, relation, obj, *options)))
                prompt = ctx.words.render(t["statement"], values, attribution)
                if prompt:
                    false_statements.append(ctx.build.question(
                        family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.false,
                        explanation=negated_text, facts=[fact], variant="negated",
                        options=ctx.build.true_false(False, negated_text)))
                continue

            details = []
            if fact.date:
                details.append(fact.date.human())
            if fact.place:
                details.append(ctx.words.name(fact.place))
            explanation = ctx.words.attributed(attribution, with_details(support, details))

            # Which of these X'd O?
            if "ask_subject" in t:
                candidates = [c for c in ctx.proofs.wrong_subjects(relation, obj, ctx.facts.entities[subject].kind)
                              if c != subject]
                wrong = pick(((ctx.words.name(c), ctx.proofs.proves_not(relation, c, obj) or "") for c in candidates),
                             ctx.words.name(subject))
                prompt = ctx.words.render(t["ask_subject"], values, attribution)
                if len(wrong) >= 2 and prompt:
                    offer(("ask_subject", obj), fact, len(wrong), partial(
                        ctx.build.multiple_choice, family=family, template="ask_subject", prompt=prompt,
                        answer=(ctx.words.name(subject), support), wrong=wrong, explanation=explanation, facts=[fact],
                        proofs=partial(ctx.index.rests_on, relation, obj, candidates, True),
                        evidence=_ruling_out(ctx, relation, wrong, ((c, obj) for c in candidates), 0)))
            # What did S X?  Not asked when S is said to have several: the question would have two answers.
            if "ask_object" in t and _single_object(ctx, relation, subject):
                candidates = [c for c in ctx.proofs.wrong_objects(relation, subject, ctx.facts.entities[obj].kind)
                              if c != obj]
                wrong = pick(((ctx.words.name(c), ctx.proofs.proves_not(relation, subject, c) or "") for c in candidates),
                             ctx.words.name(obj))
                prompt = ctx.words.render(t["ask_object"], values, attribution)
                if prompt and len(wrong) >= 2:
                    questions.append(ctx.build.multiple_choice(
                        family=family, template="ask_object", prompt=prompt, answer=(ctx.words.name(obj), support),
                        wrong=wrong, explanation=explanation, facts=[fact],
                        proofs=ctx.index.rests_on(relation, subject, candidates, False),
                        evidence=_ruling_out(ctx, relation, wrong, ((subject, c) for c in candidates), 1)))
                elif prompt and len(ctx.index.objects_of[(relation, subject)]) == 1 and _object_unique(ctx, relation, subject):
                    questions.append(ctx.build.question(
                        family=family, kind="short_answer", template="ask_object", prompt=prompt,
                        answer=ctx.words.name(obj), accepted=ctx.words.aliases(obj), explanation=explanation, facts=[fact],
                        variant="short_answer", proofs=ctx.index.about(relation, subject)))
            # When / where?
            for key, value, accepted in (("ask_date", fact.date, date_forms(fact.date) if fact.date else []),
                                         ("ask_place", fact.place, ctx.words.aliases(fact.place) if fact.place else [])):
                prompt = ctx.words.render(t[key], values, attribution) if key in t and value else None
                if prompt:
                    questions.append(ctx.build.question(
                        family=family, kind="short_answer", template=key, prompt=prompt, answer=accepted[0],
                        accepted=accepted, explanation=explanation, facts=[fact]))
            # True or false?
            prompt = ctx.words.render(t["statement"], values, attribution)
            if prompt:
                questions.append(ctx.build.question(
                    family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
                    explanation=explanation, facts=[fact], options=ctx.build.true_false(True, support)))

        questions.extend(build() for _, _, build in (per_object[k] for k in sorted(per_object)))
        questions.extend(false_statements)
        questions.extend(_proven_false_statements(ctx, family, relation, kind, facts))
        if "match" in t and "statement" in t:
            questions.extend(_matching(ctx, family, relation, kind, facts))
    return questions


def even_groups(items: list, size: int) -> list[list]:
    """Split into the fewest groups of at most ``size``, as even as possible (7 -> 4 + 3)."""
    count = -(-len(items) // size)
    return [items[i::count] for i in range(count)]


def _single_object(ctx: Context, relation: str, subject: str) -> bool:
    """True when no two positive facts of the relation, disputed or attributed ones included,
    give the subject different objects."""
    objects = {ctx.facts.facts[fid].object for fid in ctx.index.mentions.get((relation, subject), ())
               if ctx.facts.facts[fid].subject == subject and not ctx.facts.facts[fid].negated}
    return len(objects) <= 1


def _object_unique(ctx: Context, relation: str, subject: str) -> bool:
    """True when a closure says the subject's objects are all listed (so a short answer is unambiguous)."""
    for closure in ctx.index.closures.get(relation, ()):
        in_scope = closure.among == "all" or subject in closure.among
        if closure.kind == "functional" and in_scope:
            return True
        if closure.kind == "complete" and closure.subject == subject:
            return True
    return False


def _proven_false_statements(ctx: Context, family: str, relation: str, kind: RelationKind,
                             facts: list[Fact]) -> list[Question]:
    """False statements built only from pairs the fact set proves false, to balance the true ones:
    for each object, as many as its true statements outnumber its own false ones. Each rests on
    the facts naming its object or its subject, and on nothing else. Its evidence is what proves it
    false: the fact it contradicts (the subject's own, else the anchor a complete list closes) and
    the closure."""
    if "statement" not in kind.templates:
        return []
    anchors: dict[str, Fact] = {}
    true_count: dict[str, int] = {}
    false_count: dict[str, int] = {}
    for fact in facts:  # the file's first fact about an object anchors its false statements
        if fact.object is None:
            continue
        if fact.negated:
            if ctx.index.usable(fact) or fact.according_to:
                false_count[fact.object] = false_count.get(fact.object, 0) + 1
        elif ctx.index.usable(fact) or fact.according_to:
            true_count[fact.object] = true_count.get(fact.object, 0) + 1
            if ctx.index.usable(fact) and not fact.according_to:
                anchors.setdefault(fact.object, fact)
    chosen = []
    for obj, anchor in sorted(anchors.items()):
        needed = true_count.get(obj, 0) - false_count.get(obj, 0)
        found = 0
        for subject in ctx.proofs.wrong_subjects(relation, obj, ctx.facts.entities[anchor.subject].kind, limit=4):
            if found >= needed:
                break
            if (relation, subject, obj) in ctx.index.negated:
                continue  # already asked from its own fact
            disproof = ctx.proofs.disproof(relation, subject, obj)
            if disproof:
                chosen.append((subject, obj, anchor, disproof))
                found += 1
    result = []
    for subject, obj, anchor, disproof in chosen:
        why = disproof.reason
        values = {**ctx.words.values(anchor), "subject": ctx.words.phrase(subject)}
        prompt = ctx.words.render(kind.templates["statement"], values)
        if not prompt:
            continue
        support = [anchor]
        own = sorted(ctx.index.objects_of.get((relation, subject), ()))
        if own:
            support.append(ctx.index.positive[(relation, subject, own[0])][0])
        result.append(ctx.build.question(
            family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.false,
            explanation=ctx.words.false_because(why), facts=support, variant=f"false:{subject}:{obj}",
            options=ctx.build.true_false(False, why), proofs=ctx.index.about(relation, subject, obj),
            cited=(), evidence=disproof.evidence() if disproof.facts else [("contradicts", anchor), *disproof.evidence()]))
    return result


def _ruling_out(ctx: Context, relation: str, wrong, pairs, position: int) -> list:
    """What proves the shown wrong options wrong: for each (subject, object) pair whose option (the
    entity at ``position``) is shown, the facts and closure of its disproof."""
    shown = {text for text, _ in wrong}
    evidence: list = []
    for pair in pairs:
        if ctx.words.name(pair[position]) in shown:
            disproof = ctx.proofs.disproof(relation, *pair)
            if disproof:
                evidence.extend(disproof.evidence("rules_out"))
    return evidence


def _matching(ctx: Context, family: str, relation: str, kind: RelationKind, facts: list[Fact]) -> list[Question]:
    """Match subjects to objects; only subjects with one object that the fact set pins down."""
    chosen: list[Fact] = []
    seen: set[str] = set()
    for fact in sorted(facts, key=lambda f: f.id):
        if fact.negated or not ctx.index.usable(fact) or fact.subject in seen or fact.object is None:
            continue
        if len(ctx.index.objects_of[(relation, fact.subject)]) != 1 or not _object_unique(ctx, relation, fact.subject):
            continue
        seen.add(fact.subject)
        chosen.append(fact)
    objects = {f.object for f in chosen}
    if len(chosen) < 3 or len(objects) < 2:
        return []
    result = []
    everything = tuple(f.id for f in facts)  # the groups are cut from all of the relation's facts
    for number, group in enumerate(even_groups(chosen, MATCH_SIZE), 1):
        qid = question_id(family, "match", [f.id for f in group], str(number))
        rng = question_random(qid)
        group = sorted(group, key=lambda f: f.id)
        rng.shuffle(group)
        pairs = [Pair(left=ctx.words.name(f.subject), right=ctx.words.name(f.object)) for f in group]
        right = sorted({p.right for p in pairs})
        rng.shuffle(right)
        prompt = kind.templates["match"]
        if len({p.right for p in pairs}) < len(pairs):
            prompt += " " + ctx.words.text("answers_reused")
        answer = "; ".join(f"{p.left} → {p.right}" for p in sorted(pairs, key=lambda p: p.left))
        attributions = sorted({f.according_to for f in group if f.according_to})
        explanation = sentences(ctx.words.render(kind.templates["statement"], ctx.words.values(f)) or ""
                                for f in sorted(group, key=lambda f: ctx.words.name(f.subject)))
        if attributions:
            explanation = ctx.words.text("according_to_some", text=explanation,
                                      sources=ctx.words.text("list_separator").join(attributions))
        result.append(ctx.build.question(
            family=family, kind="matching", template="match", prompt=prompt, answer=answer, explanation=explanation,
            facts=sorted(group, key=lambda f: f.id), variant=str(number), pairs=pairs, choices=right,
            proofs=everything, qid=qid))
    return result
