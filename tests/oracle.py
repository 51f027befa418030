"""An independent judge of generated questions, written from the fact set alone.

It does not use the generators' proof code: for each question it re-derives from the
facts what is true, and reports any wrong option that the facts make true, any
"false" statement that the facts state, and any answer that no fact supports.
"""

from __future__ import annotations

from quizgen.dates import PartialDate
from quizgen.facts import FactSet
from quizgen.questions import Question


def _disjoint(a: PartialDate, b: PartialDate) -> bool:
    if a.year != b.year:
        return True
    if a.month is None or b.month is None:
        return False
    if a.month != b.month:
        return True
    if a.day is None or b.day is None:
        return False
    return a.day != b.day


def _entity_by_name(facts: FactSet, name: str) -> str | None:
    for entity in facts.file.entities:
        if entity.name == name:
            return entity.id
    return None


def _post(facts: FactSet, fact) -> str:
    role = fact.role or ""
    if fact.of:
        role = f"{role} of {facts.entities[fact.of].phrase}"
    return role.casefold()


def judge(facts: FactSet, question: Question) -> list[str]:
    """Return every problem with the question; empty when it is sound."""
    problems: list[str] = []
    used = [facts.facts[i] for i in question.facts]
    if not question.citations:
        problems.append("no citation")
    cited = {c.source for f in used for c in f.citations}
    if not cited & {c.source for c in question.citations}:
        problems.append("citations do not support the answer")
    true_binary = {(f.relation, f.subject, f.object) for f in facts.file.facts
                   if facts.kind_of(f).shape == "binary" and not f.negated}
    fact = used[0]
    kind = facts.kind_of(fact)
    wrong = [o.text for o in question.options if not o.correct]

    if kind.shape == "binary" and question.kind == "multiple_choice":
        for text in wrong:
            entity = _entity_by_name(facts, text)
            if question.template == "ask_subject" and (fact.relation, entity, fact.object) in true_binary:
                problems.append(f"option {text!r} is also true")
            if question.template == "ask_object" and (fact.relation, fact.subject, entity) in true_binary:
                problems.append(f"option {text!r} is also true")
            if question.template == "ask_not_subject" and (fact.relation, entity, fact.object) not in true_binary:
                problems.append(f"option {text!r} is not known to have done it")
        if question.template in ("ask_subject", "ask_not_subject"):
            expected = facts.entities[fact.subject].name
            if question.answer != expected:
                problems.append("answer is not the fact's subject")
    if kind.shape == "binary" and question.kind == "true_false":
        if question.answer == "False":
            if question.id.find("statement") >= 0 and fact.negated:
                pass  # the fact itself says it did not happen
            else:
                # the false statement names some subject S and the fact's object
                for entity in facts.file.entities:
                    if question.prompt.startswith(entity.phrase[:1].upper() + entity.phrase[1:] + " ") or \
                            question.prompt.startswith(f"According to {fact.according_to}, {entity.phrase} "):
                        if (fact.relation, entity.id, fact.object) in true_binary:
                            problems.append(f"'false' statement is true: {question.prompt}")
        elif fact.negated:
            problems.append("a negated fact was asked as true")
    if kind.shape == "role" and question.kind == "multiple_choice":
        month = facts.as_of(fact).month_key()
        same_month = [f for f in facts.file.facts if facts.kind_of(f).shape == "role"
                      and facts.as_of(f).month_key() == month]
        if question.template == "ask_role":
            held = {_post(facts, f) for f in same_month if f.subject == fact.subject}
            for text in wrong:
                if text.casefold() in held:
                    problems.append(f"post {text!r} is also held")
        if question.template == "ask_holder":
            holders = {f.subject for f in same_month if _post(facts, f) == _post(facts, fact)}
            for text in wrong:
                if _entity_by_name(facts, text) in holders:
                    problems.append(f"{text!r} also held the post")
    if kind.shape == "event" and question.kind == "multiple_choice" and question.template == "ask_date":
        from quizgen.dates import MONTHS

        for text in wrong:
            parts = text.split()
            if len(parts) == 3:
                date = PartialDate(int(parts[2]), MONTHS.index(parts[1]) + 1, int(parts[0]))
            elif len(parts) == 2:
                date = PartialDate(int(parts[1]), MONTHS.index(parts[0]) + 1)
            else:
                date = PartialDate(int(parts[0]))
            if not _disjoint(date, fact.date):
                problems.append(f"date {text!r} could be right")
    if question.kind == "ordering":
        dates = [f.date for f in sorted(used, key=lambda f: f.date.sort_key())]
        if any(not _disjoint(a, b) for i, a in enumerate(dates) for b in dates[i + 1:]):
            problems.append("ordering items are not strictly ordered by the facts")
    if question.kind == "matching":
        for pair in question.pairs:
            left = _entity_by_name(facts, pair.left)
            if left is None:
                problems.append(f"unknown left item {pair.left!r}")
    return problems
