"""An independent judge of generated questions, written from the fact set alone.

It does not use the generators' proof code: for each question it re-derives from the
facts what is true, and reports any wrong option that the facts make true, any "false"
statement that the facts state, any "true" statement that no fact states, any answer that
no fact supports, and any claim only some sources make (``according_to``) or that the
sources dispute (``disputed``) used as if all sources agreed. It judges every question
kind of every shape: multiple choice, true/false, short answer, matching and ordering.

It reads wording only through names: an entity's name or phrase, a post, a date as
``PartialDate.human()`` writes it, a figure as the wording writes numbers. It makes no
assumption about the rest of a prompt's words.

Problems of one class that the figures generator is known to produce are reported with the
prefix ``QUALIFIER`` (a wrong figure that the answer's own qualifier makes true: "more than
140" beside the answer "more than 280"), so that a test can hold that class apart.
"""

from __future__ import annotations

import re

from quizgen.dates import MONTHS, PartialDate, first_day, last_day
from quizgen.facts import Fact, FactSet
from quizgen.questions import Question

QUALIFIER = "QUALIFIER"

_MONTH = "|".join(MONTHS)
_DATE = re.compile(rf"\b(?:(\d{{1,2}})[–-](\d{{1,2}}) ({_MONTH}) (\d{{4}})|(\d{{1,2}}) ({_MONTH}) (\d{{4}})"
                   rf"|({_MONTH}) (\d{{4}})|(\d{{4}}))\b")
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s*[–-]\s*(\d[\d,]*(?:\.\d+)?))?")
_QUALIFIER_WORDS = (("more than", "more_than"), ("at least", "at_least"), ("fewer than", "fewer_than"),
                    ("up to", "up_to"), ("almost", "almost"), ("nearly", "nearly"), ("about", "about"))


# -- small readers -----------------------------------------------------------------------

def _disjoint(a: PartialDate, b: PartialDate) -> bool:
    """The two dates cannot name the same day."""
    return last_day(a) < first_day(b) or last_day(b) < first_day(a)


def _span(fact: Fact) -> tuple[int, int]:
    assert fact.date is not None
    return first_day(fact.date), last_day(fact.until or fact.date)


def _apart(a: Fact, b: Fact) -> bool:
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return a1 < b0 or b1 < a0


def _dates_in(text: str) -> list[PartialDate]:
    found = []
    for m in _DATE.finditer(text):
        if m.group(1):
            year, month = int(m.group(4)), MONTHS.index(m.group(3)) + 1
            found += [PartialDate(year, month, int(m.group(1))), PartialDate(year, month, int(m.group(2)))]
        elif m.group(5):
            found.append(PartialDate(int(m.group(7)), MONTHS.index(m.group(6)) + 1, int(m.group(5))))
        elif m.group(8):
            found.append(PartialDate(int(m.group(9)), MONTHS.index(m.group(8)) + 1))
        else:
            found.append(PartialDate(int(m.group(10))))
    return found


def _date_of_option(text: str) -> PartialDate | None:
    dates = _dates_in(text)
    return dates[0] if len(dates) == 1 else None


def _names(facts: FactSet, entity_id: str) -> list[str]:
    entity = facts.entities[entity_id]
    return [entity.name, entity.phrase, *entity.aliases]


def _mentions(text: str, facts: FactSet, entity_id: str) -> bool:
    folded = text.casefold()
    return any(name.casefold() in folded for name in _names(facts, entity_id))


def _entity_by_name(facts: FactSet, name: str) -> str | None:
    for entity in facts.file.entities:
        if entity.name == name:
            return entity.id
    return None


def _entity_in(facts: FactSet, text: str, kinds: tuple[str, ...] = ()) -> str | None:
    """The entity whose name or phrase is the longest part of ``text``."""
    best, length = None, 0
    for entity in facts.file.entities:
        if kinds and entity.kind not in kinds:
            continue
        for name in (entity.name, entity.phrase):
            if name.casefold() in text.casefold() and len(name) > length:
                best, length = entity.id, len(name)
    return best


