"""When each Anki note and note type last changed: the state file kept next to the fact file.

Anki updates a note on import only when the package's modification time is newer
than the collection's. So each note carries the time its *content* last changed:
unchanged notes keep their time (rebuilds are byte-identical and a learner's own
edits survive), changed notes get a newer one. The state file maps question id to
a hash of what the learner sees (the note's rendered fields and its deck; the
exporter computes it) and that time, and remembers retired questions so a build
can say which notes an import can no longer reach.

Note types (templates and CSS) are versioned on their own in ``note_types``: kind
-> hash and time. Anki updates a note type when the incoming one is newer, so a
template or CSS change reaches every learner on the next import, and a fact
correction leaves the note types (and a learner's own CSS) alone. Files written
before ``note_types`` existed are read as having none.

"now" is ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Mapping, Sequence

from .errors import QuizgenError, located
from .ids import previous_id
from .questions import Question

FORMAT = 1
LAYOUT = "1"  # only for content_hash, the fallback when no exporter hash is given


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
    type_times: dict[str, int] = dc_field(default_factory=dict)  # note type key -> modification time
    types_changed: tuple[str, ...] = ()

    @property
    def dirty(self) -> bool:
        return bool(self.changed or self.added or self.newly_retired or self.types_changed)


def content_hash(question: Question) -> str:
    """A stand-in for the exporter's hash of what a note shows: the question's JSON and the layout."""
    return hashlib.sha256(LAYOUT.encode() + b"\x1f" + question.model_dump_json().encode("utf-8")).hexdigest()[:16]


# Note times must fit Anki's collection and a ZIP file's dates: 1980-01-01 to 9999-12-31.
EARLIEST, LATEST = 315_532_800, 253_402_300_799
RECOVER = ("restore it from version control (git checkout -- {name}), or delete it: every note then counts "
           "as changed once and overwrites learners' own edits on import")


def now() -> int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        try:
            value = int(epoch.strip())
        except ValueError:
            raise QuizgenError(located("SOURCE_DATE_EPOCH", None, None, f"'{epoch[:40]}' is not a number of seconds",
                                       "unset it or give whole seconds since 1970")) from None
        if not EARLIEST <= value <= LATEST:
            raise QuizgenError(located("SOURCE_DATE_EPOCH", None, None,
                                       f"{value} is out of range (1980-01-01 to 9999-12-31 in seconds since 1970)",
                                       f"unset it or give whole seconds between {EARLIEST} and {LATEST}"))
        return value
    return int(time.time())


def _line_of(text: str, key: str, field: str | None = None) -> int | None:
    """The line holding ``"key":`` (and, given a field, the first ``"field":`` from there on)."""
    lines = text.splitlines()
    needle = json.dumps(key) + ":"
    for number, line in enumerate(lines, 1):
        if needle in line:
            if field:
                inner = json.dumps(field) + ":"
                for offset, rest in enumerate(lines[number - 1:]):
                    if inner in (rest.split(needle, 1)[1] if offset == 0 else rest):
                        return number + offset
            return number
    return None


def _damaged(path: Path, line: int | None, column: int | None, message: str) -> QuizgenError:
    return QuizgenError(located(str(path), line, column, f"the Anki state file is damaged: {message}",
                                RECOVER.format(name=path.name)))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load(path: Path, topic: str) -> dict:
    if not path.exists() and not path.is_symlink():
        return {"format": FORMAT, "topic": topic, "notes": {}}
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _damaged(path, None, None, f"not UTF-8 text (byte {exc.start + 1})") from None
    except OSError as exc:
        raise QuizgenError(located(str(path), None, None, f"cannot read the Anki state file: {exc.strerror or exc}",
                                   "give --state the path of a readable file")) from None
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _damaged(path, exc.lineno, exc.colno, f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise _damaged(path, None, None, "nested too deeply") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT or not isinstance(state.get("notes"), dict):
        raise _damaged(path, 1 if isinstance(state, dict) else None, None,
                       f"expected an object with \"format\": {FORMAT}, \"topic\" and \"notes\"")
    if state.get("topic") != topic:
        if not isinstance(state.get("topic"), str):
            raise _damaged(path, _line_of(text, "topic"), None, "\"topic\" is not text")
        raise QuizgenError(located(str(path), _line_of(text, "topic"), None,
                                   f"the Anki state file belongs to topic '{state.get('topic')}', not '{topic}'",
                                   "give each fact file its own state file (--state)"))
    types = state.get("note_types", {})
    if not isinstance(types, dict):
        raise _damaged(path, _line_of(text, "note_types"), None, "\"note_types\" is not an object")
    for key, entry in types.items():
        if (not isinstance(entry, dict) or not isinstance(entry.get("hash"), str)
                or not _is_int(entry.get("changed_at")) or not 0 <= entry["changed_at"] <= LATEST):
            raise _damaged(path, _line_of(text, key), None,
                           f"note type '{key[:80]}' needs a text \"hash\" and a whole-seconds \"changed_at\"")
    for qid, entry in state["notes"].items():
        problem, field = None, None
        if not isinstance(entry, dict):
            problem = "is not an object"
        elif not isinstance(entry.get("hash"), str):
            problem, field = "has no text \"hash\"", "hash"
        elif not _is_int(entry.get("changed_at")) or not 0 <= entry["changed_at"] <= LATEST:
            problem, field = "has no whole-seconds \"changed_at\"", "changed_at"
        elif entry.get("retired_at") is not None and (not _is_int(entry["retired_at"])
                                                      or not 0 <= entry["retired_at"] <= LATEST):
            problem, field = "has a \"retired_at\" that is neither null nor whole seconds", "retired_at"
        elif not isinstance(entry.get("kind", ""), str):
            problem, field = "has a \"kind\" that is not text", "kind"
        elif not isinstance(entry.get("prompt", ""), str):
            problem, field = "has a \"prompt\" that is not text", "prompt"
        if problem:
            raise _damaged(path, _line_of(text, qid, field if field and field in entry else None), None,
                           f"note '{qid[:80]}' {problem}")
    return state


def missing_warning(path: Path, out: Path, topic: str):
    """A warning when the state file is missing although ``out`` holds a deck an earlier build made."""
    deck = out / f"{topic}.apkg"
    if not deck.is_file():
        return None
    return located(str(path), None, None,
                   f"the Anki state file is missing, but {deck} was built before: every note gets a new time and "
                   "will overwrite learners' own edits when they import this deck",
                   f"restore it from version control (git checkout -- {path.name}) and build again; if it is lost "
                   "for good, build anyway: each note then updates once", severity="warning", code="state-missing")


def update(state: dict, questions: Sequence[Question], at: int, hashes: Mapping[str, str] | None = None,
           type_hashes: Mapping[str, str] | None = None) -> NoteTimes:
    """New times for ``questions`` (``hashes``: question id -> hash of what its note shows) and for the
    note types (``type_hashes``: key -> hash of its templates and CSS) as of ``at``."""
    notes = {k: dict(v) for k, v in state["notes"].items()}
    times: dict[str, int] = {}
    changed, added = [], []
    if hashes is not None:  # a question without a hash makes no note
        questions = [q for q in questions if q.id in hashes]
    current = {q.id for q in questions}
    for question in questions:
        digest = hashes[question.id] if hashes is not None else content_hash(question)
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
    types = {k: dict(v) for k, v in state.get("note_types", {}).items()}
    type_times: dict[str, int] = {}
    types_changed = []
    for key, digest in sorted((type_hashes or {}).items()):
        entry = types.get(key)
        if entry and entry["hash"] == digest:
            type_times[key] = int(entry["changed_at"])
            continue
        stamp = max(at, int(entry["changed_at"]) + 1 if entry else 0)
        types[key] = {"hash": digest, "changed_at": stamp}
        type_times[key] = stamp
        types_changed.append(key)
    new_state = {"format": FORMAT, "topic": state["topic"], "notes": dict(sorted(notes.items()))}
    if types:
        new_state["note_types"] = dict(sorted(types.items()))
    return NoteTimes(new_state, times, tuple(sorted(changed)), tuple(sorted(added)), retired,
                     tuple(sorted(newly_retired)), type_times, tuple(types_changed))


def dumps(state: dict) -> str:
    """One line per note, sorted: small diffs when a few notes change, and fast to write."""
    notes = state["notes"]
    lines = ",\n".join(f"  {json.dumps(qid)}: {json.dumps(entry, ensure_ascii=False, sort_keys=True)}"
                        for qid, entry in sorted(notes.items()))
    body = f"{{\n{lines}\n }}" if notes else "{}"
    types = state.get("note_types")
    kinds = ""
    if types:
        kinds = " \"note_types\": {\n" + ",\n".join(
            f"  {json.dumps(key)}: {json.dumps(entry, ensure_ascii=False, sort_keys=True)}"
            for key, entry in sorted(types.items())) + "\n },\n"
    return (f'{{\n "format": {state["format"]},\n "notes": {body},\n{kinds} '
            f'"topic": {json.dumps(state["topic"])}\n}}\n')



def save(path: Path, state: dict):
    """Write atomically (a temporary file beside it, then rename); return a function that puts
    the previous file back (or removes the new one)."""
    previous = path.read_bytes() if path.is_file() else None
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_text(dumps(state), encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    except OSError as exc:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise QuizgenError(located(str(path), None, None, f"cannot write the Anki state file: {exc.strerror or exc}",
                                   "check the folder's permissions and free disk space, or give --state another "
                                   "path; the output folder is unchanged")) from None

    def undo() -> None:
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(previous)

    return undo
