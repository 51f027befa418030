"""Posts: which post did P hold, who held R, true or false, match people to posts (role shape)."""

from __future__ import annotations

from collections import defaultdict

from ..facts import Fact
from ..ids import question_id
from ..questions import Pair, Question
from .binary import MATCH_SIZE, even_groups
from .common import Context, sentences
from .options import pick_with, question_random



def generate(ctx: Context) -> list[Question]:
    """Questions about posts, each in its relation kind's family."""
    families = sorted({kind.family for kind in ctx.facts.relation_kinds.values() if kind.shape == "role"})
    return [q for family in families for q in _family(ctx, family)]


def _family(ctx: Context, family: str) -> list[Question]:
    questions: list[Question] = []
    # a post without its statement in the file's words cannot be explained: it is not asked
    # (a disputed post is asked only with its attribution, and is never another question's option)
    asked = [f for f in ctx.facts.file.facts
             if ctx.facts.kind_of(f).family == family and ctx.facts.kind_of(f).shape == "role" and ctx.index.asked(f)
             and "statement" in ctx.facts.kind_of(f).templates]
    # a post someone did not hold ("was not") is asked as true or false only: it proves no other answer
    questions.extend(q for f in asked if f.negated for q in _not_held(ctx, family, f))
    # (month, person, post) -> the facts saying the person did not hold it: their own false statement
    # asks it, so no other question gives that person that post
    denied: dict[tuple, list[str]] = defaultdict(list)
    for f in asked:
        if f.negated and ctx.index.usable(f):
            denied[(ctx.facts.as_of(f).month_key(), f.subject, ctx.words.role_of(f).casefold())].append(f.id)
    asked = [f for f in asked if not f.negated]
    role_facts = [f for f in asked if ctx.index.usable(f)]
    by_month: dict[tuple, list[Fact]] = defaultdict(list)
    for fact in role_facts:
        by_month[ctx.facts.as_of(fact).month_key()].append(fact)

    posts = {f.id: ctx.words.role_of(f) for f in asked}
    folded = {fid: text.casefold() for fid, text in posts.items()}
    month_of = {f.id: ctx.facts.as_of(f).month_key() for f in asked}
    by_id = {month: sorted(fs, key=lambda f: f.id) for month, fs in by_month.items()}
    by_kind_id = {month: sorted(fs, key=lambda f: (ctx.facts.entities[f.subject].kind, f.id))
                  for month, fs in by_month.items()}
    held: dict[tuple, set[str]] = defaultdict(set)  # (month, person) -> folded posts
    own: dict[tuple, list[str]] = defaultdict(list)  # (month, person) -> fact ids
    same_post: dict[tuple, list[str]] = defaultdict(list)  # (month, folded post) -> fact ids
    # a post several hold at once proves no one's post or holding wrong
    several = {(month_of[f.id], folded[f.id]) for f in asked if f.holders == "several"}
    for f in role_facts:
        held[(month_of[f.id], f.subject)].add(folded[f.id])
        own[(month_of[f.id], f.subject)].append(f.id)
        same_post[(month_of[f.id], folded[f.id])].append(f.id)

    def post(fact: Fact) -> str:
        return posts[fact.id]

    def sentence(fact: Fact) -> str:
        t = ctx.facts.kind_of(fact).templates
        return ctx.words.render(t["statement"], ctx.words.values(fact)) or ""

    by_month_ids = {month: tuple(f.id for f in fs) for month, fs in by_month.items()}
    one_holder = ctx.words.text("one_holder")
    by_month_ids_sorted = {month: [f.id for f in fs] for month, fs in by_id.items()}
    position = {f.id: i for fs in by_id.values() for i, f in enumerate(fs)}
    for fact in asked:
        kind = ctx.facts.kind_of(fact)
        t = kind.templates
        values = ctx.words.values(fact)
        month = month_of[fact.id]
        own_posts = held[(month, fact.subject)]
        explanation = ctx.words.attributed(fact.according_to, sentence(fact))
        # Which post did P hold?  Another's post is proven not P's: a post has one holder at a time.
        if "ask_role" in t and (prompt := ctx.words.render(t["ask_role"], values, fact.according_to)):
            chosen = pick_with(((capital(post(f)), f"{sentence(f)} {one_holder}", f.id)
                                for f in by_id.get(month, ()) if f.subject != fact.subject
                                and folded[f.id] not in own_posts and (month, folded[f.id]) not in several),
                               capital(post(fact)))
            if len(chosen) >= 2:  # three options at least
                questions.append(ctx.build.multiple_choice(
                    family=family, template="ask_role", prompt=prompt, answer=(capital(post(fact)), explanation),
                    wrong=[(a, b) for a, b, _ in chosen], explanation=explanation, facts=[fact],
                    proofs=[*own[(month, fact.subject)], *(c for _, _, c in chosen)]))
        # Who held post R?  Anyone else is proven not to.
        if "ask_holder" in t and (month, folded[fact.id]) not in several and (prompt := ctx.words.render(t["ask_holder"], values, fact.according_to)):
            chosen = pick_with(((ctx.words.name(f.subject), f"{explanation} {one_holder}", f.id)
                                for f in by_kind_id.get(month, ())
                                if f.subject != fact.subject and folded[f.id] != folded[fact.id]),
                               ctx.words.name(fact.subject))
            if len(chosen) >= 2:
                questions.append(ctx.build.multiple_choice(
                    family=family, template="ask_holder", prompt=prompt, answer=(ctx.words.name(fact.subject), explanation),
                    wrong=[(a, b) for a, b, _ in chosen], explanation=explanation, facts=[fact],
                    proofs=[*own[(month, fact.subject)], *(c for _, _, c in chosen)]))
            else:
                questions.append(ctx.build.question(
                    family=family, kind="short_answer", template="ask_holder", prompt=prompt,
                    answer=ctx.words.name(fact.subject), accepted=ctx.words.aliases(fact.subject), explanation=explanation,
                    facts=[fact], variant="short_answer", proofs=by_month_ids.get(month, ())))
        # True or false: the fact itself, and the same post given to a peer (proven false).
        if "statement" in t and (prompt := ctx.words.render(t["statement"], values, fact.according_to)):
            questions.append(ctx.build.question(
                family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
                explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
            # the next peer after this fact in id order, so each person appears in about one false statement
            # (a disputed post proves no one else's false)
            ordered = by_id.get(month, []) if not fact.disputed and (month, folded[fact.id]) not in several else []
            start = position.get(fact.id, 0)
            peers = [f for f in ordered[start + 1:] + ordered[:start]
                     if f.subject != fact.subject and folded[fact.id] not in held[(month, f.subject)]
                     and (month, f.subject, folded[fact.id]) not in denied]
            # a near miss: a peer of the same country or organisation, else of the same entity kind
            kind_of = ctx.facts.entities[fact.subject].kind
            other = min(peers, key=lambda f: (f.of != fact.of or fact.of is None,
                                              ctx.facts.entities[f.subject].kind != kind_of), default=None)
            if other is not None:
                false_prompt = ctx.words.render(t["statement"], {**values, "subject": ctx.words.phrase(other.subject)})
                why = f"{explanation} {sentence(other)}"
                if false_prompt:
                    questions.append(ctx.build.question(
                        family=family, kind="true_false", template="statement", prompt=false_prompt,
                        answer=ctx.words.false, explanation=ctx.words.false_because(why), facts=[fact, other],
                        variant=f"false:{other.subject}", options=ctx.build.true_false(False, why),
                        proofs=[*own[(month, other.subject)],
                                *(i for s in {ctx.facts.facts[j].subject for j in same_post[(month, folded[fact.id])]}
                                  for i in own[(month, s)]),
                                *(_between(by_month_ids_sorted[month], position[fact.id], position[other.id])
                                  if other is peers[0] else by_month_ids_sorted[month]),
                                *(i for (m, _, p), ids in denied.items() if m == month and p == folded[fact.id]
                                  for i in ids)]))

    # Match people to posts, month by month.
    for month, facts in sorted(by_month.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        chosen, seen = [], set()
        for fact in sorted(facts, key=lambda f: f.id):
            if fact.subject in seen or "match" not in ctx.facts.kind_of(fact).templates \
                    or (month, folded[fact.id]) in several:
                continue
            seen.add(fact.subject)
            chosen.append(fact)
        if len(chosen) < 3:
            continue
        for number, group in enumerate(even_groups(chosen, MATCH_SIZE), 1):
            month_text = ctx.words.month(group[0])
            qid = question_id(family, "match", [f.id for f in group], f"{month_text}:{number}")
            rng = question_random(qid)
            group = sorted(group, key=lambda f: f.id)
            rng.shuffle(group)
            pairs = [Pair(left=ctx.words.name(f.subject), right=capital(post(f))) for f in group]
            right = sorted({p.right for p in pairs})
            rng.shuffle(right)
            kind = ctx.facts.kind_of(group[0])
            questions.append(ctx.build.question(
                family=family, kind="matching", template="match",
                prompt=f"{kind.templates['match']} ({month_text})", answer="; ".join(f"{p.left} → {p.right}" for p in sorted(pairs, key=lambda p: p.left)),
                explanation=sentences(sentence(f) for f in sorted(group, key=lambda f: ctx.words.name(f.subject))), facts=sorted(group, key=lambda f: f.id),
                variant=f"{month_text}:{number}", pairs=pairs, choices=right, proofs=by_month_ids[month], qid=qid))
    return questions


def _not_held(ctx: Context, family: str, fact: Fact) -> list[Question]:
    """A negated post: its own sentence ('In 1877, X was not Secretary of Y') is true, and the post
    given to the person is false. Asked only in the file's own words (a `negated_statement`)."""
    t = ctx.facts.kind_of(fact).templates
    if "negated_statement" not in t:
        return []
    values = ctx.words.values(fact)
    said = ctx.words.render(t["negated_statement"], values)
    if not said:
        return []
    explanation = ctx.words.attributed(fact.according_to, said)
    questions: list[Question] = []
    if prompt := ctx.words.render(t["negated_statement"], values, fact.according_to):
        questions.append(ctx.build.question(
            family=family, kind="true_false", template="negated_statement", prompt=prompt, answer=ctx.words.true,
            explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
    if prompt := ctx.words.render(t["statement"], values, fact.according_to):
        questions.append(ctx.build.question(
            family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.false,
            explanation=ctx.words.false_because(explanation), facts=[fact], variant="negated",
            options=ctx.build.true_false(False, explanation)))
    return questions


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _between(ids: list[str], start: int, end: int) -> list[str]:
    """The ids after position ``start`` and before ``end`` in the month's id order, going round:
    each was passed over as the peer of a false statement, so each decides it."""
    return ids[start + 1:end] if start < end else ids[start + 1:] + ids[:end]