def _post(facts: FactSet, fact: Fact) -> str:
    if fact.post:
        return fact.post.casefold()
    role = fact.role or ""
    if fact.of:
        role = f"{role} of {facts.entities[fact.of].phrase}"
    return role.casefold()


def _attributed(facts: FactSet, question: Question) -> bool:
    prompt = question.prompt.casefold()
    return prompt.startswith("according to ") or any(
        f.according_to and (f"according to {f.according_to.casefold()}" in prompt
                            # a figure's template names who gave it ("What figure did the UN give …")
                            or (f.quantity is not None and f.according_to.casefold() in prompt))
        for f in (facts.facts[i] for i in question.facts))


def _without(text: str, facts: FactSet, entity_ids: list[str]) -> str:
    """The text with the names of these entities taken out (names may hold dates)."""
    for entity_id in entity_ids:
        for name in sorted(_names(facts, entity_id), key=len, reverse=True):
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def _interval(qualifier: str, low: float, high: float | None) -> tuple[float, float, bool, bool]:
    """What a figure claims, as (low, high, low open, high open)."""
    inf = float("inf")
    if high is not None:
        return low, high, False, False
    return {
        "exactly": (low, low, False, False),
        "about": (low * 0.9, low * 1.1, False, False),
        "more_than": (low, inf, True, False),
        "at_least": (low, inf, False, False),
        "fewer_than": (0.0, low, False, True),
        "up_to": (0.0, low, False, False),
        "almost": (low * 0.9, low, False, True),
        "nearly": (low * 0.9, low, False, True),
    }[qualifier]


def _implies(fact: tuple, option: tuple) -> bool:
    """Every value the fact's figure allows is one the option allows: the option is true too."""
    f_lo, f_hi, f_lo_open, f_hi_open = fact
    o_lo, o_hi, o_lo_open, o_hi_open = option
    low_ok = f_lo > o_lo or (f_lo == o_lo and (f_lo_open or not o_lo_open))
    high_ok = f_hi < o_hi or (f_hi == o_hi and (f_hi_open or not o_hi_open))
    return low_ok and high_ok


def _read_figure(text: str) -> tuple[str, float, float | None] | None:
    qualifier = "exactly"
    folded = text.casefold().strip()
    for words, key in _QUALIFIER_WORDS:
        if folded.startswith(words):
            qualifier = key
            break
    match = _FIGURE.search(text)
    if not match:
        return None
    low = float(match.group(1).replace(",", ""))
    high = float(match.group(2).replace(",", "")) if match.group(2) else None
    return qualifier, low, high


# -- the judge ---------------------------------------------------------------------------

def judge(facts: FactSet, question: Question) -> list[str]:
    """Return every problem with the question; empty when it is sound."""
    problems: list[str] = []
    unknown = [i for i in question.facts if i not in facts.facts]
    if unknown:
        return [f"unknown facts {unknown}"]
    used = [facts.facts[i] for i in question.facts]
    if not question.citations:
        problems.append("no citation")
    cited = {c.source for f in used for c in f.citations}
    if not cited & {c.source for c in question.citations}:
        problems.append("citations do not support the answer")
    if question.kind in ("multiple_choice", "true_false"):
        right = [o for o in question.options if o.correct]
        if len(right) != 1 or right[0].text != question.answer:
            problems.append("not exactly one right option, or it is not the answer")
        if question.answer not in question.choices:
            problems.append("answer is not among the choices")
    fact = used[0]
    shape = facts.kind_of(fact).shape
    judges = {"binary": _binary, "role": _role, "event": _event, "quantity": _quantity}
    problems += judges[shape](facts, question, used)
    return problems


def _true_binary(facts: FactSet) -> set[tuple]:
    return {(f.relation, f.subject, f.object) for f in facts.file.facts
            if facts.kind_of(f).shape == "binary" and not f.negated}


