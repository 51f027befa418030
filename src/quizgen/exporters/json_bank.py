"""questions.json: the question bank every other output is made from."""

from __future__ import annotations

import json
from pathlib import Path

from ..questions import QuestionBank


def dumps(bank: QuestionBank) -> str:
    return json.dumps(bank.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    (folder / "questions.json").write_text(dumps(bank), encoding="utf-8", newline="\n")
    return ["questions.json"]
