"""When each Anki note last changed: the state file kept next to the fact file.

Anki updates a note on import only when the package's modification time is newer
than the collection's. So each note carries the time its *content* last changed:
unchanged notes keep their time (rebuilds are byte-identical and a learner's own
edits survive), changed notes get a newer one. The state file maps question id to
content hash and that time, and remembers retired questions so a build can say
which notes an import can no longer reach.

"now" is ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .errors import QuizgenError, located
from .ids import previous_id
from .questions import Question

FORMAT = 1
LAYOUT = "1"  # bump when the card layout changes, so every note updates once


@dataclass(frozen=True)
class Retired:
    id: str
    kind: str
    prompt: str
    retired_at: int


@dataclass(frozen=True)
class NoteTimes:
    state: dict
    times: dict[str, int]  # question id -> modification time for its note
    changed: tuple[str, ...]
    added: tuple[str, ...]
    retired: tuple[Retired, ...]  # every retired note, newly or earlier
    newly_retired: tuple[str, ...]

    @property
    def dirty(self) -> bool:
        return bool(self.changed or self.added or self.newly_retired)


def content_hash(question: Question) -> str:
    """Everything a note shows, hashed: the question's JSON (fields in model order) and the layout."""
    return hashlib.sha256(LAYOUT.encode() + b"\x1f" + question.model_dump_json().encode("utf-8")).hexdigest()[:16]


def now() -> int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return int(epoch)
        except ValueError:
            raise QuizgenError(located("SOURCE_DATE_EPOCH", None, None, f"'{epoch}' is not a number of seconds",
                                       "unset it or give whole seconds since 1970")) from None
    return int(time.time())


def load(path: Path, topic: str) -> dict:
    if not path.exists():
        return {"format": FORMAT, "topic": topic, "notes": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise QuizgenError(located(str(path), line, getattr(exc, "colno", None), "the Anki state file is not valid JSON",
                                   "restore it from version control, or delete it (every note then counts as changed)")) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT or not isinstance(state.get("notes"), dict):
        raise QuizgenError(located(str(path), None, None, "the Anki state file has an unknown layout",
                                   "restore it from version control, or delete it"))
    if state.get("topic") != topic:
        raise QuizgenError(located(str(path), None, None,
                                   f"the Anki state file belongs to topic '{state.get('topic')}', not '{topic}'",
                                   "give each fact file its own state file (--state)"))
    return state


def update(state: dict, questions: Sequence[Question], at: int) -> NoteTimes:
    notes = {k: dict(v) for k, v in state["notes"].items()}
    times: dict[str, int] = {}
    changed, added = [], []
    current = {q.id for q in questions}
    for question in questions:
        digest = content_hash(question)
        entry = notes.get(question.id)
        old = None if entry or not notes else previous_id(question.family, question.template, question.facts, question.kind,
                                             question.id)
        if old in notes and notes[old].get("kind") == question.kind and \
                notes[old].get("hash") == content_hash(question.model_copy(update={"id": old})):
            # renamed, content unchanged: the old id's change time carries forward
            notes[question.id] = {**notes[old], "hash": digest, "retired_at": None}
            times[question.id] = int(notes[old]["changed_at"])
            continue
        if entry and entry.get("hash") == digest and entry.get("retired_at") is None:
            times[question.id] = int(entry["changed_at"])
            continue
        previous = int(entry["changed_at"]) if entry else 0
        stamp = max(at, previous + 1, int(entry.get("retired_at") or 0) + 1 if entry else 0)
        (changed if entry else added).append(question.id)
        notes[question.id] = {"hash": digest, "changed_at": stamp, "kind": question.kind, "prompt": question.prompt,
                              "retired_at": None}
        times[question.id] = stamp
    newly_retired = []
    for qid, entry in notes.items():
        if qid not in current and entry.get("retired_at") is None:
            entry["retired_at"] = max(at, int(entry["changed_at"]) + 1)
            newly_retired.append(qid)
    retired = tuple(Retired(qid, e["kind"], e["prompt"], int(e["retired_at"]))
                    for qid, e in sorted(notes.items()) if e.get("retired_at") is not None)
    new_state = {"format": FORMAT, "topic": state["topic"], "notes": dict(sorted(notes.items()))}
    return NoteTimes(new_state, times, tuple(sorted(changed)), tuple(sorted(added)), retired,
                     tuple(sorted(newly_retired)))


def dumps(state: dict) -> str:
    """One line per note, sorted: small diffs when a few notes change, and fast to write."""
    notes = state["notes"]
    lines = ",\n".join(f"  {json.dumps(qid)}: {json.dumps(entry, ensure_ascii=False, sort_keys=True)}"
                        for qid, entry in sorted(notes.items()))
    body = f"{{\n{lines}\n }}" if notes else "{}"
    return f'{{\n "format": {state["format"]},\n "notes": {body},\n "topic": {json.dumps(state["topic"])}\n}}\n'



def save(path: Path, state: dict) -> None:
    """Write atomically: a temporary file beside it, then rename."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(dumps(state), encoding="utf-8", newline="\n")
    os.replace(temporary, path)