def _binary(facts: FactSet, question: Question, used: list[Fact]) -> list[str]:
    problems: list[str] = []
    true_binary = _true_binary(facts)
    fact = used[0]
    wrong = [o.text for o in question.options if not o.correct]
    attributed = _attributed(facts, question)

    # A claim only some sources make, or that they dispute, is asked only with its attribution.
    for f in used:
        if f.disputed and not attributed:
            problems.append(f"disputed fact {f.id!r} used without its attribution")

    if question.kind == "multiple_choice":
        for text in wrong:
            entity = _entity_by_name(facts, text)
            if question.template == "ask_subject" and (fact.relation, entity, fact.object) in true_binary:
                problems.append(f"option {text!r} is also true")
            if question.template == "ask_object" and (fact.relation, fact.subject, entity) in true_binary:
                problems.append(f"option {text!r} is also true")
            if question.template == "ask_not_subject" and (fact.relation, entity, fact.object) not in true_binary:
                problems.append(f"option {text!r} is not known to have done it")
        if question.template in ("ask_subject", "ask_not_subject"):
            if question.answer != facts.entities[fact.subject].name:
                problems.append("answer is not the fact's subject")
        if question.template == "ask_object" and question.answer != facts.entities[fact.object].name:
            problems.append("answer is not the fact's object")

    if question.kind == "true_false":
        if question.answer == "True":
            if fact.negated:
                problems.append("a negated fact was asked as true")
            elif not (_mentions(question.prompt, facts, fact.subject) and _mentions(question.prompt, facts, fact.object)):
                problems.append("the true statement does not name the fact's subject and object")
        elif fact.negated and len(used) == 1:
            if not (_mentions(question.prompt, facts, fact.subject) and _mentions(question.prompt, facts, fact.object)):
                problems.append("the false statement is not the negated fact's")
        else:
            # the false statement names some subject S and one of the facts' objects O: S must not be
            # known to do it, and what proves it false must be a claim all sources make
            objects = [o for o in dict.fromkeys(f.object for f in used) if _mentions(question.prompt, facts, o)]
            obj = max(objects, key=lambda o: len(facts.entities[o].phrase)) if objects else fact.object
            subject = _subject_named(facts, question.prompt, fact.relation, obj)
            if subject is None:
                problems.append("the false statement names no known subject")
            elif (fact.relation, subject, obj) in true_binary:
                problems.append(f"'false' statement is true: {question.prompt}")
            for f in used:
                if f.subject != subject:
                    continue
                if f.disputed:
                    problems.append(f"disputed fact {f.id!r} proves a statement false")
                elif f.according_to and not attributed:
                    problems.append(f"{f.according_to}'s claim {f.id!r} proves an unattributed statement false")

    if question.kind == "short_answer":
        if question.template == "ask_date" and (fact.date is None or question.answer != fact.date.human()):
            problems.append("the answer is not the fact's date")
        if question.template == "ask_place" and (fact.place is None or question.answer != facts.entities[fact.place].name):
            problems.append("the answer is not the fact's place")
        if question.template == "ask_object" and question.answer != facts.entities[fact.object].name:
            problems.append("the answer is not the fact's object")
        if question.template == "ask_subject" and question.answer != facts.entities[fact.subject].name:
            problems.append("the answer is not the fact's subject")

    if question.kind == "matching":
        by_pair = {(f.subject, f.object): f for f in used}
        for pair in question.pairs:
            left, right = _entity_by_name(facts, pair.left), _entity_by_name(facts, pair.right)
            if left is None:
                problems.append(f"unknown left item {pair.left!r}")
                continue
            matched = by_pair.get((left, right))
            if matched is None or (fact.relation, left, right) not in true_binary:
                problems.append(f"pair {pair.left!r} → {pair.right!r} is not a fact")
            elif matched.disputed:
                problems.append(f"disputed fact {matched.id!r} in a matching group")
    return problems


