"""questions.json: the question bank every other output is made from."""

from __future__ import annotations

import json
from pathlib import Path

from ..questions import QuestionBank


def dumps(bank: QuestionBank) -> str:
    """Pretty at the top, one line per question: readable diffs, and fast (the C encoder)."""
    data = bank.model_dump(mode="json", exclude={"questions"})
    head = json.dumps(data, indent=2, ensure_ascii=False)[:-2]  # drop the closing "\n}"
    if not bank.questions:
        return head + ',\n  "questions": []\n}\n'
    lines = ",\n".join("    " + q.model_dump_json() for q in bank.questions)  # serialised in Rust: fast
    return f'{head},\n  "questions": [\n{lines}\n  ]\n}}\n'



def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    (folder / "questions.json").write_text(dumps(bank), encoding="utf-8", newline="\n")
    return ["questions.json"]
