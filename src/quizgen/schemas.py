"""JSON Schemas generated from the models (committed under docs/ for editors)."""

from __future__ import annotations

import json

KINDS = ("facts", "questions")


def build(kind: str) -> dict:
    if kind == "facts":
        from .facts import FactFile

        schema = FactFile.model_json_schema()
        schema["$id"] = "https://quizgen.invalid/schemas/facts.schema.json"
        schema["title"] = "quizgen fact file"
    else:
        from .questions import QuestionBank

        schema = QuestionBank.model_json_schema(mode="serialization")
        schema["$id"] = "https://quizgen.invalid/schemas/questions.schema.json"
        schema["title"] = "quizgen question bank (questions.json)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def render(kind: str) -> str:
    return json.dumps(build(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