def _subject_named(facts: FactSet, prompt: str, relation: str, obj: str) -> str | None:
    """The subject a statement about the relation and object names: the entity named in it, other
    than the object, that comes first (the longest name where two start together)."""
    text = _without(prompt, facts, [obj])
    best, at, length = None, len(text) + 1, 0
    kinds = facts.relation_kinds[relation].subject_kinds
    for entity in facts.file.entities:
        if kinds and entity.kind not in kinds:
            continue
        for name in (entity.phrase, entity.name):
            index = text.casefold().find(name.casefold())
            if index >= 0 and (index < at or (index == at and len(name) > length)):
                best, at, length = entity.id, index, len(name)
    return best


def _role(facts: FactSet, question: Question, used: list[Fact]) -> list[str]:
    problems: list[str] = []
    fact = used[0]
    if fact.negated:  # a post not held: judged by tests/test_posts_not_held.py
        return problems
    wrong = [o.text for o in question.options if not o.correct]
    month = facts.as_of(fact).month_key()
    same_month = [f for f in facts.file.facts if facts.kind_of(f).shape == "role" and not f.negated
                  and facts.as_of(f).month_key() == month]
    several = {_post(facts, f) for f in same_month if f.holders == "several"}

    def held(person: str) -> set[str]:
        return {_post(facts, f) for f in same_month if f.subject == person}

    def holders(post: str) -> set[str]:
        return {f.subject for f in same_month if _post(facts, f) == post}

    if question.kind == "multiple_choice":
        if question.template == "ask_role":
            for text in wrong:
                if text.casefold() in held(fact.subject):
                    problems.append(f"post {text!r} is also held")
            if question.answer.casefold() not in held(fact.subject):
                problems.append("the answer is not a post the person held")
        if question.template == "ask_holder":
            post = _post(facts, fact)
            for text in wrong:
                if _entity_by_name(facts, text) in holders(post):
                    problems.append(f"{text!r} also held the post")
            if _entity_by_name(facts, question.answer) not in holders(post):
                problems.append("the answer did not hold the post")
    if question.kind == "short_answer":
        if question.template == "ask_holder" and _entity_by_name(facts, question.answer) not in holders(_post(facts, fact)):
            problems.append("the answer did not hold the post")
        if question.template == "ask_role" and question.answer.casefold() not in held(fact.subject):
            problems.append("the answer is not a post the person held")
    if question.kind == "true_false":
        posts = sorted({_post(facts, f) for f in same_month}, key=len, reverse=True)
        post = next((p for p in posts if p in question.prompt.casefold()), None)
        person = _entity_in(facts, _without(question.prompt, facts, [f.of for f in same_month if f.of]), ("person",))
        if post is None or person is None:
            problems.append("the statement names no known person and post")
        elif question.answer == "True" and post not in held(person):
            problems.append(f"'true' statement is not a fact: {question.prompt}")
        elif question.answer == "False":
            if post in held(person):
                problems.append(f"'false' statement is true: {question.prompt}")
            if post in several:
                problems.append("a post several hold at once proves nobody did not hold it")
    if question.kind == "matching":
        for pair in question.pairs:
            person = _entity_by_name(facts, pair.left)
            if person is None:
                problems.append(f"unknown left item {pair.left!r}")
            elif pair.right.casefold() not in held(person):
                problems.append(f"pair {pair.left!r} → {pair.right!r} is not a fact")
    return problems


def _event_of(facts: FactSet, text: str, events: list[Fact]) -> Fact | None:
    """The event fact whose subject an option or item names (the longest name wins)."""
    best, length = None, 0
    for f in events:
        for name in _names(facts, f.subject):
            if name.casefold() in text.casefold() and len(name) > length:
                best, length = f, len(name)
    return best


def _event(facts: FactSet, question: Question, used: list[Fact]) -> list[str]:
    problems: list[str] = []
    fact = used[0]
    if fact.date is None or getattr(fact, "ongoing", False) or any(getattr(f, "ongoing", False) for f in used):
        return problems  # a bound (`by`) or an open-ended event: judged by their own tests
    wrong = [o.text for o in question.options if not o.correct]
    events = [f for f in facts.file.facts if facts.kind_of(f).shape == "event" and f.date is not None]
    for f in used:
        if f.disputed and not _attributed(facts, question):
            problems.append(f"disputed fact {f.id!r} used without its attribution")

    if question.template == "ask_date" and question.kind == "multiple_choice":
        for text in wrong:
            date = _date_of_option(text)
            if date is None:
                problems.append(f"option {text!r} is not a date")
            elif not _disjoint(date, fact.date) or (fact.until and not _disjoint(date, fact.until)):
                problems.append(f"date {text!r} could be right")
    if question.template == "ask_date" and question.kind == "short_answer":
        if fact.until is None and question.answer != fact.date.human():
            problems.append("the answer is not the fact's date")
    if question.template == "ask_event":
        asked = _date_of_option(question.prompt) if fact.until is None else None
        if _event_of(facts, question.answer, events) is not fact:
            problems.append("the answer is not the asked event")
        for text in wrong:
            other = _event_of(facts, text, events)
            if other is None:
                problems.append(f"option {text!r} is no known event")
            elif any(not _apart(f, fact) for f in events if f.subject == other.subject):
                problems.append(f"event {text!r} could have taken place then")
        if asked is not None and not (first_day(asked) <= _span(fact)[0] and _span(fact)[1] <= last_day(asked)):
            problems.append("the answer did not take place on the asked date")
    if question.kind == "true_false" and question.template == "statement":
        text = _without(question.prompt, facts, [fact.subject] + ([fact.place] if fact.place else []))
        dates = _dates_in(text)
        if not dates:
            problems.append("the statement names no date")
        elif question.answer == "True":
            if fact.until is None and fact.date not in dates:
                problems.append(f"'true' statement does not give the fact's date: {question.prompt}")
        elif fact.until is None and not all(_disjoint(d, fact.date) for d in dates):
            problems.append(f"'false' statement's date could be right: {question.prompt}")
    if question.kind in ("ordering", "multiple_choice") and question.template in ("order", "first"):
        if any(not _apart(a, b) for i, a in enumerate(used) for b in used[i + 1:]):
            problems.append("items are not strictly ordered by the facts")
        if question.kind == "ordering":
            placed = [_event_of(facts, item, used) for item in question.items]
            if None in placed:
                problems.append("an item names no event of the question")
            elif [_span(f)[0] for f in placed] != sorted(_span(f)[0] for f in placed):
                problems.append("the items are not in the order of their dates")
        else:
            first = _event_of(facts, question.answer, used)
            if first is None or any(_span(f)[0] <= _span(first)[1] for f in used if f is not first):
                problems.append("the answer is not the earliest event")
    return problems


def _quantity(facts: FactSet, question: Question, used: list[Fact]) -> list[str]:
    problems: list[str] = []
    fact = used[0]
    q = fact.quantity
    assert q is not None
    for f in used:
        if f.disputed and not _attributed(facts, question):
            problems.append(f"disputed fact {f.id!r} used without its attribution")
    answer = _read_figure(question.answer)
    if answer is None or answer[1] != q.value or answer[2] != q.value_to:
        problems.append("the answer is not the fact's figure")
    if answer is not None and answer[0] != q.qualifier and q.value_to is None:
        problems.append("the answer does not keep the fact's qualifier")
    if question.kind == "multiple_choice":
        # other figures for the same measure (other sources) are right answers too when unattributed
        others = [f.quantity for f in facts.file.facts if f.quantity is not None and f is not fact
                  and f.subject == fact.subject and f.quantity.measure == q.measure]
        truth = _interval(q.qualifier, q.value, q.value_to)
        for option in question.options:
            if option.correct:
                continue
            read = _read_figure(option.text)
            if read is None:
                problems.append(f"option {option.text!r} is not a figure")
                continue
            if (read[1], read[2]) == (q.value, q.value_to):
                problems.append(f"option {option.text!r} gives the answer's figure")
            elif _implies(truth, _interval(*read)):
                problems.append(f"{QUALIFIER}: option {option.text!r} is true when the answer is")
            if not _attributed(facts, question) and any((o.value, o.value_to) == (read[1], read[2]) for o in others):
                problems.append(f"option {option.text!r} is another source's figure")
    return problems
